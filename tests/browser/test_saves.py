"""Saving a tag's changes in a real browser: none lost, none shown saved when it was not,
and two tabs on one tag meet a conflict instead of overwriting each other."""

import importlib
import re
import time

import pytest
from django.apps import apps
from playwright.sync_api import expect

from annotations import services
from annotations.models import Annotation, Label
from newsdesk.models import Article

from .test_workbench import SOURCE_PHRASE, make_article, open_workbench, segments, select

# Sets each field (a CSS selector) to its value 10 ms after the one before, as a quick
# annotator would, with the events a person's change sends.
CHANGE_JS = """
async (steps) => {
  for (const [selector, value] of steps) {
    const field = document.querySelector(`#tag-editor ${selector}`);
    if (!field) throw new Error(`no field ${selector}`);
    field.focus();
    field.value = value;
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
"""


@pytest.fixture
def article(alice, sample_text) -> Article:
    # Live-server tests flush the database, the codebook's migration data included.
    for name in ("0002_default_codebook", "0006_news_codebook"):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)
    return make_article(sample_text, alice)


@pytest.fixture
def source(article, alice) -> Annotation:
    start = article.text.index(SOURCE_PHRASE)
    return services.annotation_create(
        article=article,
        user=alice,
        label=Label.objects.get(codebook__is_default=True, name="Source"),
        start=start,
        end=start + len(SOURCE_PHRASE),
        quote=SOURCE_PHRASE,
    )


def field(name: str) -> str:
    """A field of the editor's form, inside ``#tag-editor``."""
    return f'form[data-autosave] [name="attr-{name}"]'


NOTE = "form[data-autosave] textarea[name=note]"


def open_editor(page, tag: Annotation):
    segments(page, tag).first.click()
    editor = page.locator(f'#tag-editor [data-editor-for="{tag.pk}"]')
    expect(editor).to_be_visible()
    return editor


def watch_saves(page) -> dict:
    """Counts the tag saves the page sends, and the most ever on their way at once."""
    seen = {"sent": 0, "open": 0, "most_open": 0}

    def is_save(request) -> bool:
        return request.method == "POST" and re.search(r"/tags/\d+/edit/$", request.url)

    def sent(request) -> None:
        if is_save(request):
            seen["sent"] += 1
            seen["open"] += 1
            seen["most_open"] = max(seen["most_open"], seen["open"])

    def done(request) -> None:
        if is_save(request):
            seen["open"] -= 1

    page.on("request", sent)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    return seen


def test_it_stores_every_change_made_10_ms_apart(page, live_server, login, source):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, source.article)
    editor = open_editor(page, source)
    state = editor.locator("[data-save-state]")
    expect(state).to_have_text("")  # a freshly opened editor has saved nothing yet
    saves = watch_saves(page)

    page.evaluate(
        CHANGE_JS,
        [
            [field("identification"), "anonymous"],
            [field("source type"), "security or intelligence"],
            [field("reason for anonymity given"), "yes"],
            [NOTE, "first thought"],
            [NOTE, "second thought"],
        ],
    )
    expect(state).to_have_text("Saved")
    # One save at a time, the changes made meanwhile folded into the next one.
    assert saves["most_open"] == 1
    assert 2 <= saves["sent"] <= 5, saves
    expect(editor.locator(field("identification"))).to_have_value("anonymous")
    expect(editor.locator(NOTE)).to_have_value("second thought")

    source.refresh_from_db()
    wanted = {
        "identification": "anonymous",
        "source type": "security or intelligence",
        "reason for anonymity given": True,
    }
    assert source.attributes == wanted
    assert source.note == "second thought"
    assert source.version == 1 + saves["sent"]

    page.reload()
    editor = open_editor(page, source)
    expect(editor.locator(field("identification"))).to_have_value("anonymous")
    expect(editor.locator(field("source type"))).to_have_value("security or intelligence")
    expect(editor.locator(field("reason for anonymity given"))).to_have_value("yes")
    expect(editor.locator(NOTE)).to_have_value("second thought")
    expect(editor.locator("[data-save-state]")).to_have_text("")
    assert page.console_errors == []


def test_a_failed_save_says_so_by_the_field_and_retries(page, live_server, login, source):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, source.article)
    editor = open_editor(page, source)
    unavailable = "The database is unavailable; your change was not saved — retry."

    def database_down(route) -> None:
        route.fulfill(status=503, content_type="text/plain; charset=utf-8", body=unavailable)

    page.route(re.compile(r"/tags/\d+/edit/$"), database_down)
    editor.locator(field("identification")).select_option("named")
    state = editor.locator("[data-save-state]")
    expect(state).to_contain_text(f"Not saved: {unavailable}")
    by_field = editor.locator(".field", has=page.locator('[name="attr-identification"]'))
    expect(by_field.locator("[data-field-state]")).to_contain_text("Not saved")
    expect(editor).not_to_contain_text("Saved")
    expect(editor.locator(field("identification"))).to_have_value("named")  # kept
    source.refresh_from_db()
    assert source.attributes == {}

    # Another change while the database is down: still not saved, still said so.
    editor.locator(field("source type")).select_option("military")
    expect(state).to_contain_text("Not saved")
    expect(editor.locator("[data-field-state]")).to_have_count(2)

    page.unroute(re.compile(r"/tags/\d+/edit/$"))
    by_field.get_by_role("button", name="Retry").click()
    expect(state).to_have_text("Saved")
    expect(editor.locator("[data-field-state]")).to_have_count(0)
    source.refresh_from_db()
    assert source.attributes == {"identification": "named", "source type": "military"}
    # The 503s were answered on purpose; the console logs them as failed loads only.
    assert all("503" in error for error in page.console_errors), page.console_errors


