"""The consensus layer of a project: what the reviewer settled, with where it came from.

Storage: the consensus tags are Annotation rows owned by the project's consensus user, a
user of its own that cannot log in (INCEpTION keeps its curation the same way). So every
reader of tags — exports, the highlight builder, the sources panel — reads the consensus
as one more layer, under the coder name ``consensus-<project id>``. Each consensus tag has
a ConsensusDecision: the coders' tags it came from and their coders, who decided and when,
and how (accepted from a coder, accepted as agreed, edited, added by the reviewer).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations import schema, spans
from annotations.models import Annotation, ConsensusDecision, ConsensusLayer, Label
from annotations.services import AnnotationError, annotation_on_text


def consensus_users():
    """The users that hold consensus layers (left out wherever coders are counted)."""
    return ConsensusLayer.objects.values("user_id")


def layer_of(project) -> ConsensusLayer | None:
    return ConsensusLayer.objects.filter(project=project).select_related("user").first()


@transaction.atomic
def layer_for(project) -> ConsensusLayer:
    """The project's consensus layer, made on first use."""
    layer = layer_of(project)
    if layer is not None:
        return layer
    users = get_user_model().objects
    name, n = f"consensus-{project.pk}", 1
    while users.filter(username=name).exists():
        n += 1
        name = f"consensus-{project.pk}-{n}"
    user = users.create_user(username=name, first_name="Consensus", last_name=project.name[:150])
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=["password", "is_active"])
    return ConsensusLayer.objects.create(project=project, user=user)


def _twins(tag: Annotation, coders_tags) -> list[Annotation]:
    """The coders' tags identical to ``tag``: same span, label and attribute values."""
    return [
        t
        for t in coders_tags
        if (t.start, t.end, t.label_id) == (tag.start, tag.end, tag.label_id)
        and (t.attributes or {}) == (tag.attributes or {})
    ]


def _decide(consensus: Annotation, *, layer, reviewer, how: str, sources) -> None:
    decision, _ = ConsensusDecision.objects.update_or_create(
        tag=consensus,
        defaults={
            "layer": layer,
            "decided_by": reviewer,
            "decided_at": timezone.now(),
            "how": how,
            "coders": sorted({s.owner.get_username() for s in sources}),
        },
    )
    decision.sources.set(sources)


def _place(*, layer, article, label, start, end, attributes, note="") -> Annotation:
    """The consensus tag at [start, end) with this label: the live one, updated, or new."""
    existing = Annotation.objects.for_user(layer.user).filter(
        article=article, label=label, start=start, end=end
    )
    tag = existing.first()
    if tag is not None:
        if tag.attributes != attributes:
            tag.attributes = attributes
            tag.version += 1
            tag.save(update_fields=["attributes", "version", "updated_at"])
        return tag
    tag = annotation_on_text(
        article=article,
        owner=layer.user,
        label=label,
        start=start,
        end=end,
        attributes=attributes,
        note=note,
    )
    try:
        with transaction.atomic():
            tag.save(force_insert=True)
    except IntegrityError:
        raise AnnotationError("The consensus already has this tag.") from None
    return tag


@transaction.atomic
def accept_tag(*, project, tag: Annotation, reviewer, coders_tags) -> Annotation:
    """A coder's tag into the consensus, as it is; its identical twins count as sources."""
    layer = layer_for(project)
    consensus = _place(
        layer=layer,
        article=tag.article,
        label=tag.label,
        start=tag.start,
        end=tag.end,
        attributes=dict(tag.attributes or {}),
    )
    sources = _twins(tag, coders_tags) or [tag]
    _decide(consensus, layer=layer, reviewer=reviewer, how=ConsensusDecision.How.ACCEPTED,
            sources=sources)  # fmt: skip
    return consensus


@transaction.atomic
def accept_agreed(*, project, article, reviewer, coders: list, coders_tags) -> int:
    """Every tag all ``coders`` made identically into the consensus; how many."""
    layer = layer_for(project)
    taken = 0
    seen = set()
    for tag in coders_tags:
        key = (tag.start, tag.end, tag.label_id)
        if key in seen:
            continue
        twins = _twins(tag, coders_tags)
        if {t.owner_id for t in twins} != {c.pk for c in coders}:
            continue
        seen.add(key)
        consensus = _place(
            layer=layer,
            article=article,
            label=tag.label,
            start=tag.start,
            end=tag.end,
            attributes=dict(tag.attributes or {}),
        )
        _decide(consensus, layer=layer, reviewer=reviewer, how=ConsensusDecision.How.AGREED,
                sources=twins)  # fmt: skip
        taken += 1
    return taken


@transaction.atomic
def consensus_add(
    *, project, article, reviewer, label: Label, start: int, end: int, attributes: dict[str, Any]
) -> Annotation:
    """The reviewer's own tag in the consensus."""
    try:
        spans.check(article.text, start, end)
        start, end = spans.snap(article.text, start, end, words=True)
        values = schema.clean(label.attribute_schema, attributes or {})
    except (spans.SpanError, schema.SchemaError) as exc:
        raise AnnotationError(str(exc)) from None
    layer = layer_for(project)
    consensus = _place(
        layer=layer, article=article, label=label, start=start, end=end, attributes=values
    )
    _decide(consensus, layer=layer, reviewer=reviewer, how=ConsensusDecision.How.ADDED,
            sources=[])  # fmt: skip
    return consensus


@transaction.atomic
def consensus_edit(
    *, tag: Annotation, reviewer, label: Label, attributes: dict[str, Any]
) -> Annotation:
    """Another label or other values for a consensus tag; its sources stay recorded."""
    try:
        values = schema.clean(label.attribute_schema, attributes or {})
    except schema.SchemaError as exc:
        raise AnnotationError(str(exc)) from None
    tag.label, tag.attributes, tag.version = label, values, tag.version + 1
    try:
        with transaction.atomic():
            tag.save(update_fields=["label", "attributes", "version", "updated_at"])
    except IntegrityError:
        raise AnnotationError("The consensus already has this tag.") from None
    ConsensusDecision.objects.filter(tag=tag).update(
        decided_by=reviewer, decided_at=timezone.now(), how=ConsensusDecision.How.EDITED
    )
    return tag


@transaction.atomic
def consensus_remove(*, tag: Annotation) -> None:
    tag.deleted_at = timezone.now()
    tag.version += 1
    tag.save(update_fields=["deleted_at", "version", "updated_at"])
