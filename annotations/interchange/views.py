"""The interchange pages: tags imported from files, and tags downloaded as files.

Imports: a summary per file, or the reasons it was refused. Exports: one article, a
filtered selection of articles, the admin's choice; every export streams
(StreamingHttpResponse): nothing builds the whole file in memory.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from annotations import access
from annotations.forms import TagImportForm
from annotations.interchange import export_feed, import_service, records, uploads
from newsdesk.filters import ArticleFilterForm
from newsdesk.models import Article

IMPORT_PAGE = "annotations/import.html"
_ID = 987654321  # stands for an id in the URL templates of a W3C export
MAX_IDS = 1_000


def _refused(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def links(request: HttpRequest) -> records.Links:
    def template(name: str) -> str:
        return request.build_absolute_uri(reverse(name, args=[_ID])).replace(str(_ID), "{}")

    return records.Links(
        collection=request.build_absolute_uri(),
        tag=template("annotations:annotation-detail"),
        article=template("newsdesk:article-detail"),
    )


def export_response(
    request: HttpRequest,
    fmt: str,
    chosen: export_feed.Selection,
    name: str,
    label: str,
    *,
    original_offsets: bool = False,
) -> StreamingHttpResponse:
    """The export as a download named ``newsdesk-<name>-<time>.<ext>``."""
    if original_offsets:
        label += export_feed.offsets_note(chosen)
    chunks = export_feed.stream(
        fmt, chosen, links=links(request), label=label, original_offsets=original_offsets
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    filename = f"newsdesk-{name}-{stamp}.{records.EXTENSIONS[fmt]}"
    return StreamingHttpResponse(
        export_feed.encoded(chunks),
        content_type=records.CONTENT_TYPES[fmt],
        headers={
            "Content-Disposition": content_disposition_header(True, filename),
            "Cache-Control": "no-store",
        },
    )


def _original_offsets(request: HttpRequest, fmt: str) -> bool:
    """The export bar's "Offsets in": the stored text (default) or the original files."""
    value = request.GET.get("offsets", records.STORED) or records.STORED
    if value not in (records.STORED, records.ORIGINAL):
        raise export_feed.ExportError(f"offsets must be “stored” or “original”, not “{value}”.")
    export_feed.check_original_offsets(fmt, value == records.ORIGINAL)
    return value == records.ORIGINAL


def _slug(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in value)[:40] or "user"


@require_GET
def article_export(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(access.articles_for(request.user), pk=article_pk)
    project = _project(request, article)
    try:
        fmt = export_feed.check_format(request.GET.get("format"))
        original = _original_offsets(request, fmt)
        scope = export_feed.scope_for(
            request.user,
            request.GET.get("annotator"),
            layer=request.GET.get("layer", ""),
            project=project,
        )
    except export_feed.AnnotatorNotFound as exc:
        return _refused(str(exc), 404)
    except export_feed.ExportError as exc:
        return _refused(str(exc), 400)
    chosen = export_feed.selection(scope, Article.objects.filter(pk=article.pk))
    name = f"article-{article.pk}-{_slug(scope.describe())}"
    label = f"Newsdesk export: “{article.title}”, tags of {scope.describe()}"
    return export_response(request, fmt, chosen, name, label, original_offsets=original)


@require_GET
def selection_export(request: HttpRequest) -> HttpResponse:
    """The articles the list's filters select (and, from the admin, chosen ids)."""
    project = _project(request)
    try:
        fmt = export_feed.check_format(request.GET.get("format"))
        original = _original_offsets(request, fmt)
        scope = export_feed.scope_for(
            request.user,
            request.GET.get("annotator"),
            layer=request.GET.get("layer", ""),
            project=project,
        )
        ids = _ids(request.GET.get("articles", ""))
    except export_feed.AnnotatorNotFound as exc:
        return _refused(str(exc), 404)
    except export_feed.ExportError as exc:
        return _refused(str(exc), 400)
    form = ArticleFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            if name != "__all__"
            else " ".join(errors)
            for name, errors in form.errors.items()
        )
        return _refused(f"The filters are not valid. {problems}", 400)
    articles = form.filter(access.articles_for(request.user))
    if project is not None:
        articles = articles.filter(project_links__project=project)
    if ids is not None:
        articles = articles.filter(pk__in=ids)
    chosen = export_feed.selection(scope, articles)
    label = f"Newsdesk export: tags of {scope.describe()} on the selected articles"
    name = f"tags-{_slug(scope.describe())}"
    return export_response(request, fmt, chosen, name, label, original_offsets=original)


def _project(request: HttpRequest, article: Article | None = None):
    """The ``?project=`` the export is made in (one of the user's, else a 404); for one
    article, its project when it belongs to exactly one of them."""
    value = request.GET.get("project", "")
    if value:
        if not (value.isascii() and value.isdigit()):
            raise Http404
        project = access.project_for(request.user, int(value))
        if article is not None and not project.project_articles.filter(article=article).exists():
            raise Http404
        return project
    if article is None:
        return None
    projects = list(access.projects_for(request.user).filter(project_articles__article=article)[:2])
    return projects[0] if len(projects) == 1 else None


def _ids(value: str) -> list[int] | None:
    """``articles=3,5,8`` (the admin's selection), or None when not given."""
    if not value.strip():
        return None
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise export_feed.ExportError("articles must be article ids separated by commas.")
    if len(parts) > MAX_IDS:
        raise export_feed.ExportError(f"Export at most {MAX_IDS:,} articles chosen by id.")
    return [int(part) for part in parts]


@require_http_methods(["GET", "POST"])
def tags_import(request: HttpRequest) -> HttpResponse:
    form = TagImportForm(request.POST or None, request.FILES or None, user=request.user)
    results = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        limit = settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES
        results = import_service.import_uploads(
            uploads=[uploads.upload_of(f, max_bytes=limit) for f in data["files"]],
            options=import_service.Options(
                importer=request.user,
                codebook=data["codebook"],
                create_labels=data["create_labels"],
                article=data["article"],
                folder_annotators=data["folder_annotators"],
                completed_by=data["completed_by"],
                language=data["language"],
                project=data["project"],
                create_members=data["create_members"],
            ),
        )
    template = IMPORT_PAGE + "#import-area" if request.htmx else IMPORT_PAGE
    return TemplateResponse(request, template, {"form": form, "results": results})
