from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from newsdesk import access, entities, extensions, highlight, import_batches, ingestion, reader
from newsdesk.filters import ArticleFilterForm
from newsdesk.formats import Member
from newsdesk.forms import ArticleUploadForm
from newsdesk.ingest import IngestError
from newsdesk.models import Article, EntityMention, ImportItem


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    filters = ArticleFilterForm(request.GET or None, user=request.user)
    # Never the text: a list grouped by it (for the mention count) took a minute.
    articles = access.articles_for(request.user)
    if filters.is_bound:
        # Invalid filters show their errors over an empty list, never an unfiltered one.
        articles = filters.filter(articles) if filters.is_valid() else articles.none()
    # The page's ids first, from the index of the list's order alone, then their rows: on
    # SQLite any column read from an article row walks past its text (100 KB in overflow
    # pages). "id + 0" keeps the planner from looking the scope's ids up one by one and
    # sorting their rows: it walks the index in order and stops at the page's end.
    # 7 against under 1 ms for the first page of 1,000 articles of 100 KB (bench row).
    ids = (
        Article.objects.alias(scoped_id=F("id") + 0)
        .filter(scoped_id__in=articles.values("pk"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(ids.values_list("pk", flat=True), 50).get_page(request.GET.get("page"))
    rows = Article.objects.filter(pk__in=list(page)).select_related("outlet")
    by_pk = {a.pk: a for a in rows.defer("text", "offset_map")}
    page.object_list = [by_pk[pk] for pk in page.object_list if pk in by_pk]
    # Mention counts for this page's articles only, in one query: annotating the list
    # grouped every article (and, on SQLite, all its columns) before paginating.
    counts = dict(
        EntityMention.objects.filter(article__in=[a.pk for a in page])
        .values("article")
        .annotate(n=Count("pk"))
        .values_list("article", "n")
    )
    for article in page:
        article.mention_count = counts.get(article.pk, 0)
    # Poll while an article is being processed, but not for ever: past the stall limit
    # its reader page says what to do.
    recent = timezone.now() - timedelta(seconds=settings.NEWSDESK_PROCESSING_STALL_SECONDS)
    processing = any(a.status == Article.Status.PROCESSING and a.created_at > recent for a in page)
    # The filters alone, for the pager, the polling and the export bar.
    params = [(k, v) for k, v in request.GET.items() if k in filters.fields and v]
    template = "newsdesk/article_list.html"
    if request.htmx:
        template += "#article-rows"
    context = {
        "page": page,
        "processing": processing,
        "filters": filters,
        "params": params,
        "query": urlencode(params),
    }
    return TemplateResponse(request, template, context)


@require_http_methods(["GET", "POST"])
def article_upload(request: HttpRequest) -> HttpResponse:
    try:
        form = ArticleUploadForm(request.POST or None, request.FILES or None)
    except RequestDataTooBig:
        # Pasted text far over the limit: Django refuses to read the request at all.
        context = {"form": ArticleUploadForm(), "refused": ArticleUploadForm.text_too_long()}
        return TemplateResponse(request, "newsdesk/article_upload.html", context, status=413)
    results: list[UploadResult] = []
    if request.method == "POST" and form.is_valid():
        metadata = form.metadata()
        files, text = form.cleaned_data["files"], form.cleaned_data["text"].strip()
        if form.is_bulk():
            entries = import_batches.import_entries(files)
            if text:
                entries.append(Member(import_batches.PASTED_TEXT, data=text.encode()))
            if any(not entry.error for entry in entries):
                batch = import_batches.import_batch_create(
                    user=request.user,
                    name=_batch_name(files, text),
                    entries=entries,
                    metadata=metadata,
                )
                return redirect(batch)
            # Nothing in the upload can be imported: say why, and create nothing.
            results = [UploadResult(entry.name, error=entry.error) for entry in entries]
        else:
            if files:
                result = _ingest(
                    ingestion.article_ingest_file,
                    files[0].name,
                    file=files[0],
                    user=request.user,
                    **metadata,
                )
            else:
                result = _ingest(
                    ingestion.article_ingest,
                    "Pasted text",
                    text=text,
                    user=request.user,
                    **metadata,
                )
            if result.article:
                messages.success(request, "Added 1 article. Entities are being found now.")
                return redirect(extensions.article_open_url(result.article))
            results = [result]
    return TemplateResponse(
        request, "newsdesk/article_upload.html", {"form": form, "results": results}
    )


def _batch_name(files, text: str) -> str:
    if len(files) == 1 and not text:
        return files[0].name
    name = f"{len(files)} file{'s' if len(files) != 1 else ''}"
    return f"{name} and pasted text" if text else name


@require_POST
def import_batch_resume(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.import_batch_for(request.user, pk)
    if import_batches.import_batch_resume(batch=batch):
        messages.success(request, "The remaining files are queued again.")
    else:
        messages.info(request, "Every file of this import is done already.")
    return redirect(batch)


@require_GET
def import_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access.import_batch_for(request.user, pk)
    counts = import_batches.import_batch_counts(batch)
    running = counts["pending"] > 0
    items = (
        batch.items.select_related("article").defer("payload", "article__text").order_by("position")
    )
    if running:
        # While it runs, only what needs attention: the failures so far.
        items = items.filter(status=ImportItem.Status.FAILED)
    groups = {status: [] for status in ImportItem.Status}
    for item in items:
        groups[item.status].append(item)
    template = "newsdesk/import_batch.html"
    if request.htmx:
        template += "#batch-progress"
    return TemplateResponse(
        request,
        template,
        {
            "batch": batch,
            "counts": counts,
            "running": running,
            "imported": groups[ImportItem.Status.IMPORTED],
            "duplicates": groups[ImportItem.Status.DUPLICATE],
            "failed": groups[ImportItem.Status.FAILED],
        },
    )


@dataclass
class UploadResult:
    name: str
    article: Article | None = None
    error: str = ""
    existing: Article | None = None


def _ingest(service, name: str, **kwargs) -> UploadResult:
    """Run one ingestion; a refusal becomes a message and leaves nothing behind."""
    try:
        return UploadResult(name, article=service(**kwargs))
    except ingestion.DuplicateArticle as exc:
        return UploadResult(name, error=str(exc), existing=exc.existing)
    except IngestError as exc:
        return UploadResult(name, error=str(exc))


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(
        access.articles_for(request.user).select_related("outlet", "uploaded_by"), pk=pk
    )
    rows = reader.mention_rows(article)
    context = {
        "article": article,
        "text_html": highlight.render_blocks(
            article.text, reader.entity_spans(rows), highlight.blocks(article.text)
        ),
        "legend": reader.legend(rows),
        "entities": reader.entity_counts(rows),
    }
    template = "newsdesk/article_detail.html"
    if request.htmx:
        template += "#reader"
    return TemplateResponse(request, template, context)


@require_POST
def article_retry_entities(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(access.articles_for(request.user), pk=pk)
    if article.status == Article.Status.PROCESSING and not article.extraction_stalled:
        messages.info(request, "Entities are already being found for this article.")
    else:
        entities.article_retry_entities(article=article)
        messages.success(request, "Finding entities again.")
    return redirect(article)


def login_locked_out(request: HttpRequest, original_response=None, credentials=None):
    """The login page, saying the account is locked here and until when (django-axes'
    AXES_LOCKOUT_CALLABLE). Rendered at once: it answers from axes' middleware."""
    username = get_client_username(request, credentials) or ""
    cool_off = get_cool_off(request)
    last_failure = (
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    locked_until = (last_failure or timezone.now()) + cool_off if cool_off else None
    context = {
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next", request.GET.get("next", "")),
        "locked_out": True,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "locked_until": locked_until,
    }
    return render(request, "registration/login.html", context, status=429)
