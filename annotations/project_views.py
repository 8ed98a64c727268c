"""The project pages (issue 12): the user's projects, and for a project its members,
articles and assignments (managers change them), an annotator's queue, and a reviewer's
"open for adjudication". Views parse, ask annotations.access, call annotations.projects
and render; an htmx request gets the changed section back, a plain form post a redirect.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from annotations import access, projects
from annotations.models import Assignment, ProjectMember
from annotations.project_forms import (
    ArticlesAddForm,
    AssignForm,
    DrawForm,
    MemberAddForm,
    RoleForm,
    project_articles,
)

LIST_PAGE = "annotations/project_list.html"
MEMBERS_PAGE = "annotations/project_members.html"
ARTICLES_PAGE = "annotations/project_articles.html"
ASSIGNMENTS_PAGE = "annotations/project_assignments.html"
QUEUE_PAGE = "annotations/project_queue.html"


def _back(request: HttpRequest, name: str, project, message: str = "") -> HttpResponse:
    """After a plain form post: back to the page (post/redirect/get)."""
    if message:
        messages.success(request, message)
    return redirect(reverse(name, args=[project.pk]))


def _render(request, page: str, section: str, context: dict, status: int = 200):
    template = f"{page}#{section}" if request.htmx else page
    return TemplateResponse(request, template, context, status=status)


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    mine = ProjectMember.objects.filter(user=request.user)
    rows = (
        access.projects_for(request.user)
        .select_related("codebook")
        .annotate(
            article_count=Count("project_articles", distinct=True),
            member_count=Count("members", distinct=True),
            assigned=Count("assignments", filter=Q(assignments__user=request.user), distinct=True),
            done=Count(
                "assignments",
                filter=Q(assignments__user=request.user, assignments__done_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    roles = dict(mine.values_list("project_id", "role"))
    staff_role = ProjectMember.Role.MANAGER if request.user.is_staff else None
    projects_shown = [(p, roles.get(p.pk, staff_role)) for p in rows]
    return TemplateResponse(request, LIST_PAGE, {"projects": projects_shown})


# Members


def _members_context(request, project, form=None) -> dict:
    return {
        "project": project,
        "role": access.role_in(request.user, project),
        "may_manage": access.may_manage(request.user, project),
        "members": project.members.select_related("user").order_by("user__username"),
        "roles": ProjectMember.Role.choices,
        "form": form or MemberAddForm(),
        "tab": "members",
    }


@require_http_methods(["GET", "POST"])
def project_members(request: HttpRequest, pk: int) -> HttpResponse:
    """Every member sees who is in the project; a manager adds people (POST)."""
    project = access.project_for(request.user, pk)
    if request.method == "POST":
        if not access.may_manage(request.user, project):
            return HttpResponse(status=404)
        form = MemberAddForm(request.POST)
        if form.is_valid():
            try:
                projects.member_add(
                    project=project,
                    user=form.cleaned_data["username"],
                    role=form.cleaned_data["role"],
                )
            except projects.ProjectError as exc:
                form.add_error("username", str(exc))
            else:
                if not request.htmx:
                    return _back(request, "annotations:project-members", project)
                form = None
        status = 422 if form is not None else 200
        context = _members_context(request, project, form)
        return _render(request, MEMBERS_PAGE, "members", context, status)
    return _render(request, MEMBERS_PAGE, "members", _members_context(request, project))


@require_POST
def member_role(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = access.project_for(request.user, pk)
    member = access.member_for_managing(request.user, project, member_pk)
    form = RoleForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose a role."
    else:
        try:
            projects.member_set_role(member=member, role=form.cleaned_data["role"])
        except projects.ProjectError as exc:
            error = str(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(request, "annotations:project-members", project)
    context = _members_context(request, project) | {"error": error}
    return _render(request, MEMBERS_PAGE, "members", context, 422 if error else 200)


@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    project = access.project_for(request.user, pk)
    member = access.member_for_managing(request.user, project, member_pk)
    error = ""
    try:
        projects.member_remove(member=member)
    except projects.ProjectError as exc:
        error = str(exc)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return _back(request, "annotations:project-members", project)
    context = _members_context(request, project) | {"error": error}
    return _render(request, MEMBERS_PAGE, "members", context, 422 if error else 200)


# Articles


def _candidates(request, project):
    """Articles the manager may open that the project does not hold yet."""
    held = project.project_articles.values("article_id")
    return access.articles_for(request.user).exclude(pk__in=held).defer("text").order_by("-pk")


def _articles_context(request, project, form=None) -> dict:
    may_manage = access.may_manage(request.user, project)
    links = (
        project.project_articles.select_related("article")
        .defer("article__text")
        .annotate(
            assigned=Count("article__assignments", filter=Q(article__assignments__project=project)),
        )
        .order_by("article__title", "article__pk")
    )
    return {
        "project": project,
        "role": access.role_in(request.user, project),
        "may_manage": may_manage,
        "may_review": access.role_in(request.user, project) in access.REVIEWING_ROLES,
        "links": links,
        "form": form
        or (ArticlesAddForm(candidates=_candidates(request, project)) if may_manage else None),
        "tab": "articles",
    }


@require_http_methods(["GET", "POST"])
def project_articles_page(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for(request.user, pk)
    if request.method == "POST":
        if not access.may_manage(request.user, project):
            return HttpResponse(status=404)
        form = ArticlesAddForm(request.POST, candidates=_candidates(request, project))
        if form.is_valid():
            try:
                added = projects.articles_add(
                    project=project, articles=list(form.cleaned_data["articles"])
                )
            except projects.ProjectError as exc:
                form.add_error("articles", str(exc))
            else:
                if not request.htmx:
                    return _back(
                        request,
                        "annotations:project-articles",
                        project,
                        f"{added} article{'s' if added != 1 else ''} added.",
                    )
                context = _articles_context(request, project)
                return _render(request, ARTICLES_PAGE, "articles", context)
        context = _articles_context(request, project, form)
        return _render(request, ARTICLES_PAGE, "articles", context, 422)
    return _render(request, ARTICLES_PAGE, "articles", _articles_context(request, project))


@require_POST
def project_article_remove(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    project = access.project_for_managing(request.user, pk)
    article = get_object_or_404(project_articles(project), pk=article_pk)
    projects.article_remove(project=project, article=article)
    if not request.htmx:
        return _back(request, "annotations:project-articles", project)
    return _render(request, ARTICLES_PAGE, "articles", _articles_context(request, project))


@require_POST
def project_article_open(request: HttpRequest, pk: int, article_pk: int) -> HttpResponse:
    """A reviewer (or manager) opens the article for adjudication: the blind lifts for
    the project's reviewers on it."""
    project = access.project_for(request.user, pk)
    if access.role_in(request.user, project) not in access.REVIEWING_ROLES:
        return HttpResponse(status=404)
    article = get_object_or_404(project_articles(project), pk=article_pk)
    projects.adjudication_open(project=project, article=article)
    if not request.htmx and request.POST.get("next") == "compare":
        # Opened from the comparison page: back there, now showing the layers.
        return redirect(reverse("annotations:article-compare", args=[project.pk, article.pk]))
    if not request.htmx:
        return _back(request, "annotations:project-articles", project)
    return _render(request, ARTICLES_PAGE, "articles", _articles_context(request, project))


