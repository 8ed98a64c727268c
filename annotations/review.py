"""What the review side reads from the database: a project's coders' layers as plain data
for annotations.agreement and annotations.comparison, in a fixed number of queries.

Who counts as a coder of an article: a member of the project (not the consensus user)
with a live tag on it, or assigned to it and marked done (who then found nothing). A coder
who did neither did not code the article: missing data, not a "no".
"""

from dataclasses import dataclass

from annotations import agreement, comparison
from annotations.consensus import consensus_users
from annotations.models import Annotation, Assignment, Label, ProjectMember, Relation
from newsdesk.models import Article


@dataclass
class ProjectData:
    codings: list[agreement.ArticleCoding]
    titles: dict[int, str]
    labels: list[str]
    tags: list[Annotation]  # with label and owner loaded


def project_labels(project) -> list[Label]:
    return list(Label.objects.filter(codebook_id=project.codebook_id).order_by("position", "pk"))


def member_ids(project) -> set[int]:
    return set(
        ProjectMember.objects.filter(project=project)
        .exclude(user_id__in=consensus_users())
        .values_list("user_id", flat=True)
    )


def coder_tags(project, article_ids):
    """Live tags of the project's members (consensus left out) on these articles."""
    return (
        Annotation.objects.live()
        .filter(article_id__in=article_ids, owner__project_memberships__project=project)
        .exclude(owner_id__in=consensus_users())
        .select_related("label", "owner")
        .order_by("article_id", "start", "-end", "pk")
    )


def load(project, *, article_id: int | None = None, label: str | None = None) -> ProjectData:
    articles = Article.objects.filter(project_links__project=project)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    rows = list(articles.order_by("pk").values_list("pk", "title", "text"))
    ids = [pk for pk, _, _ in rows]
    tags = list(coder_tags(project, ids))
    if label is not None:
        tags = [t for t in tags if t.label.name == label]
    done = Assignment.objects.filter(
        project=project, article_id__in=ids, done_at__isnull=False
    ).exclude(user_id__in=consensus_users())
    coders: dict[int, set[str]] = {pk: set() for pk in ids}
    for article, username in done.values_list("article_id", "user__username"):
        coders[article].add(username)
    layers: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    by_id = {}
    for tag in tags:
        name = tag.owner.get_username()
        coders[tag.article_id].add(name)
        by_id[tag.pk] = tag
        layers[tag.article_id].setdefault(name, []).append(
            agreement.Tag(tag.start, tag.end, tag.label.name, tag.attributes or {})
        )
    links: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    relations = Relation.objects.filter(
        type=Relation.Type.ATTRIBUTED_TO, from_annotation_id__in=list(by_id)
    ).values_list("from_annotation_id", "to_annotation_id")
    for claim_id, source_id in relations:
        claim, source = by_id.get(claim_id), by_id.get(source_id)
        if claim is None or source is None:
            continue
        links[claim.article_id].setdefault(claim.owner.get_username(), []).append(
            ((claim.start, claim.end), (source.start, source.end))
        )
    codings = [
        agreement.ArticleCoding(
            text,
            {c: layers[pk].get(c, []) for c in sorted(coders[pk])},
            links=links[pk],
            key=pk,
        )
        for pk, _, text in rows
    ]
    labels = [label] if label else [lb.name for lb in project_labels(project)]
    return ProjectData(codings, {pk: title for pk, title, _ in rows}, labels, tags)


def figures(project, **narrow) -> list[agreement.Figure]:
    data = load(project, **narrow)
    return agreement.compute(data.codings, labels=data.labels)


def compared(coders: list[str], tags: list[Annotation]) -> list[comparison.Row]:
    return comparison.compare(
        coders,
        [
            comparison.CodedTag(
                t.pk, t.owner.get_username(), t.start, t.end, t.label.name, t.attributes or {}
            )
            for t in tags
        ],
    )
