"""Readers for tags made elsewhere: brat standoff, W3C Web Annotation JSON-LD, JSON Lines.

Pure functions, no Django: each turns a file's text into plain dataclasses or raises an
ImportFormatError that names the file and the line. Offsets are code points; where a file
carries its own text (brat, JSON Lines) its offsets are mapped through the normalisation
Newsdesk applies to article text (annotations/textmap.py). The formats and what maps to
what are described in the interchange contract (README, "Importing tags").
"""

import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from annotations import textmap
from newsdesk import ingest

RELATION_TYPES = ("attributed_to", "same_as")
# brat relation types read as ours; any other type is refused with its line.
BRAT_RELATIONS = {
    "attributed_to": "attributed_to",
    "attribution": "attributed_to",
    "same_as": "same_as",
    "equiv": "same_as",
}
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


class ImportFormatError(ValueError):
    """A file that cannot be imported; the message names the file and the line."""

    def __init__(self, message: str, *, name: str = "", line: int | None = None, where: str = ""):
        super().__init__(message)
        self.message, self.name, self.line, self.where = message, name, line, where

    def __str__(self) -> str:
        place = ", ".join(
            part
            for part in (self.name, f"line {self.line}" if self.line else "", self.where)
            if part
        )
        return f"{place}: {self.message}" if place else self.message


@dataclass
class Span:
    """One tag as a file states it. ``start``/``end`` count in the normalised text."""

    key: str
    label: str
    start: int | None
    end: int | None
    line: int | None = None
    where: str = ""
    quote: str = ""
    prefix: str = ""
    suffix: str = ""
    # Typed values (JSON Lines) and name/value pairs still to be read against the
    # label's schema (brat A lines, W3C classifying bodies); None means a bare flag.
    attributes: dict[str, Any] = field(default_factory=dict)
    attribute_pairs: list[tuple[str, str | None]] = field(default_factory=list)
    note: str = ""
    annotator: str = ""
    # A brat event trigger: kept as a tag only if its type is a label of the codebook.
    trigger_only: bool = False


@dataclass
class Link:
    type: str
    from_key: str
    to_key: str
    line: int | None = None
    where: str = ""


@dataclass
class Event:
    """A brat event; the service turns it into a link or refuses it."""

    key: str
    type: str
    trigger: str
    arguments: list[tuple[str, str]]
    line: int


@dataclass
class Document:
    name: str
    # Normalised text, or None when the tags point at an existing article (W3C).
    text: str | None
    spans: list[Span] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    annotator: str = ""
    title: str = ""
    article_id: int | None = None
    source: str = ""
    line: int | None = None


def decode(data: bytes, *, name: str) -> str:
    try:
        return ingest.decode(data, name=name)
    except ingest.IngestError as exc:
        raise ImportFormatError(str(exc)) from None


def same_name(a: str, b: str) -> bool:
    """brat writes spaces as "_": match exactly, then with "_" as space, ignoring case."""
    return a == b or a.replace("_", " ").casefold() == b.replace("_", " ").casefold()


def _normalise(text: str, *, name: str) -> textmap.Normalised:
    try:
        return textmap.normalise(text)
    except textmap.TextMapError as exc:
        raise ImportFormatError(str(exc), name=name) from None


def _map_span(
    norm: textmap.Normalised, start: int, end: int, quote: str | None, *, name, line, where=""
) -> tuple[int, int]:
    """Check the quote against the file's own text, then map the offsets."""
    if not 0 <= start < end <= len(norm.original):
        raise ImportFormatError(
            f"the span [{start}, {end}) is not inside the text (0 to {len(norm.original)}).",
            name=name,
            line=line,
            where=where,
        )
    actual = norm.original[start:end]
    if quote is not None and not _same_quote(quote, actual):
        raise ImportFormatError(
            f"the quote “{_short(quote)}” does not match the text at [{start}, {end}), "
            f"which reads “{_short(actual)}”.",
            name=name,
            line=line,
            where=where,
        )
    try:
        return norm.span(start, end)
    except textmap.TextMapError as exc:
        raise ImportFormatError(str(exc), name=name, line=line, where=where) from None


def _same_quote(quote: str, actual: str) -> bool:
    if quote == actual:
        return True
    # brat writes a line end inside a quote as a space; tools may store either form NFC.
    flat = re.sub(r"\r\n|\r|\n", " ", actual)
    nfc = unicodedata.normalize
    return nfc("NFC", quote) in (nfc("NFC", actual), nfc("NFC", flat))


