"""W3C Web Annotation (JSON-LD): read and written. Pure, no Django.

The reader takes an AnnotationCollection, an AnnotationPage, one Annotation or a JSON
list of them, checked first against the data model's musts; each tag
needs one ``tagging`` body (its label) and a TextPositionSelector and/or
TextQuoteSelector on one article, found by the import service with anchoring.locate.
The writer streams a collection with one embedded page, attributes as classifying bodies,
the note as a commenting body and links as linking / identifying bodies.
"""

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import quote as url_quote

from annotations.interchange.records import (
    ATTRIBUTED_TO,
    FRAGMENT_OF,
    Document,
    Group,
    ImportFormatError,
    Link,
    Links,
    Span,
    TagRecord,
    attribute_text,
    iso,
)
from newsdesk.ingest import LANGUAGE_CODE

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


# Reading


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S*")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
_ARTICLE_PATH = re.compile(r"/articles/(\d+)/?(?:[?#].*)?$")
_USER_ID = re.compile(r"(?:^urn:newsdesk:user:|/users/)([^/]+)/?$")


def read_w3c(data: str, *, name: str) -> list[Document]:
    """An AnnotationCollection, an AnnotationPage, one Annotation or a JSON list of them."""
    try:
        root = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"not valid JSON ({exc.msg} at column {exc.colno}).", name=name, line=exc.lineno
        ) from None
    items = _w3c_items(root, name=name)
    lines = _Lines(data)
    documents: dict[str, Document] = {}
    for index, item in enumerate(items, start=1):
        line = lines.of(item.get("id")) if isinstance(item, dict) else None
        where = f"annotation {index}"

        def fail(message: str, line=line, where=where) -> ImportFormatError:
            return ImportFormatError(message, name=name, line=line, where=where)

        _check_model(item, fail)
        spans, links, source = _w3c_spans(item, index, fail)
        for span in spans:
            span.line, span.where = line, where
        language = target_language(item)
        if language and not re.fullmatch(LANGUAGE_CODE, language):
            raise fail(
                f"the target's language must be one language code such as en, not {language}."
            )
        if source in documents and language and documents[source].language not in ("", language):
            raise fail(f"the target's language {language} differs from an earlier one's.")
        if source not in documents:
            match = _ARTICLE_PATH.search(re.sub(r"^[a-z]+://[^/]+", "", source))
            documents[source] = Document(
                name=name,
                text=None,
                article_id=int(match[1]) if match else None,
                source=source,
                line=line,
            )
        documents[source].language = documents[source].language or language
        documents[source].spans.extend(spans)
        documents[source].links.extend(links)
    if not documents:
        raise ImportFormatError("the file holds no annotations.", name=name)
    return list(documents.values())


def target_language(item: dict) -> str:
    """The language a target (or its source resource) states, or ""."""
    targets = item.get("target")
    target = targets[0] if isinstance(targets, list) and targets else targets
    if not isinstance(target, dict):
        return ""
    language = target.get("language")
    if language is None and isinstance(target.get("source"), dict):
        language = target["source"].get("language")
    if isinstance(language, list) and len(language) == 1:
        language = language[0]
    if language is None:
        return ""
    return language if isinstance(language, str) else json.dumps(language)[:40]


class _Lines:
    """The line of each annotation's id, found from where the last one was (ids come in
    order), so a file of thousands is searched once, not once per annotation."""

    def __init__(self, data: str) -> None:
        self.data, self.cursor, self.line = data, 0, 1

    def of(self, value: Any) -> int | None:
        if not isinstance(value, str):
            return None
        needle = json.dumps(value)
        found = self.data.find(needle, self.cursor)
        if found < 0:
            found = self.data.find(needle)
            if found < 0:
                return None
            self.cursor, self.line = 0, 1
        self.line += self.data.count("\n", self.cursor, found)
        self.cursor = found
        return self.line


def _has_context(node: Any) -> bool:
    context = node.get("@context") if isinstance(node, dict) else None
    return context == W3C_CONTEXT or (isinstance(context, list) and W3C_CONTEXT in context)


def _types(node: dict) -> list:
    kind = node.get("type")
    return kind if isinstance(kind, list) else [kind]


