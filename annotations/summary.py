"""Per article and annotator: distinct sources, how many anonymous, the claims resting on
each, and framing by whose voice. Works on workbench rows with their links; pure."""

from dataclasses import dataclass, field

from annotations import voice
from annotations.models import Category, Relation

# The most identifying mention names the source: "A senior source" later named is named.
_IDENTIFICATION_ORDER = ["named", "partially identified", "anonymous"]


@dataclass
class SourceGroup:
    """One source, however many times the article mentions it."""

    mentions: list = field(default_factory=list)
    claims: list = field(default_factory=list)

    @property
    def first(self):
        return self.mentions[0]

    @property
    def identification(self) -> str:
        found = {row.attributes.get("identification") for row in self.mentions}
        return next((value for value in _IDENTIFICATION_ORDER if value in found), "")

    @property
    def anonymous(self) -> bool:
        return self.identification == "anonymous"


@dataclass
class Summary:
    sources: list[SourceGroup]
    unsourced_claims: list
    framing: dict[str, list]  # voice value → rows

    @property
    def anonymous_count(self) -> int:
        return sum(group.anonymous for group in self.sources)


def source_groups(rows) -> list[SourceGroup]:
    """Sources joined by "same source as" links (in either direction), in text order."""
    sources = [row for row in rows if row.category == Category.SOURCE]
    parent = {row.pk: row.pk for row in sources}

    def root(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for row in sources:
        for relation, other in row.links_out:
            if relation.type == Relation.Type.SAME_AS and other.pk in parent:
                parent[root(row.pk)] = root(other.pk)
    groups: dict[int, SourceGroup] = {}
    for row in sorted(sources, key=lambda r: (r.start, r.pk)):
        groups.setdefault(root(row.pk), SourceGroup()).mentions.append(row)
    return list(groups.values())


def summarise(text: str, rows) -> Summary:
    groups = source_groups(rows)
    group_of = {row.pk: group for group in groups for row in group.mentions}
    unsourced = []
    for row in rows:
        if row.category != Category.CLAIM:
            continue
        targets = {
            id(group_of[other.pk])
            for relation, other in row.links_out
            if relation.type == Relation.Type.ATTRIBUTED_TO and other.pk in group_of
        }
        for group in groups:
            if id(group) in targets:
                group.claims.append(row)
        if not targets:
            unsourced.append(row)
    framing: dict[str, list] = {voice.REPORTER: [], voice.ATTRIBUTED: []}
    claims, quotes = claim_spans(rows), voice.quotations(text)
    for row in rows:
        if row.category == Category.FRAMING:
            found = voice.of_framing(
                row.start, row.end, row.attributes, claims=claims, quotes=quotes
            )
            framing[found.value].append(row)
    return Summary(sources=groups, unsourced_claims=unsourced, framing=framing)


def claim_spans(rows) -> list[voice.ClaimSpan]:
    return [
        voice.ClaimSpan(
            row.start,
            row.end,
            attributed=any(r.type == Relation.Type.ATTRIBUTED_TO for r, _ in row.links_out),
        )
        for row in rows
        if row.category == Category.CLAIM
    ]
