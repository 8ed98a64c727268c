"""The workbench's view of tags: rows for the sidebar and the editor, with their links and
counts. Reads only; each function issues a fixed number of queries, whatever the number of
tags."""

import functools
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from annotations.models import Annotation, Category, Label, Relation
from newsdesk import highlight, sql
from newsdesk.models import Article


@dataclass
class TagRow:
    """A tag as the sidebar and the editor show it."""

    pk: int
    start: int
    end: int
    quote: str
    label: Label
    attributes: dict
    note: str
    block: int = 0
    links_out: list[tuple[Relation, "TagRow"]] = field(default_factory=list)
    links_in: list[tuple[Relation, "TagRow"]] = field(default_factory=list)

    @classmethod
    def of(cls, tag: Annotation) -> "TagRow":
        return cls(tag.pk, tag.start, tag.end, tag.quote, tag.label, tag.attributes, tag.note)

    @property
    def category(self) -> str:
        return self.label.category

    @functools.cached_property
    def values(self) -> str:
        """Its attribute values as one line, for the sidebar row and the hover."""
        return values_text(self.attributes, schema_order(self.label))

    @property
    def snippet(self) -> str:
        quote = " ".join(self.quote.split())
        return quote if len(quote) <= 90 else quote[:89] + "…"


def tag_rows(
    article: Article, owner, labels: list[Label], *, lo: int = 0, hi: int | None = None
) -> list[TagRow]:
    """The owner's live tags in the article (only those touching [lo, hi) when given).

    Plain values, not model instances: the workbench reads up to thousands of these per
    page, and every write reads those of a stretch (SQL written out: newsdesk/sql.py).
    """
    by_pk = {label.pk: label for label in labels}
    end, where = sql.name("end"), ""
    params = [article.pk, _owner_pk(owner)]
    if lo or hi is not None:
        where = f" AND a.start < %s AND a.{end} > %s"
        params += [len(article.text) if hi is None else hi, lo]
    found = sql.fetch(
        f"SELECT {_ROW_COLUMNS.format(t='a', end=end)} FROM {sql.table(Annotation)} a "
        f"WHERE a.article_id = %s AND a.owner_id = %s AND a.deleted_at IS NULL{where} "
        f"ORDER BY a.start, a.{end} DESC, a.id",
        params,
    )
    rows = []
    for pk, start, end, quote, label_id, attributes, note in found:
        label = by_pk.get(label_id) or Label.objects.get(pk=label_id)
        by_pk[label_id] = label
        rows.append(TagRow(pk, start, end, quote, label, sql.json_value(attributes), note))
    return rows


def _owner_pk(owner) -> int:
    return owner if isinstance(owner, int) else owner.pk


def attach_links(article: Article, owner, rows: list[TagRow]) -> None:
    """Fill in each row's links, in one query for all rows."""
    by_pk = {row.pk: row for row in rows}
    relations = Relation.objects.filter(
        from_annotation__article=article, from_annotation__owner=owner
    ).order_by("pk")
    for relation in relations:
        source = by_pk.get(relation.from_annotation_id)
        target = by_pk.get(relation.to_annotation_id)
        if source is None or target is None:
            continue  # one end is deleted
        source.links_out.append((relation, target))
        target.links_in.append((relation, source))


def fresh_row(article: Article, tag: Annotation) -> TagRow:
    """The row of a tag just made: it has no links yet, so nothing needs reading."""
    row = TagRow.of(tag)
    set_blocks(article, [row])
    return row


def rows_with_links(
    article: Article, owner, pks: list[int], labels: list[Label] | None = None
) -> list[TagRow]:
    """Sidebar rows for a few of the owner's live tags, each with all of its links to live
    tags, in two queries (SQL written out: every relabel, undo and delete reads these)."""
    if not pks:
        return []
    annotation, end = sql.table(Annotation), sql.name("end")
    marks = ", ".join(["%s"] * len(pks))
    tags = {
        values[0]: values
        for values in sql.fetch(
            f"SELECT {_ROW_COLUMNS.format(t='a', end=end)} FROM {annotation} a "
            f"WHERE a.owner_id = %s AND a.deleted_at IS NULL AND a.id IN ({marks})",
            [_owner_pk(owner), *pks],
        )
    }
    if not tags:
        return []
    marks = ", ".join(["%s"] * len(tags))
    relations = sql.fetch(
        f"SELECT r.id, r.type, {_ROW_COLUMNS.format(t='f', end=end)}, "
        f"{_ROW_COLUMNS.format(t='t', end=end)} FROM {sql.table(Relation)} r "
        f"JOIN {annotation} f ON f.id = r.from_annotation_id "
        f"JOIN {annotation} t ON t.id = r.to_annotation_id "
        f"WHERE (r.from_annotation_id IN ({marks}) OR r.to_annotation_id IN ({marks})) "
        "AND f.deleted_at IS NULL AND t.deleted_at IS NULL ORDER BY r.id",
        [*tags, *tags],
    )
    width = _ROW_COLUMNS.count(",") + 1
    links = []
    for values in relations:
        source, target = values[2 : 2 + width], values[2 + width :]
        tags.setdefault(source[0], source)
        tags.setdefault(target[0], target)
        links.append((values[0], values[1], source[0], target[0]))
    by_pk = {label.pk: label for label in labels or ()}
    missing = {values[4] for values in tags.values()} - set(by_pk)
    if missing:
        by_pk.update(Label.objects.in_bulk(missing))
    rows = {
        pk: TagRow(pk, start, stop, quote, by_pk[label_id], sql.json_value(attributes), note)
        for pk, (_, start, stop, quote, label_id, attributes, note) in tags.items()
    }
    for pk, kind, source_pk, target_pk in links:
        relation = Relation(
            pk=pk, type=kind, from_annotation_id=source_pk, to_annotation_id=target_pk
        )
        source, target = rows[source_pk], rows[target_pk]
        source.links_out.append((relation, target))
        target.links_in.append((relation, source))
    set_blocks(article, list(rows.values()))
    return [rows[pk] for pk in pks if pk in rows]


