"""How coders' layers of one article differ. Pure functions, no Django.

Tags are grouped in rows by span (start, end); each row holds every coder's tags at that
span and says how the coders differ there:

- ``only_some``: a coder has no tag with this label overlapping the span;
- ``label``: another coder tagged exactly this span with a different label;
- ``attributes``: same span and label, different attribute values;
- ``overlap``: another coder's tag of the same label overlaps it with other bounds;
- a row without differences is ``agreed``: every coder made the same tag.

Links (claim → source) differ when some coder lacks a link whose claim and source
overlap theirs.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

ONLY_SOME = "only_some"
LABEL = "label"
ATTRIBUTES = "attributes"
OVERLAP = "overlap"
KINDS = {
    ONLY_SOME: "made by only some coders",
    LABEL: "same words, different labels",
    ATTRIBUTES: "same tag, different attribute values",
    OVERLAP: "overlapping but unequal spans",
}


@dataclass(frozen=True)
class CodedTag:
    id: int
    coder: str
    start: int
    end: int
    label: str
    attributes: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass
class Row:
    start: int
    end: int
    tags: dict[str, list[CodedTag]]  # coder -> their tags at exactly this span
    kinds: set[str]
    missing: list[str]  # coders with no overlapping tag of any label made here

    @property
    def agreed(self) -> bool:
        return not self.kinds

    def agreed_tag(self) -> CodedTag | None:
        """The tag every coder made identically here, if there is exactly one such."""
        if self.kinds:
            return None
        first = next(iter(self.tags.values()))
        return first[0] if len(first) == 1 else None


@dataclass
class LinkRow:
    claim: tuple[int, int]
    source: tuple[int, int]
    coders: list[str]
    missing: list[str]


def _overlaps(a: CodedTag, b: CodedTag) -> bool:
    return a.start < b.end and b.start < a.end


def _same(a: CodedTag, b: CodedTag) -> bool:
    return (a.start, a.end, a.label) == (b.start, b.end, b.label) and (a.attributes or {}) == (
        b.attributes or {}
    )


def compare(coders: Sequence[str], tags: Sequence[CodedTag]) -> list[Row]:
    """Rows in text order (start, then longer first)."""
    by_span: dict[tuple[int, int], dict[str, list[CodedTag]]] = {}
    for tag in tags:
        by_span.setdefault((tag.start, tag.end), {}).setdefault(tag.coder, []).append(tag)
    by_coder: dict[str, list[CodedTag]] = {c: [] for c in coders}
    for tag in tags:
        by_coder.setdefault(tag.coder, []).append(tag)
    rows = []
    for (start, end), here in sorted(by_span.items(), key=lambda item: (item[0][0], -item[0][1])):
        kinds: set[str] = set()
        missing = []
        for coder in coders:
            mine = here.get(coder, [])
            theirs = [t for t in by_coder.get(coder, ()) if t.start < end and start < t.end]
            if not mine and not theirs:
                missing.append(coder)
            for tag in [t for tags in here.values() for t in tags]:
                if tag.coder == coder:
                    continue
                same_label = [t for t in theirs if t.label == tag.label]
                if not same_label:
                    if any(t.start == start and t.end == end for t in theirs):
                        kinds.add(LABEL)
                    else:
                        kinds.add(ONLY_SOME)
                elif not any(t.start == start and t.end == end for t in same_label):
                    kinds.add(OVERLAP)
                elif not any(_same(t, tag) for t in same_label):
                    kinds.add(ATTRIBUTES)
        if len(here) < len(coders) and not kinds:
            kinds.add(ONLY_SOME)
        rows.append(Row(start, end, here, kinds, missing))
    return rows


def compare_links(
    coders: Sequence[str], links: dict[str, Sequence[tuple[tuple[int, int], tuple[int, int]]]]
) -> list[LinkRow]:
    """Each distinct link (by overlapping claim and source) and the coders who made it."""
    rows: list[LinkRow] = []

    def near(a, b):
        return a[0] < b[1] and b[0] < a[1]

    for coder in coders:
        for claim, source in links.get(coder, ()):
            for row in rows:
                if near(row.claim, claim) and near(row.source, source):
                    if coder not in row.coders:
                        row.coders.append(coder)
                    break
            else:
                rows.append(LinkRow(tuple(claim), tuple(source), [coder], []))
    for row in rows:
        row.missing = [c for c in coders if c not in row.coders]
    return sorted(rows, key=lambda r: (r.claim, r.source))
