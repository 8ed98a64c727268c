"""Highlighted HTML from text and offsets: the one place derived markup is built.

Pure functions, no Django. The text is cut at every span boundary into segments; a
segment covered by spans becomes one ``<span>`` carrying the classes and references of
every span over it, so overlapping and nested spans stay legible and the DOM holds at
most 2 × spans + 1 nodes. The text content of the result is exactly the input text,
which lets the browser count offsets on it.

Markup is terse, as the long document carries thousands of segments: attribute values
go unquoted where HTML allows it (``class=blk``), and a layer's empty reference writes
no attribute at all.

For the reader, the text is also cut into blocks (a paragraph with the newlines after
it). Each block is an element with its start offset, so a change re-renders only the
blocks it touches, and the browser counts offsets within one block, not the document.
"""

import functools
import re
from bisect import bisect_right
from html import escape
from typing import NamedTuple

_AFTER_NEWLINES = re.compile(r"\n+")
# A value HTML allows unquoted and that needs no escaping.
_BARE = re.compile(r"[A-Za-z0-9_.-]+")


class Span(NamedTuple):
    """A stretch to mark. A named tuple: the long document makes thousands per page, and
    a tuple is made about four times faster than a frozen dataclass."""

    start: int
    end: int
    layer: str  # becomes data-<layer>, e.g. "ent" or "tags"
    ref: str  # what the span points at, listed in data-<layer>
    css: str  # classes added to every segment the span covers
    title: str = ""
    # When set, the segment where the span starts gets the class "<edge>-s" and the one
    # where it ends "<edge>-e": overlapping spans of one kind stay apart at their ends.
    edge: str = ""


@functools.lru_cache(maxsize=64)
def blocks(text: str) -> list[tuple[int, int]]:
    """[start, end) of each block: a line or paragraph with the newlines that end it.

    Cached: an article's text never changes, and every tag change needs its blocks.
    Callers must not modify the list.
    """
    if not text:
        return []
    ends = [match.end() for match in _AFTER_NEWLINES.finditer(text)]
    starts = [0, *ends]
    if ends and ends[-1] == len(text):
        starts.pop()
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def blocks_between(block_list: list[tuple[int, int]], start: int, end: int) -> range:
    """Indexes of the blocks that [start, end) touches."""
    block_starts = [b[0] for b in block_list]
    first = max(bisect_right(block_starts, start) - 1, 0)
    last = max(bisect_right(block_starts, max(end - 1, start)) - 1, first)
    return range(first, last + 1)


def render_blocks(
    text: str,
    spans: list[Span],
    block_list: list[tuple[int, int]],
    indexes: range | None = None,
    oob: bool = False,
) -> str:
    """The given blocks (all by default) as ``<span class="blk">`` elements.

    ``spans`` need only hold the spans that touch those blocks. With ``oob`` each block
    carries ``hx-swap-oob`` so htmx swaps it in place. One sweep over the region: this
    runs for every page view, over thousands of spans.
    """
    indexes = range(len(block_list)) if indexes is None else indexes
    if not indexes:
        return ""
    lo, hi = block_list[indexes[0]][0], block_list[indexes[-1]][1]
    for span in spans:
        if not 0 <= span.start < span.end <= len(text):
            raise ValueError(f"span [{span.start}, {span.end}) is outside [0, {len(text)})")
    spans = sorted(
        (s for s in spans if s.start < hi and s.end > lo), key=lambda s: (s.start, -s.end)
    )
    block_starts = {block_list[i][0]: i for i in indexes}
    cuts = sorted(
        {lo, hi, *block_starts, *(p for s in spans for p in (s.start, s.end) if lo < p < hi)}
    )
    swap = " hx-swap-oob=true" if oob else ""
    markup: dict[tuple[int, ...], str] = {}
    parts: list[str] = []
    active: list[tuple[int, Span]] = []
    position = 0
    while position < len(spans) and spans[position].start <= lo:
        active.append((position, spans[position]))
        position += 1
    for left, right in zip(cuts, cuts[1:], strict=False):
        if left in block_starts:
            if left != lo:
                parts.append("</span>")
            parts.append(f"<span class=blk id=blk-{block_starts[left]} data-o={left}{swap}>")
        if any(span.end <= left for _, span in active):
            active = [(n, span) for n, span in active if span.end > left]
        while position < len(spans) and spans[position].start == left:
            active.append((position, spans[position]))
            position += 1
        chunk = text[left:right]
        if "&" in chunk or "<" in chunk or ">" in chunk:
            chunk = escape(chunk, quote=False)
        if not active:
            parts.append(chunk)
            continue
        key = tuple(n for n, _ in active)
        edges = ()
        if any(span.edge for _, span in active):
            sides = (("s", "start", left), ("e", "end", right))
            edges = tuple(
                dict.fromkeys(
                    f"{span.edge}-{side}"
                    for _, span in active
                    if span.edge
                    for side, name, at in sides
                    if getattr(span, name) == at
                )
            )
            key = (key, edges)
        if (opening := markup.get(key)) is None:
            opening = markup[key] = _opening([span for _, span in active], edges)
        parts.append(f"{opening}{chunk}</span>")
    parts.append("</span>")
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _value(value: str) -> str:
    """An attribute's value, quoted only when HTML requires it."""
    return value if _BARE.fullmatch(value) else f'"{escape(value)}"'


