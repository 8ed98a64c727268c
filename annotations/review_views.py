"""The review side of a project: the dashboard, an article's comparison, the consensus.

Reviewers and managers of the project (and staff) only; anyone else gets a 404. Every
page reads a fixed number of queries, whatever the number of tags (asserted in tests).
"""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import conditional_escape as esc
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from annotations import access, consensus, dashboard, review
from annotations.forms import attributes_from_post
from annotations.models import Annotation, Label, Relation
from annotations.services import AnnotationError
from newsdesk import highlight

COMPARE = "annotations/compare.html"
DASHBOARD = "annotations/dashboard.html"
# Okabe & Ito: distinct for colour-blind readers, one per coder (then repeated); the
# same six are the cd-0 … cd-5 classes of newsdesk.css.
CODER_COLOURS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9"]


def _refused(message: str, status: int = 422) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _article_of(project, article_pk: int, user):
    """The project's article, or a 404; ``article.review_open`` says whether the reviewer
    may see the coders' layers: staff always, in an open project always, in a blind one
    once a reviewer has opened the article for adjudication."""
    link = get_object_or_404(
        project.project_articles.select_related("article"), article_id=article_pk
    )
    article = link.article
    article.review_open = (
        user.is_staff or not project.blind or link.adjudication_opened_at is not None
    )
    return article


def _still_blind(request, project, article) -> HttpResponse | None:
    """A consensus write on an article not open for adjudication: refused, nothing changes."""
    if article.review_open:
        return None
    return _compare_response(
        request,
        project,
        article,
        status=409,
        error="Open the article for adjudication before building its consensus.",
    )


def _context(request, project, article) -> dict:
    tags = list(review.coder_tags(project, [article.pk]))
    coders = sorted({t.owner.get_username() for t in tags})
    # Colours by class (cd-0 … cd-5 in newsdesk.css): the CSP allows no inline styles.
    colours = {c: n % len(CODER_COLOURS) for n, c in enumerate(coders)}
    rows = review.compared(coders, tags)
    by_pk = {t.pk: t for t in tags}
    layer = consensus.layer_of(project)
    chosen = []
    if layer is not None:
        chosen = list(
            Annotation.objects.for_user(layer.user)
            .filter(article=article)
            .select_related("label", "decision__decided_by")
            .prefetch_related("decision__sources__owner")
        )
    at_span: dict[tuple[int, int], list[Annotation]] = {}
    for tag in chosen:
        tag.edit_fields = _edit_fields(tag)
        at_span.setdefault((tag.start, tag.end), []).append(tag)
    table = []
    accept_url = reverse("annotations:consensus-accept", args=[project.pk, article.pk])
    csrf_input = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{esc(get_token(request))}">'
    )
    for row in rows:
        cells = [
            (coder, colours[coder], [by_pk[t.id] for t in row.tags.get(coder, [])])
            for coder in coders
        ]
        table.append(
            {
                "row": row,
                "quote": article.text[row.start : row.end],
                "cells_html": _cells_html(cells, accept_url, csrf_input),
                "kinds": [review.comparison.KINDS[k] for k in sorted(row.kinds)],
                "consensus": at_span.pop((row.start, row.end), []),
            }
        )
    own_consensus = [tag for tags in at_span.values() for tag in tags]
    links = review.comparison.compare_links(coders, _links(tags))
    agreed = sum(1 for item in table if item["row"].agreed and len(coders) > 1)
    view = "merged" if request.GET.get("view") == "merged" else "side"
    return {
        "project": project,
        "article": article,
        "coders": [(c, colours[c]) for c in coders],
        "table": table,
        "own_consensus": own_consensus,
        "consensus_count": len(chosen),
        "links": links,
        "agreed": agreed,
        "view": view,
        "merged_html": _merged(article, tags, colours, coders, chosen) if view == "merged" else "",
        "labels": review.project_labels(project),
        "layer": layer,
    }


def _edit_fields(tag: Annotation) -> list[dict]:
    """The consensus tag's single-choice, yes/no and text attributes, to edit in place."""
    fields = []
    for item in tag.label.attribute_schema:
        kind, value = item["kind"], (tag.attributes or {}).get(item["name"])
        if kind == "bool":
            choices, value = ["yes", "no"], {True: "yes", False: "no"}.get(value, "")
        elif kind == "choice":
            choices = [v for v in item.get("values", []) if v not in item.get("retired", [])]
        elif kind in ("text", "entity"):
            choices = None
        else:
            continue
        fields.append({"name": item["name"], "choices": choices, "value": value or ""})
    return fields


