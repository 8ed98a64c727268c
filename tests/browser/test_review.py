"""Issue 12 end to end: two coders tag the sample article differently in the workbench,
the reviewer compares their layers, accepts from each (a click, then a key), and the
consensus export holds what was chosen."""

import csv
import io

from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from annotations.models import Category, ConsensusDecision
from tests.browser import test_workbench
from tests.browser.test_workbench import (
    CLAIM_PHRASE,
    SOURCE_PHRASE,
    expect_created,
    open_workbench,
    select,
)

FRAMING_PHRASE = "terrorist group"
# The workbench tests' fixtures: the default codebook put back, the sample article.
codebook = test_workbench.codebook
article = test_workbench.article


def test_it_builds_a_consensus_from_two_coders_and_exports_it(
    page, live_server, login, codebook, article, alice, bob, team, output_dir
):
    get_user_model().objects.create_user("rosa", password="rosa-password-1")
    project = team(article, alice=True, bob=True, rosa="reviewer")

    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    select(page, SOURCE_PHRASE)
    page.keyboard.press("s")
    expect_created(page, article, alice, SOURCE_PHRASE, Category.SOURCE)
    select(page, CLAIM_PHRASE)
    page.keyboard.press("c")
    claim = expect_created(page, article, alice, CLAIM_PHRASE, Category.CLAIM)
    page.context.clear_cookies()

    login(page, live_server, "bob", "bob-password-1")
    open_workbench(page, live_server, article)
    select(page, SOURCE_PHRASE)
    page.keyboard.press("s")
    expect_created(page, article, bob, SOURCE_PHRASE, Category.SOURCE)
    select(page, FRAMING_PHRASE)
    page.keyboard.press("f")
    framing = expect_created(page, article, bob, FRAMING_PHRASE, Category.FRAMING)
    page.context.clear_cookies()

    login(page, live_server, "rosa", "rosa-password-1")
    compare = reverse("annotations:article-compare", args=[project.pk, article.pk])
    page.goto(f"{live_server.url}{compare}")
    # A blind project: the layers show once the reviewer opens the article.
    expect(page.locator(".compare-row")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Open for adjudication").click()
    page.goto(f"{live_server.url}{compare}")
    claim_row = page.locator(f"#row-{claim.start}-{claim.end}")
    framing_row = page.locator(f"#row-{framing.start}-{framing.end}")
    expect(claim_row.locator(".diff-mark")).to_have_text("made by only some coders")
    expect(framing_row.locator(".diff-mark")).to_have_text("made by only some coders")
    expect(page.locator(".agree-mark")).to_have_count(1)  # the source both made

    # From alice (coder 1) by a click, from bob (coder 2) by a key on the focused row.
    claim_row.get_by_role("button", name="Accept alice’s Claim").click()
    expect(claim_row.locator(".consensus-tag")).to_have_count(1)
    page.locator(f"#row-{framing.start}-{framing.end}").focus()
    page.keyboard.press("2")
    expect(page.locator(f"#row-{framing.start}-{framing.end} .consensus-tag")).to_have_count(1)
    expect(page.locator(f"#row-{claim.start}-{claim.end} .provenance")).to_contain_text(
        "Accepted from alice · decided by rosa"
    )

    page.screenshot(path=output_dir / "review-compare.png", full_page=True)
    page.goto(f"{live_server.url}{compare}?view=merged")
    expect(page.locator(".compare-text .ctag.cd-consensus").first).to_be_visible()
    dashboard = reverse("annotations:project-dashboard", args=[project.pk])
    page.goto(f"{live_server.url}{dashboard}")
    expect(page.locator("svg.chart rect").first).to_be_visible()
    page.screenshot(path=output_dir / "review-dashboard.png", full_page=True)

    export = reverse("annotations:article-export", args=[article.pk])
    response = page.request.get(f"{live_server.url}{export}?format=csv&project={project.pk}")
    assert response.status == 200
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert sorted(r["quote"] for r in rows) == sorted([CLAIM_PHRASE, FRAMING_PHRASE])
    assert {r["annotator"] for r in rows} == {f"consensus-{project.pk}"}
    decisions = ConsensusDecision.objects.order_by("tag__start")
    assert [(d.coders, d.decided_by.username) for d in decisions] == [
        (["bob"], "rosa") if d.tag.start == framing.start else (["alice"], "rosa")
        for d in decisions
    ]
    assert page.console_errors == []
