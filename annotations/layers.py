"""What the workbench's text shows: the article with its entity, tag and suggestion layers,
whole or a few blocks at a time. Reads only, a fixed number of queries per call."""

import json
from typing import NamedTuple

from annotations.models import Label, Suggestion, SuggestionDismissal
from annotations.rows import TagRow, tag_rows
from newsdesk import highlight, sql
from newsdesk.models import Article, EntityMention

# The workbench's mark classes, short because the long document has thousands of marks:
# t (tag) or s (suggestion) and the category's initial. static/js/workbench.js and the
# stylesheet know them; a tag's ids are in data-tags, a suggestion's in data-sug.
CATEGORY_INITIAL = {"claim": "c", "source": "s", "framing": "f"}


def tag_class(category: str) -> str:
    return "t" + CATEGORY_INITIAL.get(category, category)


def suggestion_class(category: str) -> str:
    return "s" + CATEGORY_INITIAL.get(category, category)


def tag_spans(rows: list[TagRow]) -> list[highlight.Span]:
    """The tags' marks; a tag overlapping another of its category marks its two ends
    (``ts-<category>-s``/``-e``), so the coder sees there are two without hovering."""
    overlapping = overlapping_in_category(rows)
    return [
        highlight.Span(
            start=row.start,
            end=row.end,
            layer="tags",
            ref=str(row.pk),
            css=tag_class(row.category),
            edge=f"ts-{row.category}" if row.pk in overlapping else "",
        )
        for row in rows
    ]


def overlapping_in_category(rows: list[TagRow]) -> set[int]:
    """The tags that overlap (or nest in) another tag of the same category.

    One sweep per category in text order: a tag starting before the furthest end seen so
    far overlaps the tag that reaches there.
    """
    found: set[int] = set()
    reach: dict[str, tuple[int, int]] = {}  # category → (furthest end, its tag)
    for row in sorted(rows, key=lambda r: (r.start, -r.end)):
        end, pk = reach.get(row.category, (-1, 0))
        if row.start < end:
            found.update((row.pk, pk))
        if row.end > end:
            reach[row.category] = (row.end, row.pk)
    return found


def _mention_mark(start: int, end: int, label: str) -> highlight.Span:
    """An entity mark: one class (``ent-PERSON``), without the reader's per-mark title (the
    shared hover names the type) and without the entity's key (only the reader marks all
    mentions of one entity)."""
    return highlight.Span(start, end, "ent", "", f"ent-{label}")


def mentions(article: Article, lo: int = 0, hi: int | None = None) -> list[tuple]:
    """(start, end, label) of the entity mentions touching [lo, hi), in text order (SQL
    written out: newsdesk/sql.py)."""
    hi = len(article.text) if hi is None else hi
    return sql.fetch(
        f"SELECT start, {sql.name('end')}, label FROM {sql.table(EntityMention)} "
        f"WHERE article_id = %s AND start < %s AND {sql.name('end')} > %s ORDER BY start",
        [article.pk, hi, lo],
    )


def mention_spans(article: Article, lo: int, hi: int) -> list[highlight.Span]:
    """The entity marks touching [lo, hi), as every write's answer redraws them."""
    return [_mention_mark(*values) for values in mentions(article, lo, hi)]


def blocks_html(article: Article, owner, labels: list[Label], start: int, end: int) -> str:
    """Out-of-band swaps for the blocks that [start, end) touches, with every layer."""
    return region(article, owner, labels, start, end)[0]


def region(
    article: Article, owner, labels: list[Label], start: int, end: int
) -> tuple[str, list[TagRow], list["SuggestionMark"]]:
    """The blocks [start, end) touches as out-of-band swaps, with the owner's live tags
    there and (as marks) the suggestions there they have not dismissed, tagged or not."""
    block_list = highlight.blocks(article.text)
    indexes = highlight.blocks_between(block_list, start, end)
    lo, hi = block_list[indexes[0]][0], block_list[indexes[-1]][1]
    rows = tag_rows(article, owner, labels, lo=lo, hi=hi)
    undismissed = undismissed_marks(article, owner, lo=lo, hi=hi)
    suggestions = _not_tagged(rows, undismissed)
    spans = mention_spans(article, lo, hi) + tag_spans(rows) + suggestion_spans(suggestions)
    html = highlight.render_blocks(article.text, spans, block_list, indexes, oob=True)
    return html, rows, undismissed