def _links(tags: list[Annotation]):
    by_id = {t.pk: t for t in tags}
    found: dict[str, list] = {}
    relations = Relation.objects.filter(
        type=Relation.Type.ATTRIBUTED_TO, from_annotation_id__in=list(by_id)
    ).values_list("from_annotation_id", "to_annotation_id")
    for claim_id, source_id in relations:
        claim, source = by_id.get(claim_id), by_id.get(source_id)
        if claim is not None and source is not None:
            found.setdefault(claim.owner.get_username(), []).append(
                ((claim.start, claim.end), (source.start, source.end))
            )
    return found


def _merged(article, tags, colours, coders, chosen) -> str:
    spans = [
        highlight.Span(
            start=t.start,
            end=t.end,
            layer="tags",
            ref=str(t.pk),
            css=f"ctag cd-{colours[t.owner.get_username()]}",
            title=f"{t.owner.get_username()}: {t.label.name}",
        )
        for t in tags
    ] + [
        highlight.Span(t.start, t.end, "tags", str(t.pk), "ctag cd-consensus", "consensus")
        for t in chosen
    ]
    return highlight.render_blocks(article.text, spans, highlight.blocks(article.text))


def _cells_html(cells, accept_url: str, csrf_input: str) -> str:
    """Each coder's tags in one row of the comparison, with their Accept buttons (the key
    is the coder's number). Built here rather than in the template: a long article's rows
    hold hundreds of these, and the template loop was most of the page's time."""
    out = []
    for number, (coder, _colour, tags) in enumerate(cells, start=1):
        out.append("<td>")
        for tag in tags:
            name = esc(tag.label.name)
            values = "".join(
                f"<br><small>{esc(key)}: {esc(value)}</small>"
                for key, value in tag.attributes.items()
            )
            out.append(
                f'<div class="coded"><strong>{name}</strong>{values}'
                f'<form method="post" action="{accept_url}" hx-post="{accept_url}">{csrf_input}'
                f'<input type="hidden" name="tag" value="{tag.pk}">'
                f'<button type="submit" class="accept" data-coder="{number}" '
                f'aria-label="Accept {esc(coder)}’s {name}" '
                f'title="Accept {esc(coder)}’s tag (key {number})">Accept</button></form></div>'
            )
        if not tags:
            out.append('<span class="missing">—</span>')
        out.append("</td>")
    return mark_safe("".join(out))


def _compare_response(request, project, article, status: int = 200, error: str = ""):
    if article.review_open:
        context = _context(request, project, article)
    else:  # blind: the coders' layers stay hidden, even their number
        context = {"project": project, "article": article, "blind": True}
    context["error"] = error
    template = COMPARE + "#compare" if request.htmx else COMPARE
    return TemplateResponse(request, template, context, status=status)


@require_GET
def article_compare(request: HttpRequest, project_pk: int, article_pk: int) -> HttpResponse:
    project = access.project_for_review(request.user, project_pk)
    return _compare_response(request, project, _article_of(project, article_pk, request.user))


def _after(request, project, article, action) -> HttpResponse:
    try:
        action()
    except AnnotationError as exc:
        return _compare_response(request, project, article, status=422, error=str(exc))
    return _compare_response(request, project, article)


@require_POST
def consensus_accept(request: HttpRequest, project_pk: int, article_pk: int) -> HttpResponse:
    """One coder's tag into the consensus."""
    project = access.project_for_review(request.user, project_pk)
    article = _article_of(project, article_pk, request.user)
    if refused := _still_blind(request, project, article):
        return refused
    coders_tags = list(review.coder_tags(project, [article.pk]))
    pk = request.POST.get("tag", "")
    tag = next((t for t in coders_tags if str(t.pk) == pk), None)
    if tag is None:
        return _refused("That tag is not a coder's tag of this article.", 404)
    return _after(
        request,
        project,
        article,
        lambda: consensus.accept_tag(
            project=project, tag=tag, reviewer=request.user, coders_tags=coders_tags
        ),
    )


