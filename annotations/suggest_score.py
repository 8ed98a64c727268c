"""How well suggestions match a team's gold tags: precision, recall and F1. Pure, no Django.

A suggestion is *exact* when its span equals a gold span of its category and
*overlapping* when it shares at least one character with one; each gold span is matched
at most once (exact matches first). Gold comes from brat standoff folders (``.txt`` with
its ``.ann``), read by the same reader as the import, with a mapping from brat types to
Newsdesk's categories (source / claim / framing).
"""

from dataclasses import dataclass
from pathlib import Path

from annotations.interchange.brat import read_brat

CATEGORIES = ("source", "claim", "framing")
DEFAULT_MAPPING = {"source": "source", "claim": "claim", "framing": "framing"}


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
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def exact_precision(self) -> float:
        return self.exact / self.suggested if self.suggested else 0.0

    @property
    def exact_recall(self) -> float:
        return self.exact / self.gold if self.gold else 0.0

    @property
    def exact_f1(self) -> float:
        return _f1(self.exact_precision, self.exact_recall)

    def add(self, other: "Score") -> "Score":
        return Score(
            self.category,
            self.gold + other.gold,
            self.suggested + other.suggested,
            self.exact + other.exact,
            self.overlapping + other.overlapping,
        )


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class GoldDocument:
    name: str
    text: str
    spans: list[tuple[str, int, int]]  # (category, start, end)


def read_gold(folder: Path, mapping: dict[str, str] | None = None) -> list[GoldDocument]:
    """Every ``.ann`` under ``folder`` with its ``.txt``. ``mapping`` takes a brat type
    (compared ignoring case, underscores read as spaces) to a category; other types are
    left out."""
    mapping = {k.lower(): v for k, v in (mapping or DEFAULT_MAPPING).items()}
    documents = []
    for ann in sorted(Path(folder).rglob("*.ann")):
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            raise ValueError(f"{ann} has no {txt.name} beside it.")
        doc = read_brat(
            ann=ann.read_text(encoding="utf-8"), txt=txt.read_text(encoding="utf-8"), name=str(ann)
        )
        spans = []
        for span in doc.spans:
            category = mapping.get(span.label.lower()) or mapping.get(
                span.label.replace("_", " ").lower()
            )
            if category and span.start is not None and not span.trigger_only:
                spans.append((category, span.start, span.end))
        documents.append(GoldDocument(str(ann.relative_to(folder)), doc.text, sorted(spans)))
    return documents


def score(gold, suggestions, categories=CATEGORIES) -> list[Score]:
    """``gold``: (category, start, end); ``suggestions``: anything with category/start/end."""
    scores = []
    for category in categories:
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
    free = list(wanted)
    matched = 0
    for start, end in sorted(found, key=lambda span: span not in wanted):
        for index, (gold_start, gold_end) in enumerate(free):
            if start < gold_end and gold_start < end:
                del free[index]
                matched += 1
                break
    return matched
