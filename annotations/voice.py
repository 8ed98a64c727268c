"""Whose voice a framing tag is in: the reporter's own words, or attributed content.

"the terrorist group Hamas" written by the reporter is not the same finding as
"'Zionist regime'" inside what a state news agency is reported to have said. Pure
functions, no Django: the workbench, the summary and the exports derive it the same way.

The annotator's own answer (the framing label's ``voice`` attribute) always wins. Else a
framing tag is attributed when it lies inside a claim linked to a source, or inside a
quotation that is more than the tag's own quote marks; otherwise it is the reporter's.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

REPORTER = "reporter's own"
ATTRIBUTED = "attributed"
ATTRIBUTE = "voice"

# Opening mark → closing mark. Straight single quotes count only away from letters, so
# that apostrophes (Iran's, students') do not open or close anything.
_PAIRS = {'"': '"', "“": "”", "‘": "’", "«": "»", "'": "'"}
_PARAGRAPH = re.compile(r"\n\s*\n")
_MARK = re.compile("[\"“”‘’«»']")


@dataclass(frozen=True)
class Voice:
    value: str
    derived: bool
    reason: str


@dataclass(frozen=True)
class ClaimSpan:
    start: int
    end: int
    attributed: bool  # linked to a source


def quotations(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """[start, end) of each quotation, marks included, in the paragraphs that [lo, hi)
    touches (all by default). A quotation crosses a paragraph break only the way news
    copy continues one: the paragraph ends with the quote still open and the next begins
    with the same opening mark. Other unclosed marks are ignored. Only the marks are
    visited, so a long article costs little."""
    hi = len(text) if hi is None else hi
    first = max(text.rfind("\n\n", 0, lo), 0)
    for _ in range(20):  # back to the paragraph where a continued quotation opened
        if first == 0 or text[first:].lstrip()[:1] not in _PAIRS:
            break
        first = max(text.rfind("\n\n", 0, first), 0)
    last = text.find("\n\n", hi)
    last = len(text) if last < 0 else last
    breaks = [m.start() for m in _PARAGRAPH.finditer(text, first, last)]
    found = []
    opened: tuple[str, int] | None = None
    paragraph_end = last
    for match in _MARK.finditer(text, first, last):
        index, char = match.start(), match[0]
        if opened is not None and index > paragraph_end:
            if index == _next_start(text, paragraph_end) and char == text[opened[1]]:
                following = bisect_right(breaks, index)
                paragraph_end = breaks[following] if following < len(breaks) else last
                continue  # the quotation goes on in this paragraph
            opened = None  # its paragraph ended before this mark
        if char == "'" and not _free_apostrophe(text, index, opening=opened is None):
            continue
        if opened is None:
            if char in _PAIRS:
                opened = (_PAIRS[char], index)
                following = bisect_right(breaks, index)
                paragraph_end = breaks[following] if following < len(breaks) else last
        elif char == opened[0]:
            found.append((opened[1], index + 1))
            opened = None
    return found


def _next_start(text: str, paragraph_end: int) -> int:
    index = paragraph_end
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _free_apostrophe(text: str, index: int, *, opening: bool) -> bool:
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return not before.isalnum() if opening else not after.isalnum()


def of_framing(
    start: int,
    end: int,
    attributes: dict,
    *,
    claims: list[ClaimSpan],
    quotes: list[tuple[int, int]],
) -> Voice:
    if attributes.get(ATTRIBUTE) in (REPORTER, ATTRIBUTED):
        return Voice(attributes[ATTRIBUTE], derived=False, reason="set by the annotator")
    for claim in claims:
        if claim.attributed and claim.start <= start and end <= claim.end:
            return Voice(ATTRIBUTED, derived=True, reason="inside a claim linked to a source")
    own_marks = False
    for quote_start, quote_end in quotes:
        if not (quote_start <= start and end <= quote_end):
            continue
        # A scare quote's own marks are the reporter's distancing, not someone's words.
        if quote_start + 1 < start or end < quote_end - 1:
            return Voice(ATTRIBUTED, derived=True, reason="inside a quotation")
        own_marks = True
    if own_marks:
        return Voice(REPORTER, derived=True, reason="in quote marks of its own (scare quotes)")
    return Voice(REPORTER, derived=True, reason="outside quotations and attributed claims")
