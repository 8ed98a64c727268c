"""What a write changed on the workbench screen, computed in one place.

``between`` compares a tag's state before and after a write (pure, no database) and says
which text blocks, sidebar rows and editor must be swapped; ``changes_context`` reads and
renders just those for the answer (changes_html.py).
"""

import json
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from annotations import codebooks, editor, layers, row_html, rows
from annotations.editor_html import editor_html
from annotations.models import Annotation, Category, Label, Relation
from newsdesk import sql


@dataclass(frozen=True)
class TagState:
    """What of a tag shows on screen: where, under which label, with which values and links."""

    live: bool
    start: int
    end: int
    category: str
    label_id: int
    attributes: dict
    # (relation id, the other tag's id) for every link to or from it.
    links: frozenset[tuple[int, int]] = frozenset()


def state_of(tag: Annotation, *, links: frozenset[tuple[int, int]] | None = None) -> TagState:
    """A tag's state now; its links are read (one query) unless given."""
    if links is None:
        links = links_of(tag)
    return TagState(
        live=tag.deleted_at is None,
        start=tag.start,
        end=tag.end,
        category=tag.label.category,
        label_id=tag.label_id,
        attributes=dict(tag.attributes),
        links=links,
    )


def links_of(tag: Annotation) -> frozenset[tuple[int, int]]:
    found = sql.fetch(
        f"SELECT id, from_annotation_id, to_annotation_id FROM {sql.table(Relation)} "
        "WHERE from_annotation_id = %s OR to_annotation_id = %s",
        [tag.pk, tag.pk],
    )
    return frozenset((pk, to if source == tag.pk else source) for pk, source, to in found)


def _others(links: frozenset[tuple[int, int]]) -> set[int]:
    return {other for _, other in links}


@dataclass
class Changes:
    """The parts of the screen one write changed, for the tag ``pk``."""

    pk: int
    text: tuple[int, int] | None = None  # the stretch whose blocks are re-rendered
    insert: bool = False  # the tag's row goes into its category's list
    remove: bool = False  # the tag's row leaves the list it was in
    replace: list[int] = field(default_factory=list)  # rows re-rendered in place
    deleted: bool = False
    fresh: bool = False  # no links (a new tag, or known to have none): its row is the tag
    counts: bool = False  # the per-label and per-category counters moved
    editor: bool = False  # the editor is answered: the one on screen no longer fits
    info: bool = False  # what the shared hover shows for the tag (label, values) changed


def between(pk: int, before: TagState | None, after: TagState) -> Changes:
    """What changed on screen when tag ``pk`` went from ``before`` (None: new) to ``after``.

    A note, or values typed in the editor, change only the tag's row (the editor on screen
    already shows them); the text is redrawn only where its marks change: the tag appears,
    goes, or moves to another category's underline.
    """
    was_live = before is not None and before.live
    moved = was_live and after.live and before.category != after.category
    relabelled = was_live and after.live and before.label_id != after.label_id
    revalued = was_live and after.live and before.attributes != after.attributes
    links_before = before.links if before else frozenset()
    links_changed = links_before != after.links
    others = _others(links_before ^ after.links)
    if relabelled or was_live != after.live:
        # Linked rows show this tag (its label, or whether it is there at all).
        others |= _others(links_before | after.links)
    kept = was_live and after.live and not moved
    own_row = kept and (relabelled or revalued or links_changed)
    return Changes(
        pk=pk,
        text=(after.start, after.end) if was_live != after.live or moved else None,
        insert=after.live and (not was_live or moved),
        remove=was_live and (not after.live or moved),
        replace=sorted(others | ({pk} if own_row else set())),
        deleted=was_live and not after.live,
        fresh=before is None,
        counts=was_live != after.live or relabelled,
        editor=after.live and (not was_live or relabelled or links_changed),
        info=was_live != after.live or relabelled or revalued,
    )


