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
    ProjectMember,
    Relation,
)

CHART_WIDTH, BAR_HEIGHT, LABEL_WIDTH = 560, 26, 150
ARTICLES_PER_PAGE = 50
CACHE_SECONDS = 24 * 3600


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
    """The dashboard's figures, per state of the project: the whole page's figures come
    from the cache while nothing changed (the state costs seven grouped queries); after a
    change only the articles whose own state changed are computed again (see _articles)."""
    salt, states, labels = review.article_states(project)
    key = (
        f"review-dashboard:{project.pk}:"
        + hashlib.sha256(repr((salt, sorted(states.items()))).encode()).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = _compute(project, salt, states, labels)
        cache.set(key, found, timeout=CACHE_SECONDS)
    # The article table in pages: the page stays a bounded DOM whatever the project's size.
    pages = Paginator(found["articles"], ARTICLES_PER_PAGE)
    return {"project": project, **found, "page": pages.get_page(page)}


def figures(project) -> list[agreement.Figure]:
    """Every agreement figure of the whole project, as the dashboard has them."""
    return context(project)["figures"]


@dataclass
class _Article:
    """One article's cached share of the dashboard: its agreement pieces and sources."""

    pieces: agreement.ArticlePieces
    title: str
    sources: list[tuple[str, int, int]]


def _articles(project, salt: str, states: dict[int, str], labels: list[str], layer) -> dict:
    """Each article's pieces, from the cache where the article's state is the one they
    were computed for, else computed now (only those articles are read and computed).
    One cache entry per project holds them all, so stale states never pile up."""
    key = f"review-articles:{project.pk}"
    stored = cache.get(key)
    if stored is None or stored["salt"] != salt:
        stored = {"salt": salt, "articles": {}}
    kept = stored["articles"]
    changed = [pk for pk, state in states.items() if kept.get(pk, (None,))[0] != state]
    if changed:
        every = len(changed) == len(states)
        data = review.load(project, article_ids=None if every else changed, labels=labels)
        sources = _sources(project, changed, layer.user_id if layer else None)
        for coding in data.codings:
            kept[coding.key] = (
                states[coding.key],
                _Article(
                    agreement.article_pieces(coding, labels=labels),
                    data.titles[coding.key],
                    sources.get(coding.key, []),
                ),
            )
    stored["articles"] = {pk: kept[pk] for pk in states if pk in kept}
    if changed:
        cache.set(key, stored, timeout=CACHE_SECONDS)
    return {pk: entry for pk, (_, entry) in stored["articles"].items()}


def _compute(project, salt: str, states: dict[int, str], labels: list[str]) -> dict:
    layer = consensus.layer_of(project)
    entries = _articles(project, salt, states, labels, layer)
    ordered = [entries[pk] for pk in sorted(entries)]
    figures = agreement.combine([e.pieces for e in ordered], labels=labels)
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
    articles = []
    for entry in ordered:
        pk = entry.pieces.key
        overall = entry.pieces.overall or agreement.Figure(agreement.ALL, "alpha", None, 0, 0)
        who, done = assigned.get(pk, ([], []))
        articles.append(
            ArticleRow(
                pk=pk,
                title=entry.title,
                assigned=who,
                done=done,
                alpha=overall.value,
                units=overall.units,
                coders=len(entry.pieces.coders),
                sources=entry.sources,
                url=reverse("annotations:article-compare", args=[project.pk, pk]),
            )
        )
    review_first = sorted(
        (a for a in articles if a.coders >= 2 and a.alpha is not None), key=lambda a: a.alpha
    )[:10]
    return {
        "figures": figures,
        "people": people,
        "articles": articles,
        "per_label": per_label,
        "chart": chart(alphas),
        "review_first": review_first,
        "consensus_user": layer.user.get_username() if layer else "",
    }
