"""Writes on projects (issue 12): members and their roles, the project's articles,
assignments by hand and by a balanced draw, the annotator's done / reopen, and a
reviewer opening an article for adjudication. Each checks its input, raises ProjectError
with a message for the user, and saves nothing on error."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations import codebooks, draw
from annotations.models import (
    ArticleCodebook,
    Assignment,
    Project,
    ProjectArticle,
    ProjectMember,
)
from newsdesk.models import Article

Role = ProjectMember.Role
NEEDS_A_MANAGER = "A project keeps at least one manager: make someone else one first."


class ProjectError(ValueError):
    """A refused change; the message is meant for the user."""


def _keeps_a_manager(project: Project, *, without: ProjectMember) -> bool:
    managers = project.members.filter(role=Role.MANAGER).exclude(pk=without.pk)
    return managers.exists()


@transaction.atomic
def member_add(*, project: Project, user: AbstractBaseUser, role: str) -> ProjectMember:
    if role not in Role.values:
        raise ProjectError(f"“{role}” is not a role here.")
    member, created = ProjectMember.objects.get_or_create(
        project=project, user=user, defaults={"role": role}
    )
    if not created:
        raise ProjectError(f"{user.get_username()} is already a member of {project}.")
    return member


@transaction.atomic
def member_set_role(*, member: ProjectMember, role: str) -> ProjectMember:
    if role not in Role.values:
        raise ProjectError(f"“{role}” is not a role here.")
    demoted = member.role == Role.MANAGER and role != Role.MANAGER
    if demoted and not _keeps_a_manager(member.project, without=member):
        raise ProjectError(NEEDS_A_MANAGER)
    member.role = role
    member.save(update_fields=["role"])
    return member


@transaction.atomic
def member_remove(*, member: ProjectMember) -> None:
    """The member leaves; their tags stay (they are theirs), their open assignments go."""
    if member.role == Role.MANAGER and not _keeps_a_manager(member.project, without=member):
        raise ProjectError(NEEDS_A_MANAGER)
    Assignment.objects.filter(project=member.project, user=member.user_id).delete()
    member.delete()


@transaction.atomic
def articles_add(*, project: Project, articles: list[Article]) -> int:
    """Adds the articles not yet in the project; returns how many were new.

    The project's articles are coded under its codebook: one not yet coded under another
    is put under it (as the admin's "Articles' codebooks" would); one coded, or with tags,
    under another refuses the whole addition.
    """
    have = set(project.project_articles.values_list("article_id", flat=True))
    new = [a for a in articles if a.pk not in have]
    codebook = project.codebook
    for article in new:
        named = codebooks.named_codebook(article)
        if named is not None and named.pk != codebook.pk:
            raise ProjectError(
                f"“{article.title}” is coded under the codebook “{named}”, and {project} "
                f"under “{codebook}”: nothing was added."
            )
        if named is None and not codebook.is_default:
            if codebooks.tags_outside(article, codebook):
                raise ProjectError(
                    f"“{article.title}” has tags made under another codebook than "
                    f"“{codebook}”: nothing was added."
                )
            ArticleCodebook.objects.create(article=article, codebook=codebook)
    ProjectArticle.objects.bulk_create(ProjectArticle(project=project, article=a) for a in new)
    return len(new)


@transaction.atomic
def article_remove(*, project: Project, article: Article) -> None:
    """The article leaves the project with its assignments there; tags stay."""
    Assignment.objects.filter(project=project, article=article).delete()
    deleted, _ = ProjectArticle.objects.filter(project=project, article=article).delete()
    if not deleted:
        raise ProjectError(f"“{article.title}” is not in {project}.")


@transaction.atomic
def adjudication_open(*, project: Project, article: Article) -> ProjectArticle:
    """A reviewer opens the article: from now on the project's reviewers see every
    coder's layer of it (annotators still only their own)."""
    link = ProjectArticle.objects.select_for_update().filter(project=project, article=article)
    link = link.first()
    if link is None:
        raise ProjectError(f"“{article.title}” is not in {project}.")
    if link.adjudication_opened_at is None:
        link.adjudication_opened_at = timezone.now()
        link.save(update_fields=["adjudication_opened_at"])
    return link


def _annotator_ids(project: Project) -> list[int]:
    return list(project.members.filter(role=Role.ANNOTATOR).values_list("user_id", flat=True))


@transaction.atomic
def assignment_add(*, project: Project, article: Article, user: AbstractBaseUser) -> Assignment:
    if not project.project_articles.filter(article=article).exists():
        raise ProjectError(f"“{article.title}” is not in {project}.")
    if user.pk not in _annotator_ids(project):
        raise ProjectError(f"{user.get_username()} is not an annotator of {project}.")
    assignment, created = Assignment.objects.get_or_create(
        project=project, article=article, user=user
    )
    if not created:
        raise ProjectError(f"{user.get_username()} already has “{article.title}”.")
    return assignment


@transaction.atomic
def assignments_draw(*, project: Project, per_article: int, seed: int) -> list[Assignment]:
    """Each of the project's articles to ``per_article`` of its annotators, drawn with
    ``seed`` (annotations.draw: balanced, repeatable, never twice to the same person)."""
    # Lock the project row: two draws at once would both count the same loads.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    existing = project.assignments.values_list("article_id", "user_id")
    try:
        pairs = draw.draw(
            articles=project.project_articles.values_list("article_id", flat=True),
            annotators=_annotator_ids(project),
            per_article=per_article,
            seed=seed,
            existing=list(existing),
        )
    except draw.DrawError as exc:
        raise ProjectError(str(exc)) from None
    return Assignment.objects.bulk_create(
        Assignment(project=project, article_id=article, user_id=user) for article, user in pairs
    )


@transaction.atomic
def assignment_remove(*, assignment: Assignment) -> None:
    assignment.delete()


@transaction.atomic
def assignment_done(*, assignment: Assignment, done: bool) -> Assignment:
    """Mark done (now) or reopen."""
    assignment.done_at = timezone.now() if done else None
    assignment.save(update_fields=["done_at"])
    return assignment
