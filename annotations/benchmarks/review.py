"""The review side, timed: agreement over 200 articles × 3 coders × 50 tags (pure), and the
project dashboard and an article's comparison page (Django test client) on a project of
``articles`` synthetic articles of about 5,000 characters, 3 coders with 50 tags each."""

import random
import time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations import agreement, review
from annotations.benchmarks import corpus as corpus_module
from annotations.benchmarks.endpoints import _time
from annotations.models import (
    Annotation,
    Assignment,
    Codebook,
    Label,
    Project,
    ProjectArticle,
    ProjectMember,
)
from annotations.services import annotation_on_text
from newsdesk import ingest
from newsdesk.models import Article

CODERS, TAGS = 3, 50


def build(articles: int, seed: int = 12) -> tuple[Project, object, list[Article]]:
    rng = random.Random(seed)
    users = get_user_model().objects
    codebook = Codebook.objects.get(is_default=True)
    labels = list(Label.objects.filter(codebook=codebook))
    project = Project.objects.create(name=f"bench review {articles}-{seed}", codebook=codebook)
    reviewer = users.create_user(f"bench-reviewer-{articles}-{seed}")
    ProjectMember.objects.create(project=project, user=reviewer, role="reviewer")
    coders = [users.create_user(f"bench-coder-{articles}-{seed}-{n}") for n in range(CODERS)]
    ProjectMember.objects.bulk_create(
        ProjectMember(project=project, user=u, role="annotator") for u in coders
    )
    made, tags, assignments = [], [], []
    for n in range(articles):
        text, _ = corpus_module.synthetic_text(rng, 5_000)
        text = ingest.parse(f"{text} ({seed}-{articles}-{n})").text
        made.append(
            Article.objects.create(
                title=f"Review bench {n}",
                text=text,
                sha256=ingest.sha256(text),
                status=Article.Status.READY,
            )
        )
    ProjectArticle.objects.bulk_create(ProjectArticle(project=project, article=a) for a in made)
    for article in made:
        # Two thirds of each coder's tags are shared spans, so agreement is neither 0 nor 1.
        shared = [corpus_module.random_span(rng, article.text) for _ in range(TAGS)]
        for coder in coders:
            seen = set()
            for k in range(TAGS):
                start, end = (
                    shared[k]
                    if rng.random() < 0.67
                    else corpus_module.random_span(rng, article.text)
                )
                label = labels[k % len(labels)]
                if (label.pk, start, end) in seen:
                    continue
                seen.add((label.pk, start, end))
                tags.append(
                    annotation_on_text(
                        article=article, owner=coder, label=label, start=start, end=end
                    )
                )
            assignments.append(Assignment(project=project, article=article, user=coder))
    Annotation.objects.bulk_create(tags, batch_size=500)
    Assignment.objects.bulk_create(assignments, batch_size=500)
    return project, reviewer, made


def measure(runs: int, log=print) -> list[dict]:
    results = []
    project, reviewer, articles = build(200)
    data = review.load(project)
    durations = []
    for _ in range(max(3, runs // 10)):
        began = time.perf_counter()
        agreement.compute(data.codings, labels=data.labels)
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    results.append(
        {
            "name": "agreement, 200 articles × 3 coders × 50 tags",
            "median_ms": round(durations[len(durations) // 2], 2),
            "p95_ms": round(durations[-1], 2),
            "queries": 0,
            "target_ms": 2000,
        }
    )
    client = Client()
    client.force_login(reviewer)
    # Opened for adjudication, as a reviewer compares it (blind until then: a button only).
    ProjectArticle.objects.filter(project=project, article=articles[0]).update(
        adjudication_opened_at=timezone.now()
    )
    compare = reverse("annotations:article-compare", args=[project.pk, articles[0].pk])
    if b"compare-row" not in client.get(compare).content:
        raise RuntimeError("the comparison page shows no coders' rows")
    results.append(_time("comparison page (3 × 50 tags)", 100, runs, lambda: client.get(compare)))
    results += _dashboard(client, project, "200 articles", runs)
    small, small_reviewer, _ = build(20, seed=13)
    client.force_login(small_reviewer)
    results += _dashboard(client, small, "20 articles", runs)
    log(f"Review bench: projects of 200 and 20 articles, {CODERS} coders × {TAGS} tags each.")
    return results


def _dashboard(client, project, size: str, runs: int) -> list[dict]:
    """Warm (figures cached for the project's state), right after a one-tag change (only
    that article computed again) and from scratch (nothing cached)."""
    url = reverse("annotations:project-dashboard", args=[project.pk])
    warm = _time(f"project dashboard ({size})", 100, runs, lambda: client.get(url))
    tags = list(Annotation.objects.filter(article__project_links__project=project)[:5])
    changed, cold = [], []
    for n in range(5):
        client.get(url)
        tag = tags[n]
        tag.note = f"bench change {n}"
        tag.save(update_fields=["note", "updated_at"])
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            client.get(url)
            changed.append((time.perf_counter() - began) * 1000)
        queries = len(captured)
    for _ in range(3):
        cache.clear()
        began = time.perf_counter()
        client.get(url)
        cold.append((time.perf_counter() - began) * 1000)
    changed.sort()
    cold.sort()
    return [
        warm,
        {
            "name": f"dashboard after a one-tag change ({size})",
            "median_ms": round(changed[2], 2),
            "p95_ms": round(changed[-1], 2),
            "queries": queries,
            "target_ms": 100,
        },
        {
            "name": f"dashboard from scratch ({size})",
            "median_ms": round(cold[1], 2),
            "p95_ms": round(cold[-1], 2),
            "queries": queries,
            "target_ms": 2000,
        },
    ]
