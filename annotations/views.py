import dataclasses
import json
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations import (
    access,
    changes,
    codebooks,
    editor,
    layers,
    row_html,
    rows,
    services,
    summary,
)
from annotations.changes_html import changes_html
from annotations.editor_html import editor_html
from annotations.forms import AnnotationCreateForm, attributes_from_post
from annotations.models import Annotation, Assignment, Category, Relation
from newsdesk import reader
from newsdesk.models import EntityMention

PAGE = "annotations/workbench.html"


def _int(value: str) -> int | None:
    """A positive whole number from a form value, or None."""
    number = int(value) if value.isascii() and value.isdigit() else 0
    return number or None


def _refused(message: str, status: int = 422) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def article_workbench(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(
        access.articles_for(request.user).select_related("outlet"), pk=article_pk
    )
    layer_owner = access.layer_owner(request.user, request.GET.get("layer"), article)
    # Unassigned in a project that codes assigned articles only: the page reads, no more.
    not_assigned = not access.may_code(request.user, article)
    read_only = layer_owner != request.user or not_assigned
    sees_others = access.sees_others_tags(request.user, article)
    labels = codebooks.article_labels(article.pk)
    entity_mentions = layers.mentions(article)
    tag_rows = rows.tag_rows(article, layer_owner, labels)
    rows.attach_links(article, layer_owner, tag_rows)
    rows.set_blocks(article, tag_rows)
    per_label = rows.label_counts(tag_rows)
    suggestions = [] if read_only else layers.open_suggestion_marks(article, layer_owner, tag_rows)
    context = {
        "article": article,
        "labels": [(label, per_label[label.pk]) for label in labels],
        "groups": [
            (value, name, len(group), _rows_page(article, value, group, read_only, layer_owner))
            for value, name, group in rows.grouped(tag_rows)
        ],
        "text": layers.full_text(article, entity_mentions, tag_rows, suggestions),
        "tag_info": _tag_info(tag_rows),
        "suggestions_html": _rows_page(article, "suggestions", suggestions, read_only, None),
        "suggestion_count": len(suggestions),
        "legend": reader.legend_of(label for _, _, label in entity_mentions),
        "layer_owner": layer_owner,
        "read_only": read_only,
        "not_assigned": not_assigned,
        "assignment": Assignment.objects.filter(article=article, user=request.user)
        .select_related("project")
        .order_by("done_at", "pk")
        .first(),
        "annotators": access.layer_choices(request.user, article, sees_others=sees_others),
        "may_export_all": sees_others,
    }
    template = PAGE + "#reader" if request.htmx else PAGE
    return TemplateResponse(request, template, context)


# Sidebar rows come a page at a time: the first with the workbench, the next ones when
# the end of a list is scrolled into view (or its "More" button pressed), so a long
# article's page stays small and its DOM bounded.
TAG_ROWS_PAGE = 30
SUGGESTION_ROWS_PAGE = 15


def _rows_page(article, name: str, items: list, read_only: bool, owner) -> str:
    """The first page of one sidebar list, ending in a "More" row when there is more.
    The suggestions come as marks; only the page's are read in full."""
    size = SUGGESTION_ROWS_PAGE if name == "suggestions" else TAG_ROWS_PAGE
    page = items[:size]
    if name == "suggestions":
        html = "".join(map(row_html.suggestion_row, layers.suggestions_by_pk(page)))
    else:
        html = "".join(map(row_html.row_html, page))
    if len(items) > size:
        last = page[-1]
        query = {"list": name, "after": f"{last.start}.{last.end}.{last.pk}"}
        if read_only and owner is not None:
            query["layer"] = owner.pk
        more_url = reverse("annotations:workbench-rows", args=[article.pk])
        html += row_html.more_row(f"{more_url}?{urlencode(query)}", len(items) - size)
    return mark_safe(html)


def _tag_info(tag_rows: list) -> str:
    """What the shared hover shows of each tag: {pk: [label id, values]}, as JSON safe in
    a script element."""
    info = {str(row.pk): [row.label.pk, row.values] for row in tag_rows}
    return mark_safe(json.dumps(info, separators=(",", ":")).replace("<", "\\u003c"))


def _after(value: str) -> tuple[int, int, int] | None:
    parts = value.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


@require_GET
def workbench_rows(request: HttpRequest, article_pk: int) -> HttpResponse:
    """The next page of a sidebar list (a category's tags, or the suggestions) after the
    row ``after`` (its start.end.pk, the lists' order), ending in a "More" row if needed."""
    article = get_object_or_404(access.articles_for(request.user).only("pk", "text"), pk=article_pk)
    owner = access.layer_owner(request.user, request.GET.get("layer"), article)
    read_only = owner != request.user
    name, after = request.GET.get("list", ""), _after(request.GET.get("after", ""))
    if after is None or name not in {"suggestions", *Category.values}:
        return _refused("Which list, after which row?", 400)
    labels = codebooks.article_labels(article.pk)
    tag_rows = rows.tag_rows(article, owner, labels)
    if name == "suggestions":
        items = [] if read_only else layers.open_suggestion_marks(article, owner, tag_rows)
    else:
        rows.attach_links(article, owner, tag_rows)
        rows.set_blocks(article, tag_rows)
        items = [row for row in tag_rows if row.category == name]
    start, end, pk = after
    items = [i for i in items if (i.start, -i.end, i.pk) > (start, -end, pk)]
    return HttpResponse(_rows_page(article, name, items, read_only, owner))


@require_GET
def article_summary(request: HttpRequest, article_pk: int) -> HttpResponse:
    """Distinct sources, anonymous ones, claims per source, framing by voice: one layer."""
    article = get_object_or_404(access.articles_for(request.user).only("pk", "text"), pk=article_pk)
    owner = access.layer_owner(request.user, request.GET.get("layer"), article)
    tag_rows = rows.tag_rows(article, owner, codebooks.article_labels(article.pk))
    rows.attach_links(article, owner, tag_rows)
    rows.set_blocks(article, tag_rows)
    context = {"article": article, "summary": summary.summarise(article.text, tag_rows)}
    return TemplateResponse(request, PAGE + "#summary", context)


@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = access.suggestion_for(request.user, pk)
    if not access.may_code(request.user, suggestion.article):
        raise Http404
    try:
        tag = services.suggestion_accept(suggestion=suggestion, user=request.user)
    except services.AnnotationError as exc:
        return _refused(str(exc))
    context = changes.accepted_context(tag, owner=request.user, closed_suggestions=[suggestion.pk])
    return _answer_with(tag, HttpResponse(changes_html(context), status=201))


@require_POST
def suggestion_accept_pair(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept a claim suggestion together with its suggested source, linked."""
    suggestion = access.suggestion_for(request.user, pk)
    if not access.may_code(request.user, suggestion.article):
        raise Http404
    try:
        pair = services.suggestion_accept_pair(suggestion=suggestion, user=request.user)
    except services.AnnotationError as exc:
        return _refused(str(exc))
    closed = [suggestion.pk, *([suggestion.link_to_id] if pair.source_is_new else [])]
    context = changes.accepted_pair_context(
        pair.claim,
        pair.source,
        source_is_new=pair.source_is_new,
        owner=request.user,
        closed_suggestions=closed,
    )
    return _answer_with(pair.claim, HttpResponse(changes_html(context), status=201))


@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = access.suggestion_for(request.user, pk)
    services.suggestion_dismiss(suggestion=suggestion, user=request.user)
    article = suggestion.article
    labels = codebooks.article_labels(article.pk)
    context = {
        "blocks_html": layers.blocks_html(
            article, request.user, labels, suggestion.start, suggestion.end
        ),
        "closed_suggestions": [suggestion.pk],
        "suggestion_count": layers.open_suggestion_count(article, request.user, labels),
    }
    return HttpResponse(changes_html(context))


@require_GET
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tag editor; a reviewer opening another annotator's tag gets it read-only."""
    tag = access.tag_for_reading(request.user, pk)
    read_only = tag.owner_id != request.user.pk
    labels = codebooks.article_labels(tag.article_id)
    (row,) = rows.rows_with_links(tag.article, tag.owner, [tag.pk], labels)
    context = editor.context(tag, row, labels)
    if read_only:
        context.update(read_only=True, link_choices=[])
    return HttpResponse(editor_html(context))


@require_POST
def annotation_create(request: HttpRequest, article_pk: int) -> HttpResponse:
    # Whoever may code an article may open it: one check, both answered with a 404.
    article = access.article_or_404(article_pk)
    if not access.may_code(request.user, article):
        raise Http404
    labels = codebooks.article_labels(article.pk)
    form = AnnotationCreateForm(request.POST, labels=labels)
    if not form.is_valid():
        return _refused(form.first_error(), 400)
    data = form.cleaned_data
    try:
        tag = services.annotation_create(
            article=article,
            user=request.user,
            label=data["label"],
            start=data["start"],
            end=data["end"],
            quote=data["quote"],
            snap_to_words=data["snap"],
        )
    except services.AnnotationError as exc:
        return _refused(str(exc))
    change = changes.between(tag.pk, None, changes.state_of(tag, links=frozenset()))
    return _answer(request, tag, change, status=201, labels=labels)


def _version(request: HttpRequest) -> tuple[int | None, HttpResponse | None]:
    """The version an edit was made on (None when not sent), or the answer refusing it."""
    if "version" not in request.POST:
        return None, None
    version = _int(request.POST["version"])
    if version is None:
        return None, _refused("The page sent no valid version of this tag; reload it.", 400)
    return version, None


def _conflict(request: HttpRequest, conflict: services.Conflict, action: str) -> HttpResponse:
    """409: the tag changed meanwhile; the stored values, with a reload and an overwrite."""
    context = editor.conflict_context(conflict.annotation, action)
    return TemplateResponse(request, PAGE + "#conflict", context, status=409)


@require_POST
def annotation_update(request: HttpRequest, pk: int) -> HttpResponse:
    tag = access.tag_for_change(request.user, pk)
    version, refusal = _version(request)
    if refusal:
        return refusal
    label, labels = None, None
    if label_pk := request.POST.get("label"):
        label_id = _int(label_pk)
        if label_id == tag.label_id:
            label = tag.label  # the editor sends the label with every save: no reading
        elif label_id is not None:
            labels = codebooks.article_labels(tag.article_id)  # once, for the answer too
            codebook = tag.label.codebook_id
            label = next(
                (x for x in labels if x.pk == label_id and x.codebook_id == codebook), None
            )
        if label is None:
            return _refused("That label is not in this codebook.", 400)
    # Only a new label can change the tag's links (some no longer fit): read them only then.
    relabel = label is not None and label.pk != tag.label_id
    before = changes.state_of(tag, links=None if relabel else frozenset())
    attributes = None
    if "attributes" in request.POST:
        attributes = attributes_from_post((label or tag.label).attribute_schema, request.POST)
    note = request.POST.get("note")
    try:
        services.annotation_update(
            annotation=tag, label=label, attributes=attributes, note=note, version=version
        )
    except services.Conflict as conflict:
        return _conflict(request, conflict, "update")
    except services.AnnotationError as exc:
        return _refused(str(exc))
    # A relabel can only drop links: a tag that had none has none, and its row is the
    # tag itself (no reading). Other edits leave the links as they were, unread.
    after = changes.state_of(tag, links=None if relabel and before.links else frozenset())
    change = changes.between(tag.pk, before, after)
    change.fresh = relabel and not before.links
    return _answer(request, tag, change, labels=labels)


@require_POST
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = access.tag_for_change(request.user, pk)
    version, refusal = _version(request)
    if refusal:
        return refusal
    before = changes.state_of(tag)
    try:
        services.annotation_delete(annotation=tag, version=version)
    except services.Conflict as conflict:
        return _conflict(request, conflict, "delete")
    after = changes.state_of(tag, links=before.links)
    return _answer(request, tag, changes.between(tag.pk, before, after))


@require_POST
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    tag = access.deleted_tag_for_change(request.user, pk)
    version, refusal = _version(request)
    if refusal:
        return refusal
    try:
        services.annotation_restore(annotation=tag, version=version)
    except services.Conflict as conflict:
        return _conflict(request, conflict, "restore")
    except services.AnnotationError as exc:
        return _refused(str(exc))
    after = changes.state_of(tag)
    before = dataclasses.replace(after, live=False)
    change = changes.between(tag.pk, before, after)
    change.fresh = not after.links  # its row is the tag itself: nothing more to read
    return _answer(request, tag, change)


@require_POST
def relation_create(request: HttpRequest, pk: int) -> HttpResponse:
    tag = access.tag_for_change(request.user, pk)
    target_pk = _int(request.POST.get("to", ""))
    if target_pk is None:
        return _refused("Choose a tag to link to.", 400)
    target = access.tag_for_change(request.user, target_pk)
    before = changes.state_of(tag)
    try:
        relation = services.relation_create(
            from_annotation=tag,
            to_annotation=target,
            type=request.POST.get("type", Relation.Type.ATTRIBUTED_TO),
        )
    except services.AnnotationError as exc:
        return _refused(str(exc))
    # The write added one link: the state after it is known without reading it again.
    after = dataclasses.replace(
        before, links=before.links | {(relation.pk, target.pk)}, attributes=dict(tag.attributes)
    )
    return _answer(request, tag, changes.between(tag.pk, before, after))


@require_POST
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    relation = access.relation_for_change(request.user, pk)
    tag = relation.from_annotation
    before = changes.state_of(tag)
    removed = (relation.pk, relation.to_annotation_id)
    services.relation_delete(relation=relation)
    after = dataclasses.replace(
        before, links=before.links - {removed}, attributes=dict(tag.attributes)
    )
    return _answer(request, tag, changes.between(tag.pk, before, after))


def _answer(
    request: HttpRequest,
    tag: Annotation,
    change: changes.Changes,
    *,
    status: int = 200,
    labels: list | None = None,
    closed_suggestions: list[int] = (),
) -> HttpResponse:
    """Only what changed: the touched text blocks, sidebar rows, counters and the editor."""
    context = changes.changes_context(
        tag, change, owner=request.user, labels=labels, closed_suggestions=closed_suggestions
    )
    response = HttpResponse(changes_html(context), status=status)
    return _answer_with(tag, response, deleted=change.deleted)


def _answer_with(tag: Annotation, response, *, deleted: bool = False) -> HttpResponse:
    saved = {"id": tag.pk, "deleted": deleted, "version": tag.version}
    response["HX-Trigger"] = json.dumps({"tag-saved": saved})
    return response


ENTITY_CHOICES = 60


@require_GET
def entity_names(request: HttpRequest, article_pk: int) -> HttpResponse:
    """The article's entities, most mentioned first, as the options of an entity field.

    Asked for when the field is first focused, so opening a tag costs nothing for it.
    """
    article = get_object_or_404(access.articles_for(request.user).only("pk"), pk=article_pk)
    names = (
        EntityMention.objects.filter(article=article, entity__isnull=False)
        .values("entity__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "entity__name")
        .values_list("entity__name", flat=True)[:ENTITY_CHOICES]
    )
    return TemplateResponse(request, PAGE + "#entity-options", {"entity_names": names})