_ROW_COLUMNS = "{t}.id, {t}.start, {t}.{end}, {t}.quote, {t}.label_id, {t}.attributes, {t}.note"


def values_text(attributes: dict, order: list[str]) -> str:
    """ "identification: anonymous; reason for anonymity given: yes" for rows and hovers,
    in ``order`` (the schema's), whatever order the database keeps JSON keys in."""
    rank = {name: index for index, name in enumerate(order)}
    names = sorted(attributes, key=lambda name: (rank.get(name, len(rank)), name))
    return "; ".join(
        f"{name}: {_shown(attributes[name])}" for name in names if attributes[name] not in ("", [])
    )


def schema_order(label: Label) -> list[str]:
    return [item["name"] for item in label.attribute_schema]


def _shown(value) -> str:
    if value is True or value is False:
        return "yes" if value else "no"
    return ", ".join(value) if isinstance(value, list) else str(value)


def set_blocks(article: Article, rows: list[TagRow]) -> None:
    block_starts = [b[0] for b in highlight.blocks(article.text)]
    for row in rows:
        row.block = max(bisect_right(block_starts, row.start) - 1, 0)


def grouped(rows: list[TagRow]) -> list[tuple[str, str, list[TagRow]]]:
    by_category = defaultdict(list)
    for row in rows:
        by_category[row.category].append(row)
    return [(value, name, by_category[value]) for value, name in Category.choices]


def label_counts(rows: list[TagRow]) -> Counter:
    return Counter(row.label.pk for row in rows)


def next_row_pk(annotation: Annotation, nearby: list[TagRow] | None = None) -> int | None:
    """The tag after this one in its category's list, to insert the sidebar row before.

    ``nearby``: the owner's live tags touching a stretch of text that holds the tag (the
    rows a write's answer has read for its blocks). A tag of the category after this one
    there is the next in the whole list, with no query: any tag ordered between the two
    starts between them, so it touches that stretch too.
    """
    key = (annotation.start, -annotation.end, annotation.pk)
    category = annotation.label.category
    after = [
        (row.start, -row.end, row.pk)
        for row in nearby or ()
        if row.category == category and (row.start, -row.end, row.pk) > key
    ]
    if after:
        return min(after)[2]
    end, label = sql.name("end"), sql.table(Label)
    found = sql.fetch(
        f"SELECT a.id FROM {sql.table(Annotation)} a JOIN {label} l ON l.id = a.label_id "
        "WHERE a.owner_id = %s AND a.article_id = %s AND a.deleted_at IS NULL "
        f"AND l.category = %s AND a.id <> %s AND (a.start > %s OR (a.start = %s AND "
        f"(a.{end} < %s OR (a.{end} = %s AND a.id > %s)))) "
        f"ORDER BY a.start, a.{end} DESC, a.id LIMIT 1",
        [
            annotation.owner_id,
            annotation.article_id,
            category,
            annotation.pk,
            annotation.start,
            annotation.start,
            annotation.end,
            annotation.end,
            annotation.pk,
        ],
    )
    return found[0][0] if found else None


def counts(article: Article, owner, labels: list[Label]) -> tuple[dict[int, int], dict[str, int]]:
    """The owner's live tags on the article per label and per category, in one query."""
    by_label = Counter(
        dict(
            sql.fetch(
                f"SELECT label_id, COUNT(*) FROM {sql.table(Annotation)} WHERE article_id = %s "
                "AND owner_id = %s AND deleted_at IS NULL GROUP BY label_id",
                [article.pk, _owner_pk(owner)],
            )
        )
    )
    by_category = Counter()
    for label in labels:
        by_category[label.category] += by_label[label.pk]
    return dict(by_label), dict(by_category)


@dataclass(frozen=True)
class SourceChoice:
    """A source tag the editor offers to link to: what its list shows."""

    pk: int
    start: int
    quote: str


def nearby_sources(
    tag: Annotation, *, exclude: set[int], before: int = 8, after: int = 4, reach: int = 5_000
) -> list[SourceChoice]:
    """The source tags closest to a claim, in text order: a short list to link it to.

    Attribution mostly comes just before or just after the claim, so one query reads the
    sources within ``reach`` characters: the list costs the same however long the article.
    """
    found = sql.fetch(
        f"SELECT a.id, a.start, a.quote FROM {sql.table(Annotation)} a "
        f"JOIN {sql.table(Label)} l ON l.id = a.label_id WHERE a.owner_id = %s "
        "AND a.article_id = %s AND a.deleted_at IS NULL AND l.category = %s "
        "AND a.start >= %s AND a.start <= %s ORDER BY a.start, a.id",
        [tag.owner_id, tag.article_id, Category.SOURCE, tag.start - reach, tag.end + reach],
    )
    sources = [SourceChoice(*values) for values in found if values[0] not in exclude]
    earlier = [s for s in sources if s.start <= tag.start][-before:]
    later = [s for s in sources if s.start > tag.start][:after]
    return earlier + later