def _short(value: str, size: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= size else value[: size - 1] + "…"


# brat standoff


_BRAT_ID = re.compile(r"[TRAMNE#]\d+|\*")


def read_brat(*, ann: str, txt: str, name: str, annotator: str = "") -> Document:
    """One .ann with the .txt it counts against. ``name`` is the .ann's name for messages."""
    norm = _normalise(txt, name=name)
    doc = Document(name=name, text=norm.text, annotator=annotator, line=1)
    spans: dict[str, Span] = {}
    seen: dict[str, int] = {}
    later: list[tuple[int, str, list[str]]] = []  # A/M, R, *, # lines: resolved after T lines
    for number, raw in enumerate(ann.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        key = fields[0].strip()
        if not _BRAT_ID.fullmatch(key):
            raise ImportFormatError(
                f"“{_short(line)}” is not a brat annotation line (T, A, M, R, E, N, * or #).",
                name=name,
                line=number,
            )
        if key != "*":
            if key in seen:
                raise ImportFormatError(
                    f"{key} is defined twice (first on line {seen[key]}).", name=name, line=number
                )
            seen[key] = number
        if len(fields) < 2 or not fields[1].strip():
            raise ImportFormatError(f"{key} has nothing after its id.", name=name, line=number)
        kind = key[0]
        if kind == "T":
            spans[key] = _brat_span(norm, key, fields, name=name, line=number)
        elif kind == "E":
            doc.events.append(_brat_event(key, fields[1], name=name, line=number))
        elif kind == "N":
            raise ImportFormatError(
                f"{key} is a normalisation (a link to an external database such as "
                f"“{_short(fields[1])}”): Newsdesk tags have no place for it. Remove the N "
                "lines to import the rest.",
                name=name,
                line=number,
            )
        else:
            later.append((number, key, fields))
    for event in doc.events:
        for role, ref in [("trigger", event.trigger), *event.arguments]:
            if ref not in spans and ref not in {e.key for e in doc.events}:
                raise ImportFormatError(
                    f"{event.key}: its {role} {ref} is not in the file.", name=name, line=event.line
                )
        if event.trigger not in spans:
            raise ImportFormatError(
                f"{event.key}: its trigger must be a text span (T), not {event.trigger}.",
                name=name,
                line=event.line,
            )
        spans[event.trigger].trigger_only = True
    for number, key, fields in later:
        _brat_other(doc, spans, key, fields, name=name, line=number)
    doc.spans = list(spans.values())
    return doc


def _brat_span(norm, key: str, fields: list[str], *, name: str, line: int) -> Span:
    head = fields[1].split(" ")
    if len(head) < 3:
        raise ImportFormatError(
            f"{key} should read “{key}<tab>Type start end<tab>text”.", name=name, line=line
        )
    offsets = " ".join(head[1:])
    if ";" in offsets:
        raise ImportFormatError(
            f"{key} is a discontinuous span ({offsets}): a Newsdesk tag covers one stretch "
            "of text. Split it into one T line per stretch, or join the stretches.",
            name=name,
            line=line,
        )
    if len(head) != 3 or not all(part.isascii() and part.isdigit() for part in head[1:]):
        raise ImportFormatError(
            f"{key}: “{offsets}” are not two whole-number offsets.", name=name, line=line
        )
    start, end = int(head[1]), int(head[2])
    quote = "\t".join(fields[2:]) if len(fields) > 2 else None
    start, end = _map_span(norm, start, end, quote, name=name, line=line, where=key)
    return Span(key=key, label=head[0], start=start, end=end, line=line, where=key)


def _brat_event(key: str, body: str, *, name: str, line: int) -> Event:
    parts = body.split()
    pairs = []
    for part in parts:
        role, _, ref = part.partition(":")
        if not role or not ref:
            raise ImportFormatError(f"{key}: “{part}” should read Role:Id.", name=name, line=line)
        pairs.append((role, ref))
    (event_type, trigger), *arguments = pairs
    return Event(key=key, type=event_type, trigger=trigger, arguments=arguments, line=line)


def _brat_other(doc: Document, spans: dict[str, Span], key, fields, *, name: str, line: int):
    def span(ref: str, what: str) -> Span:
        if ref in spans:
            return spans[ref]
        if ref[:1] in ("E", "R"):
            raise ImportFormatError(
                f"{key}: {what} on {'an event' if ref[0] == 'E' else 'a relation'} ({ref}) "
                "has no place in Newsdesk, where only tags carry them.",
                name=name,
                line=line,
            )
        raise ImportFormatError(f"{key}: {ref} is not in the file.", name=name, line=line)

    kind, words = key[0], fields[1].split()
    if kind in ("A", "M"):
        if len(words) not in (2, 3):
            raise ImportFormatError(
                f"{key} should read “{key}<tab>Attribute T1 [value]”.", name=name, line=line
            )
        target = span(words[1], "an attribute")
        target.attribute_pairs.append((words[0], words[2] if len(words) == 3 else None))
        target.where = f"{target.where}, {key}"
    elif kind == "R":
        kind_name = BRAT_RELATIONS.get(words[0].casefold()) if words else None
        if kind_name is None:
            raise ImportFormatError(
                f"{key}: the relation type “{words[0] if words else ''}” has no counterpart: "
                "Newsdesk links a claim to its source (attributed_to, Attribution) and a "
                "source to an earlier mention (same_as, Equiv).",
                name=name,
                line=line,
            )
        args = dict(part.partition(":")[::2] for part in words[1:])
        if set(args) != {"Arg1", "Arg2"}:
            raise ImportFormatError(
                f"{key} should read “{key}<tab>{words[0]} Arg1:T1 Arg2:T2”.", name=name, line=line
            )
        first, second = span(args["Arg1"], "a link"), span(args["Arg2"], "a link")
        doc.links.append(Link(kind_name, first.key, second.key, line=line, where=key))
    elif kind == "*":
        if len(words) < 3:
            raise ImportFormatError(
                "An equivalence (*) needs a type and at least two spans.", name=name, line=line
            )
        members = sorted((span(ref, "an equivalence") for ref in words[1:]), key=_position)
        for earlier, later_one in zip(members, members[1:], strict=False):
            doc.links.append(Link("same_as", later_one.key, earlier.key, line=line, where="*"))
    elif kind == "#":
        if len(words) != 2 or words[0] != "AnnotatorNotes":
            raise ImportFormatError(
                f"{key} should read “{key}<tab>AnnotatorNotes T1<tab>text”.", name=name, line=line
            )
        target = span(words[1], "a note")
        text = "\t".join(fields[2:])
        target.note = f"{target.note}\n{text}" if target.note else text
        target.where = f"{target.where}, {key}"


def _position(span: Span) -> tuple[int, int]:
    return (span.start or 0, span.end or 0)


def split_note(note: str, schema: list[dict]) -> tuple[str, list[tuple[str, str]]]:
    """Take trailing " | name=value" parts naming a text attribute off a brat note."""
    text_names = {item["name"] for item in schema if item.get("kind") == "text"}
    parts = note.split(" | ")
    if len(parts) == 1 and note.startswith("| "):
        parts = ["", note[2:]]
    pairs: list[tuple[str, str]] = []
    while len(parts) > 1:
        attr, sep, value = parts[-1].partition("=")
        match = next((n for n in text_names if sep and same_name(attr.strip(), n)), None)
        if match is None:
            break
        pairs.insert(0, (match, value))
        parts.pop()
    return " | ".join(parts).strip(), pairs


def resolve_attributes(schema: list[dict], pairs: list[tuple[str, str | None]]) -> dict[str, Any]:
    """Values from name/value text pairs, matched against the schema's names and values.

    The result still goes through annotations/schema.py ``clean``; a pair that names no
    attribute of the label raises ValueError with a message for the user.
    """
    values: dict[str, Any] = {}
    for raw_name, raw_value in pairs:
        item = next((i for i in schema if same_name(raw_name, i["name"])), None)
        if item is None:
            names = ", ".join(i["name"] for i in schema) or "none"
            raise ValueError(f"“{raw_name}” is not an attribute of this label (it has: {names}).")
        name, kind = item["name"], item["kind"]
        if kind == "bool":
            answer = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
            if raw_value is not None and raw_value.casefold() not in answer:
                raise ValueError(f"{name}: “{raw_value}” is not yes or no.")
            values[name] = True if raw_value is None else answer[raw_value.casefold()]
        elif kind in ("choice", "multi"):
            if raw_value is None:
                raise ValueError(f"{name} needs a value: one of {', '.join(item['values'])}.")
            value = next((v for v in item["values"] if same_name(raw_value, v)), raw_value)
            if kind == "multi":
                values.setdefault(name, []).append(value)
            elif name in values and values[name] != value:
                raise ValueError(f"{name} is given twice ({values[name]}, {value}).")
            else:
                values[name] = value
        else:
            values[name] = raw_value or ""
    return values


# JSON Lines


def read_jsonl(data: str, *, name: str) -> list[Document]:
    """One article per line: doccano's ``{"text", "label": [[s, e, "L"]]}`` or ours."""
    documents = []
    for number, line in enumerate(data.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFormatError(
                f"not valid JSON ({exc.msg} at column {exc.colno}).", name=name, line=number
            ) from None
        documents.append(_jsonl_document(item, name=name, line=number))
    if not documents:
        raise ImportFormatError("the file holds no lines.", name=name)
    return documents


def _jsonl_document(item: Any, *, name: str, line: int) -> Document:
    def fail(message: str, where: str = "") -> ImportFormatError:
        return ImportFormatError(message, name=name, line=line, where=where)

    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise fail('each line must be an object with the article\'s "text".')
    norm = _normalise(item["text"], name=name)
    if not norm.text:
        raise fail("the text is empty.")
    title = item.get("title") or (item.get("meta") or {}).get("title", "")
    doc = Document(name=name, text=norm.text, title=str(title)[:300], line=line)
    if "tags" in item:
        _jsonl_tags(doc, norm, item["tags"], fail, name=name, line=line)
        return doc
    key = "label" if "label" in item else "labels"
    entries = item.get(key, [])
    if not isinstance(entries, list):
        raise fail(f'“{key}” must be a list of [start, end, "Label"].')
    for index, entry in enumerate(entries, start=1):
        where = f"{key} {index}"
        if not (
            isinstance(entry, list)
            and len(entry) == 3
            and all(type(v) is int for v in entry[:2])
            and isinstance(entry[2], str)
        ):
            raise fail(f'{json.dumps(entry)[:80]} is not [start, end, "Label"].', where)
        start, end = _map_span(norm, entry[0], entry[1], None, name=name, line=line, where=where)
        doc.spans.append(
            Span(key=str(index), label=entry[2], start=start, end=end, line=line, where=where)
        )
    return doc


def _jsonl_tags(doc: Document, norm, tags: Any, fail, *, name: str, line: int) -> None:
    if not isinstance(tags, list):
        raise fail("“tags” must be a list.")
    keys = set()
    for index, tag in enumerate(tags, start=1):
        where = f"tag {index}"
        if not isinstance(tag, dict):
            raise fail("each tag must be an object.", where)
        start, end, label = tag.get("start"), tag.get("end"), tag.get("label")
        if type(start) is not int or type(end) is not int or not isinstance(label, str):
            raise fail("a tag needs whole-number “start” and “end” and a “label”.", where)
        quote = tag.get("quote")
        if quote is not None and not isinstance(quote, str):
            raise fail("“quote” must be text.", where)
        start, end = _map_span(norm, start, end, quote, name=name, line=line, where=where)
        attributes = tag.get("attributes") or {}
        if not isinstance(attributes, dict):
            raise fail("“attributes” must be an object.", where)
        key = str(tag.get("id", f"#{index}"))
        if key in keys:
            raise fail(f"the tag id {key} is used twice.", where)
        keys.add(key)
        doc.spans.append(
            Span(
                key=key,
                label=label,
                start=start,
                end=end,
                line=line,
                where=where,
                attributes=attributes,
                note=str(tag.get("note") or ""),
                annotator=str(tag.get("annotator") or ""),
            )
        )
        for relation in tag.get("relations") or []:
            if not isinstance(relation, dict) or relation.get("type") not in RELATION_TYPES:
                raise fail("a relation needs a “type” (attributed_to or same_as) and “to”.", where)
            doc.links.append(Link(relation["type"], key, str(relation.get("to")), line, where))
    for link in doc.links:
        if link.to_key not in keys:
            raise fail(
                f"a relation points to tag {link.to_key}, which is not on this line.", link.where
            )


# W3C Web Annotation


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
    documents: dict[str, Document] = {}
    for index, item in enumerate(items, start=1):
        line = _line_of(data, item.get("id")) if isinstance(item, dict) else None
        where = f"annotation {index}"

        def fail(message: str, line=line, where=where) -> ImportFormatError:
            return ImportFormatError(message, name=name, line=line, where=where)

        _check_model(item, fail)
        span, links, source = _w3c_span(item, index, fail)
        span.line, span.where = line, where
        if source not in documents:
            match = _ARTICLE_PATH.search(re.sub(r"^[a-z]+://[^/]+", "", source))
            documents[source] = Document(
                name=name,
                text=None,
                article_id=int(match[1]) if match else None,
                source=source,
                line=line,
            )
        documents[source].spans.append(span)
        documents[source].links.extend(links)
    if not documents:
        raise ImportFormatError("the file holds no annotations.", name=name)
    return list(documents.values())


def _line_of(data: str, value: Any) -> int | None:
    if not isinstance(value, str):
        return None
    found = data.find(json.dumps(value))
    return data.count("\n", 0, found) + 1 if found >= 0 else None


def _has_context(node: Any) -> bool:
    context = node.get("@context") if isinstance(node, dict) else None
    return context == ANNO_CONTEXT or (isinstance(context, list) and ANNO_CONTEXT in context)


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
                raise fail(f"an annotation's @context must be {ANNO_CONTEXT}.")
        return root
    if not isinstance(root, dict):
        raise fail("the file must hold a JSON object or a list of annotations.")
    if not _has_context(root):
        raise fail(
            f"the @context must be (or include) {ANNO_CONTEXT}: this is not a Web "
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


def _w3c_span(item: dict, index: int, fail) -> tuple[Span, list[Link], str]:
    key = item.get("id") or f"#{index}"
    targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
    if len(targets) != 1:
        raise fail("the annotation targets several resources; a tag is on one article.")
    target = targets[0]
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


def locate(text: str, span: Span) -> tuple[int, int]:
    """Where a W3C span sits in an article's text; raises ValueError with a message.

    With a TextPositionSelector the quote (if any) must read the same there; with a quote
    alone it must occur exactly once, prefix and suffix narrowing the candidates.
    """
    if span.start is not None:
        if span.end > len(text):
            raise ValueError(
                f"the span [{span.start}, {span.end}) is not inside the article (0 to {len(text)})."
            )
        actual = text[span.start : span.end]
        if span.quote and not _same_quote(span.quote, actual):
            raise ValueError(
                f"the quote “{_short(span.quote)}” does not match the article at "
                f"[{span.start}, {span.end}), which reads “{_short(actual)}”."
            )
        return span.start, span.end
    exact = unicodedata.normalize("NFC", span.quote)
    found = [m.start() for m in re.finditer(f"(?={re.escape(exact)})", text)]
    if span.prefix or span.suffix:
        found = [
            i
            for i in found
            if text[:i].endswith(span.prefix) and text[i + len(exact) :].startswith(span.suffix)
        ] or found
    if len(found) != 1:
        where = "does not occur" if not found else f"occurs {len(found)} times"
        raise ValueError(
            f"the quote “{_short(exact)}” {where} in the article; give a "
            "TextPositionSelector or a prefix and suffix that tell them apart."
        )
    return found[0], found[0] + len(exact)


# zip archives


def read_zip(
    data: bytes, *, name: str, max_members: int, max_member_bytes: int, max_total_bytes: int
) -> list[tuple[str, bytes]]:
    """The files in a zip, checked against the limits before anything is expanded."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ImportFormatError(f"not a readable zip archive ({exc}).", name=name) from None
    if len(infos) > max_members:
        raise ImportFormatError(
            f"the archive holds {len(infos)} files; the limit is {max_members}.", name=name
        )
    total = sum(info.file_size for info in infos)
    if total > max_total_bytes:
        raise ImportFormatError(
            f"the archive expands to {total:,} bytes; the limit is {max_total_bytes:,}.", name=name
        )
    members = []
    for info in infos:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts:
            raise ImportFormatError(f"{info.filename} points outside the archive.", name=name)
        if path.name.startswith(".") or "__MACOSX" in path.parts:
            continue
        if info.file_size > max_member_bytes:
            raise ImportFormatError(
                f"{info.filename} is {info.file_size:,} bytes; the limit is {max_member_bytes:,}.",
                name=name,
            )
        try:
            with archive.open(info) as member:
                content = member.read(max_member_bytes + 1)
        except (zipfile.BadZipFile, EOFError, OSError, zipfile.LargeZipFile) as exc:
            raise ImportFormatError(
                f"{info.filename} cannot be read: the archive is damaged or truncated ({exc}).",
                name=name,
            ) from None
        if len(content) > max_member_bytes:
            raise ImportFormatError(f"{info.filename} is larger than it says.", name=name)
        members.append((info.filename, content))
    return members
