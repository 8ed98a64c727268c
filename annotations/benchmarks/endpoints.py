"""The workbench page, the reader and the tag endpoints, timed server-side with the Django
test client on a synthetic 100,000-character article (see corpus.py)."""

import json
import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.benchmarks import corpus as corpus_module
from annotations.models import Annotation


def measure(runs: int, log=print) -> list[dict]:
    rng = random.Random(11)
    return measure_corpus(1_000, runs, rng, log) + measure_corpus(10, runs, rng, log)


def measure_corpus(tags: int, runs: int, rng: random.Random, log=print) -> list[dict]:
    results = []
    corpus = corpus_module.build(tags=tags, other_tags=tags, seed=tags)
    client = Client()
    client.force_login(corpus.user)
    article = corpus.article
    suffix = f"{tags:,} tags"
    if tags == 1_000:
        mentions = article.mentions.count()
        log(
            f"Synthetic article: {len(article.text):,} characters, {mentions:,} entity "
            f"mentions, {tags:,} tags of the user and {tags:,} of others."
        )
        workbench = reverse("annotations:workbench", args=[article.pk])
        results.append(_time(f"workbench page ({suffix})", 50, runs, lambda: client.get(workbench)))
        reader = reverse("newsdesk:article-detail", args=[article.pk])
        results.append(_time("entity reader page", 50, runs, lambda: client.get(reader)))
    created: list[int] = []
    create_url = reverse("annotations:annotation-create", args=[article.pk])

    def create():
        start, end = corpus_module.random_span(rng, article.text)
        response = client.post(
            create_url,
            {
                "label": rng.choice(corpus.labels).pk,
                "start": start,
                "end": end,
                "quote": article.text[start:end],
                "snap": "1",
            },
            headers={"HX-Request": "true"},
        )
        if response.status_code == 201:
            created.append(json.loads(response["HX-Trigger"])["tag-saved"]["id"])
        return response

    results.append(_time(f"create tag ({suffix})", 10, runs, create, expect=(201, 422)))
    pks = iter(created * 3)

    def edit():
        pk = next(pks)
        return client.post(
            reverse("annotations:annotation-update", args=[pk]),
            {"note": f"checked {rng.random()}"},
            headers={"HX-Request": "true"},
        )

    results.append(_time(f"edit tag note ({suffix})", 10, runs, edit))
    to_delete = iter(created)

    def delete():
        return client.post(
            reverse("annotations:annotation-delete", args=[next(to_delete)]),
            headers={"HX-Request": "true"},
        )

    results.append(_time(f"delete tag ({suffix})", 10, min(runs, len(created) - 3), delete))
    Annotation.objects.filter(pk__in=created).delete()
    return results


def _time(name: str, target: float, runs: int, request, expect=(200,)) -> dict:
    for _ in range(3):
        request()  # warm up caches and connections
    durations, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = request()
            durations.append((time.perf_counter() - began) * 1000)
        if response.status_code not in expect:
            raise RuntimeError(f"{name}: HTTP {response.status_code}: {response.content[:300]}")
        queries.append(len(captured))
    durations.sort()
    return {
        "name": name,
        "median_ms": round(statistics.median(durations), 2),
        "p95_ms": round(durations[min(len(durations) - 1, int(len(durations) * 0.95))], 2),
        "queries": max(queries),
        "target_ms": target,
    }


def table(results: list[dict], vendor: str, runs: int) -> str:
    lines = [
        f"Server-side, Django test client, {vendor}, {runs} runs each (queries: the most seen)",
        f"{'measurement':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'target':>8}  ",
    ]
    for r in results:
        verdict = "ok" if r["median_ms"] <= r["target_ms"] else "OVER"
        lines.append(
            f"{r['name']:<34} {r['median_ms']:>10.2f} {r['p95_ms']:>8.2f} {r['queries']:>8} "
            f"{'<= ' + str(r['target_ms']):>8}  {verdict}"
        )
    return "\n".join(lines)
