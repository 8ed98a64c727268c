"""What the reader page shows of an article's entities: spans, legend and side list."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.highlight import Span

# spaCy's OntoNotes labels (English) and WikiNER's (PER, MISC: French; LOC and ORG are
# shared), in the order the legend lists them, with readable names.
ENTITY_TYPES = {
    "PERSON": "People",
    "PER": "People",
    "ORG": "Organisations",
    "GPE": "Countries, cities",
    "NORP": "Nationalities, groups",
    "LOC": "Other places",
    "FAC": "Buildings, facilities",
    "EVENT": "Events",
    "LAW": "Laws",
    "WORK_OF_ART": "Titles of works",
    "PRODUCT": "Products",
    "LANGUAGE": "Languages",
    "DATE": "Dates",
    "TIME": "Times",
    "MONEY": "Money",
    "PERCENT": "Percentages",
    "QUANTITY": "Quantities",
    "ORDINAL": "Ordinals",
    "CARDINAL": "Numbers",
    "MISC": "Other names",
}

_TYPE_ORDER = {label: n for n, label in enumerate(ENTITY_TYPES)}


@dataclass(frozen=True)
class MentionRow:
    start: int
    end: int
    label: str
    entity_id: int | None
    text: str

    @property
    def key(self) -> str:
        return str(self.entity_id) if self.entity_id else f"{self.label}:{self.text}"


@dataclass(frozen=True)
class EntityCount:
    key: str
    label: str
    name: str
    count: int

    @property
    def type_name(self) -> str:
        return ENTITY_TYPES.get(self.label, self.label)


def mention_rows(article) -> list[MentionRow]:
    return [
        MentionRow(*row)
        for row in article.mentions.order_by("start").values_list(
            "start", "end", "label", "entity_id", "text"
        )
    ]


def entity_spans(rows: list[MentionRow]) -> list[Span]:
    return [
        Span(
            start=row.start,
            end=row.end,
            layer="ent",
            ref=row.key,
            css=f"ent ent-{row.label}",
            title=ENTITY_TYPES.get(row.label, row.label),
        )
        for row in rows
    ]


def legend(rows: list[MentionRow]) -> list[tuple[str, str, int]]:
    return legend_of(row.label for row in rows)


def legend_of(labels: Iterable[str]) -> list[tuple[str, str, int]]:
    """(label, type name, mentions) in the legend's order, from each mention's label."""
    counts = Counter(labels)
    known = [label for label in ENTITY_TYPES if label in counts]
    other = sorted(label for label in counts if label not in ENTITY_TYPES)
    return [(label, ENTITY_TYPES.get(label, label), counts[label]) for label in known + other]


def entity_counts(rows: list[MentionRow]) -> list[EntityCount]:
    counts = Counter(row.key for row in rows)
    first = {}
    for row in rows:
        first.setdefault(row.key, row)
    return sorted(
        (
            EntityCount(key, first[key].label, " ".join(first[key].text.split()), n)
            for key, n in counts.items()
        ),
        key=lambda e: (
            _TYPE_ORDER.get(e.label, len(_TYPE_ORDER)),
            e.label,
            -e.count,
            e.name.lower(),
        ),
    )
