"""What the workbench shows: the text with entity and tag layers, and the tag sidebar.

Reads only; every function issues a fixed number of queries, whatever the number of tags.
"""

import functools
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.db.models import Count, Q
from django.utils.safestring import mark_safe

from annotations import suggest
from annotations.models import (
    Annotation,
    Category,
    Label,
    Relation,
    Suggestion,
    SuggestionDismissal,
    labels_for,
)
from newsdesk import highlight, reader
from newsdesk.models import Article, EntityMention


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


def codebook_labels(article_id: int) -> list[Label]:
    return list(labels_for(article_id))


def tag_rows(
    article: Article, owner, labels: list[Label], *, lo: int = 0, hi: int | None = None
) -> list[TagRow]:
    """The owner's live tags in the article (only those touching [lo, hi) when given).

    Plain values, not model instances: the workbench reads up to thousands of these per page.
    """
    by_pk = {label.pk: label for label in labels}
    tags = Annotation.objects.for_user(owner).filter(article=article)
    if lo or hi is not None:
        tags = tags.filter(start__lt=len(article.text) if hi is None else hi, end__gt=lo)
    rows = []
    values = tags.order_by("start", "-end", "pk").values_list(
        "pk", "start", "end", "quote", "label_id", "attributes", "note"
    )
    for pk, start, end, quote, label_id, attributes, note in values:
        label = by_pk.get(label_id) or Label.objects.get(pk=label_id)
        by_pk[label_id] = label
        rows.append(TagRow(pk, start, end, quote, label, attributes, note))
    return rows


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
    row = TagRow(tag.pk, tag.start, tag.end, tag.quote, tag.label, tag.attributes, tag.note)
    set_blocks(article, [row])
    return row


def rows_with_links(article: Article, owner, pks: list[int]) -> list[TagRow]:
    """Sidebar rows for a few tags, each with all of its links to live tags."""
    tags = {
        t.pk: t
        for t in Annotation.objects.for_user(owner).filter(pk__in=pks).select_related("label")
    }
    relations = list(
        Relation.objects.filter(Q(from_annotation__in=tags) | Q(to_annotation__in=tags))
        .filter(from_annotation__deleted_at__isnull=True, to_annotation__deleted_at__isnull=True)
        .select_related("from_annotation__label", "to_annotation__label")
        .order_by("pk")
    )
    for relation in relations:
        tags.setdefault(relation.from_annotation_id, relation.from_annotation)
        tags.setdefault(relation.to_annotation_id, relation.to_annotation)
    rows = {
        pk: TagRow(t.pk, t.start, t.end, t.quote, t.label, t.attributes, t.note)
        for pk, t in tags.items()
    }
    for relation in relations:
        source, target = rows[relation.from_annotation_id], rows[relation.to_annotation_id]
        source.links_out.append((relation, target))
        target.links_in.append((relation, source))
    set_blocks(article, list(rows.values()))
    return [rows[pk] for pk in pks if pk in rows]


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


def row_html(row: TagRow, oob: str = "") -> str:
    """One sidebar row. Built in Python: a page may hold a thousand of them."""
    values = row.values
    values_html = f'<span class="row-values">{escape(values)}</span>' if values else ""
    links = "".join(
        f'<li>{arrow} {escape(text)} <a href="#blk-{other.block}" data-tag-open="{other.pk}">'
        f"{escape(_clip(other.snippet, 48))}</a></li>"
        for arrow, text, other in [
            *(("→", relation.get_type_display(), other) for relation, other in row.links_out),
            *(("←", other.label.name, other) for _, other in row.links_in),
        ]
    )
    return mark_safe(
        f'<li id="tag-row-{row.pk}" class="tag-row cat-{row.category}" data-tag="{row.pk}"'
        f"{f' hx-swap-oob={chr(34)}{escape(oob)}{chr(34)}' if oob else ''}>"
        f'<a href="#blk-{row.block}" class="tag-open" data-tag-open="{row.pk}">'
        f'<span class="row-label">{escape(row.label.name)}</span> '
        f'<span class="row-quote">{escape(row.snippet)}</span>'
        f"{values_html}</a>"
        f"{f'<ul class={chr(34)}row-links{chr(34)}>{links}</ul>' if links else ''}</li>"
    )


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def tag_spans(rows: list[TagRow]) -> list[highlight.Span]:
    return [
        highlight.Span(
            start=row.start,
            end=row.end,
            layer="tags",
            ref=str(row.pk),
            css=f"tag tag-{row.category}",
            title=_hover(row),
        )
        for row in rows
    ]


def _hover(row: TagRow) -> str:
    values = row.values
    return f"{row.label.name}: {values}" if values else row.label.name


def mention_spans(article: Article, lo: int, hi: int) -> list[highlight.Span]:
    rows = [
        reader.MentionRow(*values)
        for values in EntityMention.objects.filter(article=article, start__lt=hi, end__gt=lo)
        .order_by("start")
        .values_list("start", "end", "label", "entity_id", "text")
    ]
    return reader.entity_spans(rows)


def blocks_html(article: Article, owner, labels: list[Label], start: int, end: int) -> str:
    """Out-of-band swaps for the blocks that [start, end) touches, with every layer."""
    block_list = highlight.blocks(article.text)
    indexes = highlight.blocks_between(block_list, start, end)
    lo, hi = block_list[indexes[0]][0], block_list[indexes[-1]][1]
    rows = tag_rows(article, owner, labels, lo=lo, hi=hi)
    suggestions = open_suggestions(article, owner, rows, lo=lo, hi=hi)
    spans = mention_spans(article, lo, hi) + tag_spans(rows) + suggestion_spans(suggestions)
    return highlight.render_blocks(article.text, spans, block_list, indexes, oob=True)


