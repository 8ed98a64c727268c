"""Precision and recall of the suggesters against a hand-labelled set. Pure, no Django.

The set (tests/data/suggest_gold.txt) marks spans inline: ``[[S:…]]`` for a source,
``[[F:…]]`` for framing; they may nest. A suggestion is *exact* when its span equals a
gold span of the same category and *overlapping* when it shares at least one character
with one; each gold span is matched at most once.
"""

import re

from annotations import suggest_score
from annotations.suggest import Suggestion
from annotations.suggest_score import Score

CATEGORIES = {"S": "source", "F": "framing"}
_MARK = re.compile(r"\[\[([SF]):|\]\]")


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
    """The app's scorer (``manage.py evaluate_suggestions``) over this set's categories."""
    return suggest_score.score(gold, suggestions, categories=tuple(CATEGORIES.values()))


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
