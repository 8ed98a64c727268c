"""Browser figures for the workbench, measured in headless Chromium. Run by hand, not in CI."""

import json
import os
import random
import shutil
import statistics
import tempfile

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings, setup_databases, teardown_databases
from django.urls import reverse

from annotations.benchmarks import corpus as synthetic

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PAINTED = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    dcl: nav.domContentLoadedEventEnd,
    fcp: paint ? paint.startTime : null,
    tags: document.querySelectorAll("#article-text [data-tags]").length,
    elements: document.getElementsByTagName("*").length,
    nodes: (() => {
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
      let count = 0;
      while (walker.nextNode()) count += 1;
      return count;
    })(),
    mentions: document.querySelectorAll('#article-text [class*="ent-"]').length,
  };
}"""

SELECT_AND_ARM = """([start, length]) => {
  const container = document.getElementById("article-text");
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  let position = 0, node, from, to;
  while ((node = walker.nextNode())) {
    const size = node.data.length;
    if (!from && start < position + size) from = [node, start - position];
    if (start + length <= position + size) { to = [node, start + length - position]; break; }
    position += size;
  }
  const range = document.createRange();
  range.setStart(...from);
  range.setEnd(...to);
  const selection = getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  container.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
  const before = new Set(
    [...container.querySelectorAll("[data-tags]")].flatMap((e) => e.dataset.tags.split(" "))
  );
  window.__tagTiming = new Promise((resolve) => {
    let pressed = null;
    document.addEventListener("keydown", () => { pressed = performance.now(); },
      { capture: true, once: true });
    // Only the added nodes are looked at: a scan of the whole text per mutation would be
    // the observer's cost, not the page's.
    const isNew = (e) => e.dataset.tags?.split(" ").some((id) => !before.has(id));
    const hasNew = (node) => node.nodeType === 1
      && (isNew(node) || [...node.querySelectorAll("[data-tags]")].some(isNew));
    const observer = new MutationObserver((records) => {
      const added = records.some((record) => [...record.addedNodes].some(hasNew));
      if (added) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - pressed), 0));
      }
    });
    observer.observe(container, { childList: true, subtree: true });
  });
}"""


# The long article on the production server's database, as measure() builds it in-process.
SETUP = """
import json
from annotations import services
from annotations.benchmarks import corpus
c = corpus.build(seed=11)
if {suggest}:
    services.article_suggest(article_id=c.article.pk)