def _w3c_items(root: Any, *, name: str) -> list:
    def fail(message: str) -> ImportFormatError:
        return ImportFormatError(message, name=name, line=1)

    if isinstance(root, list):
        if not all(isinstance(item, dict) for item in root):
            raise fail("a list must hold annotation objects only.")
        for item in root:
            if "@context" in item and not _has_context(item):
                raise fail(f"an annotation's @context must be {W3C_CONTEXT}.")
        return root
    if not isinstance(root, dict):
        raise fail("the file must hold a JSON object or a list of annotations.")
    if not _has_context(root):
        raise fail(
            f"the @context must be (or include) {W3C_CONTEXT}: this is not a Web "
            "Annotation document."
        )
    kinds = _types(root)
    if "AnnotationCollection" in kinds:
        first = root.get("first")
        if not isinstance(first, dict):
            raise fail("the collection does not embed its first page; export it with its items.")
        return _page_items(first, fail)
    if "AnnotationPage" in kinds:
        return _page_items(root, fail)
    return [root]


def _page_items(page: dict, fail) -> list:
    items = page.get("items")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise fail("an AnnotationPage needs a list of annotation “items”.")
    return items


def _is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.fullmatch(value))


def _check_model(item: Any, fail) -> None:
    """The Web Annotation data model's musts that a file can break (W3C test suite).

    Every problem found is named at once, so a file can be mended in one go.
    """
    if not isinstance(item, dict):
        raise fail("an annotation must be a JSON object.")
    problems: list[str] = []
    _model_problems(item, problems.append)
    if problems:
        raise fail("not a valid Web Annotation: " + " ".join(problems))


def _model_problems(item: dict, problem) -> None:
    if "Annotation" not in _types(item):
        problem(f"the type must be “Annotation”, not {json.dumps(item.get('type'))}.")
    if "id" in item and not _is_iri(item["id"]):
        problem(f"the id must be one IRI, not {json.dumps(item['id'])[:80]}.")
    if "target" not in item:
        problem("an annotation needs a target.")
    targets = item.get("target", [])
    targets = targets if isinstance(targets, list) else [targets]
    for target in targets:
        if not (_is_iri(target) or isinstance(target, dict)):
            problem(f"a target must be an IRI or an object, not {json.dumps(target)[:80]}.")
        if isinstance(target, dict):
            _check_resource(target, problem, "target")
    if "body" in item and "bodyValue" in item:
        problem("an annotation has either a body or a bodyValue, not both.")
    if "bodyValue" in item and not isinstance(item["bodyValue"], str):
        problem("bodyValue must be one string.")
    bodies = item.get("body", [])
    for body in bodies if isinstance(bodies, list) else [bodies]:
        if not (_is_iri(body) or isinstance(body, dict)):
            problem(f"a body must be an IRI or an object, not {json.dumps(body)[:80]}.")
        if isinstance(body, dict):
            _check_resource(body, problem, "body")
    for agent in ("creator", "generator"):
        values = item.get(agent, [])
        for value in values if isinstance(values, list) else [values]:
            if not (_is_iri(value) or isinstance(value, dict)):
                problem(f"{agent} must be an IRI or an object, not {json.dumps(value)[:80]}.")
    for stamp in ("created", "modified", "generated"):
        if stamp in item and not (
            isinstance(item[stamp], str) and _DATETIME.fullmatch(item[stamp])
        ):
            problem(
                f"{stamp} must be one date and time (xsd:dateTime), not "
                f"{json.dumps(item[stamp])[:80]}."
            )
    for key in ("rights", "via", "canonical"):
        values = item.get(key, [])
        if key == "canonical" and key in item:
            values = [values]
        for value in values if isinstance(values, list) else [values]:
            if not _is_iri(value):
                problem(f"{key} must be an IRI, not {json.dumps(value)[:80]}.")


def _check_resource(node: dict, problem, what: str) -> None:
    kinds = _types(node)
    if "SpecificResource" in kinds and "source" not in node:
        problem(f"a SpecificResource {what} needs a source.")
    if len([k for k in kinds if k in ("Choice", "List", "Composite", "Independents")]) > 1:
        problem(f"a {what} cannot be several kinds of set at once.")
    if "TextualBody" in kinds and not isinstance(node.get("value"), str):
        problem("a TextualBody needs one string value.")
    if {"Choice", "List", "Composite", "Independents"} & set(kinds):
        items = node.get("items")
        if not isinstance(items, list) or not items:
            problem(f"a set of resources ({kinds[0]}) needs its “items” as a list.")
        for part in items if isinstance(items, list) else []:
            if isinstance(part, dict):
                _check_resource(part, problem, what)
            elif not _is_iri(part):
                problem(f"an item must be an IRI or an object, not {json.dumps(part)[:80]}.")
    if "id" in node and not _is_iri(node["id"]):
        problem(f"the {what}'s id must be an IRI, not {json.dumps(node['id'])[:80]}.")
    if "textDirection" in node and node["textDirection"] not in ("ltr", "rtl", "auto"):
        problem("textDirection must be ltr, rtl or auto.")
    selectors = node.get("selector", [])
    for selector in selectors if isinstance(selectors, list) else [selectors]:
        while isinstance(selector, dict):
            if "FragmentSelector" in _types(selector) and not isinstance(
                selector.get("value"), str
            ):
                problem("a FragmentSelector needs one string value.")
            selector = selector.get("refinedBy")


