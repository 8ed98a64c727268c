"""Who may see and change what on the coding side, in one place: tags, links, layers,
suggestions, exports and imports. Every view, export and import asks here; built on
newsdesk.access (articles, import batches). Another user's object is a 404, never a 403
that leaks its existence.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from annotations.models import (
    Annotation,
    Assignment,
    Label,
    Project,
    ProjectArticle,
    ProjectMember,
    Relation,
    Suggestion,
)
from newsdesk import sql
from newsdesk.access import articles_for, is_reviewer
from newsdesk.models import Article

__all__ = [
    "articles_for",
    "articles_in_projects",
    "assignment_for",
    "deleted_tag_for_change",
    "is_reviewer",
    "layer_choices",
    "layer_owner",
    "may_change_codebooks",
    "may_code",
    "may_export_for_others",
    "may_import_for_others",
    "may_manage",
    "may_review",
    "member_for_managing",
    "others_tags_visible",
    "project_for",
    "project_for_managing",
    "project_for_review",
    "projects_for",
    "relation_for_change",
    "role_in",
    "sees_others_tags",
    "suggestion_for",
    "tag_for_change",
    "tag_for_reading",
]


REVIEWING_ROLES = (ProjectMember.Role.REVIEWER, ProjectMember.Role.MANAGER)


def projects_for(user) -> QuerySet[Project]:
    """The projects a user belongs to; staff see every project."""
    if user.is_staff:
        return Project.objects.all()
    return Project.objects.filter(members__user=user)


def project_for(user, pk: int) -> Project:
    """One of the user's projects, or a 404 that does not say whether it exists."""
    return get_object_or_404(projects_for(user).select_related("codebook"), pk=pk)


def project_for_review(user, pk: int) -> Project:
    """A project the user reviews or manages (staff: any), or a 404: its comparison pages,
    consensus and dashboard are nobody else's business."""
    project = project_for(user, pk)
    project.viewer_role = role_in(user, project)  # the caller's role, asked once
    if project.viewer_role not in REVIEWING_ROLES:
        raise Http404
    return project


def role_in(user, project) -> str | None:
    """The user's role in a project ("annotator", "reviewer", "manager"), or None for a
    non-member. Staff who are not members manage every project."""
    role = (
        ProjectMember.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )
    if role is None and user.is_staff:
        return ProjectMember.Role.MANAGER
    return role


def may_manage(user, project) -> bool:
    """Members, articles and assignments of a project change through its managers."""
    return role_in(user, project) == ProjectMember.Role.MANAGER


def may_review(user, article) -> bool:
    """A reviewer (or manager) of a project holding the article reviews it; staff review all."""
    if user.is_staff:
        return True
    return ProjectMember.objects.filter(
        user=user, role__in=REVIEWING_ROLES, project__project_articles__article=article
    ).exists()


def others_tags_visible(user) -> QuerySet:
    """The pks of the articles on which the user may read other coders' tags (layers,
    counts, exports), as a subquery. Staff: all. In a blind project (the default)
    annotators never do, and its reviewers and managers once a reviewer has opened the
    article for adjudication; in an open project every member does."""
    if user.is_staff:
        return Article.objects.values("pk")
    member = ProjectMember.objects.filter(user=user)
    reviewing = member.filter(role__in=REVIEWING_ROLES)
    # The role must be the user's own membership of that very project: filtering
    # members twice would let another member's reviewer role count for an annotator.
    visible = ProjectArticle.objects.filter(
        Q(project__blind=False, project__members__in=member)
        | Q(adjudication_opened_at__isnull=False, project__members__in=reviewing)
    )
    return visible.values("article_id")


def sees_others_tags(user, article) -> bool:
    """Whether the user may read other coders' tags of this article (see above)."""
    if user.is_staff:
        return True
    return Article.objects.filter(pk=article.pk, pk__in=others_tags_visible(user)).exists()


