"""Newsdesk as the README deploys it: gunicorn, DEBUG=False, collected static files.

A real gunicorn on 127.0.0.1 (a free port) over a throwaway migrated database, static
files collected and served by WhiteNoise; Chromium opens the workbench, which must load
every script and stylesheet (no 4xx/5xx, no console error), and a tag made with the
label key must be saved in that database.
"""

import json
import re

import pytest
from playwright.sync_api import expect

from annotations.benchmarks.server import production_server

from .test_workbench import SELECT_JS

CLAIM = "killed 1,200 people"
TEXT = (
    "Cairo talks resumed on Tuesday. The strikes killed 1,200 people, "
    "a senior security source who requested anonymity told reporters."
)

SETUP = f"""
import hashlib, json
from django.contrib.auth import get_user_model
from newsdesk.models import Article
alice = get_user_model().objects.create_user("alice", password="alice-password-1")
text = {TEXT!r}
article = Article.objects.create(
    title="Cairo talks", text=text, sha256=hashlib.sha256(text.encode()).hexdigest(),
    status=Article.Status.READY, uploaded_by=alice,
)
print(json.dumps({{"article": article.pk}}))
"""

TAGS = """
import json
from annotations.models import Annotation
print(json.dumps(list(Annotation.objects.values("owner__username", "label__category",
    "start", "end", "quote"))))
"""


@pytest.fixture(scope="module")
def server():
    with production_server(workers=2, threads=2) as server:
        server.article = json.loads(server.python(SETUP))["article"]
        yield server


def test_it_serves_the_workbench_scripts_and_saves_a_tag_under_gunicorn(page, server):
    failed = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", "alice")
    page.fill("#id_password", "alice-password-1")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert not page.url.startswith(f"{server.url}/accounts/login/"), "logging in failed"

    page.goto(f"{server.url}/articles/{server.article}/code/")
    expect(page.locator("#article-text .blk").first).to_be_attached()
    # Hashed names from the manifest, and htmx (from django-htmx's static files) running.
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    assert any(re.search(r"/static/django_htmx/htmx-2\.min\.[0-9a-f]{12}\.js$", s) for s in scripts)
    assert any(re.search(r"/static/js/workbench\.[0-9a-f]{12}\.js$", s) for s in scripts)
    assert page.evaluate("() => typeof window.htmx === 'object'")
    accent = "() => getComputedStyle(document.documentElement).getPropertyValue('--accent')"
    assert page.evaluate(accent).strip() == "#1f4fa3", "the stylesheet did not apply"

    assert page.evaluate(SELECT_JS, [CLAIM, 0]) == CLAIM
    expect(page.locator("#tag-popover")).to_be_visible()
    page.keyboard.press("c")
    expect(page.locator("#tag-popover")).to_be_hidden()
    expect(page.locator("#tag-list-claim li")).to_have_count(1)

    tags = json.loads(server.python(TAGS))
    start = TEXT.index(CLAIM)
    assert tags == [
        {
            "owner__username": "alice",
            "label__category": "claim",
            "start": start,
            "end": start + len(CLAIM),
            "quote": CLAIM,
        }
    ]
    assert failed == [], failed
    assert page.console_errors == [], page.console_errors
    assert "Traceback" not in server.server_log()
