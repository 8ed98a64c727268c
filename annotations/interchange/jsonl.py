"""JSON Lines: doccano's lines and Newsdesk's own, read and written. Pure, no Django.

One article per line. The reader takes doccano's two shapes, ``{"text", "label": [[s, e,
"L"]]}`` (or ``"labels"``) and ``{"text", "entities": [{"id", "label", "start_offset",
"end_offset"}], "relations": [{"from_id", "to_id", "type"}]}``, and our export lines,
whose ``tags`` keep attributes, notes, annotators and relations; offsets are mapped
through the normalisation of each line's text (see anchoring.py). The writer gives
both: a doccano-style ``label`` list and our ``tags``.
"""

import json
import re
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from annotations.interchange.records import (
    ORIGINAL,
    RELATION_TYPES,
    Document,
    Group,
    ImportFormatError,
    Link,
    Span,
    anchored,
    normalised,
    relation_type,
)
from newsdesk.ingest import LANGUAGE_CODE

# Reading


def read_jsonl(data: str, *, name: str) -> list[Document]:
    """One article per line: doccano's ``{"text", "label": [[s, e, "L"]]}`` or ours."""
    return read_jsonl_lines(data.split("\n"), name=name)


def read_jsonl_lines(lines: Iterable[str], *, name: str) -> list[Document]:
    """The same, from lines read one at a time (a file is never held as one string)."""
    documents = []
    for number, line in enumerate(lines, start=1):
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
    norm = normalised(item["text"], name=name)
    if not norm.text:
        raise fail("the text is empty.")
    title = item.get("title") or (item.get("meta") or {}).get("title", "")
    language = item.get("language") or (item.get("meta") or {}).get("language") or ""
    if not isinstance(language, str) or (language and not re.fullmatch(LANGUAGE_CODE, language)):
        raise fail(f"“language” must be a language code such as en or es, not {language!r}.")
    if item.get("offsets") == ORIGINAL:
        raise fail(
            "its offsets count in the original file, not in this “text”: export with the "
            "stored text's offsets to read it back."
        )
    doc = Document(
        name=name,
        text=norm.text,
        title=str(title)[:300],
        line=line,
        language=language,
        file_text=norm,
    )
    if "tags" in item:
        _jsonl_tags(doc, norm, item["tags"], fail, name=name, line=line)
        return doc
    if "spans" in item:  # Prodigy's shape, or anything else holding spans we do not read
        raise fail(
            "“spans” is not read: give the tags as doccano's “label” ([start, end, "
            '"Label"]) or “entities” (start_offset, end_offset, label).'
        )
    if "entities" in item or "relations" in item:
        if "label" in item or "labels" in item:
            raise fail(
                "the line has both “entities” and “label”: keep one of doccano's shapes, so "
                "no tag is read twice or left out."
            )
        _doccano_entities(doc, norm, item, fail, name=name, line=line)
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
        start, end = anchored(norm, entry[0], entry[1], None, name=name, line=line, where=where)
        doc.spans.append(
            Span(key=str(index), label=entry[2], start=start, end=end, line=line, where=where)
        )
    return doc


def _doccano_entities(doc: Document, norm, item: dict, fail, *, name: str, line: int) -> None:
    """doccano's relation-extraction shape: entities by id, and relations between them."""
    entities, relations = item.get("entities", []), item.get("relations", [])
    if not isinstance(entities, list) or not isinstance(relations, list):
        raise fail("“entities” and “relations” must be lists.")
    keys = set()
    for index, entity in enumerate(entities, start=1):
        where = f"entity {index}"
        if not (
            isinstance(entity, dict)
            and type(entity.get("start_offset")) is int
            and type(entity.get("end_offset")) is int
            and isinstance(entity.get("label"), str)
        ):
            raise fail(
                f"{json.dumps(entity)[:80]} is not an entity with whole-number "
                "“start_offset” and “end_offset” and a “label”.",
                where,
            )
        key = str(entity.get("id", f"#{index}"))
        if key in keys:
            raise fail(f"the entity id {key} is used twice.", where)
        keys.add(key)
        start, end = anchored(
            norm,
            entity["start_offset"],
            entity["end_offset"],
            None,
            name=name,
            line=line,
            where=where,
        )
        doc.spans.append(
            Span(key=key, label=entity["label"], start=start, end=end, line=line, where=where)
        )
    for index, relation in enumerate(relations, start=1):
        where = f"relation {index}"
        if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
            raise fail("a relation needs a “type”, a “from_id” and a “to_id”.", where)
        kind = relation_type(relation["type"])
        if kind is None:
            raise fail(
                f"the relation type “{relation['type']}” has no counterpart: Newsdesk links a "
                "claim to its source (attributed_to, Attribution) and a source to an earlier "
                "mention (same_as, Equiv).",
                where,
            )
        ends = [str(relation.get("from_id")), str(relation.get("to_id"))]
        for end in ends:
            if end not in keys:
                raise fail(
                    f"the relation points to entity {end}, which is not on this line.", where
                )
        doc.links.append(Link(kind, ends[0], ends[1], line, where))


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
        start, end = anchored(norm, start, end, quote, name=name, line=line, where=where)
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


# Writing


def write_jsonl(groups: Iterable[Group]) -> Iterator[str]:
    """One article per line: its text, entities and tags (doccano-compatible "label")."""
    for _, article_groups in groupby(groups, key=lambda group: group.article.id):
        article_groups = list(article_groups)
        article = article_groups[0].article
        tags = [tag for group in article_groups for tag in group.tags]
        line = {
            "id": article.id,
            "title": article.title,
            "outlet": article.outlet,
            "byline": article.byline,
            "published_on": article.published_on.isoformat() if article.published_on else None,
            "url": article.url,
            "language": article.language,
            "text": article.text,
            "entities": [
                {"start": s, "end": e, "label": label, "text": text}
                for s, e, label, text in article.entities
            ],
            "label": [[tag.start, tag.end, tag.label] for tag in tags],
            # Only in an original-offsets export: which text the offsets count in.
            **({"offsets": article.offsets} if article.offsets else {}),
            "tags": [
                {
                    "id": tag.id,
                    "annotator": tag.annotator,
                    "label": tag.label,
                    "category": tag.category,
                    "start": tag.start,
                    "end": tag.end,
                    "quote": tag.quote,
                    "attributes": tag.attributes,
                    "note": tag.note,
                    "origin": tag.origin,
                    "relations": [{"type": rtype, "to": other} for rtype, other in tag.relations],
                }
                for tag in tags
            ],
        }
        yield json.dumps(line, ensure_ascii=False) + "\n"
