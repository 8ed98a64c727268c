"""Suggested tags in a real browser: a dashed proposal becomes the annotator's own tag."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from annotations import services as annotation_services
from annotations.models import Annotation, Suggestion
from newsdesk import ingestion
from newsdesk.models import Article

SOURCE_PHRASE = "A senior Egyptian security source, who requested anonymity"


@pytest.fixture
def article(alice, sample_text) -> Article:
    # Live-server tests flush the database after each test, migration data included:
    # put the codebook and the lexicon back with the migrations' own code.
    for name in (
        "0002_default_codebook",
        "0006_news_codebook",
        "0008_default_lexicon",
        "0019_sugg_guideline",
    ):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)
    article = ingestion.article_ingest(text=sample_text, user=alice)
    # The worker's job, done here so the test does not depend on task timing.
    annotation_services.article_suggest(article_id=article.pk)
    return article


def test_it_accepts_a_suggested_anonymous_source_and_edits_one_attribute(
    page, live_server, login, article, alice
):
    suggestion = Suggestion.objects.get(article=article, quote=SOURCE_PHRASE)
    login(page, live_server, "alice", "alice-password-1")
    page.goto(f"{live_server.url}{reverse('annotations:workbench', args=[article.pk])}")

    # Dashed in the text, listed with its proposed values in the sidebar.
    dashed = page.locator(f'#article-text [data-sug~="{suggestion.pk}"]')
    expect(dashed.first).to_have_class(re.compile(r"\bss\b"))
    row = page.locator(f"#sug-row-{suggestion.pk}")
    expect(row).to_contain_text("identification: anonymous")
    expect(row).to_contain_text("source type: security or intelligence")
    before = int(page.locator("#count-suggestions").inner_text())

    # Clicking the dashed words takes the keyboard to its Accept button.
    dashed.first.click()
    accept = row.get_by_role("button", name=re.compile("^Accept"))
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")

    editor = page.locator("#tag-editor [data-editor-for]")
    expect(editor).to_be_visible()
    tag = Annotation.objects.get(article=article, owner=alice)
    assert (tag.quote, tag.origin, tag.label.name) == (SOURCE_PHRASE, "suggested", "Source")
    assert tag.attributes["identification"] == "anonymous"
    expect(row).to_have_count(0)
    expect(page.locator("#count-suggestions")).to_have_text(str(before - 1))
    expect(dashed).to_have_count(0)
    expect(page.locator(f'#article-text [data-tags~="{tag.pk}"]').first).to_have_class(
        re.compile(r"\bts\b")
    )

    # Edit one attribute in the editor: it saves by itself.
    editor.get_by_label("Source type").select_option("government or official")
    for _ in range(50):  # the autosave is a request of its own: wait for it to land
        tag.refresh_from_db()
        if tag.attributes.get("source type") == "government or official":
            break
        page.wait_for_timeout(100)
    expect(editor.locator("[data-save-state]")).to_have_text("Saved")
    assert tag.attributes["source type"] == "government or official"
    assert tag.attributes["identification"] == "anonymous"
    assert tag.origin == "suggested"
