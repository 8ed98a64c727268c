"""Highlighted HTML from text and offsets: the one place derived markup is built.

Pure functions, no Django. The text is cut at every span boundary into segments; a
segment covered by spans becomes one ``<span>`` carrying the classes and references of
every span over it, so overlapping and nested spans stay legible and the DOM holds at
most 2 × spans + 1 nodes. The text content of the result is exactly the input text,
which lets the browser count offsets on it.

For the reader, the text is also cut into blocks (a paragraph with the newlines after
it). Each block is an element with its start offset, so a change re-renders only the
blocks it touches, and the browser counts offsets within one block, not the document.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import escape

_AFTER_NEWLINES = re.compile(r"\n+")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    layer: str  # becomes data-<layer>, e.g. "ent" or "tags"
    ref: str  # what the span points at, listed in data-<layer>
    css: str  # classes added to every segment the span covers
    title: str = ""


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    spans: tuple[Span, ...]


def segments(length: int, spans: list[Span], lo: int = 0, hi: int | None = None) -> list[Segment]:
    """Cut [lo, hi) at every span boundary; spans outside the text are an error.

    Spans reaching outside [lo, hi) are clipped to it.
    """
    hi = length if hi is None else hi
    for span in spans:
        if not 0 <= span.start < span.end <= length:
            raise ValueError(f"span [{span.start}, {span.end}) is outside [0, {length})")
    spans = [s for s in spans if s.start < hi and s.end > lo]
    inside = {p for s in spans for p in (s.start, s.end) if lo < p < hi}
    cuts = sorted({lo, hi, *inside})
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    order = {id(span): n for n, span in enumerate(sorted(spans, key=lambda s: (s.start, -s.end)))}
    result = []
    active = [s for s in spans if s.start < lo]
    for left, right in zip(cuts, cuts[1:], strict=False):
        if left in starting:
            active.extend(starting[left])
            active.sort(key=lambda s: order[id(s)])
        active = [s for s in active if s.end > left]
        result.append(Segment(left, right, tuple(active)))
    return result


def render(text: str, spans: list[Span], lo: int = 0, hi: int | None = None) -> str:
    parts = []
    for segment in segments(len(text), spans, lo, hi):
        chunk = escape(text[segment.start : segment.end], quote=False)
        if not segment.spans:
            parts.append(chunk)
            continue
        classes: dict[str, None] = {}
        refs: dict[str, list[str]] = {}
        titles: dict[str, None] = {}
        for span in segment.spans:
            classes.update(dict.fromkeys(span.css.split()))
            refs.setdefault(span.layer, []).append(span.ref)
            if span.title:
                titles[span.title] = None
        attrs = [f'class="{escape(" ".join(classes))}"']
        attrs += [f'data-{layer}="{escape(" ".join(r))}"' for layer, r in refs.items()]
        if titles:
            attrs.append(f'title="{escape(", ".join(titles))}"')
        parts.append(f"<span {' '.join(attrs)}>{chunk}</span>")
    return "".join(parts)


def blocks(text: str) -> list[tuple[int, int]]:
    """[start, end) of each block: a line or paragraph with the newlines that end it."""
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
    carries ``hx-swap-oob`` so htmx swaps it in place.
    """
    indexes = range(len(block_list)) if indexes is None else indexes
    swap = ' hx-swap-oob="true"' if oob else ""
    pending = sorted(spans, key=lambda s: s.start)
    position = 0
    open_spans: list[Span] = []
    parts = []
    for index in indexes:
        lo, hi = block_list[index]
        while position < len(pending) and pending[position].start < hi:
            open_spans.append(pending[position])
            position += 1
        open_spans = [s for s in open_spans if s.end > lo]
        inner = render(text, [s for s in open_spans if s.start < hi], lo, hi)
        parts.append(f'<span class="blk" id="blk-{index}" data-o="{lo}"{swap}>{inner}</span>')
    return "".join(parts)
