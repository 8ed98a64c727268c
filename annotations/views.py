import json

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations import services, summary, voice, workbench
from annotations.forms import AnnotationCreateForm, attributes_from_post
from annotations.models import Annotation, Category, Label, Relation, Suggestion
from newsdesk import reader
from newsdesk.models import Article, EntityMention

PAGE = "annotations/workbench.html"


def _own_tag(request: HttpRequest, pk: int) -> Annotation:
    """The requesting user's live tag, or a 404 that does not say whether it exists."""
    return get_object_or_404(
        Annotation.objects.for_user(request.user).select_related("label", "article"), pk=pk
    )


def _int(value: str) -> int | None:
    """A positive whole number from a form value, or None."""
    number = int(value) if value.isascii() and value.isdigit() else 0
    return number or None


def _refused(message: str, status: int = 422) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def article_workbench(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("outlet"), pk=article_pk)
    layer_owner = _layer_owner(request)
    read_only = layer_owner != request.user
    labels = workbench.codebook_labels(article.pk)
    mention_rows = reader.mention_rows(article)
    rows = workbench.tag_rows(article, layer_owner, labels)
    workbench.attach_links(article, layer_owner, rows)
    workbench.set_blocks(article, rows)
    per_label = workbench.label_counts(rows)
    suggestions = [] if read_only else workbench.open_suggestions(article, layer_owner, rows)
    annotators = []
    if request.user.is_staff:
        annotators = (
            get_user_model()
            .objects.filter(
                Q(pk=request.user.pk)
                | Q(annotations__article=article, annotations__deleted_at__isnull=True)
            )
            .distinct()
            .order_by("username")
        )
    context = {
        "article": article,
        "labels": [(label, per_label[label.pk]) for label in labels],
        "groups": [
            (value, name, len(group), mark_safe("".join(map(workbench.row_html, group))))
            for value, name, group in workbench.grouped(rows)
        ],
        "text_html": workbench.full_text_html(article, mention_rows, rows, suggestions),
        "suggestions_html": mark_safe("".join(map(_suggestion_row, suggestions))),
        "suggestion_count": len(suggestions),
        "legend": reader.legend(mention_rows),
        "layer_owner": layer_owner,
        "read_only": read_only,
        "annotators": annotators,
    }
    template = PAGE + "#reader" if request.htmx else PAGE
    return TemplateResponse(request, template, context)


@require_GET
def article_summary(request: HttpRequest, article_pk: int) -> HttpResponse:
    """Distinct sources, anonymous ones, claims per source, framing by voice: one layer."""
    article = get_object_or_404(Article.objects.only("pk", "text"), pk=article_pk)
    owner = _layer_owner(request)
    rows = workbench.tag_rows(article, owner, workbench.codebook_labels(article.pk))
    workbench.attach_links(article, owner, rows)
    workbench.set_blocks(article, rows)
    context = {"article": article, "summary": summary.summarise(article.text, rows)}
    return TemplateResponse(request, PAGE + "#summary", context)


def _layer_owner(request: HttpRequest):
    """Whose tags to show: one's own, or for reviewers (staff) the ``?layer=`` annotator's."""
    layer = request.GET.get("layer")
    if not layer:
        return request.user
    if not request.user.is_staff or _int(layer) is None:
        raise Http404
    return get_object_or_404(get_user_model(), pk=_int(layer))


def _suggestion_row(suggestion: Suggestion) -> str:
    return workbench.suggestion_row_html(
        suggestion,
        reverse("annotations:suggestion-accept", args=[suggestion.pk]),
        reverse("annotations:suggestion-dismiss", args=[suggestion.pk]),
    )


@require_POST
def suggestion_accept(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion.objects.select_related("article"), pk=pk)
    try:
        tag = services.suggestion_accept(suggestion=suggestion, user=request.user)
    except services.AnnotationError as exc:
        return _refused(str(exc))
    return _changed(
        request,
        tag,
        span=(tag.start, tag.end),
        insert=[tag.pk],
        status=201,
        fresh=True,
        closed_suggestions=[suggestion.pk],
    )