def full_text_html(
    article: Article, mention_rows, rows: list[TagRow], suggestions: list[Suggestion] = ()
) -> str:
    block_list = highlight.blocks(article.text)
    spans = reader.entity_spans(mention_rows) + tag_spans(rows) + suggestion_spans(suggestions)
    return highlight.render_blocks(article.text, spans, block_list)


def open_suggestions(
    article: Article, owner, rows: list[TagRow], *, lo: int = 0, hi: int | None = None
) -> list[Suggestion]:
    """The article's suggestions this user has neither accepted nor dismissed, in one query.

    Accepted means the user has a tag of that category on exactly that stretch, however
    it got there. ``rows`` must cover [lo, hi). Raw SQL: every tag endpoint runs this,
    and building the ORM's NOT EXISTS costs more than the database's answer.
    """
    quote = connection.ops.quote_name
    table, dismissals = Suggestion._meta.db_table, SuggestionDismissal._meta.db_table
    end = quote("end")
    sql = (
        f"SELECT * FROM {quote(table)} s WHERE s.article_id = %s AND s.start < %s "
        f"AND s.{end} > %s AND NOT EXISTS (SELECT 1 FROM {quote(dismissals)} d "
        "WHERE d.user_id = %s AND d.article_id = s.article_id AND d.category = s.category "
        f"AND d.start = s.start AND d.{end} = s.{end}) ORDER BY s.start, s.{end} DESC, s.id"
    )
    hi = len(article.text) if hi is None else hi
    tagged = {(row.category, row.start, row.end) for row in rows}
    found = Suggestion.objects.raw(sql, [article.pk, hi, lo, owner.pk])
    return [s for s in found if (s.category, s.start, s.end) not in tagged]


def suggestion_spans(suggestions: list[Suggestion]) -> list[highlight.Span]:
    return [
        highlight.Span(
            start=s.start,
            end=s.end,
            layer="sug",
            ref=str(s.pk),
            css=f"sug sug-{s.category}",
            title=f"Suggested {s.get_category_display().lower()}",
        )
        for s in suggestions
    ]


def suggestion_row_html(suggestion: Suggestion, accept_url: str, dismiss_url: str) -> str:
    """One row of the suggestions list: what is proposed, and the two answers."""
    values = values_text(suggestion.attributes, suggest.ATTRIBUTE_ORDER)
    quote = _clip(" ".join(suggestion.quote.split()), 90)
    category = suggestion.get_category_display()
    return mark_safe(
        f'<li id="sug-row-{suggestion.pk}" class="sug-row cat-{suggestion.category}" '
        f'data-sug="{suggestion.pk}">'
        f'<span class="row-label">{escape(category)}?</span> '
        f'<span class="row-quote">{escape(quote)}</span>'
        f"{f'<span class={chr(34)}sug-values{chr(34)}>{escape(values)}</span>' if values else ''}"
        f'<span class="sug-actions">'
        f'<button type="button" class="sug-accept" hx-post="{accept_url}" '
        f'hx-target="#tag-editor" aria-label="Accept as {escape(category)}: {escape(quote)}">'
        "Accept</button> "
        f'<button type="button" class="sug-dismiss" hx-post="{dismiss_url}" hx-swap="none" '
        f'aria-label="Dismiss: {escape(quote)}">Dismiss</button></span></li>'
    )


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


def next_row_pk(annotation: Annotation) -> int | None:
    """The tag after this one in its category's list, to insert the sidebar row before."""
    following = (
        Annotation.objects.for_user(annotation.owner_id)
        .filter(article_id=annotation.article_id, label__category=annotation.label.category)
        .filter(
            Q(start__gt=annotation.start)
            | Q(start=annotation.start, end__lt=annotation.end)
            | Q(start=annotation.start, end=annotation.end, pk__gt=annotation.pk)
        )
        .exclude(pk=annotation.pk)
        .order_by("start", "-end", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return following


def counts(article: Article, owner, labels: list[Label]) -> tuple[dict[int, int], dict[str, int]]:
    by_label = Counter(
        dict(
            Annotation.objects.for_user(owner)
            .filter(article=article)
            .values("label")
            .annotate(n=Count("pk"))
            .values_list("label", "n")
        )
    )
    by_category = Counter()
    for label in labels:
        by_category[label.category] += by_label[label.pk]
    return dict(by_label), dict(by_category)


def nearby_sources(
    tag: Annotation, *, exclude: set[int], before: int = 8, after: int = 4, reach: int = 5_000
):
    """The source tags closest to a claim, in text order: a short list to link it to.

    Attribution mostly comes just before or just after the claim, so one query reads the
    sources within ``reach`` characters: the list costs the same however long the article.
    """
    window = (
        Annotation.objects.for_user(tag.owner_id)
        .filter(
            article_id=tag.article_id,
            label__category=Category.SOURCE,
            start__gte=tag.start - reach,
            start__lte=tag.end + reach,
        )
        .exclude(pk__in=exclude)
        .order_by("start", "pk")
    )
    sources = list(window)
    earlier = [s for s in sources if s.start <= tag.start][-before:]
    later = [s for s in sources if s.start > tag.start][:after]
    return earlier + later
