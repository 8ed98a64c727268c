"""A project's dashboard: progress, agreement per label (SVG chart, table, CSV),
disagreements to review first, and distinct and anonymous sources per article.

A fixed number of queries whatever the size of the project (asserted in the tests).
"""

import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse

from annotations import agreement, consensus, review, summary
from annotations.models import (
    Annotation,
    Assignment,
    Category,
    ProjectArticle,
    ProjectMember,
    Relation,
)

CHART_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 560, 26, 150
ARTICLES_PER_PAGE = 50


@dataclass
class ArticleRow:
    pk: int
    title: str
    assigned: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    alpha: float | None = None
    units: int = 0
    coders: int = 0
    sources: list[tuple[str, int, int]] = field(default_factory=list)  # layer, distinct, anon
    url: str = ""


def _progress(project):
    people: dict[str, list[int]] = {}
    per_article: dict[int, tuple[list[str], list[str]]] = {}
    rows = Assignment.objects.filter(project=project).values_list(
        "article_id", "user__username", "done_at"
    )
    for article_id, username, done_at in rows.order_by("user__username", "article_id"):
        counts = people.setdefault(username, [0, 0])
        counts[0] += 1
        assigned, done = per_article.setdefault(article_id, ([], []))
        assigned.append(username)
        if done_at is not None:
            counts[1] += 1
            done.append(username)
    return [(name, n, d) for name, (n, d) in people.items()], per_article


def _sources(project, article_ids, consensus_user_id) -> dict[int, list[tuple[str, int, int]]]:
    """Per article and layer (each coder's and the consensus): distinct sources and how
    many of them are anonymous, sources joined by "same source as" links."""
    members = ProjectMember.objects.filter(project=project).values("user_id")
    layers = Q(owner_id__in=members) | Q(owner_id=consensus_user_id or 0)
    chosen = Annotation.objects.live().filter(
        layers, article_id__in=article_ids, label__category=Category.SOURCE
    )
    tags = list(
        chosen.order_by("article_id", "start", "pk").values_list(
            "pk", "article_id", "owner__username", "start", "attributes"
        )
    )
    rows = {
        pk: SimpleNamespace(
            pk=pk,
            category=Category.SOURCE,
            start=start,
            attributes=attributes or {},
            links_out=[],
            article=article,
            layer=owner,
        )
        for pk, article, owner, start, attributes in tags
    }
    same = Relation.objects.filter(
        type=Relation.Type.SAME_AS, from_annotation__in=chosen.values("pk")
    ).values_list("pk", "from_annotation_id", "to_annotation_id")
    for pk, source, target in same:
        if target in rows:
            rows[source].links_out.append(
                (SimpleNamespace(pk=pk, type=Relation.Type.SAME_AS), rows[target])
            )
    layers: dict[tuple[int, str], list] = {}
    for row in rows.values():
        layers.setdefault((row.article, row.layer), []).append(row)
    result: dict[int, list[tuple[str, int, int]]] = {}
    for (article, layer), layer_rows in sorted(layers.items()):
        groups = summary.source_groups(layer_rows)
        result.setdefault(article, []).append(
            (layer, len(groups), sum(group.anonymous for group in groups))
        )
    return result


def chart(figures: list[agreement.Figure]) -> dict:
    """Bars of alpha per label on a −1 … 1 axis (0 in the middle), as SVG coordinates."""
    half = (CHART_WIDTH - LABEL_WIDTH - 60) / 2
    zero = LABEL_WIDTH + half
    bars = []
    for n, f in enumerate(figures):
        value = f.value
        width = 0 if value is None else abs(value) * half
        x = zero if value is None or value >= 0 else zero - width
        bars.append(
            {
                "figure": f,
                "y": 10 + n * BAR_HEIGHT,
                "x": round(x, 1),
                "width": round(width, 1),
                "text_x": round(zero + (half if value is None else max(value, 0) * half) + 6, 1),
                "negative": value is not None and value < 0,
            }
        )
    height = 30 + len(figures) * BAR_HEIGHT
    return {
        "bars": bars,
        "width": CHART_WIDTH,
        "height": height,
        "zero": zero,
        "left": LABEL_WIDTH,
        "right": LABEL_WIDTH + 2 * half,
        "axis_y": height - 14,
        "label_x": LABEL_WIDTH - 8,
    }


def context(project, page: int = 1) -> dict:
    """The dashboard's figures, computed once per state of the project: a project of 200
    articles × 3 coders × 50 tags takes about a second to compute, and the cache key (the
    project's fingerprint) costs four aggregate queries."""
    key = (
        f"review-dashboard:{project.pk}:"
        + hashlib.sha256("|".join(review.fingerprint(project)).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _compute(project)
        cache.set(key, found, timeout=24 * 3600)
    # The article table in pages: the page stays a bounded DOM whatever the project's size.
    pages = Paginator(found["articles"], ARTICLES_PER_PAGE)
    return {"project": project, **found, "page": pages.get_page(page)}


def _compute(project) -> dict:
    data = review.load(project)
    one: dict[object, agreement.Figure] = {}
    figures = agreement.compute(data.codings, labels=data.labels, per_article=one)
    alphas = [f for f in figures if f.measure == "alpha"]
    per_label = [
        {
            "label": a.label,
            "alpha": a,
            "f1": next(
                f
                for f in figures
                if f.measure == "f1_overlap" and f.label == a.label and f.pair is None
            )
            if a.label != agreement.ALL
            else None,
        }
        for a in alphas
    ]
    people, assigned = _progress(project)
    layer = consensus.layer_of(project)
    articles_in = ProjectArticle.objects.filter(project=project).values("article_id")
    sources = _sources(project, articles_in, layer.user_id if layer else None)
    articles = []
    for coding in data.codings:
        overall = one.get(coding.key) or agreement.Figure(agreement.ALL, "alpha", None, 0, 0)
        who, done = assigned.get(coding.key, ([], []))
        articles.append(
            ArticleRow(
                pk=coding.key,
                title=data.titles[coding.key],
                assigned=who,
                done=done,
                alpha=overall.value,
                units=overall.units,
                coders=len(coding.layers),
                sources=sources.get(coding.key, []),
                url=reverse("annotations:article-compare", args=[project.pk, coding.key]),
            )
        )
    review_first = sorted(
        (a for a in articles if a.coders >= 2 and a.alpha is not None), key=lambda a: a.alpha
    )[:10]
    return {
        "people": people,
        "articles": articles,
        "per_label": per_label,
        "chart": chart(alphas),
        "review_first": review_first,
        "consensus_user": layer.user.get_username() if layer else "",
    }
