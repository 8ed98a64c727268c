"""What a write changed on the workbench screen, computed in one place.

``between`` compares a tag's state before and after a write (pure, no database) and says
which text blocks, sidebar rows and editor must be swapped; ``changes_context`` reads and
renders just those for the ``_changes.html`` answer.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from annotations import codebooks, editor, layers, row_html, rows
from annotations.models import Annotation, Category, Label, Relation


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
    found = Relation.objects.filter(Q(from_annotation=tag) | Q(to_annotation=tag)).values_list(
        "pk", "from_annotation", "to_annotation"
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
    fresh: bool = False  # a new tag: no links, its row needs no reading


def between(pk: int, before: TagState | None, after: TagState) -> Changes:
    """What changed on screen when tag ``pk`` went from ``before`` (None: new) to ``after``."""
    was_live = before is not None and before.live
    moved = was_live and after.live and before.category != after.category
    relabelled = was_live and after.live and before.label_id != after.label_id
    revalued = was_live and after.live and before.attributes != after.attributes
    links_before = before.links if before else frozenset()
    others = _others(links_before ^ after.links)
    if relabelled or was_live != after.live:
        # Linked rows show this tag (its label, or whether it is there at all).
        others |= _others(links_before | after.links)
    kept = was_live and after.live and not moved
    shown_differently = was_live != after.live or relabelled or revalued
    return Changes(
        pk=pk,
        text=(after.start, after.end) if shown_differently else None,
        insert=after.live and (not was_live or moved),
        remove=was_live and (not after.live or moved),
        replace=sorted(others | ({pk} if kept else set())),
        deleted=was_live and not after.live,
        fresh=before is None,
    )


def changes_context(
    tag: Annotation,
    change: Changes,
    *,
    owner,
    labels: list[Label] | None = None,
    closed_suggestions: list[int] = (),
) -> dict:
    """The context of ``annotations/_changes.html`` for one write: only what changed."""
    article = tag.article
    wanted = [*([tag.pk] if change.insert else []), *change.replace]
    if change.fresh:
        found = {tag.pk: rows.fresh_row(article, tag)}
    else:
        found = {row.pk: row for row in rows.rows_with_links(article, owner, wanted)}
    labels = labels if labels is not None else codebooks.article_labels(article.pk)
    by_label, by_category = rows.counts(article, owner, labels)
    inserts = []
    if change.insert and tag.pk in found:
        inserts.append(
            (row_html.row_html(found[tag.pk]), rows.next_row_pk(tag), found[tag.pk].category)
        )
    return {
        "blocks_html": layers.blocks_html(article, owner, labels, *change.text)
        if change.text
        else "",
        "inserts": inserts,
        "removes": [tag.pk] if change.remove else [],
        "replaces": [
            row_html.row_html(found[pk], oob="true") for pk in change.replace if pk in found
        ],
        "label_counts": [(label, by_label.get(label.pk, 0)) for label in labels],
        "category_counts": [(value, by_category.get(value, 0)) for value, _ in Category.choices],
        "deleted": tag if change.deleted else None,
        "closed_suggestions": closed_suggestions,
        "suggestion_count": layers.open_suggestion_count(article, owner, labels)
        if closed_suggestions
        else None,
        "editor": None
        if change.deleted or tag.pk not in found
        else editor.context(tag, found[tag.pk], labels),
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
