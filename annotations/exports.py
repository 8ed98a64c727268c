"""Streaming writers for the export formats. Pure: no Django, no database.

Each writer takes plain records (see ``ArticleRecord``, ``TagRecord``, ``Group``) and
yields the file in small chunks, so a caller can stream an export of any size without
holding it: memory is bounded by one article's tags. The format of each file is the
contract in the interchange notes (CSV, JSON Lines, brat standoff zip, W3C Web
Annotation JSON-LD). Offsets are code points into the article text, half-open [start, end).
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import groupby
from typing import Any
from urllib.parse import quote as url_quote

FORMATS = {
    "csv": "CSV (one row per tag)",
    "jsonl": "JSON Lines (one article per line)",
    "brat": "brat standoff (zip)",
    "w3c": "W3C Web Annotation (JSON-LD)",
}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "brat": "zip", "w3c": "jsonld"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "brat": "application/zip",
    "w3c": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
}
W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ATTRIBUTED_TO, SAME_AS = "attributed_to", "same_as"


@dataclass(slots=True)
class ArticleRecord:
    id: int
    title: str
    outlet: str = ""
    byline: str = ""
    published_on: date | None = None
    url: str = ""
    text: str = ""
    # (start, end, label, text) of each entity mention
    entities: list[tuple[int, int, str, str]] = field(default_factory=list)


@dataclass(slots=True)
class TagRecord:
    id: int
    article_id: int
    annotator: str
    label: str
    category: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)
    # The label's attribute schema (shared between tags of a label): gives each kind.
    schema: list[dict] = field(default_factory=list)
    note: str = ""
    origin: str = "manual"
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # Links out of this tag: (type, id of the other tag).
    relations: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class Group:
    """One article's tags by one annotator; ``annotator`` is None for an article that
    is only in the export as an article (no tags, and not the requesting user's)."""

    article: ArticleRecord
    annotator: str | None
    tags: list[TagRecord]


@dataclass(frozen=True, slots=True)
class Links:
    """Absolute URL templates for the W3C export, with ``{}`` for the id."""

    collection: str
    tag: str
    article: str


def iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC with a Z, to the second (xsd:dateTime, as W3C recommends)."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def attribute_text(value: Any) -> str:
    """A value as one cell: several values joined with "; ", bool as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _tags(groups: Iterable[Group]) -> Iterator[tuple[ArticleRecord, TagRecord]]:
    for group in groups:
        for tag in group.tags:
            yield group.article, tag


def _ids(relations: list[tuple[str, int]], kind: str) -> str:
    return "; ".join(str(other) for rtype, other in relations if rtype == kind)


# CSV ---------------------------------------------------------------------------------


class _Line:
    """A file-like object whose write returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


CSV_HEAD = ["tag_id", "article_id", "article_title", "annotator", "label", "category"]
CSV_TAIL = ["note", "source_ids", "same_as_ids", "origin", "created_at"]


def write_csv(groups: Iterable[Group], attribute_names: list[str]) -> Iterator[str]:
    """One row per tag; one ``attr:<name>`` column per attribute name given."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield writer.writerow(
        [*CSV_HEAD, "start", "end", "quote", *(f"attr:{n}" for n in attribute_names), *CSV_TAIL]
    )
    for article, tag in _tags(groups):
        values = tag.attributes
        yield writer.writerow(
            [
                tag.id,
                article.id,
                article.title,
                tag.annotator,
                tag.label,
                tag.category,
                tag.start,
                tag.end,
                tag.quote,
                *(attribute_text(values.get(name)) for name in attribute_names),
                tag.note,
                _ids(tag.relations, ATTRIBUTED_TO),
                _ids(tag.relations, SAME_AS),
                tag.origin,
                iso(tag.created_at),
            ]
        )


# JSON Lines ----------------------------------------------------------------------------


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
            "text": article.text,
            "entities": [
                {"start": s, "end": e, "label": label, "text": text}
                for s, e, label, text in article.entities
            ],
            "label": [[tag.start, tag.end, tag.label] for tag in tags],
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


# brat standoff -------------------------------------------------------------------------


def brat_name(value: str) -> str:
    """brat types, attribute names and values cannot hold spaces."""
    return "_".join(value.split())


def _one_line(value: str) -> str:
    return " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value


def brat_ann(tags: list[TagRecord]) -> str:
    """The .ann file for one article and one annotator."""
    lines, numbers, links = [], {}, []
    attr_n = note_n = 0
    for n, tag in enumerate(tags, start=1):
        numbers[tag.id] = n
        # Offsets are authoritative; a quote across paragraphs is written on one line.
        lines.append(f"T{n}\t{brat_name(tag.label)} {tag.start} {tag.end}\t{_one_line(tag.quote)}")
        texts = []
        for item in tag.schema:
            name, kind = item["name"], item.get("kind")
            value = tag.attributes.get(name)
            if value in (None, "", [], False):
                continue
            if kind == "text":
                texts.append(f"{name}={_one_line(str(value))}")
                continue
            for one in value if isinstance(value, list) else [value]:
                attr_n += 1
                suffix = "" if one is True else f" {brat_name(str(one))}"
                lines.append(f"A{attr_n}\t{brat_name(name)} T{n}{suffix}")
        if tag.note or texts:
            note_n += 1
            note = " | ".join([_one_line(tag.note), *texts])
            lines.append(f"#{note_n}\tAnnotatorNotes T{n}\t{note}")
        links.extend((n, rtype, other) for rtype, other in tag.relations)
    relation_n = 0
    for n, rtype, other in links:
        if other in numbers:  # a link to a tag outside this file cannot be written
            relation_n += 1
            lines.append(f"R{relation_n}\t{rtype} Arg1:T{n} Arg2:T{numbers[other]}")
    return "".join(line + "\n" for line in lines)


class _Sink(io.RawIOBase):
    """An unseekable file that keeps what is written until it is taken."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def write_brat(groups: Iterable[Group]) -> Iterator[bytes]:
    """A zip of ``<annotator>/<article id>.txt`` and ``.ann`` beside it, streamed.

    zipfile writes to an unseekable file with data descriptors after each member, so
    nothing needs to go back: each pair leaves as soon as it is compressed.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for group in groups:
            if group.annotator is None:
                continue
            folder = brat_name(group.annotator) or "annotator"
            base = f"{folder}/{group.article.id}"
            zf.writestr(base + ".txt", group.article.text.encode("utf-8"))
            zf.writestr(base + ".ann", brat_ann(group.tags).encode("utf-8"))
            yield sink.take()
    yield sink.take()


# W3C Web Annotation --------------------------------------------------------------------


def creator_id(username: str) -> str:
    return "urn:newsdesk:user:" + url_quote(username, safe="@.+-_")


def w3c_annotation(tag: TagRecord, links: Links) -> dict[str, Any]:
    """One tag as a Web Annotation (no @context: it is the collection's)."""
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
        "target": {
            "source": links.article.format(tag.article_id),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": tag.quote,
                    "prefix": tag.prefix,
                    "suffix": tag.suffix,
                },
                {"type": "TextPositionSelector", "start": tag.start, "end": tag.end},
            ],
        },
    }


def write_w3c(groups: Iterable[Group], *, total: int, links: Links, label: str) -> Iterator[str]:
    """An AnnotationCollection with every tag on its one embedded page.

    ``total`` must be the number of tags the groups hold: it is written first.
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
    for _, tag in _tags(groups):
        yield separator + json.dumps(w3c_annotation(tag, links), ensure_ascii=False)
        separator = ",\n"
    yield "\n]}}\n"