def _w3c_spans(item: dict, index: int, fail) -> tuple[list[Span], list[Link], str]:
    """One annotation's tags: one per target. Several targets on one article are the
    stretches of a discontinuous span (the Web Annotation model's way: the body, its label,
    applies to each target; its 2017 Recommendation has no Composite or List), read as one
    tag per stretch, each later one linked to the first by "continues"."""
    targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
    sources = [t.get("source") if isinstance(t, dict) else t for t in targets]
    if any(other != sources[0] for other in sources[1:]):
        raise fail(
            "the annotation targets several resources; a tag is on one article (several "
            "targets on one article are the stretches of one discontinuous tag)."
        )
    first, links, source = _w3c_span(item, index, fail, targets[0] if targets else None)
    spans = [first]
    for number, target in enumerate(targets[1:], start=2):
        later, _, _ = _w3c_span(item, index, fail, target)
        later.key = f"{first.key}+{number}"
        later.attribute_pairs, later.note = list(first.attribute_pairs), first.note
        spans.append(later)
        links.append(Link(FRAGMENT_OF, later.key, first.key))
    return spans, links, source


def _w3c_span(item: dict, index: int, fail, target: Any) -> tuple[Span, list[Link], str]:
    key = item.get("id") or f"#{index}"
    if not isinstance(target, dict) or not isinstance(target.get("source"), str):
        raise fail(
            "the target has no text selector: a tag needs a TextQuoteSelector or a "
            "TextPositionSelector on the article's text."
        )
    selectors = target.get("selector", [])
    selectors = selectors if isinstance(selectors, list) else [selectors]
    quote = position = None
    for selector in selectors:
        kinds = _types(selector) if isinstance(selector, dict) else []
        if "TextQuoteSelector" in kinds:
            quote = selector
        elif "TextPositionSelector" in kinds:
            position = selector
        elif isinstance(selector, dict) and selector.get("refinedBy"):
            raise fail(
                f"the text selector is refined within a {kinds[0]}, a part of a document "
                "that Newsdesk does not have; offsets must count in the whole text."
            )
    if quote is None and position is None:
        found = ", ".join(str(_types(s)[0]) for s in selectors if isinstance(s, dict))
        raise fail(
            "the target has no text selector (TextQuoteSelector or TextPositionSelector)"
            + (f"; it has {found}." if found else ".")
        )
    start = end = None
    if position is not None:
        start, end = position.get("start"), position.get("end")
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            raise fail("a TextPositionSelector needs whole numbers 0 ≤ start < end.")
    exact = prefix = suffix = ""
    if quote is not None:
        exact, prefix, suffix = (quote.get(k, "") for k in ("exact", "prefix", "suffix"))
        if not all(isinstance(v, str) for v in (exact, prefix, suffix)) or not exact:
            raise fail("a TextQuoteSelector needs its “exact” text.")
    span = Span(
        key=key,
        label="",
        start=start,
        end=end,
        quote=exact,
        prefix=prefix,
        suffix=suffix,
        annotator=_creator(item.get("creator")),
    )
    links, labels = [], []
    bodies = item.get("body", [])
    if "bodyValue" in item:
        bodies = [{"type": "TextualBody", "value": item["bodyValue"]}]
    for body in bodies if isinstance(bodies, list) else [bodies]:
        purpose = body.get("purpose") if isinstance(body, dict) else None
        value = body.get("value") if isinstance(body, dict) else None
        if isinstance(body, dict) and "TextualBody" in _types(body):
            if purpose == "tagging" or (purpose is None and item.get("motivation") == "tagging"):
                labels.append(value)
                continue
            if purpose == "classifying":
                attr, sep, attr_value = value.partition(":")
                if not sep:
                    raise fail(f"a classifying body reads “attribute: value”, not “{value}”.")
                span.attribute_pairs.append((attr.strip(), attr_value.strip()))
                continue
            if purpose in ("commenting", None):
                span.note = f"{span.note}\n{value}" if span.note else value
                continue
        if (
            isinstance(body, dict)
            and purpose in ("linking", "identifying")
            and isinstance(body.get("source"), str)
        ):
            kind = "attributed_to" if purpose == "linking" else "same_as"
            links.append(Link(kind, key, body["source"]))
            continue
        shown = json.dumps(body)[:80]
        raise fail(
            f"the body {shown} has no counterpart in a Newsdesk tag (a label to tag with, "
            "attributes, a note or a link to another tag)."
        )
    if len(labels) != 1:
        raise fail(
            "a tag needs exactly one body with purpose “tagging” naming its label"
            + (f"; this one has {len(labels)}." if labels else "; this one has none.")
        )
    span.label = labels[0]
    return span, links, target["source"]