@require_POST
def suggestion_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = get_object_or_404(Suggestion.objects.select_related("article"), pk=pk)
    services.suggestion_dismiss(suggestion=suggestion, user=request.user)
    article = suggestion.article
    context = {
        "blocks_html": workbench.blocks_html(
            article,
            request.user,
            workbench.codebook_labels(article.pk),
            suggestion.start,
            suggestion.end,
        ),
        "closed_suggestions": [suggestion.pk],
        "suggestion_count": _open_suggestion_count(article, request.user),
    }
    return TemplateResponse(request, "annotations/_changes.html", context)


def _open_suggestion_count(article: Article, user) -> int:
    rows = workbench.tag_rows(article, user, workbench.codebook_labels(article.pk))
    return len(workbench.open_suggestions(article, user, rows))


@require_GET
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    (row,) = workbench.rows_with_links(tag.article, request.user, [tag.pk])
    context = _editor_context(tag, row, workbench.codebook_labels(tag.article_id))
    return TemplateResponse(request, PAGE + "#editor", context)


@require_POST
def annotation_create(request: HttpRequest, article_pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_pk)
    labels = workbench.codebook_labels(article.pk)
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
    return _changed(
        request,
        tag,
        span=(tag.start, tag.end),
        insert=[tag.pk],
        status=201,
        labels=labels,
        fresh=True,
    )