def changes_context(
    tag: Annotation,
    change: Changes,
    *,
    owner,
    labels: list[Label] | None = None,
    closed_suggestions: list[int] = (),
) -> dict:
    """What ``changes_html`` answers for one write: only what changed, each
    part read only when it is answered (a note alone reads nothing more)."""
    article = tag.article
    wanted = [*([tag.pk] if change.insert or change.editor else []), *change.replace]
    if labels is None and (change.counts or change.text or change.editor):
        labels = codebooks.article_labels(article.pk)
    if change.fresh:
        found = {tag.pk: rows.fresh_row(article, tag)}
    elif wanted:
        wanted = list(dict.fromkeys(wanted))
        found = {row.pk: row for row in rows.rows_with_links(article, owner, wanted, labels)}
    else:
        found = {}
    counts = rows.counts(article, owner, labels) if change.counts else None
    blocks, closed, reopened, live_rows = "", list(closed_suggestions), [], None
    if change.text:
        blocks, live_rows, undismissed = layers.region(article, owner, labels, *change.text)
        tagged = {(row.category, row.start, row.end) for row in live_rows}
        for suggestion in undismissed:
            if (suggestion.start, suggestion.end) != (tag.start, tag.end):
                continue
            if (suggestion.category, suggestion.start, suggestion.end) in tagged:
                closed.append(suggestion.pk)  # tagged by hand: no longer suggested
            elif change.remove:
                reopened.append(suggestion)  # its tag went: suggested again
    closed = list(dict.fromkeys(closed))
    inserts = []
    if change.insert and tag.pk in found:
        following = rows.next_row_pk(tag, nearby=live_rows)
        inserts.append((row_html.row_html(found[tag.pk]), following, found[tag.pk].category))
    return {
        "blocks_html": blocks,
        "inserts": inserts,
        "removes": [tag.pk] if change.remove else [],
        "replaces": [
            row_html.row_html(found[pk], oob="true") for pk in change.replace if pk in found
        ],
        "label_counts": [(label, counts[0].get(label.pk, 0)) for label in labels] if counts else [],
        "category_counts": [(value, counts[1].get(value, 0)) for value, _ in Category.choices]
        if counts
        else [],
        "deleted": tag if change.deleted else None,
        "closed_suggestions": closed,
        "reopened_suggestions": mark_safe(
            "".join(map(row_html.suggestion_row, layers.suggestions_by_pk(reopened)))
        ),
        "suggestion_count": layers.open_suggestion_count(article, owner, labels)
        if closed or reopened
        else None,
        "tag_info": tag_info(tag, change) if change.info else None,
        "editor": editor_html(editor.context(tag, found[tag.pk], labels))
        if change.editor and tag.pk in found
        else "",
    }


def accepted_context(tag: Annotation, *, owner, closed_suggestions: list[int]) -> dict:
    """The answer to accepting a suggestion: the new tag, and the rows of the tags the
    accept linked it to (their links changed)."""
    after = state_of(tag)
    change = between(tag.pk, None, after)
    change.fresh = not after.links  # with links, its row is read with them
    return changes_context(tag, change, owner=owner, closed_suggestions=closed_suggestions)


def accepted_pair_context(
    claim: Annotation, source: Annotation, *, source_is_new: bool, owner, closed_suggestions
) -> dict:
    """The answer to accepting a claim with its source: both rows (or the claim's, and the
    source's again with its new link), the text under both, the claim's editor."""
    after = state_of(claim)
    change = between(claim.pk, None, after)
    change.fresh = False
    change.text = (min(claim.start, source.start), max(claim.end, source.end))
    if source_is_new:
        change.replace = [pk for pk in change.replace if pk != source.pk]
    context = changes_context(claim, change, owner=owner, closed_suggestions=closed_suggestions)
    if source_is_new:
        (row,) = rows.rows_with_links(claim.article, owner, [source.pk])
        context["inserts"].append((row_html.row_html(row), rows.next_row_pk(source), row.category))
    return context


def tag_info(tag: Annotation, change: Changes) -> str:
    """What the shared hover shows of the tag, as JSON: label id and values (null: gone)."""
    shown = None
    if not change.deleted:
        shown = [tag.label_id, rows.values_text(tag.attributes, rows.schema_order(tag.label))]
    return json.dumps({str(tag.pk): shown}).replace("<", "\\u003c")