print("SETUP" + json.dumps({{
    "article": c.article.pk, "text": c.article.text, "username": c.user.get_username(),
}}))
"""


class Command(BaseCommand):
    help = (
        "Open the synthetic long article (100,000 characters, ~2,650 mentions, 1,000 + 1,000 "
        "tags) in headless Chromium, served by gunicorn (5 workers, DEBUG=False) as deployed: "
        "time until its text and highlights are painted, and from a label key press to the "
        "new highlight being on screen."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="page loads measured")
        parser.add_argument(
            "--presses",
            type=int,
            default=20,
            help="label key presses measured (a figure of a few ms on a shared machine "
            "needs more samples than a page load's)",
        )
        parser.add_argument("--json", action="store_true")
        parser.add_argument(
            "--no-suggestions",
            action="store_true",
            help="leave out the suggesters' proposals (run with spaCy otherwise)",
        )
        parser.add_argument("--chromium", default=os.getenv("CHROMIUM_PATH", "/usr/bin/chromium"))
        parser.add_argument(
            "--live-server",
            action="store_true",
            help="serve with Django's threaded test server in this process (as the browser "
            "tests do) instead of gunicorn with DEBUG=False, as deployed and as `make run`",
        )

    def handle(self, *args, runs: int, json: bool, chromium: str, **options):
        self.suggest = not options["no_suggestions"]
        self.presses = options["presses"]
        if not shutil.which(chromium) and not os.path.exists(chromium):
            raise CommandError(f"No Chromium at {chromium}: apt-get install chromium")
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API
        if options["live_server"]:
            old_config = setup_databases(verbosity=0, interactive=False)
            try:
                with override_settings(DEBUG=False, ALLOWED_HOSTS=["*"]):
                    results = self.measure(runs, chromium)
            finally:
                teardown_databases(old_config, verbosity=0)
        else:
            results = self.measure_production(runs, chromium)
        if json:
            self.stdout.write(_dumps(results))
            return
        self.stdout.write(
            f"Headless Chromium, median of {runs} page loads and {self.presses} key presses"
        )
        self.stdout.write(f"{'measurement':<44} {'median ms':>10} {'p95 ms':>8} {'target':>8}")
        for r in results:
            if r["median_ms"] is None:
                verdict = "ok" if r["elements"] <= r["target_elements"] else "OVER"
                self.stdout.write(
                    f"{r['name']:<44} {r['elements']:>10,} elements ({r['nodes']:,} nodes "
                    f"with text)  <= {r['target_elements']:,}  {verdict}"
                )
                continue
            verdict = "ok" if r["median_ms"] <= r["target_ms"] else "OVER"
            self.stdout.write(
                f"{r['name']:<44} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f} "
                f"{'<= ' + str(r['target_ms']):>8}  {verdict}"
            )

    def measure(self, runs: int, chromium: str) -> list[dict]:
        # Seed 11, as the HTTP workload: on seed 7's text a suggester proposes an empty span
        # (start == end), which the database refuses (reported; not fixed here).
        corpus = synthetic.build(seed=11)
        if self.suggest:
            from annotations import services

            services.article_suggest(article_id=corpus.article.pk)
        # The server thread shares this thread's connections, as LiveServerTestCase does,
        # so it sees the synthetic data even in an in-memory SQLite test database.
        shared = {alias: connections[alias] for alias in connections}
        for connection in shared.values():
            connection.inc_thread_sharing()
        server = LiveServerThread(
            "127.0.0.1", StaticFilesHandler, connections_override=shared, port=0
        )
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            return self.browse(
                f"http://127.0.0.1:{server.port}",
                corpus.article.pk,
                corpus.article.text,
                corpus.user.get_username(),
                runs,
                chromium,
            )
        finally:
            server.terminate()
            for connection in shared.values():
                connection.dec_thread_sharing()

    def measure_production(self, runs: int, chromium: str) -> list[dict]:
        """The same, served by gunicorn (5 workers, DEBUG=False) on its own database."""
        from annotations.benchmarks.server import production_server

        with production_server(workers=5, threads=1) as server:
            out = server.python(SETUP.format(suggest=self.suggest), timeout=900)
            setup = json.loads(next(x for x in out.splitlines() if x.startswith("SETUP"))[5:])
            return self.browse(
                server.url, setup["article"], setup["text"], setup["username"], runs, chromium
            )

    def browse(
        self, base: str, article: int, text: str, username: str, runs: int, chromium: str
    ) -> list[dict]:
        from playwright.sync_api import sync_playwright

        url = base + reverse("annotations:workbench", args=[article])
        painted, pressed, nodes = [], [], []
        rng = random.Random(3)
        profile = tempfile.mkdtemp(prefix="newsdesk-bench-")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch_persistent_context(
                    profile,
                    executable_path=chromium,
                    headless=True,
                    args=CHROMIUM_FLAGS,
                    viewport={"width": 1400, "height": 900},
                )
                page = browser.new_page()
                page.goto(base + reverse("login"))
                page.fill("#id_username", username)
                page.fill("#id_password", "bench-password-1")
                page.click("button[type=submit]")
                page.wait_for_load_state()
                for _ in range(runs + 1):
                    page.goto(url, wait_until="load")
                    figures = page.evaluate(PAINTED)
                    painted.append(max(figures["dcl"], figures["fcp"] or 0))
                    nodes.append(figures["elements"])
                for _ in range(self.presses + 1):
                    start, end = synthetic.random_span(rng, text)
                    page.evaluate(SELECT_AND_ARM, [start, end - start])
                    page.wait_for_selector("#tag-popover:not([hidden])")
                    page.keyboard.press("c")
                    pressed.append(page.evaluate("window.__tagTiming"))
                browser.close()
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        self.stderr.write(
            f"After load the page holds {figures['tags']:,} tag segments and "
            f"{figures['mentions']:,} mention segments (the blocks near the screen; the "
            "others are drawn as they near it)."
        )
        return [
            _figure("long article: text and highlights painted", painted[1:], 300),
            _figure("label key press to new highlight painted", pressed[1:], 30),
            {
                "name": "long article: DOM elements after load",
                "median_ms": None,
                "p95_ms": None,
                "elements": nodes[-1],
                "nodes": figures["nodes"],
                "target_elements": 10_000,
            },
        ]


def _figure(name: str, values: list[float], target: float) -> dict:
    values = sorted(values)
    return {
        "name": name,
        "median_ms": round(statistics.median(values), 1),
        "p95_ms": round(values[min(len(values) - 1, int(len(values) * 0.95))], 1),
        "queries": None,
        "target_ms": target,
    }


def _dumps(results: list[dict]) -> str:
    return json.dumps(results, indent=2)
