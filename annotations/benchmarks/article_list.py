"""The article list over many long articles: it must never read their text (issue 9).

1,000 articles of 100 KB each, a few entity mentions each (the list counts them), timed
on the first page of the list with the Django test client. The queries are counted with
10 articles and again with all of them: the list's cost must not grow with the corpus.
"""

import hashlib
import random

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.benchmarks import corpus
from annotations.benchmarks.endpoints import _time
from annotations.models import Codebook, Project, ProjectArticle, ProjectMember
from newsdesk.models import Article, EntityMention

TARGET_MS = 100
BENCH_PROJECT = "Article list bench"


def _bench_project(user) -> Project:
    """The project the bench's articles are in, with ``user`` a member of it."""
    project, _ = Project.objects.get_or_create(
        name=BENCH_PROJECT, defaults={"codebook": Codebook.objects.get(is_default=True)}
    )
    ProjectMember.objects.get_or_create(project=project, user=user)
    return project


def _add_articles(*, first: int, count: int, size: int, user, base: str) -> None:
    """``count`` distinct articles of ``size`` characters, in batches (bounded memory), in
    the user's project, as a team's articles are (not merely their own uploads)."""
    project = _bench_project(user)
    for batch_start in range(first, first + count, 50):
        articles = []
        for n in range(batch_start, min(batch_start + 50, first + count)):
            text = (f"Article {n}. " + base)[:size]
            articles.append(
                Article(
                    title=f"Synthetic article {n}",
                    text=text,
                    sha256=hashlib.sha256(text.encode()).hexdigest(),
                    status=Article.Status.READY,
                    uploaded_by=user,
                )
            )
        Article.objects.bulk_create(articles)
        ProjectArticle.objects.bulk_create(
            ProjectArticle(project=project, article=a) for a in articles
        )
        EntityMention.objects.bulk_create(
            EntityMention(article=a, start=0, end=7, label="ORG", text="Article")
            for a in articles
            for _ in range(3)
        )


def _list_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"article list: HTTP {response.status_code}")
    return len(captured)


def measure(runs: int = 30, *, articles: int = 1_000, size: int = 100_000) -> dict:
    """A bench row: the article list's median and p95 with ``articles`` of ``size`` chars."""
    rng = random.Random(3)
    base, _ = corpus.synthetic_text(rng, size)
    user = get_user_model().objects.create_user("article-list-bench", password=None)
    _bench_project(user)
    client = Client()
    client.force_login(user)
    url = reverse("newsdesk:article-list")
    _add_articles(first=0, count=min(10, articles), size=size, user=user, base=base)
    few = _list_queries(client, url)
    _add_articles(first=10, count=max(articles - 10, 0), size=size, user=user, base=base)
    row = _time(
        f"article list ({articles:,} articles of {size // 1000} KB)",
        TARGET_MS,
        runs,
        lambda: client.get(url),
    )
    row["queries_with_10_articles"] = few
    row["constant_queries"] = row["queries"] == few
    return row