def full_text(
    article: Article, entity_mentions: list[tuple], rows: list[TagRow], suggestions=()
) -> tuple[str, str]:
    """The text as plain blocks, and its marks as JSON for the browser to draw
    (``highlight.marks``, static/js/marks.js): a tenth of the bytes of their markup, and
    no server time spent on drawing. ``entity_mentions`` as ``mentions()`` gives them."""
    block_list = highlight.blocks(article.text)
    # The ~2,700 entity marks as plain tuples in Span's field order (marks() unpacks them):
    # a third of the time of making Spans.
    spans = [
        (start, end, "ent", "", f"ent-{label}", "", "") for start, end, label in entity_mentions
    ]
    spans += tag_spans(rows) + suggestion_spans(suggestions)
    data = highlight.marks(article.text, spans)
    encoded = json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
    return highlight.render_blocks(article.text, [], block_list), encoded


class SuggestionMark(NamedTuple):
    """What the text's mark and the list's order need of a suggestion: not its quote,
    values or reason (the long document has hundreds; their rows come a page at a time)."""

    pk: int
    category: str
    start: int
    end: int


def open_suggestion_marks(article: Article, owner, rows: list[TagRow]) -> list[SuggestionMark]:
    """The article's suggestions this user has neither accepted nor dismissed, as marks.

    Accepted means the user has a tag of that category on exactly that stretch, however
    it got there. ``rows`` must be all of the user's live tags on the article.
    """
    return _not_tagged(rows, undismissed_marks(article, owner))


def undismissed_marks(
    article: Article, owner, *, lo: int = 0, hi: int | None = None
) -> list[SuggestionMark]:
    """The suggestions touching [lo, hi) this user has not dismissed, in text order, as
    marks: no quote, values or reason read.

    Written out: every tag endpoint runs this, and the ORM's ~Exists() costs more than the
    database's answer (0.68 against 1.81 ms for one block; SQLite, the bench's article).
    """
    end = sql.name("end")
    hi = len(article.text) if hi is None else hi
    found = sql.fetch(
        f"SELECT s.id, s.category, s.start, s.{end} FROM {sql.table(Suggestion)} s "
        f"WHERE s.article_id = %s AND s.start < %s AND s.{end} > %s AND NOT EXISTS (SELECT 1 "
        f"FROM {sql.table(SuggestionDismissal)} d WHERE d.user_id = %s "
        "AND d.article_id = s.article_id AND d.category = s.category AND d.start = s.start "
        f"AND d.{end} = s.{end}) ORDER BY s.start, s.{end} DESC, s.id",
        [article.pk, hi, lo, owner.pk],
    )
    return [SuggestionMark(*values) for values in found]


def _not_tagged(rows: list[TagRow], suggestions: list) -> list:
    tagged = {(row.category, row.start, row.end) for row in rows}
    return [s for s in suggestions if (s.category, s.start, s.end) not in tagged]


_SUGGESTION = sql.Loader(Suggestion, "s")


def suggestions_by_pk(marks: list[SuggestionMark]) -> list[Suggestion]:
    """The suggestions of these marks, in their order, in one written-out query (0.6 ms
    through in_bulk for the page of 15 the workbench shows)."""
    if not marks:
        return []
    found = {}
    for values in sql.fetch(
        f"SELECT {_SUGGESTION.columns()} FROM {sql.table(Suggestion)} s "
        f"WHERE s.id IN ({', '.join(['%s'] * len(marks))})",
        [mark.pk for mark in marks],
    ):
        suggestion = _SUGGESTION.build(values)
        found[suggestion.pk] = suggestion
    return [found[mark.pk] for mark in marks if mark.pk in found]


def suggestion_spans(suggestions: list[Suggestion]) -> list[highlight.Span]:
    return [
        highlight.Span(
            start=s.start,
            end=s.end,
            layer="sug",
            ref=str(s.pk),
            css=suggestion_class(s.category),
        )
        for s in suggestions
    ]


def open_suggestion_count(article: Article, owner, labels: list[Label]) -> int:
    return len(open_suggestion_marks(article, owner, tag_rows(article, owner, labels)))
