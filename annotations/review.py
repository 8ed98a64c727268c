"""What the review side reads from the database: a project's coders' layers as plain data
for annotations.agreement and annotations.comparison, in a fixed number of queries.

Who counts as a coder of an article: a member of the project (not the consensus user)
with a live tag on it, or assigned to it and marked done (who then found nothing). A coder
who did neither did not code the article: missing data, not a "no".
"""

from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from annotations import agreement, comparison
from annotations.consensus import consensus_users
from annotations.models import (
    Annotation,
    Assignment,
    Label,
    ProjectArticle,
    ProjectMember,
    Relation,
)
from newsdesk.models import Article


@dataclass
class ProjectData:
    codings: list[agreement.ArticleCoding]
    titles: dict[int, str]
    labels: list[str]


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


def load(
    project,
    *,
    article_id: int | None = None,
    label: str | None = None,
    article_ids: list[int] | None = None,
    labels: list[str] | None = None,
) -> ProjectData:
    """The project's articles (or only these) as codings, in five queries (rows, not
    model instances: a project of 200 articles holds 30,000 tags)."""
    articles = Article.objects.filter(project_links__project=project)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    if article_ids is not None:
        articles = articles.filter(pk__in=article_ids)
    rows = list(articles.order_by("pk").values_list("pk", "title", "text"))
    ids = [pk for pk, _, _ in rows]
    chosen = coder_tags(project, ids)
    if label is not None:
        chosen = chosen.filter(label__name=label)
    tags = chosen.values_list(
        "pk", "article_id", "owner__username", "start", "end", "label__name", "attributes"
    )
    done = Assignment.objects.filter(
        project=project, article_id__in=ids, done_at__isnull=False
    ).exclude(user_id__in=consensus_users())
    coders: dict[int, set[str]] = {pk: set() for pk in ids}
    for article, username in done.values_list("article_id", "user__username"):
        coders[article].add(username)
    layers: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    by_id: dict[int, tuple] = {}
    for pk, article, owner, start, end, name, attributes in tags:
        coders[article].add(owner)
        by_id[pk] = (article, owner, start, end)
        layers[article].setdefault(owner, []).append(
            agreement.Tag(start, end, name, attributes or {})
        )
    links: dict[int, dict[str, list]] = {pk: {} for pk in ids}
    # A subquery, not a list of ids: a project's tags can outnumber SQLite's parameters.
    relations = Relation.objects.filter(
        type=Relation.Type.ATTRIBUTED_TO, from_annotation__in=chosen.values("pk")
    ).values_list("from_annotation_id", "to_annotation_id")
    for claim_id, source_id in relations:
        claim, source = by_id.get(claim_id), by_id.get(source_id)
        if claim is None or source is None:
            continue
        links[claim[0]].setdefault(claim[1], []).append(
            ((claim[2], claim[3]), (source[2], source[3]))
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
    if labels is None:
        labels = [label] if label else [lb.name for lb in project_labels(project)]
    return ProjectData(codings, {pk: title for pk, title, _ in rows}, labels)


def article_states(project) -> tuple[str, dict[int, str], list[str]]:
    """What the review figures rest on, as (the project's part, each article's part): the
    members, the consensus users and the codebook's labels; per article its title and
    text, and the count and latest change of its tags (any layer, deleted ones too), its
    links and its assignments. An article whose part is unchanged has the same figures,
    sources and progress as before. Seven small queries, grouped by article; the
    codebook's label names come with them."""
    articles = ProjectArticle.objects.filter(project=project).values("article_id")
    people = ProjectMember.objects.filter(project=project).order_by("user_id")
    labels = project_labels(project)
    salt = repr(
        (
            list(people.values_list("user_id", "user__username")),
            sorted(consensus_users().values_list("user_id", flat=True)),
            [(lb.pk, lb.name) for lb in labels],
        )
    )
    parts: dict[int, list] = {
        pk: [title, sha]
        for pk, title, sha in Article.objects.filter(pk__in=articles).values_list(
            "pk", "title", "sha256"
        )
    }
    tags = (
        Annotation.objects.filter(article_id__in=articles)
        .values("article_id")
        .annotate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"), v=Sum("version"))
        .values_list("article_id", "n", "last", "top", "v")
    )
    links = (
        Relation.objects.filter(from_annotation__article_id__in=articles)
        .values("from_annotation__article_id")
        .annotate(n=Count("pk"), top=Max("pk"))
        .values_list("from_annotation__article_id", "n", "top")
    )
    work = (
        Assignment.objects.filter(project=project)
        .values("article_id")
        .annotate(n=Count("pk"), done=Count("done_at"), last=Max("done_at"), top=Max("pk"))
        .values_list("article_id", "n", "done", "last", "top")
    )
    for kind, rows in (("tags", tags), ("links", links), ("work", work)):
        for pk, *row in rows:
            if pk in parts:
                parts[pk].append((kind, *map(str, row)))
    return salt, {pk: repr(part) for pk, part in parts.items()}, [lb.name for lb in labels]


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
