"""The newsroom in a real browser: upload the sample article and read it with its entities."""

import datetime
import re

from playwright.sync_api import expect

from newsdesk.models import Article
from tests.conftest import SAMPLE_ARTICLE

# The immediate task backend finds the entities during the upload request; the margin
# covers a first spaCy model load and one htmx poll (every 2 s) should the page still poll.
ENTITIES_TIMEOUT_MS = 20_000
TRANSPARENT = "rgba(0, 0, 0, 0)"


def upload_sample(page, live_server) -> None:
    page.goto(f"{live_server.url}/articles/upload/")
    page.set_input_files("#id_files", SAMPLE_ARTICLE)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()


def mention(page, label: str, text: str):
    """The highlighted mentions of ``text`` as an entity of type ``label``."""
    return page.locator(f"#article-text span.ent.ent-{label}", has_text=re.compile(rf"^{text}$"))


def test_it_uploads_the_sample_and_shows_its_entities(page, live_server, login, output_dir):
    login(page, live_server, "alice", "alice-password-1")

    upload_sample(page, live_server)

    article = Article.objects.get()
    # The upload opens the article where the list does (the workbench); the reader is a
    # click away.
    expect(page).to_have_url(f"{live_server.url}/articles/{article.pk}/code/")
    expect(page.get_by_role("status").first).to_contain_text("Added 1 article")
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    abbas_kamel = mention(page, "PERSON", "Abbas Kamel")
    expect(abbas_kamel.first).to_be_visible(timeout=ENTITIES_TIMEOUT_MS)
    expect(mention(page, "GPE", "Cairo").first).to_be_visible()

    article.refresh_from_db()
    assert article.status == Article.Status.READY
    assert article.uploaded_by.username == "alice"
    assert article.published_on == datetime.date(2024, 2, 13)
    assert article.mentions.filter(label="PERSON", text="Abbas Kamel").exists()

    # The leading "date 2024-02-13" became the published date and left the text.
    published = page.locator(".article-head time")
    expect(published).to_have_text("13 February 2024")
    expect(published).to_have_attribute("datetime", "2024-02-13")
    body = page.locator("#article-text").text_content()
    assert not body.lstrip().lower().startswith("date")
    assert body.startswith("Representatives of the intelligence services")

    # A chip in the sidebar marks every mention of its entity.
    hamas_chip = page.locator(
        "button[data-ent-key]", has=page.locator(".swatch", has_text=re.compile(r"^Hamas$"))
    )
    key = hamas_chip.get_attribute("data-ent-key")
    hamas_mentions = page.locator(f'#article-text [data-ent~="{key}"]')
    expect(hamas_mentions.first).to_be_visible()
    assert hamas_mentions.count() == article.mentions.filter(text="Hamas").count() > 1
    hamas_chip.click()
    expect(hamas_chip).to_have_attribute("aria-pressed", "true")
    for hamas in hamas_mentions.all():
        expect(hamas).to_have_text("Hamas")
        expect(hamas).to_have_class(re.compile(r"\bis-marked\b"))
    expect(page.locator("#article-text .is-marked")).to_have_count(hamas_mentions.count())

    # A legend toggle takes one entity type's colour off the text, and puts it back.
    person_toggle = page.locator("input[data-ent-toggle=PERSON]")
    article_text = page.locator("#article-text")
    assert abbas_kamel.first.evaluate("e => getComputedStyle(e).backgroundColor") != TRANSPARENT
    person_toggle.uncheck()
    expect(article_text).to_have_class(re.compile(r"\bhide-ent-PERSON\b"))
    expect(abbas_kamel.first).to_have_css("background-color", TRANSPARENT)
    expect(mention(page, "GPE", "Cairo").first).not_to_have_css("background-color", TRANSPARENT)
    person_toggle.check()
    expect(article_text).not_to_have_class(re.compile(r"\bhide-ent-PERSON\b"))

    page.screenshot(path=output_dir / "reader-sample.png", full_page=True)
    assert page.console_errors == []


def test_it_refuses_the_same_article_twice(page, live_server, login):
    login(page, live_server, "alice", "alice-password-1")
    upload_sample(page, live_server)
    article = Article.objects.get()
    workbench = f"/articles/{article.pk}/code/"
    expect(page).to_have_url(f"{live_server.url}{workbench}")

    upload_sample(page, live_server)

    expect(page).to_have_url(f"{live_server.url}/articles/upload/")
    refusal = page.locator(".upload-results li.refused")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("already here")
    expect(refusal).to_contain_text(SAMPLE_ARTICLE.name)
    existing_link = refusal.get_by_role("link", name="Open the existing article")
    expect(existing_link).to_have_attribute("href", workbench)
    assert Article.objects.count() == 1

    existing_link.click()
    expect(page).to_have_url(f"{live_server.url}{workbench}")
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    assert page.console_errors == []


def test_it_sends_anonymous_visitors_to_login(page, live_server):
    page.goto(f"{live_server.url}/")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.locator("#id_username")).to_be_visible()
    expect(page.get_by_role("link", name="Upload")).to_have_count(0)
    assert page.console_errors == []