def may_code(user, article) -> bool:
    """Whether the user may add tags to the article: staff, an upload of their own not in
    any project, or through a project holding it: its reviewers and managers always, its
    annotators if assigned the article or the project allows unassigned coding.

    One query, written out (every tag write asks); whoever may code an article may also
    open it (articles_in_projects), so a write needs no other check of the article.
    """
    if user.is_staff:
        return True
    if not user.is_authenticated:
        return False
    placed, member, project = (
        sql.table(ProjectArticle),
        sql.table(ProjectMember),
        sql.table(Project),
    )
    roles = ", ".join(["%s"] * len(REVIEWING_ROLES))
    return sql.boolean(
        sql.fetch(
            f"SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM {placed} WHERE article_id = %s) "
            f"THEN %s ELSE EXISTS (SELECT 1 FROM {member} m "
            f"JOIN {placed} pa ON pa.project_id = m.project_id "
            f"JOIN {project} p ON p.id = m.project_id WHERE m.user_id = %s "
            f"AND pa.article_id = %s AND (m.role IN ({roles}) OR p.allow_unassigned "
            f"OR EXISTS (SELECT 1 FROM {sql.table(Assignment)} a WHERE a.article_id = %s "
            "AND a.user_id = %s AND a.project_id = m.project_id))) END",
            [
                article.pk,
                article.uploaded_by_id == user.pk,
                user.pk,
                article.pk,
                *REVIEWING_ROLES,
                article.pk,
                user.pk,
            ],
        )[0][0]
    )


def _opens(article_id: str, uploaded_by_id: str, user) -> tuple[str, list]:
    """articles_in_projects for one article row, as an SQL condition (not for staff): the
    tag writes ask for one article, not for the set."""
    placed, member = sql.table(ProjectArticle), sql.table(ProjectMember)
    clause = (
        f"(EXISTS (SELECT 1 FROM {placed} pa JOIN {member} m ON m.project_id = pa.project_id "
        f"WHERE pa.article_id = {article_id} AND m.user_id = %s) OR (NOT EXISTS (SELECT 1 "
        f"FROM {placed} pb WHERE pb.article_id = {article_id}) AND {uploaded_by_id} = %s))"
    )
    return clause, [user.pk, user.pk]


def member_for_managing(user, project, pk: int) -> ProjectMember:
    """A member of a project the user manages, or a 404."""
    if not may_manage(user, project):
        raise Http404
    return get_object_or_404(project.members.select_related("user", "project"), pk=pk)


def project_for_managing(user, pk: int) -> Project:
    """A project the user manages, or a 404 (a member who is no manager learns nothing
    more than a stranger would about what managing it offers)."""
    project = project_for(user, pk)
    if not may_manage(user, project):
        raise Http404
    return project


def assignment_for(user, pk: int) -> Assignment:
    """One of the user's own assignments (to mark done or reopen), or a 404."""
    mine = Assignment.objects.filter(user=user, article__in=articles_for(user))
    return get_object_or_404(mine.select_related("project", "article"), pk=pk)


def articles_in_projects(user, articles: QuerySet) -> QuerySet:
    """The article scope registered with newsdesk: staff open everything; anybody else
    the articles of their projects, and their own uploads not yet in any project."""
    if user.is_staff:
        return articles
    if not user.is_authenticated:
        return articles.none()
    mine = ProjectArticle.objects.filter(project__members__user=user).values("article_id")
    placed = ProjectArticle.objects.values("article_id")
    return articles.filter(Q(pk__in=mine) | (Q(uploaded_by=user) & ~Q(pk__in=placed)))


def tag_for_change(user, pk: int) -> Annotation:
    """The user's own live tag (the only ones anybody changes), or a 404."""
    return _own_tag(user, pk, deleted=False)


_TAG, _LABEL, _ARTICLE = (
    sql.Loader(Annotation, "a"),
    sql.Loader(Label, "l"),
    sql.Loader(Article, "r"),
)