def _opening(spans: list[Span], edges: tuple[str, ...] = ()) -> str:
    if len(spans) == 1 and not edges:  # the common case, kept fast
        span = spans[0]
        ref = f" data-{span.layer}={_value(span.ref)}" if span.ref else ""
        title = f" title={_value(span.title)}" if span.title else ""
        return f"<span class={_value(span.css)}{ref}{title}>"
    classes: dict[str, None] = dict.fromkeys(edges)
    refs: dict[str, list[str]] = {}
    titles: dict[str, None] = {}
    for span in spans:
        classes.update(dict.fromkeys(span.css.split()))
        layer_refs = refs.setdefault(span.layer, [])
        if span.ref:
            layer_refs.append(span.ref)
        if span.title:
            titles[span.title] = None
    ordered = [c for c in classes if c not in edges] + [c for c in classes if c in edges]
    attrs = [f"class={_value(' '.join(ordered))}"]
    attrs += [f"data-{layer}={_value(' '.join(r))}" for layer, r in refs.items() if r]
    if titles:
        attrs.append(f"title={_value(', '.join(titles))}")
    return f"<span {' '.join(attrs)}>"


# The marks for the browser to draw (static/js/marks.js), instead of their markup: the
# long document's 4,000 marks cost 320 KB as HTML and about 40 KB as these numbers.
def marks(text: str, spans: list[Span]) -> dict:
    """``spans`` as ``{"k": kinds, "m": numbers}`` for the browser to draw with exactly the
    markup ``render_blocks`` makes of them.

    Each kind is ``[layer, css, edge]``; ``m`` holds four numbers per span, in the order
    ``render_blocks`` sweeps them (start, then the longer first, then as given): the start
    minus the previous span's start, the length, the kind's index and the reference (0 for
    none; a reference that is not a number is sent as a string). Offsets are code points.
    Titles are not carried: a span with one is refused. A plain tuple in Span's field
    order does as well as a Span.
    """
    kinds: dict[tuple[str, str, str], int] = {}
    numbers: list = []
    add = numbers.extend
    previous, size = 0, len(text)
    # Unpacked, not read by name: this runs for every mark of the long page.
    for start, end, layer, ref, css, title, edge in sorted(spans, key=_text_order):
        if not 0 <= start < end <= size:
            raise ValueError(f"span [{start}, {end}) is outside [0, {size})")
        if title:
            raise ValueError("marks() carries no titles")
        kind = kinds.get((layer, css, edge))
        if kind is None:
            kind = kinds[layer, css, edge] = len(kinds)
        if not ref:
            ref = 0
        elif ref.isdigit() and ref.isascii():
            ref = int(ref)
        add((start - previous, end - start, kind, ref))
        previous = start
    return {"k": [list(kind) for kind in kinds], "m": numbers}


def _text_order(span: Span) -> tuple[int, int]:
    return span[0], -span[1]


def spans_of_marks(data: dict) -> list[Span]:
    """The spans ``marks`` encoded, in its order (for tests and for checking the encoding)."""
    kinds, numbers = data["k"], data["m"]
    spans, start = [], 0
    for n in range(0, len(numbers), 4):
        gap, length, kind, ref = numbers[n : n + 4]
        start += gap
        layer, css, edge = kinds[kind]
        spans.append(
            Span(start, start + length, layer, "" if ref == 0 else str(ref), css, "", edge)
        )
    return spans