@require_POST
def annotation_update(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    old_category, old_values = tag.label.category, tag.attributes
    label = None
    if label_pk := request.POST.get("label"):
        label_id = _int(label_pk)
        if label_id is not None:
            label = Label.objects.filter(codebook_id=tag.label.codebook_id, pk=label_id).first()
        if label is None:
            return _refused("That label is not in this codebook.", 400)
    attributes = None
    if "attributes" in request.POST:
        attributes = attributes_from_post((label or tag.label).attribute_schema, request.POST)
    note = request.POST.get("note")
    linked_before = _linked_pks(tag)
    try:
        services.annotation_update(annotation=tag, label=label, attributes=attributes, note=note)
    except services.AnnotationError as exc:
        return _refused(str(exc))
    moved = tag.label.category != old_category
    return _changed(
        request,
        tag,
        # The hover text of the highlight shows the values: re-render its blocks too.
        span=(tag.start, tag.end) if label or tag.attributes != old_values else None,
        insert=[tag.pk] if moved else [],
        remove=[tag.pk] if moved else [],
        replace=sorted(linked_before | _linked_pks(tag) | ({tag.pk} if not moved else set())),
    )


@require_POST
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    linked = _linked_pks(tag)
    services.annotation_delete(annotation=tag)
    return _changed(
        request,
        tag,
        span=(tag.start, tag.end),
        remove=[tag.pk],
        replace=sorted(linked),
        deleted=tag,
    )


@require_POST
def annotation_restore(request: HttpRequest, pk: int) -> HttpResponse:
    tag = get_object_or_404(
        Annotation.objects.filter(owner=request.user, deleted_at__isnull=False).select_related(
            "label", "article"
        ),
        pk=pk,
    )
    try:
        services.annotation_restore(annotation=tag)
    except services.AnnotationError as exc:
        return _refused(str(exc))
    return _changed(
        request, tag, span=(tag.start, tag.end), insert=[tag.pk], replace=sorted(_linked_pks(tag))
    )


@require_POST
def relation_create(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    target_pk = _int(request.POST.get("to", ""))
    if target_pk is None:
        return _refused("Choose a tag to link to.", 400)
    target = _own_tag(request, target_pk)
    try:
        services.relation_create(
            from_annotation=tag,
            to_annotation=target,
            type=request.POST.get("type", Relation.Type.ATTRIBUTED_TO),
        )
    except services.AnnotationError as exc:
        return _refused(str(exc))
    return _changed(request, tag, replace=sorted({tag.pk, target.pk}))


@require_POST
def relation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(
        Relation.objects.filter(
            from_annotation__owner=request.user, from_annotation__deleted_at__isnull=True
        ).select_related("from_annotation__label", "from_annotation__article"),
        pk=pk,
    )
    tag, other_pk = relation.from_annotation, relation.to_annotation_id
    services.relation_delete(relation=relation)
    return _changed(request, tag, replace=sorted({tag.pk, other_pk}))


def _linked_pks(tag: Annotation) -> set[int]:
    pairs = Relation.objects.filter(Q(from_annotation=tag) | Q(to_annotation=tag)).values_list(
        "from_annotation", "to_annotation"
    )
    return {pk for pair in pairs for pk in pair} - {tag.pk}


def _changed(
    request: HttpRequest,
    tag: Annotation,
    *,
    span: tuple[int, int] | None = None,
    insert: list[int] = (),
    remove: list[int] = (),
    replace: list[int] = (),
    deleted: Annotation | None = None,
    status: int = 200,
    labels: list[Label] | None = None,
    fresh: bool = False,
    closed_suggestions: list[int] = (),
) -> HttpResponse:
    """Only what changed: the touched text blocks, sidebar rows, counters and the editor."""
    article, owner = tag.article, request.user
    if fresh:
        rows = {tag.pk: workbench.fresh_row(article, tag)}
    else:
        rows = {
            row.pk: row for row in workbench.rows_with_links(article, owner, [*insert, *replace])
        }
    inserts = [
        (workbench.row_html(rows[pk]), workbench.next_row_pk(tag), rows[pk].category)
        for pk in insert
        if pk in rows
    ]
    labels = labels if labels is not None else workbench.codebook_labels(article.pk)
    by_label, by_category = workbench.counts(article, owner, labels)
    context = {
        "blocks_html": workbench.blocks_html(article, owner, labels, *span) if span else "",
        "inserts": inserts,
        "removes": remove,
        "replaces": [workbench.row_html(rows[pk], oob="true") for pk in replace if pk in rows],
        "label_counts": [(label, by_label.get(label.pk, 0)) for label in labels],
        "category_counts": [(value, by_category.get(value, 0)) for value, _ in Category.choices],
        "deleted": deleted,
        "closed_suggestions": closed_suggestions,
        "suggestion_count": _open_suggestion_count(article, owner) if closed_suggestions else None,
        "editor": None
        if deleted or tag.pk not in rows
        else _editor_context(tag, rows[tag.pk], labels),
    }
    response = TemplateResponse(request, "annotations/_changes.html", context, status=status)
    response["HX-Trigger"] = json.dumps({"tag-saved": {"id": tag.pk, "deleted": bool(deleted)}})
    return response


def _editor_context(tag: Annotation, row: workbench.TagRow, labels: list[Label]) -> dict:
    sources = []
    if tag.label.category in (Category.CLAIM, Category.SOURCE):
        linked = {other.pk for _, other in [*row.links_out, *row.links_in]}
        sources = workbench.nearby_sources(tag, exclude={tag.pk, *linked})
    derived_voice = None
    if tag.label.category == Category.FRAMING:
        derived_voice = _framing_voice(tag)
    return {
        "tag": tag,
        "row": row,
        "labels": labels,
        "link_choices": sources,
        "link_type": "same_as" if tag.label.category == Category.SOURCE else "attributed_to",
        "derived_voice": derived_voice,
    }


ENTITY_CHOICES = 60


@require_GET
def entity_names(request: HttpRequest, article_pk: int) -> HttpResponse:
    """The article's entities, most mentioned first, as the options of an entity field.

    Asked for when the field is first focused, so opening a tag costs nothing for it.
    """
    names = (
        EntityMention.objects.filter(article_id=article_pk, entity__isnull=False)
        .values("entity__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "entity__name")
        .values_list("entity__name", flat=True)[:ENTITY_CHOICES]
    )
    return TemplateResponse(request, PAGE + "#entity-options", {"entity_names": names})


def _framing_voice(tag: Annotation) -> voice.Voice:
    """The voice the tag would have without the annotator's answer, for the editor's hint."""
    in_sourced_claim = (
        Annotation.objects.for_user(tag.owner_id)
        .filter(
            article_id=tag.article_id,
            label__category=Category.CLAIM,
            start__lte=tag.start,
            end__gte=tag.end,
            relations_out__type=Relation.Type.ATTRIBUTED_TO,
            relations_out__to_annotation__deleted_at__isnull=True,
        )
        .exists()
    )
    claims = [voice.ClaimSpan(tag.start, tag.end, attributed=True)] if in_sourced_claim else []
    return voice.of_framing(
        tag.start,
        tag.end,
        {},
        claims=claims,
        quotes=voice.quotations(tag.article.text, tag.start, tag.end),
    )
