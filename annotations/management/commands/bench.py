import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings, setup_databases, teardown_databases

from annotations.benchmarks import (
    article_list,
    endpoints,
    exports,
    http,
    imports,
    review,
    suggestions,
)


class Command(BaseCommand):
    help = (
        "Measure the reader page and the tag endpoints on a synthetic 100,000-character "
        "article (about 3,000 entity mentions, 1,000 tags of the user and 1,000 of others), "
        "server-side with the Django test client, in a throwaway test database; then "
        "issue 11's workload over HTTP against gunicorn (5 workers, DEBUG=False)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30, help="measured runs per figure")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the figures as JSON"
        )
        parser.add_argument(
            "--exports-only", action="store_true", help="only the export figures (10k, 100k tags)"
        )
        parser.add_argument(
            "--imports",
            type=int,
            default=1000,
            dest="import_count",
            help="articles in the bulk-import run (0: skip)",
        )
        parser.add_argument(
            "--http-tags",
            type=int,
            default=1000,
            help="tags created, edited, relabelled, deleted and restored over HTTP (0: skip)",
        )
        parser.add_argument("--http-only", action="store_true", help="only the workload over HTTP")

        parser.add_argument(
            "--suggestions-only",
            action="store_true",
            help="only the row comparing the suggesters' time with the entity run's",
        )

    def handle(
        self, *args, runs, as_json, import_count, exports_only, http_tags, http_only, **options
    ):
        if options["suggestions_only"]:
            row = suggestions.measure()
            self.stdout.write(
                json.dumps(row)
                if as_json
                else f"{row['name']}: entities {row['entities_ms']} ms; suggestions on "
                f"their own parse {row['suggestions_ms']} ms (+{row['added_percent']} %); "
                f"entities and suggestions on one shared parse {row['shared_ms']} ms "
                f"(+{row['shared_added_percent']} % on the entity run)"
            )
            return
        over_http = []
        if http_tags and not exports_only:
            over_http = http.measure(tags=http_tags, runs=runs, log=self.stderr.write)
        if http_only:
            self.stdout.write(json.dumps(over_http, indent=2) if as_json else http.table(over_http))
            return
        # A throwaway test database, but not the test environment: its instrumented
        # template rendering would slow every page down and falsify the figures.
        old_config = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
                results = [] if exports_only else endpoints.measure(runs, log=self.stderr.write)
                results += [] if exports_only else [article_list.measure(runs)]
                results += [] if exports_only else review.measure(runs, log=self.stderr.write)
                export_results = exports.export_figures()
                imported = []
                if import_count and not exports_only:
                    imported = [imports.measure_import(import_count)]
        finally:
            teardown_databases(old_config, verbosity=0)
        if as_json:
            everything = over_http + results + export_results + imported
            self.stdout.write(json.dumps(everything, indent=2))
        else:
            if over_http:
                self.stdout.write(http.table(over_http))
            if results:
                self.stdout.write(endpoints.table(results, connection.vendor, runs))
            self.stdout.write(exports.export_table(export_results))
            for r in imported:
                self.stdout.write(f"{r['name']}: {r['articles_per_minute']:,} articles/minute")
