import json
import os
import secrets
import subprocess
import sys
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError

from annotations import codebooks
from annotations.benchmarks import load
from annotations.benchmarks.corpus import synthetic_text
from annotations.models import Annotation, Codebook, Project, ProjectArticle, ProjectMember
from newsdesk.models import Article


class Command(BaseCommand):
    help = (
        "N simulated annotators against a running Newsdesk on loopback (same DATABASE_URL): "
        "each logs in, opens articles and creates, edits and deletes tags for a fixed time; "
        "then the database is checked against every annotator's log. Fails on any 5xx, "
        "request without an answer, lost or duplicated tag."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10, help="simulated annotators")
        parser.add_argument("--seconds", type=float, default=20, help="how long they work")
        parser.add_argument("--url", default="", help="the server, http://127.0.0.1:PORT")
        parser.add_argument("--articles", type=int, default=5, help="articles made for the run")
        parser.add_argument("--article-chars", type=int, default=10_000)
        parser.add_argument("--think-ms", type=float, default=0, help="mean pause per action")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="print the figures as JSON")
        parser.add_argument(
            "--start-server",
            action="store_true",
            help="start gunicorn (DEBUG=False) on a throwaway database for the run",
        )
        parser.add_argument("--web-workers", type=int, default=2, help="with --start-server")
        parser.add_argument("--threads", type=int, default=4, help="with --start-server")
        parser.add_argument("--db-workers", type=int, default=0, help="with --start-server")

    def handle(self, *args, **options):
        if options["start_server"]:
            return self.with_server(options)
        if not options["url"]:
            raise CommandError("Give --url http://127.0.0.1:PORT, or --start-server.")
        try:
            load.check_url(options["url"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        run_id = secrets.token_hex(3)
        annotators = self.make_annotators(options["users"], run_id)
        articles = self.make_articles(options["articles"], options["article_chars"], run_id)
        self.make_project(annotators, articles, run_id)
        labels = [label.pk for label in codebooks.article_labels(articles[0].pk)]
        self.stderr.write(
            f"{len(annotators)} annotators × {options['seconds']:g} s on {options['url']} "
            f"({len(articles)} articles of {options['article_chars']:,} characters)"
        )
        try:
            wall = load.run(
                url=options["url"],
                annotators=annotators,
                articles=articles,
                labels=labels,
                seconds=options["seconds"],
                think=options["think_ms"] / 1000,
                seed=options["seed"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        result = load.figures(annotators, wall)
        result.update(load.audit(annotators, self.stored(annotators)))
        result["database"] = self.vendor()
        self.stdout.write(json.dumps(result, indent=2) if options["json"] else self.table(result))
        failures = [
            f"{result[key]} {key.replace('_', ' ')}"
            for key in ("server_errors", "no_response", "lost", "duplicated")
            if result[key]
        ]
        if failures or result["errors"]:
            raise CommandError("Load run failed: " + (", ".join(failures) or "client errors"))

    def make_annotators(self, count: int, run_id: str) -> list[load.Annotator]:
        if not 1 <= count <= load.MAX_USERS:
            raise CommandError(f"--users must be between 1 and {load.MAX_USERS}.")
        password = secrets.token_urlsafe(16)
        hashed = make_password(password)  # once: hashing is slow on purpose
        names = [f"load-{run_id}-{n:03}" for n in range(count)]
        get_user_model().objects.bulk_create(
            get_user_model()(username=name, password=hashed) for name in names
        )
        return [load.Annotator(name, password) for name in names]

    def make_articles(self, count: int, size: int, run_id: str) -> list[load.Article]:
        import hashlib
        import random

        rng = random.Random(run_id)
        articles = []
        for n in range(max(count, 1)):
            text, _ = synthetic_text(rng, size)
            article = Article.objects.create(
                title=f"Load run {run_id}, article {n + 1}",
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                status=Article.Status.READY,
            )
            articles.append(load.Article(article.pk, article.text))
        return articles

    def make_project(self, annotators, articles, run_id: str) -> None:
        """The run's annotators code the run's articles as one project's members."""
        project = Project.objects.create(
            name=f"Load run {run_id}", codebook=Codebook.objects.get(is_default=True)
        )
        users = get_user_model().objects.filter(username__in=[a.username for a in annotators])
        ProjectMember.objects.bulk_create(ProjectMember(project=project, user=u) for u in users)
        ProjectArticle.objects.bulk_create(
            ProjectArticle(project=project, article_id=a.pk) for a in articles
        )

    def stored(self, annotators: list[load.Annotator]) -> dict[str, list[dict]]:
        rows = Annotation.objects.filter(
            owner__username__in=[a.username for a in annotators]
        ).values("pk", "article_id", "label_id", "start", "end", "note", "deleted_at", "owner")
        names = dict(
            get_user_model()
            .objects.filter(username__in=[a.username for a in annotators])
            .values_list("pk", "username")
        )
        stored = defaultdict(list)
        for row in rows:
            stored[names[row["owner"]]].append(
                {
                    "pk": row["pk"],
                    "article": row["article_id"],
                    "label": row["label_id"],
                    "start": row["start"],
                    "end": row["end"],
                    "note": row["note"],
                    "deleted": row["deleted_at"] is not None,
                }
            )
        return stored

    def vendor(self) -> str:
        from django.db import connection

        return connection.vendor

    def table(self, result: dict) -> str:
        lines = [
            f"{result['annotators']} annotators, {result['seconds']} s, {result['database']}: "
            f"{result['requests']:,} requests ({result['requests_per_second']}/s)",
            f"{'action':<12} {'count':>7} {'p50 ms':>9} {'p95 ms':>9}",
        ]
        for action, row in result["actions"].items():
            lines.append(
                f"{action:<12} {row['count']:>7} {row['p50_ms']:>9.1f} {row['p95_ms']:>9.1f}"
            )
        lines.append(f"statuses: {result['statuses']}")
        lines.append(
            f"5xx: {result['server_errors']}, no answer: {result['no_response']}, "
            f"lost tags: {result['lost']}, duplicated tags: {result['duplicated']}"
        )
        lines += result["errors"][:10] + result["problems"][:10]
        return "\n".join(lines)

    def with_server(self, options) -> None:
        from annotations.benchmarks.server import production_server

        with production_server(
            workers=options["web_workers"],
            threads=options["threads"],
            db_workers=options["db_workers"],
        ) as server:
            argv = [sys.executable, "manage.py", "load", "--url", server.url]
            for name in ("users", "seconds", "articles", "article_chars", "think_ms", "seed"):
                argv += [f"--{name.replace('_', '-')}", str(options[name])]
            if options["json"]:
                argv.append("--json")
            result = subprocess.run(argv, cwd=os.getcwd(), env=server.env, check=False)
            locked = server.server_log().count("database is locked")
            if locked:
                self.stderr.write(f"The server log shows 'database is locked' {locked} times.")
        if result.returncode:
            raise CommandError("Load run failed (see above).")
