"""brat standoff: the reader of .ann files (with their .txt) and the writer of a zip. Pure.

No Django. The reader maps each offset through the normalisation of the .txt (see
anchoring.py) and refuses, naming the line, what a Newsdesk tag cannot hold; the writer
streams ``<annotator>/<article id>.txt`` and ``.ann`` pairs. The contract is in the README
("Importing tags", "Exports").
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator

from annotations.interchange.anchoring import same_quote
from annotations.interchange.anchoring import short as _short
from annotations.interchange.records import (
    FRAGMENT_OF,
    Document,
    Event,
    Group,
    ImportFormatError,
    Link,
    Span,
    TagRecord,
    anchored,
    normalised,
    relation_type,
    same_name,
)

# Reading


_BRAT_ID = re.compile(r"[TRAMNE#]\d+|\*")


def read_brat(*, ann: str, txt: str, name: str, annotator: str = "") -> Document:
    """One .ann with the .txt it counts against. ``name`` is the .ann's name for messages."""
    norm = normalised(txt, name=name)
    doc = Document(
        name=name,
        text=norm.text,
        annotator=annotator,
        line=1,
        underscores_for_spaces=True,
        file_text=norm,
    )
    spans: dict[str, Span] = {}
    seen: dict[str, int] = {}
    fragments: list[Span] = []  # later stretches of discontinuous spans
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
            first, *rest = _brat_spans(norm, key, fields, name=name, line=number)
            spans[key] = first
            for fragment in rest:
                # A discontinuous span: each later stretch is its own tag, continuing the first.
                fragments.append(fragment)
                doc.links.append(Link(FRAGMENT_OF, fragment.key, key, line=number, where=key))
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
    for fragment in fragments:  # the first stretch's attributes and note hold for all
        head = spans[fragment.key.partition("+")[0]]
        fragment.attribute_pairs, fragment.note = list(head.attribute_pairs), head.note
        fragment.trigger_only = head.trigger_only
    doc.spans += fragments
    return doc


def _brat_spans(norm, key: str, fields: list[str], *, name: str, line: int) -> list[Span]:
    """The stretches of a T line: one, or several for "Type 10 20;25 30" (its quote then
    reads the stretches joined by a space, as brat writes it)."""
    head = fields[1].split(" ", 1)
    if len(head) < 2:
        raise ImportFormatError(
            f"{key} should read “{key}<tab>Type start end<tab>text”.", name=name, line=line
        )
    label, offsets = head
    pairs = []
    for part in offsets.split(";"):
        numbers = part.split(" ")
        if len(numbers) != 2 or not all(n.isascii() and n.isdigit() for n in numbers):
            raise ImportFormatError(
                f"{key}: “{offsets}” are not whole-number offsets (start end;start end…).",
                name=name,
                line=line,
            )
        pairs.append((int(numbers[0]), int(numbers[1])))
    quote = "\t".join(fields[2:]) if len(fields) > 2 else None
    if len(pairs) == 1:
        start, end = anchored(norm, *pairs[0], quote, name=name, line=line, where=key)
        return [Span(key=key, label=label, start=start, end=end, line=line, where=key)]
    if quote is not None:
        pieces = " ".join(norm.original[s:e] for s, e in pairs)
        if not same_quote(quote, pieces):
            raise ImportFormatError(
                f"the quote “{_short(quote)}” does not match the stretches {offsets}, which "
                f"read “{_short(pieces)}”.",
                name=name,
                line=line,
                where=key,
            )
    found = []
    for n, (start, end) in enumerate(sorted(pairs), start=1):
        start, end = anchored(norm, start, end, None, name=name, line=line, where=key)
        found.append(
            Span(
                key=key if n == 1 else f"{key}+{n}",
                label=label,
                start=start,
                end=end,
                line=line,
                where=key,
            )
        )
    return found


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
        # brat relation types read as ours; any other type is refused with its line.
        kind_name = relation_type(words[0]) if words else None
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


# Writing


def brat_name(value: str) -> str:
    """brat types, attribute names and values cannot hold spaces."""
    return "_".join(value.split())


def _one_line(value: str) -> str:
    return " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value


def brat_ann(tags: list[TagRecord]) -> str:
    """The .ann file for one article and one annotator."""
    lines, numbers, links = [], {}, []
    attr_n = note_n = 0
    ids = {tag.id for tag in tags}
    # Stretches that continue a tag here are written on its T line: "10 20;25 30".
    stretches: dict[int, list[TagRecord]] = {}
    for tag in tags:
        head = next((o for t, o in tag.relations if t == FRAGMENT_OF and o in ids), None)
        if head is not None:
            stretches.setdefault(head, []).append(tag)
    continuing = {tag.id for more in stretches.values() for tag in more}
    n = 0
    for tag in tags:
        if tag.id in continuing:
            continue
        n += 1
        numbers[tag.id] = n
        parts = [tag, *sorted(stretches.get(tag.id, []), key=lambda t: t.start)]
        offsets = ";".join(f"{part.start} {part.end}" for part in parts)
        quote = " ".join(_one_line(part.quote) for part in parts)
        # Offsets are authoritative; a quote across paragraphs is written on one line.
        lines.append(f"T{n}\t{brat_name(tag.label)} {offsets}\t{quote}")
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
        links.extend((n, rtype, other) for rtype, other in tag.relations if rtype != FRAGMENT_OF)
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