def _creator(creator: Any) -> str:
    if isinstance(creator, list):
        creator = creator[0] if len(creator) == 1 else None
    if isinstance(creator, dict):
        if isinstance(creator.get("nickname"), str):
            return creator["nickname"]
        creator = creator.get("id") or creator.get("name")
    if isinstance(creator, str):
        match = _USER_ID.search(creator)
        return match[1] if match else creator
    return ""


# Writing


def creator_id(username: str) -> str:
    return "urn:newsdesk:user:" + url_quote(username, safe="@.+-_")


def _text_target(tag: TagRecord, links: Links, language: str) -> dict[str, Any]:
    return {
        "source": links.article.format(tag.article_id),
        **({"language": language} if language else {}),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": tag.quote,
                "prefix": tag.prefix,
                "suffix": tag.suffix,
            },
            {"type": "TextPositionSelector", "start": tag.start, "end": tag.end},
        ],
    }


def w3c_annotation(
    tag: TagRecord, links: Links, language: str = "", stretches: Iterable[TagRecord] = ()
) -> dict[str, Any]:
    """One tag as a Web Annotation (no @context: it is the collection's).

    With ``stretches`` (the later stretches of a discontinuous span), the annotation has one
    target per stretch, in text order: its label applies to each (the 2017 Recommendation
    keeps only Choice among its sets of resources, and a Choice means "any one of")."""
    stretches = list(stretches)
    target: Any = _text_target(tag, links, language)
    if stretches:
        target = [target, *(_text_target(t, links, language) for t in stretches)]
    body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": tag.label}]
    for item in tag.schema:
        value = tag.attributes.get(item["name"])
        if value in (None, "", []):
            continue
        for one in value if isinstance(value, list) else [value]:
            body.append(
                {
                    "type": "TextualBody",
                    "purpose": "classifying",
                    "value": f"{item['name']}: {attribute_text(one)}",
                }
            )
    if tag.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": tag.note})
    for rtype, other in tag.relations:
        if rtype not in (ATTRIBUTED_TO, "same_as"):
            continue  # a stretch of a discontinuous span: another target instead
        body.append(
            {
                "type": "SpecificResource",
                "purpose": "linking" if rtype == ATTRIBUTED_TO else "identifying",
                "source": links.tag.format(other),
            }
        )
    return {
        "id": links.tag.format(tag.id),
        "type": "Annotation",
        "motivation": "tagging",
        "created": iso(tag.created_at),
        "modified": iso(tag.updated_at or tag.created_at),
        "creator": {"id": creator_id(tag.annotator), "type": "Person", "nickname": tag.annotator},
        "body": body,
        "target": target,
    }


def first_stretch(tag: TagRecord) -> int | None:
    """The id of the tag whose discontinuous span ``tag`` continues, or None."""
    return next((other for rtype, other in tag.relations if rtype == FRAGMENT_OF), None)


def write_w3c(groups: Iterable[Group], *, total: int, links: Links, label: str) -> Iterator[str]:
    """An AnnotationCollection with every tag on its one embedded page.

    ``total`` must be the number of annotations written (tags, less the later stretches
    written in their first stretch's annotation): it is written first.
    """
    head = {
        "@context": W3C_CONTEXT,
        "id": links.collection,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    }
    page = {"id": links.collection + "#page1", "type": "AnnotationPage", "startIndex": 0}
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield f'{opening}, "first": {json.dumps(page, ensure_ascii=False)[:-1]}, "items": ['
    separator = "\n"
    for group in groups:
        ids = {tag.id for tag in group.tags}
        later: dict[int, list[TagRecord]] = {}
        for tag in group.tags:
            if (first := first_stretch(tag)) in ids:
                later.setdefault(first, []).append(tag)
        for tag in group.tags:
            if first_stretch(tag) in ids:
                continue  # written in its first stretch's annotation
            annotation = w3c_annotation(tag, links, group.article.language, later.get(tag.id, ()))
            yield separator + json.dumps(annotation, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}}\n"
