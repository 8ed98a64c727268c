import json
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import (
    CaptureQueriesContext,
    override_settings,
    setup_databases,
    teardown_databases,
)
from django.urls import reverse

from annotations import benchmark
from annotations.models import Annotation
from newsdesk import benchmark as import_benchmark


class Command(BaseCommand):
    help = (
        "Measure the reader page and the tag endpoints on a synthetic 100,000-character "
        "article (about 3,000 entity mentions, 1,000 tags of the user and 1,000 of others), "
        "server-side with the Django test client, in a throwaway test database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="measured runs per figure")
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--exports-only", action="store_true", help="only the export figures (10k, 100k tags)"
        )
        parser.add_argument(
            "--imports", type=int, default=1000, help="articles in the bulk-import run (0: skip)"
        )

    def handle(self, *args, runs: int, json: bool, imports: int, exports_only: bool, **options):
        # A throwaway test database, but not the test environment: its instrumented
        # template rendering would slow every page down and falsify the figures.
        old_config = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
                results = [] if exports_only else self.measure(runs)
                export_results = benchmark.export_figures()
                imported = []
                if imports and not exports_only:
                    imported = [import_benchmark.measure_import(imports)]
        finally:
            teardown_databases(old_config, verbosity=0)
        if json:
            self.stdout.write(_json(results + export_results + imported))
        else:
            if results:
                self.stdout.write(_table(results, connection.vendor, runs))
            self.stdout.write(benchmark.export_table(export_results))
            for r in imported:
                self.stdout.write(f"{r['name']}: {r['articles_per_minute']:,} articles/minute")

    def measure(self, runs: int) -> list[dict]:
        rng = random.Random(11)
        return self.measure_corpus(1_000, runs, rng) + self.measure_corpus(10, runs, rng)

    def measure_corpus(self, tags: int, runs: int, rng: random.Random) -> list[dict]:
        results = []
        corpus = benchmark.build(tags=tags, other_tags=tags, seed=tags)
        client = Client()
        client.force_login(corpus.user)
        article = corpus.article
        suffix = f"{tags:,} tags"
        if tags == 1_000:
            mentions = article.mentions.count()
            self.stderr.write(
                f"Synthetic article: {len(article.text):,} characters, {mentions:,} entity "
                f"mentions, {tags:,} tags of the user and {tags:,} of others."
            )
            workbench = reverse("annotations:workbench", args=[article.pk])
            results.append(
                _time(f"workbench page ({suffix})", 50, runs, lambda: client.get(workbench))
            )
            reader = reverse("newsdesk:article-detail", args=[article.pk])
            results.append(_time("entity reader page", 50, runs, lambda: client.get(reader)))
        created: list[int] = []
        create_url = reverse("annotations:annotation-create", args=[article.pk])

        def create():
            start, end = benchmark.random_span(rng, article.text)
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
                created.append(json_loads(response["HX-Trigger"])["tag-saved"]["id"])
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


def json_loads(value: str):
    return json.loads(value)


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


def _json(results: list[dict]) -> str:
    return json.dumps(results, indent=2)


def _table(results: list[dict], vendor: str, runs: int) -> str:
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
