"""Writes on the coding side. Every function checks its input and saves nothing on error."""

import logging
from contextlib import contextmanager
from typing import Any, NamedTuple

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils import timezone

from annotations import schema, spans, suggest, suggester_models
from annotations.codebooks import article_labels
from annotations.models import (
    Annotation,
    Category,
    FramingTerm,
    Label,
    Relation,
    Suggestion,
    SuggestionDismissal,
)
from newsdesk import languages, sql
from newsdesk.models import Article

logger = logging.getLogger(__name__)


class AnnotationError(ValueError):
    """A refused change; the message is meant for the user."""


class Conflict(AnnotationError):
    """The tag changed since the version the edit was made on: nothing was saved.

    ``annotation`` holds the stored values, read again, for the user to compare.
    """

    def __init__(self, annotation: Annotation):
        super().__init__("This tag was changed in another tab or window since you opened it.")
        self.annotation = annotation


def _write(annotation: Annotation, version: int | None, *, live: bool, **values) -> None:
    """Store ``values`` only if the tag is still at ``version`` (by default the version it
    was read at) and live (or deleted): one conditional UPDATE, so two writers racing on
    one version cannot both win. The loser gets a ``Conflict`` with the stored values."""
    expected = annotation.version if version is None else version
    now = timezone.now()
    changed = 0
    if expected == annotation.version:
        changed = _update(annotation.pk, expected, live, {**values, "updated_at": now})
    if not changed:
        annotation.refresh_from_db()
        raise Conflict(annotation)
    for name, value in values.items():
        setattr(annotation, name, value)
    annotation.updated_at = now
    annotation.version = expected + 1