@require_POST
def consensus_accept_agreed(request: HttpRequest, project_pk: int, article_pk: int):
    """Every tag on which all the article's coders agree."""
    project = access.project_for_review(request.user, project_pk)
    article = _article_of(project, article_pk, request.user)
    if refused := _still_blind(request, project, article):
        return refused
    coders_tags = list(review.coder_tags(project, [article.pk]))
    coders = list({t.owner_id: t.owner for t in coders_tags}.values())
    if len(coders) < 2:
        return _compare_response(
            request, project, article, status=422, error="Agreement needs two coders or more."
        )
    return _after(
        request,
        project,
        article,
        lambda: consensus.accept_agreed(
            project=project,
            article=article,
            reviewer=request.user,
            coders=coders,
            coders_tags=coders_tags,
        ),
    )


def _label(project, value: str) -> Label | None:
    if not (value.isascii() and value.isdigit()):
        return None
    return Label.objects.filter(codebook_id=project.codebook_id, pk=int(value)).first()


def _number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() else None


@require_POST
def consensus_add(request: HttpRequest, project_pk: int, article_pk: int) -> HttpResponse:
    """The reviewer's own tag in the consensus, by offsets."""
    project = access.project_for_review(request.user, project_pk)
    article = _article_of(project, article_pk, request.user)
    if refused := _still_blind(request, project, article):
        return refused
    label = _label(project, request.POST.get("label", ""))
    start, end = _number(request.POST.get("start", "")), _number(request.POST.get("end", ""))
    if label is None or start is None or end is None:
        return _compare_response(
            request, project, article, status=422, error="Choose a label and give start and end."
        )
    return _after(
        request,
        project,
        article,
        lambda: consensus.consensus_add(
            project=project,
            article=article,
            reviewer=request.user,
            label=label,
            start=start,
            end=end,
            attributes=attributes_from_post(label.attribute_schema, request.POST),
        ),
    )


def _consensus_tag(project, pk: int) -> Annotation:
    layer = consensus.layer_of(project)
    if layer is None:
        raise access.Http404
    return get_object_or_404(
        Annotation.objects.for_user(layer.user).select_related("label", "article"), pk=pk
    )


@require_POST
def consensus_edit(request: HttpRequest, project_pk: int, pk: int) -> HttpResponse:
    project = access.project_for_review(request.user, project_pk)
    tag = _consensus_tag(project, pk)
    article = _article_of(project, tag.article_id, request.user)
    if refused := _still_blind(request, project, article):
        return refused
    label = _label(project, request.POST.get("label", "")) or tag.label
    return _after(
        request,
        project,
        article,
        lambda: consensus.consensus_edit(
            tag=tag,
            reviewer=request.user,
            label=label,
            attributes=_edited_attributes(tag, label, request.POST),
        ),
    )


def _edited_attributes(tag: Annotation, label: Label, data) -> dict:
    """Another label starts without values; the same label takes the form's values over
    the stored ones (a multiple choice the form does not show is kept)."""
    if label.pk != tag.label_id:
        return {}
    shown = {f"attr-{item['name']}" for item in label.attribute_schema} & set(data)
    posted = attributes_from_post(label.attribute_schema, data)
    return {
        **(tag.attributes or {}),
        **{k: v for k, v in posted.items() if f"attr-{k}" in shown},
    }


@require_POST
def consensus_remove(request: HttpRequest, project_pk: int, pk: int) -> HttpResponse:
    project = access.project_for_review(request.user, project_pk)
    tag = _consensus_tag(project, pk)
    article = _article_of(project, tag.article_id, request.user)
    if refused := _still_blind(request, project, article):
        return refused
    return _after(request, project, article, lambda: consensus.consensus_remove(tag=tag))


@require_GET
def project_dashboard(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = access.project_for_review(request.user, project_pk)
    page = request.GET.get("page", "1")
    context = dashboard.context(project, int(page) if page.isascii() and page.isdigit() else 1)
    role = project.viewer_role
    context |= {"role": role, "may_review": True, "may_manage": role == "manager"}
    template = DASHBOARD + "#articles" if request.htmx else DASHBOARD
    return TemplateResponse(request, template, context)


@require_GET
def project_agreement_csv(request: HttpRequest, project_pk: int) -> HttpResponse:
    """Every agreement figure of the project, one row each."""
    project = access.project_for_review(request.user, project_pk)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["label", "measure", "attribute", "pair", "value", "units", "coders"])
    for f in dashboard.figures(project):
        writer.writerow(
            [
                f.label,
                f.measure,
                f.attribute or "",
                " & ".join(f.pair or ()),
                "" if f.value is None else f"{f.value:.4f}",
                f.units,
                f.coders,
            ]
        )
    return HttpResponse(
        out.getvalue(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"newsdesk-agreement-project-{project.pk}.csv"
            )
        },
    )