def test_two_tabs_on_one_tag_meet_a_conflict_not_an_overwrite(page, live_server, login, source):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, source.article)
    tab_b = page.context.new_page()
    tab_b.console_errors = []
    tab_b.on("console", lambda m: m.type == "error" and tab_b.console_errors.append(m.text))
    open_workbench(tab_b, live_server, source.article)
    editor_a = open_editor(page, source)
    editor_b = open_editor(tab_b, source)

    # Tab A saves first.
    editor_a.locator(field("identification")).select_option("named")
    editor_a.locator(NOTE).fill("checked by phone")
    editor_a.locator(NOTE).blur()
    expect(editor_a.locator("[data-save-state]")).to_have_text("Saved")
    source.refresh_from_db()
    assert source.attributes == {"identification": "named"}

    # Tab B, opened before, saves on the old version: refused, with what is stored now.
    editor_b.locator(field("identification")).select_option("anonymous")
    conflict = editor_b.locator(".conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("Not saved: this tag was changed in another tab or window")
    expect(conflict.locator(".stored-values")).to_contain_text("Identificationnamed")
    expect(conflict.locator(".stored-values")).to_contain_text("checked by phone")
    expect(editor_b.locator("[data-save-state]")).to_contain_text("Not saved")
    expect(editor_b.locator(field("identification"))).to_have_value("anonymous")  # kept
    source.refresh_from_db()
    assert source.attributes == {"identification": "named"}
    assert source.note == "checked by phone"

    # B chooses to overwrite: its values win, on the version it was shown.
    conflict.get_by_role("button", name="Overwrite with mine").click()
    expect(editor_b.locator("[data-save-state]")).to_have_text("Saved")
    expect(editor_b.locator(".conflict")).to_have_count(0)
    source.refresh_from_db()
    assert source.attributes["identification"] == "anonymous"
    assert source.note == ""  # B's form, all of it: its note was still empty
    version_after_b = source.version

    # A is now the stale one: its delete is refused; it reloads and sees B's values.
    editor_a.get_by_role("button", name="Delete tag").click()
    conflict_a = page.locator("#tag-editor .conflict")
    expect(conflict_a).to_contain_text("Not deleted: this tag was changed")
    expect(conflict_a.locator(".stored-values")).to_contain_text("Identificationanonymous")
    source.refresh_from_db()
    assert source.deleted_at is None and source.version == version_after_b
    conflict_a.get_by_role("button", name="Reload the tag").click()
    editor_a = page.locator(f'#tag-editor [data-editor-for="{source.pk}"]')
    expect(editor_a.locator(field("identification"))).to_have_value("anonymous")
    expect(editor_a.locator("[data-save-state]")).to_have_text("")
    # The browser logs each 409 as a failed load; nothing else may be in the console.
    assert [e for e in page.console_errors if "409 (Conflict)" not in e] == []
    assert [e for e in tab_b.console_errors if "409 (Conflict)" not in e] == []


def test_a_slow_create_says_saving_and_a_second_key_press_adds_nothing(
    page, live_server, login, article, alice, monkeypatch
):
    """A fast answer is drawn at once; a slow one (here 800 ms) shows "Saving…" meanwhile,
    and the label key pressed again while it is under way creates no second tag."""
    from annotations import views

    create = views.services.annotation_create

    def slow_create(**kwargs):
        time.sleep(0.8)
        return create(**kwargs)

    monkeypatch.setattr(views.services, "annotation_create", slow_create)
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    select(page, SOURCE_PHRASE)
    page.keyboard.press("s")
    status = page.locator("#tag-popover [role=status]")
    expect(status).to_have_text("Saving…")
    page.keyboard.press("s")
    expect(page.locator("#tag-popover")).to_be_hidden(timeout=5_000)
    tag = Annotation.objects.get(article=article, owner=alice)
    assert tag.quote == SOURCE_PHRASE
    expect(segments(page, tag).first).to_be_visible()
    expect(page.locator(f'#tag-editor [data-editor-for="{tag.pk}"]')).to_be_visible()
    page.wait_for_timeout(300)
    assert Annotation.objects.filter(article=article, owner=alice).count() == 1
