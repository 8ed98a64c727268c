"""The workbench without a mouse, on small screens, and under axe-core (issue 10)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from annotations.models import Annotation, Relation

from .test_workbench import (
    SOURCE_PHRASE,
    codebook,  # noqa: F401 (a fixture, asked for below)
    make_article,
    open_workbench,
    select,
)

CLAIM_WORDS = "killed 1,200 people"


@pytest.fixture
def article(request, alice, sample_text):
    request.getfixturevalue("codebook")
    return make_article(sample_text, alice)


def focused(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement; return e.id || e.className || e.tagName; }"
    )


def cursor_to(page, needle: str) -> None:
    """Put the word cursor on the first word of the needle, by arrow keys only."""
    page.locator("#article-text").focus()
    for _ in range(400):
        selected = page.evaluate("() => window.getSelection().toString()")
        if needle.startswith(selected) and selected:
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"the cursor never reached {needle!r}")


def test_it_codes_a_claim_with_the_keyboard_only(page, live_server, login, article, alice):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    # A source to link to, made the same way: "." takes the sentence, so use words instead.
    cursor_to(page, "A senior")
    for _ in range(len(SOURCE_PHRASE.split()) - 1):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("() => window.getSelection().toString()") == SOURCE_PHRASE
    page.keyboard.press("s")
    expect(page.locator("#tag-popover")).to_be_hidden()
    source = Annotation.objects.get(owner=alice, quote=SOURCE_PHRASE)
    # The editor took focus on its first field; Esc gives it back to the text.
    expect(page.locator(f'#tag-editor [data-editor-for="{source.pk}"]')).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#article-text")).to_be_focused()

    cursor_to(page, "killed")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("() => window.getSelection().toString()") == CLAIM_WORDS
    page.keyboard.press("c")
    expect(page.locator("#tag-popover")).to_be_hidden()
    claim = Annotation.objects.get(owner=alice, quote=CLAIM_WORDS)
    editor = page.locator(f'#tag-editor [data-editor-for="{claim.pk}"]')
    expect(editor).to_be_visible()
    # Attribute: the focused field is the claim's type.
    expect(editor.locator(".field select").first).to_be_focused()
    page.keyboard.press("ArrowDown")  # a select takes arrow keys: the first type
    expect(editor.locator("[data-save-state]")).to_have_text("Saved")
    claim.refresh_from_db()
    assert claim.attributes["type"] == "factual event"
    # Derived, never entered: no input for "attributed".
    expect(editor.locator('[name="attr-attributed"]')).to_have_count(0)
    expect(editor.locator('[data-derived="attributed"]')).to_contain_text("not yet")

    # Link: L, then J to the source, Enter.
    page.keyboard.press("Shift+Tab")  # out of the select, into the label choice
    page.keyboard.press("l")
    expect(page.locator("#article-text")).to_have_class("article-text is-linking")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(editor.locator(".links")).to_contain_text("→ attributed to")
    assert Relation.objects.filter(from_annotation=claim, to_annotation=source).exists()
    claim.refresh_from_db()
    assert claim.attributes["attributed"] == "yes"
    expect(editor.locator('[data-derived="attributed"]')).to_contain_text("yes")
    expect(editor.locator(".link-remove")).to_be_focused()

    # Delete: a few Tabs from there, then focus is on Undo; U (or Enter) brings it back.
    for _ in range(6):
        if page.evaluate("() => document.activeElement.classList.contains('danger')"):
            break
        page.keyboard.press("Tab")
    expect(editor.locator(".delete-form button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#undo-bar [data-undo]")).to_be_focused()
    claim.refresh_from_db()
    assert claim.deleted_at is not None
    page.keyboard.press("Enter")
    expect(page.locator("#undo-bar [data-undo]")).to_have_count(0)
    claim.refresh_from_db()
    assert claim.deleted_at is None
    assert page.console_errors == []


def test_the_keys_list_opens_with_a_question_mark_and_closes_with_escape(
    page, live_server, login, article
):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    page.locator("body").press("?")
    dialog = page.locator("#keys-dialog")
    expect(dialog).to_be_visible()
    for key in ["J", "K", "U", "Enter", "Esc", "Alt", "L", "?", "C", "S", "F"]:
        expect(dialog.locator("kbd", has_text=key).first).to_be_attached()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize("size", [(390, 844), (768, 1024)])
def test_the_editor_opens_in_view_on_small_screens(
    browser, live_server, login, article, alice, size, output_dir
):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    try:
        login(page, live_server, "alice", "alice-password-1")
        open_workbench(page, live_server, article)
        select(page, SOURCE_PHRASE)
        page.locator("#tag-popover").get_by_role("button", name="Source").first.tap()
        expect(page.locator("#tag-popover")).to_be_hidden()
        tag = Annotation.objects.get(owner=alice, quote=SOURCE_PHRASE)
        page.locator("#tag-editor").evaluate("e => e.replaceChildren()")
        segment = page.locator(f'#article-text [data-tags~="{tag.pk}"]').first
        segment.scroll_into_view_if_needed()
        segment.tap()
        editor = page.locator(f'#tag-editor [data-editor-for="{tag.pk}"]')
        expect(editor).to_be_visible()
        box = editor.bounding_box()
        assert box is not None
        assert 0 <= box["y"] < height and box["y"] + 40 < height, box  # its top is on screen
        expect(editor.locator("h2")).to_be_in_viewport()
        page.screenshot(path=output_dir / f"workbench-editor-{width}x{height}.png")
    finally:
        context.close()


def serious(results) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_axe_finds_no_serious_violations(page, live_server, login, article, output_dir):
    axe = Axe()
    login(page, live_server, "alice", "alice-password-1")
    found = {}
    page.goto(f"{live_server.url}/articles/")
    found["list"] = serious(axe.run(page))
    page.goto(f"{live_server.url}{article.get_absolute_url()}")
    found["reader"] = serious(axe.run(page))
    open_workbench(page, live_server, article)
    select(page, SOURCE_PHRASE)
    page.keyboard.press("s")
    expect(page.locator("#tag-editor [data-editor-for]")).to_be_visible()
    page.locator("#codebook-panel summary").click()
    found["workbench with the editor open"] = serious(axe.run(page))
    page.screenshot(path=output_dir / "workbench-keys-desktop.png")
    page.goto(f"{live_server.url}/articles/upload/")
    found["upload"] = serious(axe.run(page))
    assert found == {name: [] for name in found}
