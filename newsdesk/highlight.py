"""Highlighted HTML from text and offsets: the one place derived markup is built.

Pure functions, no Django. The text is cut at every span boundary into segments; a
segment covered by spans becomes one ``<span>`` carrying the classes and references of
every span over it, so overlapping and nested spans stay legible and the DOM holds at
most 2 × spans + 1 nodes. The text content of the result is exactly the input text,
which lets the browser count offsets on it.
"""

from dataclasses import dataclass
from html import escape


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


def segments(length: int, spans: list[Span]) -> list[Segment]:
    """Cut [0, length) at every span boundary; spans outside the text are an error."""
    for span in spans:
        if not 0 <= span.start < span.end <= length:
            raise ValueError(f"span [{span.start}, {span.end}) is outside [0, {length})")
    cuts = sorted({0, length, *(s.start for s in spans), *(s.end for s in spans)})
    starting: dict[int, list[Span]] = {}
    for span in spans:
        starting.setdefault(span.start, []).append(span)
    order = {id(span): n for n, span in enumerate(sorted(spans, key=lambda s: (s.start, -s.end)))}
    active: list[Span] = []
    result = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        if left in starting:
            active.extend(starting[left])
            active.sort(key=lambda s: order[id(s)])
        active = [s for s in active if s.end > left]
        result.append(Segment(left, right, tuple(active)))
    return result


def render(text: str, spans: list[Span]) -> str:
    parts = []
    for segment in segments(len(text), spans):
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