def _own_tag(user, pk: int, *, deleted: bool) -> Annotation:
    """One of the user's tags, live or deleted, with its label and article, if the user
    may still open the article (a coder taken off a project keeps their tags but no
    longer changes them), or a 404.

    Every edit, delete and undo starts here: one written-out query (the ORM spent 0.5 ms
    building this join and the article scope each time), the instances built as the ORM
    builds them."""
    if not user.is_authenticated or not 0 < pk <= sql.LARGEST_ID:
        raise Http404  # (an id the database cannot hold names no tag)
    opens, params = ("1 = 1", []) if user.is_staff else _opens("r.id", "r.uploaded_by_id", user)
    found = sql.fetch(
        f"SELECT {_TAG.columns()}, {_LABEL.columns()}, {_ARTICLE.columns()} "
        f"FROM {sql.table(Annotation)} a JOIN {sql.table(Label)} l ON l.id = a.label_id "
        f"JOIN {sql.table(Article)} r ON r.id = a.article_id WHERE a.id = %s "
        f"AND a.owner_id = %s AND a.deleted_at IS {'NOT ' if deleted else ''}NULL AND {opens}",
        [pk, user.pk, *params],
    )
    if not found:
        raise Http404
    values = found[0]
    tag_end, label_end = len(_TAG.fields), len(_TAG.fields) + len(_LABEL.fields)
    tag = _TAG.build(values[:tag_end])
    tag.label = _LABEL.build(values[tag_end:label_end])
    tag.article = _ARTICLE.build(values[label_end:])
    return tag


def article_or_404(pk: int) -> Article:
    """The article with this id, whoever may see it (ask ``may_code`` or ``articles_for``
    next), or a 404: one written-out query, as every tag created starts here."""
    article = _ARTICLE.get(pk)
    if article is None:
        raise Http404
    return article


def tag_for_reading(user, pk: int) -> Annotation:
    """A live tag the user may open in the editor: their own, or another coder's where the
    user sees others' tags (shown read-only; changing it still goes through
    tag_for_change), or a 404."""
    tags = Annotation.objects.live().filter(article__in=articles_for(user))
    tag = get_object_or_404(tags.select_related("label", "article", "owner"), pk=pk)
    if tag.owner_id != user.pk and not sees_others_tags(user, tag.article):
        raise Http404
    return tag


def deleted_tag_for_change(user, pk: int) -> Annotation:
    """The user's own deleted tag, to restore it, or a 404."""
    return _own_tag(user, pk, deleted=True)


def relation_for_change(user, pk: int) -> Relation:
    """A link from one of the user's own live tags, or a 404."""
    mine = Annotation.objects.for_user(user).filter(article__in=articles_for(user))
    relations = Relation.objects.filter(from_annotation__in=mine).select_related(
        "from_annotation__label", "from_annotation__article"
    )
    return get_object_or_404(relations, pk=pk)


def suggestion_for(user, pk: int) -> Suggestion:
    """A suggestion on an article the user may open, or a 404."""
    suggestions = Suggestion.objects.filter(article__in=articles_for(user))
    return get_object_or_404(suggestions.select_related("article"), pk=pk)


def layer_owner(user, layer: str | None, article):
    """Whose tags to show: one's own, or the ``?layer=`` coder's where the user sees other
    coders' tags of this article (staff; a reviewer once the article is opened).

    Anything else (an annotator in a blind project asking for a layer, a bad or unknown
    id) is a 404.
    """
    if not layer:
        return user
    if not (layer.isascii() and layer.isdigit()) or not int(layer):
        raise Http404
    if not sees_others_tags(user, article):
        raise Http404
    return get_object_or_404(get_user_model(), pk=int(layer))


def layer_choices(user, article, *, sees_others: bool | None = None) -> QuerySet:
    """The layers a user may switch between on an article: none where they may not see
    others' tags, else their own and every coder's who has a live tag there."""
    if sees_others is None:
        sees_others = sees_others_tags(user, article)
    if not sees_others:
        return get_user_model().objects.none()
    coders = Q(annotations__article=article, annotations__deleted_at__isnull=True)
    return get_user_model().objects.filter(Q(pk=user.pk) | coders).distinct().order_by("username")


def may_export_for_others(user) -> bool:
    """Others' tags leave only through staff, or a reviewer or manager of some project
    (and then only from the articles where they see others' tags)."""
    if user.is_staff:
        return True
    return ProjectMember.objects.filter(user=user, role__in=REVIEWING_ROLES).exists()


def may_import_for_others(user) -> bool:
    """Imports give tags to the users a file names only when a reviewer imports them."""
    return is_reviewer(user)


def may_change_codebooks(user) -> bool:
    """Codebooks are shared by everyone: only staff add labels to one or choose which one
    an article is coded under (in the admin, or by an import)."""
    return bool(user.is_staff)
