"""Issue 10's overlaps and suggestions and issue 11's long page, in a real browser:
two overlapping tags of one category each show where they start and end, a span tagged
by hand leaves the suggestion list at once, and one shared hover replaces the titles."""

import importlib
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from annotations import services as annotation_services
from annotations.models import Annotation, Label, Suggestion

from .test_workbench import SOURCE_PHRASE, make_article, open_workbench, select

OUTER = "A senior Egyptian security source, who requested anonymity"
INNER = "security source"


@pytest.fixture
def article(alice, sample_text):
    # Live-server tests flush the database after each test, migration data included.
    for name in ("0002_default_codebook", "0006_news_codebook", "0008_default_lexicon"):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)
    return make_article(sample_text, alice)


def claim_tag(article, owner, phrase: str) -> Annotation:
    label = Label.objects.get(codebook__is_default=True, category="claim")
    start = article.text.index(phrase)
    tag = annotation_services.annotation_on_text(
        article=article, owner=owner, label=label, start=start, end=start + len(phrase)
    )
    tag.save()
    return tag


def edge_classes(page, tag: Annotation) -> tuple[str, str]:
    marks = page.locator(f'#article-text [data-tags~="{tag.pk}"]')
    return marks.first.get_attribute("class"), marks.last.get_attribute("class")


def test_overlapping_tags_of_one_category_each_show_their_start_and_end(
    page, live_server, login, article, alice
):
    outer = claim_tag(article, alice, OUTER)
    inner = claim_tag(article, alice, INNER)
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    for tag in (outer, inner):
        first, last = edge_classes(page, tag)
        assert "ts-claim-s" in first.split(), (tag.quote, first)
        assert "ts-claim-e" in last.split(), (tag.quote, last)
        # Drawn, not only named: a bar in the claim colour at each end.
        for mark in (
            page.locator(f'#article-text [data-tags~="{tag.pk}"]').first,
            page.locator(f'#article-text [data-tags~="{tag.pk}"]').last,
        ):
            assert "inset" in mark.evaluate("m => getComputedStyle(m).boxShadow")
    # Four ends, four marked segments: the inner tag's ends are not the outer's.
    starts = page.locator("#article-text .ts-claim-s")
    ends = page.locator("#article-text .ts-claim-e")
    expect(starts).to_have_count(2)
    expect(ends).to_have_count(2)

    # No title per mark; the shared hover names both tags under the pointer.
    assert page.locator("#article-text [title]").count() == 0
    page.locator(f'#article-text [data-tags~="{inner.pk}"]').first.hover()
    hover = page.locator("#mark-hover")
    expect(hover).to_be_visible()
    expect(hover).to_contain_text("Claim")
    expect(hover).to_contain_text(INNER)
    expect(hover).to_contain_text(OUTER)


def test_a_span_tagged_by_hand_leaves_the_suggestion_list_at_once(
    page, live_server, login, article, alice
):
    annotation_services.article_suggest(article_id=article.pk)
    suggestion = Suggestion.objects.get(article=article, quote=SOURCE_PHRASE)
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    row = page.locator(f"#sug-row-{suggestion.pk}")
    expect(row).to_be_visible()
    before = int(page.locator("#count-suggestions").inner_text())

    select(page, SOURCE_PHRASE)
    page.keyboard.press("s")

    expect(page.locator("#tag-editor [data-editor-for]")).to_be_visible()
    tag = Annotation.objects.get(article=article, owner=alice, quote=SOURCE_PHRASE)
    assert tag.origin == "manual"
    expect(row).to_have_count(0)
    expect(page.locator("#count-suggestions")).to_have_text(str(before - 1))
    expect(page.locator(f'#article-text [data-sug~="{suggestion.pk}"]')).to_have_count(0)

    # Deleting the tag proposes the span again, still without a reload.
    page.locator("#tag-editor").get_by_role("button", name="Delete tag").click()
    expect(row).to_have_count(1)
    expect(page.locator("#count-suggestions")).to_have_text(str(before))
    expect(page.locator(f'#article-text [data-sug~="{suggestion.pk}"]').first).to_have_class(
        re.compile(r"\bss\b")
    )
