"""Precision and recall of the suggesters against a hand-labelled set. Pure, no Django.

The set (tests/data/suggest_gold.txt) marks spans inline: ``[[S:…]]`` for a source,
``[[F:…]]`` for framing; they may nest. A suggestion is *exact* when its span equals a
gold span of the same category and *overlapping* when it shares at least one character
with one; each gold span is matched at most once.
"""

import re
from dataclasses import dataclass

from annotations.suggest import Suggestion

CATEGORIES = {"S": "source", "F": "framing"}
_MARK = re.compile(r"\[\[([SF]):|\]\]")


@dataclass(frozen=True)
class Score:
    category: str
    gold: int
    suggested: int
    exact: int
    overlapping: int

    @property
    def precision(self) -> float:
        return self.overlapping / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.overlapping / self.gold if self.gold else 0.0

    @property
    def exact_precision(self) -> float:
        return self.exact / self.suggested if self.suggested else 0.0

    @property
    def exact_recall(self) -> float:
        return self.exact / self.gold if self.gold else 0.0


def parse_gold(marked: str) -> tuple[str, list[tuple[str, int, int]]]:
    """The plain text and its gold spans (category, start, end); comments dropped."""
    lines = [line for line in marked.splitlines() if not line.startswith("#")]
    marked = "\n".join(lines).strip()
    text, spans, stack, position = [], [], [], 0
    length = 0
    for match in _MARK.finditer(marked):
        chunk = marked[position : match.start()]
        text.append(chunk)
        length += len(chunk)
        if match[0] == "]]":
            if not stack:
                raise ValueError(f"Unopened ]] at character {match.start()}.")
            category, start = stack.pop()
            spans.append((category, start, length))
        else:
            stack.append((CATEGORIES[match[1]], length))
        position = match.end()
    if stack:
        raise ValueError("A [[ is never closed.")
    text.append(marked[position:])
    return "".join(text), sorted(spans, key=lambda s: (s[1], s[2]))


def score(gold: list[tuple[str, int, int]], suggestions: list[Suggestion]) -> list[Score]:
    scores = []
    for category in CATEGORIES.values():
        wanted = [(start, end) for cat, start, end in gold if cat == category]
        found = [(s.start, s.end) for s in suggestions if s.category == category]
        scores.append(
            Score(
                category=category,
                gold=len(wanted),
                suggested=len(found),
                exact=len(set(wanted) & set(found)),
                overlapping=_matched(wanted, found),
            )
        )
    return scores


def _matched(wanted: list[tuple[int, int]], found: list[tuple[int, int]]) -> int:
    """Suggestions that overlap a gold span not already taken, exact matches first."""
    free = list(wanted)
    matched = 0
    for start, end in sorted(found, key=lambda span: span not in wanted):
        for index, (gold_start, gold_end) in enumerate(free):
            if start < gold_end and gold_start < end:
                del free[index]
                matched += 1
                break
    return matched


def to_brat(marked: str) -> tuple[str, str]:
    """The .txt and .ann of a marked text (``[[S:…]]``, ``[[C:…]]``, ``[[F:…]]``): how the
    gold folders in tests/data/ were made from their ``.marked`` sources."""
    names = {"S": "Source", "C": "Claim", "F": "Framing"}
    text, stack, lines, position, length, out = [], [], [], 0, 0, []
    for match in re.finditer(r"\[\[([SCF]):|\]\]", marked):
        chunk = marked[position : match.start()]
        out.append(chunk)
        length += len(chunk)
        if match[0] == "]]":
            kind, start = stack.pop()
            lines.append((start, length, kind))
        else:
            stack.append((names[match[1]], length))
        position = match.end()
    if stack:
        raise ValueError("A [[ is never closed.")
    out.append(marked[position:])
    text = "".join(out)
    ann = [
        f"T{n}\t{kind} {start} {end}\t{text[start:end].replace(chr(10), ' ')}"
        for n, (start, end, kind) in enumerate(sorted(lines), start=1)
    ]
    return text, "\n".join(ann) + "\n"