def _update(pk: int, version: int, live: bool, values: dict) -> int:
    """The conditional UPDATE of ``_write``, written out (every edit, delete and undo runs
    it; the ORM took 0.3 ms to build it): values prepared by their fields as the ORM
    prepares them. The number of rows changed, 0 or 1."""
    sets, params = [], []
    for name, value in values.items():
        field = Annotation._meta.get_field(name)
        if field.is_relation and isinstance(value, models.Model):
            value = value.pk
        sets.append(f"{sql.name(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    version_column = sql.name("version")
    sets.append(f"{version_column} = {version_column} + 1")
    return sql.execute(
        f"UPDATE {sql.table(Annotation)} SET {', '.join(sets)} WHERE id = %s "
        f"AND {version_column} = %s AND deleted_at IS {'' if live else 'NOT '}NULL",
        [*params, pk, version],
    )


def annotation_create(
    *,
    article: Article,
    user: AbstractBaseUser,
    label: Label,
    start: int,
    end: int,
    quote: str,
    snap_to_words: bool = True,
    attributes: dict[str, Any] | None = None,
    note: str = "",
    origin: str = Annotation.Origin.MANUAL,
) -> Annotation:
    """Tag [start, end) of the article for ``user``.

    ``quote`` must be the article's text at [start, end) as the user selected it; the
    span is then trimmed of spaces and, with ``snap_to_words``, widened to whole words.
    """
    text = article.text
    try:
        spans.check(text, start, end, quote)
        selected = (start, end)
        start, end = spans.snap(text, start, end, words=snap_to_words)
        values = schema.clean(label.attribute_schema, attributes or {})
        note = schema.clean_note(note)
        if label.category == Category.CLAIM and _has_attributed(label):
            values = _with_attributed(values, None)  # a new tag has no links yet
    except (spans.SpanError, schema.SchemaError) as exc:
        raise AnnotationError(str(exc)) from None
    tag = annotation_on_text(
        article=article,
        owner=user,
        label=label,
        start=start,
        end=end,
        attributes=values,
        note=note,
        origin=origin,
    )
    widened = snap_to_words and (start, end) != spans.snap(text, *selected, words=False)
    with _no_twin(label, tag.quote, snapped=widened), transaction.atomic():
        tag.save(force_insert=True)
        return tag


def annotation_on_text(
    *, article: Article, owner: AbstractBaseUser, label: Label, start: int, end: int, **fields
) -> Annotation:
    """An unsaved tag of [start, end), its quote and context read from the article's text."""
    text = article.text
    prefix, suffix = spans.context(text, start, end)
    return Annotation(
        article=article,
        owner=owner,
        label=label,
        start=start,
        end=end,
        quote=text[start:end],
        prefix=prefix,
        suffix=suffix,
        **fields,
    )


@contextmanager
def _no_twin(label: Label, quote: str, *, snapped: bool = False):
    """The database refuses a second live tag on the same words with the same label.

    ``snapped``: the selection was widened to whole words to get there, so the message says
    how to take one selection exactly instead.
    """
    try:
        yield
    except IntegrityError:
        message = f"You have already tagged “{quote}” as {label.name}."
        if snapped:
            message += (
                " Your selection was widened to whole words; to tag exactly what you"
                " select, hold Alt while selecting (or turn off Snap to words)."
            )
        raise AnnotationError(message) from None


def annotation_update(
    *,
    annotation: Annotation,
    label: Label | None = None,
    attributes: dict[str, Any] | None = None,
    note: str | None = None,
    version: int | None = None,
) -> Annotation:
    """Change a tag's label, attributes or note; values no longer in the schema are refused.

    ``version`` is the version the edit was made on: if the tag changed since, nothing is
    saved and ``Conflict`` carries the stored values.
    """
    if version is not None and version != annotation.version:
        raise Conflict(annotation)
    if note is not None:
        try:
            note = schema.clean_note(note)
        except schema.SchemaError as exc:
            raise AnnotationError(str(exc)) from None
    values: dict[str, Any] = {}
    new_label = label or annotation.label
    relabel = label is not None and label.pk != annotation.label_id
    if relabel:
        if label.codebook_id != annotation.label.codebook_id:
            raise AnnotationError("That label belongs to another codebook.")
        if attributes is None:
            # Keep the values the new label also has.
            known = {item["name"] for item in new_label.attribute_schema}
            attributes = {k: v for k, v in annotation.attributes.items() if k in known}
    derived = new_label.category == Category.CLAIM and _has_attributed(new_label)
    if attributes is not None and derived:
        # Derived from the links, whatever the form or the caller sent.
        attributes = _with_attributed(attributes, attributed_value(annotation))
    if attributes is not None:
        try:
            values["attributes"] = schema.clean(
                new_label.attribute_schema,
                attributes,
                previous=None if relabel else annotation.attributes,
            )
        except schema.SchemaError as exc:
            raise AnnotationError(str(exc)) from None
    if relabel:
        values["label"] = label
    if note is not None:
        values["note"] = note
    try:
        with _no_twin(new_label, annotation.quote), transaction.atomic():
            _write(annotation, version, live=True, **values)
            if relabel:
                _drop_relations_that_no_longer_fit(annotation)
    except Conflict:
        raise
    except AnnotationError:
        annotation.refresh_from_db()
        raise
    return annotation


def annotation_delete(*, annotation: Annotation, version: int | None = None) -> Annotation:
    """Delete a tag, keeping the row so that ``annotation_restore`` can undo it.

    A tag changed since ``version`` is not deleted: ``Conflict``.
    """
    with transaction.atomic():
        _write(annotation, version, live=True, deleted_at=timezone.now())
        if annotation.label.category == Category.SOURCE:
            claim_attributed_sync(claims=_claims_linked_to(annotation))
    return annotation


def annotation_restore(*, annotation: Annotation, version: int | None = None) -> Annotation:
    """Undo a delete, unless the tag changed since ``version`` (``Conflict``)."""
    try:
        with _no_twin(annotation.label, annotation.quote), transaction.atomic():
            _write(annotation, version, live=False, deleted_at=None)
            if annotation.label.category == Category.SOURCE:
                claim_attributed_sync(claims=_claims_linked_to(annotation))
    except Conflict:
        raise
    except AnnotationError:
        annotation.refresh_from_db()
        raise
    return annotation


RELATION_CATEGORIES = {
    Relation.Type.ATTRIBUTED_TO: (Category.CLAIM, Category.SOURCE),
    Relation.Type.SAME_AS: (Category.SOURCE, Category.SOURCE),
    Relation.Type.FRAGMENT_OF: None,  # same label, any category: see relation_refusal
}


def relation_refusal(*, from_annotation: Annotation, to_annotation: Annotation, type: str) -> str:
    """Why these tags may not be linked so, or "": the one rule, for the editor and imports."""
    if type not in RELATION_CATEGORIES:
        return f"Unknown kind of link: {type}."
    if from_annotation.owner_id != to_annotation.owner_id:
        return "Tags can only be linked to tags of the same annotator."
    if from_annotation.article_id != to_annotation.article_id:
        return "Tags can only be linked within one article."
    if from_annotation.pk == to_annotation.pk:
        return "A tag cannot be linked to itself."
    if from_annotation.deleted_at or to_annotation.deleted_at:
        return "A deleted tag cannot be linked."
    if type == Relation.Type.FRAGMENT_OF:
        if from_annotation.label_id != to_annotation.label_id:
            return "A stretch continues a tag of the same label only."
        if from_annotation.start <= to_annotation.start:
            return "A stretch continues a tag that starts before it."
        return ""
    wanted = RELATION_CATEGORIES[type]
    found = (from_annotation.label.category, to_annotation.label.category)
    if found != wanted:
        return (
            f"“{Relation.Type(type).label}” links a {wanted[0]} to a {wanted[1]}, "
            f"not a {found[0]} to a {found[1]}."
        )
    return ""


def relation_create(
    *,
    from_annotation: Annotation,
    to_annotation: Annotation,
    type: str = Relation.Type.ATTRIBUTED_TO,
) -> Relation:
    """Link two tags of one user in one article (a claim to its source, a source to itself)."""
    problem = relation_refusal(
        from_annotation=from_annotation, to_annotation=to_annotation, type=type
    )
    if problem:
        raise AnnotationError(problem)
    try:
        with transaction.atomic():
            relation = Relation.objects.create(
                from_annotation=from_annotation, to_annotation=to_annotation, type=type
            )
            if type == Relation.Type.ATTRIBUTED_TO:
                claim_attributed_sync(claims=[from_annotation])
            return relation
    except IntegrityError:
        raise AnnotationError("These tags are already linked.") from None


@transaction.atomic
def relation_delete(*, relation: Relation) -> None:
    relation.delete()
    if relation.type == Relation.Type.ATTRIBUTED_TO:
        claim_attributed_sync(claims=[relation.from_annotation])


# A claim's "attributed" attribute states what its "attributed to" link already says, so
# it is never entered: it is derived here, after every write that can change the answer
# (linking, unlinking, deleting or restoring either end, editing, importing).
ATTRIBUTED = "attributed"
ATTRIBUTED_YES = "yes"


def _has_attributed(label: Label) -> bool:
    return any(item["name"] == ATTRIBUTED for item in label.attribute_schema)


def attributed_value(claim: Annotation) -> str | None:
    """ "yes" while the claim is linked to a live source, else None (not set). Written-out
    SQL: every relabel to a claim asks (newsdesk/sql.py; compared with the ORM in
    tests/annotations/test_sql.py)."""
    found = sql.fetch(
        f"SELECT 1 FROM {sql.table(Relation)} r JOIN {sql.table(Annotation)} t "
        "ON t.id = r.to_annotation_id WHERE r.from_annotation_id = %s AND r.type = %s "
        "AND t.deleted_at IS NULL LIMIT 1",
        [claim.pk, Relation.Type.ATTRIBUTED_TO],
    )
    return ATTRIBUTED_YES if found else None


def _with_attributed(attributes: dict[str, Any], value: str | None) -> dict[str, Any]:
    values = {k: v for k, v in attributes.items() if k != ATTRIBUTED}
    if value is not None:
        values[ATTRIBUTED] = value
    return values


def claim_attributed_sync(*, claims) -> list[Annotation]:
    """Set each claim's "attributed" from its links; returns the claims that changed.

    A changed claim gets a new version (its values changed), and the objects passed in
    are updated in place, so that a view can answer with them.
    """
    claims = [c for c in claims if c.label.category == Category.CLAIM and _has_attributed(c.label)]
    if not claims:
        return []
    linked = set(
        Relation.objects.filter(
            from_annotation__in=[c.pk for c in claims],
            type=Relation.Type.ATTRIBUTED_TO,
            to_annotation__deleted_at__isnull=True,
        ).values_list("from_annotation_id", flat=True)
    )
    changed = []
    now = timezone.now()
    for claim in claims:
        wanted = _with_attributed(claim.attributes, ATTRIBUTED_YES if claim.pk in linked else None)
        if wanted == claim.attributes:
            continue
        Annotation.objects.filter(pk=claim.pk).update(
            attributes=wanted, updated_at=now, version=F("version") + 1
        )
        claim.attributes = wanted
        claim.updated_at = now
        claim.version += 1
        changed.append(claim)
    return changed


def _claims_linked_to(source: Annotation) -> list[Annotation]:
    """The live claims attributed to ``source``. Most sources have none, which one
    written-out query tells (every delete and undo of a source asks); the ORM's join
    with the claims' labels runs only when there are."""
    linked = sql.fetch(
        f"SELECT 1 FROM {sql.table(Relation)} WHERE to_annotation_id = %s AND type = %s LIMIT 1",
        [source.pk, Relation.Type.ATTRIBUTED_TO],
    )
    if not linked:
        return []
    return list(
        Annotation.objects.select_related("label").filter(
            relations_out__to_annotation=source,
            relations_out__type=Relation.Type.ATTRIBUTED_TO,
            deleted_at__isnull=True,
        )
    )


def _drop_relations_that_no_longer_fit(annotation: Annotation) -> None:
    relation = sql.table(Relation)
    linked = sql.fetch(
        f"SELECT EXISTS (SELECT 1 FROM {relation} WHERE from_annotation_id = %s) "
        f"OR EXISTS (SELECT 1 FROM {relation} WHERE to_annotation_id = %s)",
        [annotation.pk, annotation.pk],
    )[0][0]
    if not linked:
        return  # most relabelled tags have no links: one indexed look, no ORM query
    category = annotation.label.category
    unlinked = []
    for relation in (
        Relation.objects.filter(from_annotation=annotation)
        | Relation.objects.filter(to_annotation=annotation)
    ).select_related("from_annotation__label", "to_annotation"):
        if relation.type == Relation.Type.FRAGMENT_OF:
            other = (
                relation.to_annotation
                if relation.from_annotation_id == annotation.pk
                else relation.from_annotation
            )
            if other.label_id != annotation.label_id:
                relation.delete()
            continue
        wanted = RELATION_CATEGORIES[relation.type]
        is_from = relation.from_annotation_id == annotation.pk
        if category != wanted[0 if is_from else 1]:
            relation.delete()
            if relation.type == Relation.Type.ATTRIBUTED_TO and not is_from:
                unlinked.append(relation.from_annotation)
    claim_attributed_sync(claims=unlinked)


# Suggestions


def article_suggest(*, article_id: int, docs: list | None = None) -> int:
    """Replace an article's suggestions with fresh ones, their links included.

    ``docs`` are the article's parsed paragraphs ((offset, Doc), as the entity run hands
    them over); without them spaCy is loaded and the text parsed here: workers only.
    """
    article = Article.objects.filter(pk=article_id).only("pk", "text", "language").first()
    if article is None:
        return 0
    model = languages.pipeline_for(article.language)
    if model is None:  # no pipeline for its language: no rule reads it (the pages say so)
        Suggestion.objects.filter(article_id=article_id).delete()
        return 0
    found = []
    # The rules read English (cue verbs, the lexicon's phrases): other languages get only
    # what a suggester trained on their own coding finds.
    if article.language in suggest.RULE_LANGUAGES:
        nlp = None if docs is not None else suggest.load_parser(model)
        found = suggest.suggest(article.text, nlp=nlp, lexicon=lexicon(article.language), docs=docs)
    found = _spans_in(article, suggester_models.with_learned(article=article, found=found))
    with transaction.atomic():
        Suggestion.objects.filter(article_id=article_id).delete()
        stored = Suggestion.objects.bulk_create(
            Suggestion(
                article_id=article_id,
                category=item.category,
                start=item.start,
                end=item.end,
                quote=item.quote,
                attributes=item.attributes,
                reason=item.reason[:100],
            )
            for item in found
        )
        # A link names its target by its span (sources only); a target the suggesters
        # dropped leaves the suggestion unlinked.
        sources = {(s.start, s.end): s for s in stored if s.category == Category.SOURCE}
        linked = []
        for item, row in zip(found, stored, strict=True):
            if item.link and (target := sources.get(item.link[1:])) and target is not row:
                row.link_to, row.link_type = target, item.link[0]
                linked.append(row)
        Suggestion.objects.bulk_update(linked, ["link_to", "link_type"])
    return len(found)


def _spans_in(article: Article, found: list) -> list:
    """The suggestions whose span is a stretch of the article's text. An empty or
    out-of-range span (a suggester's bug) is dropped and logged: the database would refuse
    it, and with it every other suggestion of the article."""
    kept = []
    for item in found:
        if 0 <= item.start < item.end <= len(article.text):
            kept.append(item)
        else:
            logger.error(
                "Dropped a %s suggestion with span [%d, %d) on article %s (%d characters): %s",
                item.category,
                item.start,
                item.end,
                article.pk,
                len(article.text),
                item.reason,
            )
    return kept


def lexicon(language: str) -> list[suggest.LexiconEntry]:
    """The active framing terms of a language, as the admin left them."""
    terms = FramingTerm.objects.filter(active=True, language=language)
    return [suggest.LexiconEntry(*pair) for pair in terms.values_list("expression", "device")]


def suggestion_accept(*, suggestion: Suggestion, user: AbstractBaseUser) -> Annotation:
    """The suggestion becomes the user's own tag, with the proposed values that fit, linked
    as suggested to the user's tags on the suggestions it is linked with (a pronoun to its
    antecedent, a claim to its source, in either order of accepting)."""
    with transaction.atomic():
        tag = _accepted(suggestion, user)
        _link_as_suggested(suggestion, tag, user)
    return tag


class AcceptedPair(NamedTuple):
    claim: Annotation
    source: Annotation
    source_is_new: bool  # False: the user had already tagged the source


def suggestion_accept_pair(*, suggestion: Suggestion, user: AbstractBaseUser) -> AcceptedPair:
    """A claim suggestion and the source it is suggested as attributed to, accepted together
    with their "attributed to" link: all three or nothing. A source the user already tagged
    is reused, not tagged twice."""
    source = suggestion.link_to
    if (
        suggestion.category != Category.CLAIM
        or suggestion.link_type != Relation.Type.ATTRIBUTED_TO
        or source is None
    ):
        raise AnnotationError("This suggestion has no suggested source to accept with it.")
    with transaction.atomic():
        source_tag = _tag_on(source, user)
        source_is_new = source_tag is None
        if source_is_new:
            source_tag = _accepted(source, user)
            _link_as_suggested(source, source_tag, user)
        claim_tag = _accepted(suggestion, user)
        _link_as_suggested(suggestion, claim_tag, user)
    return AcceptedPair(claim_tag, source_tag, source_is_new)


def _accepted(suggestion: Suggestion, user: AbstractBaseUser) -> Annotation:
    labels = article_labels(suggestion.article_id)  # in codebook order
    label = next((label for label in labels if label.category == suggestion.category), None)
    if label is None:
        raise AnnotationError(f"The codebook has no {suggestion.category} label to accept it as.")
    return annotation_create(
        article=suggestion.article,
        user=user,
        label=label,
        start=suggestion.start,
        end=suggestion.end,
        quote=suggestion.quote,
        snap_to_words=False,
        attributes=_fitting(label.attribute_schema, suggestion.attributes),
        origin=Annotation.Origin.SUGGESTED,
    )


def _tag_on(suggestion: Suggestion, user: AbstractBaseUser) -> Annotation | None:
    """The user's live tag of the suggestion's category on exactly its stretch."""
    return (
        Annotation.objects.for_user(user)
        .filter(
            article_id=suggestion.article_id,
            label__category=suggestion.category,
            start=suggestion.start,
            end=suggestion.end,
        )
        .select_related("label")
        .order_by("pk")
        .first()
    )


def _link_as_suggested(suggestion: Suggestion, tag: Annotation, user: AbstractBaseUser) -> None:
    """Make the suggested links of a just-accepted suggestion whose other end is a tag."""
    pairs = []
    if suggestion.link_to_id and (target := _tag_on(suggestion.link_to, user)):
        pairs.append((tag, target, suggestion.link_type))
    for other in suggestion.linked_from.all():
        if source_tag := _tag_on(other, user):
            pairs.append((source_tag, tag, other.link_type))
    for from_tag, to_tag, type in pairs:
        exists = Relation.objects.filter(
            from_annotation=from_tag, to_annotation=to_tag, type=type
        ).exists()
        # The same rule as a link made by hand: a pair it refuses is left unlinked.
        if not exists and not relation_refusal(
            from_annotation=from_tag, to_annotation=to_tag, type=type
        ):
            relation_create(from_annotation=from_tag, to_annotation=to_tag, type=type)


def _fitting(attribute_schema: list[dict], proposed: dict[str, Any]) -> dict[str, Any]:
    """The proposed values the label's schema accepts, one by one; the rest are dropped."""
    kept = {}
    for item in attribute_schema:
        if item["name"] in proposed:
            try:
                kept |= schema.clean([item], {item["name"]: proposed[item["name"]]})
            except schema.SchemaError:
                continue
    return kept


def suggestion_dismiss(*, suggestion: Suggestion, user: AbstractBaseUser) -> None:
    SuggestionDismissal.objects.get_or_create(
        user=user,
        article_id=suggestion.article_id,
        category=suggestion.category,
        start=suggestion.start,
        end=suggestion.end,
    )