# Assignments


def _assignments_context(request, project, form=None, draw_form=None, error="") -> dict:
    assignments = (
        project.assignments.select_related("user", "article")
        .defer("article__text")
        .order_by("user__username", "article__title", "pk")
    )
    loads = (
        project.assignments.values("user__username")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(done_at__isnull=False)))
        .order_by("user__username")
    )
    return {
        "project": project,
        "role": access.role_in(request.user, project),
        "may_manage": True,
        "assignments": assignments,
        "loads": loads,
        "form": form or AssignForm(project=project),
        "draw_form": draw_form or DrawForm(),
        "error": error,
        "tab": "assignments",
    }


@require_http_methods(["GET", "POST"])
def project_assignments(request: HttpRequest, pk: int) -> HttpResponse:
    """The manager's assignment page: by hand (POST article × annotator) and the draw."""
    project = access.project_for_managing(request.user, pk)
    if request.method == "POST":
        form = AssignForm(request.POST, project=project)
        if form.is_valid():
            try:
                projects.assignment_add(project=project, **form.cleaned_data)
            except projects.ProjectError as exc:
                form.add_error(None, str(exc))
            else:
                if not request.htmx:
                    return _back(request, "annotations:project-assignments", project)
                form = None
        status = 422 if form is not None else 200
        context = _assignments_context(request, project, form)
        return _render(request, ASSIGNMENTS_PAGE, "assignments", context, status)
    return _render(request, ASSIGNMENTS_PAGE, "assignments", _assignments_context(request, project))


@require_POST
def assignments_draw(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for_managing(request.user, pk)
    form = DrawForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            made = projects.assignments_draw(project=project, **form.cleaned_data)
        except projects.ProjectError as exc:
            error = str(exc)
        else:
            if not request.htmx:
                return _back(
                    request,
                    "annotations:project-assignments",
                    project,
                    f"{len(made)} assignments drawn.",
                )
            form = None
    else:
        error = "Check the numbers."
    context = _assignments_context(request, project, draw_form=form, error=error)
    return _render(request, ASSIGNMENTS_PAGE, "assignments", context, 422 if error else 200)


@require_POST
def assignment_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    project = access.project_for_managing(request.user, pk)
    assignment = get_object_or_404(project.assignments, pk=assignment_pk)
    projects.assignment_remove(assignment=assignment)
    if not request.htmx:
        return _back(request, "annotations:project-assignments", project)
    return _render(request, ASSIGNMENTS_PAGE, "assignments", _assignments_context(request, project))


# The annotator's queue


def _queue_context(request, project) -> dict:
    mine = list(
        Assignment.objects.filter(project=project, user=request.user)
        .select_related("article")
        .defer("article__text")
        .order_by("created_at", "pk")
    )
    done = sum(1 for a in mine if a.done_at)
    return {
        "project": project,
        "role": access.role_in(request.user, project),
        "may_manage": access.may_manage(request.user, project),
        "assignments": mine,
        "done": done,
        "next": next((a for a in mine if a.done_at is None), None),
        "tab": "queue",
    }


@require_GET
def project_queue(request: HttpRequest, pk: int) -> HttpResponse:
    project = access.project_for(request.user, pk)
    return _render(request, QUEUE_PAGE, "queue", _queue_context(request, project))


def _mark(request: HttpRequest, assignment_pk: int, *, done: bool) -> HttpResponse:
    assignment = access.assignment_for(request.user, assignment_pk)
    projects.assignment_done(assignment=assignment, done=done)
    project = assignment.project
    if not request.htmx:
        return _back(request, "annotations:project-queue", project)
    return _render(request, QUEUE_PAGE, "queue", _queue_context(request, project))


@require_POST
def assignment_done(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    return _mark(request, assignment_pk, done=True)


@require_POST
def assignment_reopen(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    return _mark(request, assignment_pk, done=False)
