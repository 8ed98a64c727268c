"""The plain records shared by the readers and writers of every format. Pure, no Django.

Readers turn a file into ``Document``s of ``Span``s and ``Link``s (offsets already
counted in the normalised text) or raise an ``ImportFormatError`` that names the file and
the line; the import service writes them. Writers take ``Group``s of ``TagRecord``s
(one article's tags by one annotator), which the export feed reads from the database.
Offsets are code points, half-open [start, end).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from annotations.interchange import anchoring

FORMATS = {
    "csv": "CSV (one row per tag)",
    "jsonl": "JSON Lines (one article per line)",
    "brat": "brat standoff (zip)",
    "w3c": "W3C Web Annotation (JSON-LD)",
    "labelstudio": "Label Studio (JSON tasks)",
}
EXTENSIONS = {"csv": "csv", "jsonl": "jsonl", "brat": "zip", "w3c": "jsonld", "labelstudio": "json"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "brat": "application/zip",
    "w3c": 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"',
    "labelstudio": "application/json; charset=utf-8",
}
# Offsets in the original file an article was read from, or in its stored text.
ORIGINAL, STORED = "original", "stored"
# Formats that carry the text their offsets count in: only stored offsets make sense there.
CARRY_TEXT = ("brat", "labelstudio")
ATTRIBUTED_TO, SAME_AS, FRAGMENT_OF = "attributed_to", "same_as", "fragment_of"
RELATION_TYPES = (ATTRIBUTED_TO, SAME_AS, FRAGMENT_OF)
# Other tools' relation names read as ours (casefolded, spaces as "_"); others are refused.
RELATION_NAMES = {
    "attributed_to": ATTRIBUTED_TO,
    "attribution": ATTRIBUTED_TO,
    "same_as": SAME_AS,
    "equiv": SAME_AS,
    "fragment_of": FRAGMENT_OF,
}


def relation_type(name: str) -> str | None:
    return RELATION_NAMES.get("_".join(name.casefold().split()))


# What a reader gives the import service


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
    # brat types cannot hold spaces: "New_Technique" may name the label "New Technique".
    underscores_for_spaces: bool = False
    # The article's language as the file states it (JSON Lines "language", a W3C
    # target's "language"); "" when it says none.
    language: str = ""
    # The file's own text and how ``text`` was normalised from it (brat, JSON Lines): an
    # article made from it keeps the way back as its offset map.
    file_text: anchoring.Normalised | None = None


def same_name(a: str, b: str) -> bool:
    """brat writes spaces as "_": match exactly, then with "_" as space, ignoring case."""
    return a == b or a.replace("_", " ").casefold() == b.replace("_", " ").casefold()


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


# What the export feed gives the writers


@dataclass(slots=True)
class ArticleRecord:
    id: int
    title: str
    outlet: str = ""
    byline: str = ""
    published_on: date | None = None
    url: str = ""
    language: str = ""
    text: str = ""
    # Which text the tags' offsets count in, when the export was asked for the original
    # files' offsets: ORIGINAL (the article has an offset map) or STORED (it has none).
    offsets: str = ""
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


def tags_of(groups: Iterable[Group]) -> Iterator[tuple[ArticleRecord, TagRecord]]:
    for group in groups:
        for tag in group.tags:
            yield group.article, tag


# Helpers of the readers that carry their own text (brat, JSON Lines)


def normalised(text: str, *, name: str) -> anchoring.Normalised:
    try:
        return anchoring.normalise(text)
    except anchoring.AnchorError as exc:
        raise ImportFormatError(str(exc), name=name) from None


def anchored(
    norm: anchoring.Normalised, start: int, end: int, quote: str | None, *, name, line, where=""
) -> tuple[int, int]:
    """Check the quote against the file's own text, then map the offsets."""
    try:
        return anchoring.anchor_original(norm, start, end, quote)
    except anchoring.AnchorError as exc:
        raise ImportFormatError(str(exc), name=name, line=line, where=where) from None
