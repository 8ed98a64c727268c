"""The annotation workbench in a real browser: select text, tag it, link, undo, overlap.

Selections are made two ways: ``select`` builds a DOM Range over the needle and sends the
mouseup the workbench listens for (exact, whatever the layout), and ``drag`` presses and
moves the real mouse between two character positions, as a person would.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from annotations.models import Annotation, Category, Relation
from newsdesk import entities, ingestion
from newsdesk.models import Article

SOURCE_PHRASE = "A senior Egyptian security source, who requested anonymity"
CLAIM_PHRASE = "killed 1,200 people"

# Finds the n-th occurrence of a needle in #article-text's text content, maps its
# UTF-16 offsets to (text node, offset) pairs and selects that range.
SELECT_JS = """
([needle, nth]) => {
  const root = document.getElementById("article-text");
  const text = root.textContent;
  let index = -1;
  for (let i = 0; i <= nth; i += 1) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" (#${nth}) is not in the article text`);
  }
  const locate = (target, isEnd) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const length = node.data.length;
      if (isEnd ? target <= seen + length : target < seen + length) {
        return [node, target - seen];
      }
      seen += length;
    }
    throw new Error(`offset ${target} is past the text`);
  };
  const range = document.createRange();
  range.setStart(...locate(index, false));
  range.setEnd(...locate(index + needle.length, true));
  range.startContainer.parentElement.scrollIntoView({block: "center"});
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  const target = range.endContainer.parentElement;
  target.dispatchEvent(new MouseEvent("mouseup", {bubbles: true, cancelable: true}));
  return selection.toString();
}
"""

# The viewport point in the left half of the character at UTF-16 offset ``at`` of the
# n-th occurrence of the needle: pressing or releasing the mouse there puts the caret
# just before that character.
POINT_JS = """
([needle, nth, at]) => {
  const root = document.getElementById("article-text");
  const text = root.textContent;
  let index = -1;
  for (let i = 0; i <= nth; i += 1) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`"${needle}" is not in the article text`);
  const target = index + at;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (target < seen + node.data.length) {
      const range = document.createRange();
      range.setStart(node, target - seen);
      range.setEnd(node, target - seen + 1);
      const rect = range.getClientRects()[0];
      return {x: rect.left + Math.min(2, rect.width / 4), y: rect.top + rect.height / 2};
    }
    seen += node.data.length;
  }
  throw new Error(`offset ${target} is past the text`);
}
"""


@pytest.fixture
def codebook():
    """The default codebook from its data migration.

    Live-server tests flush the database after each test, migration data included, so
    the labels are put back with the migration's own (idempotent) code.
    """
    for name in ("0002_default_codebook", "0006_news_codebook"):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)


def make_article(text: str, user) -> Article:
    article = ingestion.article_ingest(text=text, user=user)
    article.refresh_from_db()
    if article.status != Article.Status.READY:
        entities.article_extract_entities(article_id=article.pk)
        article.refresh_from_db()
    return article


@pytest.fixture
def article(codebook, alice, sample_text) -> Article:
    return make_article(sample_text, alice)


def workbench_url(live_server, article: Article) -> str:
    return f"{live_server.url}{reverse('annotations:workbench', args=[article.pk])}"


def open_workbench(page, live_server, article: Article) -> None:
    page.goto(workbench_url(live_server, article))
    # goto waits for the load event, by which time the module scripts have run and the
    # marks are drawn (static/js/marks.js).
    expect(page.locator("#article-text[data-drawn] .blk").first).to_be_attached()


def select(page, needle: str, nth: int = 0) -> None:
    """Select the needle in the article text and release the mouse over it."""
    selected = page.evaluate(SELECT_JS, [needle, nth])
    assert selected == needle
    expect(page.locator("#tag-popover")).to_be_visible()


def drag(page, needle: str, start: int, end: int) -> str:
    """Drag the real mouse from before needle[start] to before needle[end]."""
    page.evaluate(
        """(needle) => {
          const root = document.getElementById("article-text");
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            if (node.data.includes(needle.slice(0, 4))) {
              node.parentElement.scrollIntoView({block: "center"});
              return;
            }
          }
        }""",
        needle,
    )
    begin = page.evaluate(POINT_JS, [needle, 0, start])
    finish = page.evaluate(POINT_JS, [needle, 0, end])
    page.mouse.move(begin["x"], begin["y"])
    page.mouse.down()
    page.mouse.move((begin["x"] + finish["x"]) / 2, (begin["y"] + finish["y"]) / 2, steps=5)
    page.mouse.move(finish["x"], finish["y"], steps=5)
    page.mouse.up()
    return page.evaluate("() => window.getSelection().toString()")


def popover_button(page, name: str):
    return page.locator("#tag-popover").get_by_role("button", name=re.compile(rf"^{name}\b"))


def tag_of(article: Article, owner, quote: str) -> Annotation:
    return Annotation.objects.get(article=article, owner=owner, quote=quote)


def segments(page, tag: Annotation):
    return page.locator(f'#article-text [data-tags~="{tag.pk}"]')


def highlighted_text(page, tag: Annotation) -> str:
    return "".join(segments(page, tag).all_text_contents())


def expect_created(page, article: Article, owner, quote: str, category: str) -> Annotation:
    """Wait for the save, then check the tag in the database and in the page.

    The popover stays up ("Saving…", or the error) until the response has been swapped in.
    """
    expect(page.locator("#tag-popover")).to_be_hidden()
    tag = tag_of(article, owner, quote)
    row = page.locator(f"#tag-list-{category} #tag-row-{tag.pk}")
    expect(row).to_have_count(1)
    expect(row.locator(".row-quote")).to_have_text(quote if len(quote) <= 90 else quote[:89] + "…")
    assert tag.label.category == category
    assert highlighted_text(page, tag) == quote
    for segment in segments(page, tag).all():
        expect(segment).to_have_class(re.compile(rf"\bt{category[0]}\b"))
    return tag


def assert_exact(article: Article, tag: Annotation, quote: str, nth: int = 0) -> None:
    """The tag holds the nth occurrence of the quote, at the right code-point offsets."""
    assert tag.quote == quote
    assert article.text[tag.start : tag.end] == quote
    starts = [m.start() for m in re.finditer(re.escape(quote), article.text)]
    assert tag.start == starts[nth]


def test_it_tags_a_source_and_a_claim_links_them_and_keeps_them_after_reload(
    page, live_server, login, article, alice, bob, team
):
    team(article, alice=True, bob=True)  # bob codes the same article, blind
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    # A Source by clicking the popover's button.
    select(page, SOURCE_PHRASE)
    popover_button(page, "Source").click()
    source = expect_created(page, article, alice, SOURCE_PHRASE, Category.SOURCE)
    expect(page.locator("#tag-editor [data-editor-for]")).to_have_attribute(
        "data-editor-for", str(source.pk)
    )
    expect(page.locator(f"#count-label-{source.label_id}")).to_have_text("1")
    expect(page.locator("#count-cat-source")).to_have_text("1")

    # A Claim with its key.
    select(page, CLAIM_PHRASE)
    page.keyboard.press("c")
    claim = expect_created(page, article, alice, CLAIM_PHRASE, Category.CLAIM)
    expect(page.locator(f"#count-label-{claim.label_id}")).to_have_text("1")
    expect(page.locator("#count-cat-claim")).to_have_text("1")
    editor = page.locator(f'#tag-editor [data-editor-for="{claim.pk}"]')
    expect(editor.locator("#editor-title")).to_have_text("Claim tag")

    # Link the claim to its source in the claim's editor.
    link_select = editor.locator(".link-form select[name=to]")
    expect(link_select.locator("option")).to_have_text([SOURCE_PHRASE])
    link_select.select_option(str(source.pk))
    editor.locator(".link-form").get_by_role("button", name="Link").click()

    claim_row = page.locator(f"#tag-row-{claim.pk}")
    source_row = page.locator(f"#tag-row-{source.pk}")

    def expect_linked() -> None:
        expect(claim_row.locator(".row-links")).to_contain_text("→ attributed to")
        expect(claim_row.locator(".row-links")).to_contain_text(SOURCE_PHRASE[:40])
        expect(source_row.locator(".row-links")).to_contain_text("← Claim")
        expect(source_row.locator(".row-links")).to_contain_text(CLAIM_PHRASE)

    expect_linked()
    expect(editor.locator(".links")).to_contain_text("→ attributed to")
    # The only source is linked now: nothing is left to offer.
    expect(editor.locator(".link-form")).to_have_count(0)

    page.reload()
    expect(page.locator("#article-text .blk").first).to_be_attached()
    assert highlighted_text(page, source) == SOURCE_PHRASE
    assert highlighted_text(page, claim) == CLAIM_PHRASE
    expect(segments(page, source).first).to_have_class(re.compile(r"\bts\b"))
    expect(segments(page, claim).first).to_have_class(re.compile(r"\btc\b"))
    expect(page.locator("#tag-list-source .tag-row")).to_have_count(1)
    expect(page.locator("#tag-list-claim .tag-row")).to_have_count(1)
    expect_linked()
    expect(page.locator("#count-cat-source")).to_have_text("1")
    expect(page.locator("#count-cat-claim")).to_have_text("1")

    article.refresh_from_db()
    tags = Annotation.objects.filter(article=article)
    assert {(t.owner, t.label.category, t.quote) for t in tags} == {
        (alice, Category.SOURCE, SOURCE_PHRASE),
        (alice, Category.CLAIM, CLAIM_PHRASE),
    }
    assert_exact(article, source, SOURCE_PHRASE)
    assert_exact(article, claim, CLAIM_PHRASE)
    assert source.deleted_at is None and claim.deleted_at is None
    relation = Relation.objects.get()
    assert relation.from_annotation == claim
    assert relation.to_annotation == source
    assert relation.type == Relation.Type.ATTRIBUTED_TO

    # Bob sees none of Alice's layer, and her tags do not exist for him.
    assert page.console_errors == []
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    login(page, live_server, "bob", "bob-password-1")
    open_workbench(page, live_server, article)
    expect(page.locator("#article-text [data-tags]")).to_have_count(0)
    expect(page.locator("#article-text [data-tags]")).to_have_count(0)
    expect(page.locator(".tag-row")).to_have_count(0)
    expect(page.locator("#count-cat-claim")).to_have_text("0")
    expect(page.locator("#count-cat-source")).to_have_text("0")
    for tag in (claim, source):
        response = page.request.get(f"{live_server.url}/tags/{tag.pk}/")
        assert response.status == 404
    assert page.console_errors == []


def test_it_tags_with_the_keyboard_only(page, live_server, login, article, alice):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    # The phrase is in the article twice; the second one is meant.
    phrase = "the terrorist group Hamas"
    select(page, phrase, nth=1)
    page.keyboard.press("f")

    framing = expect_created(page, article, alice, phrase, Category.FRAMING)
    assert_exact(article, framing, phrase, nth=1)
    expect(page.locator("#count-cat-framing")).to_have_text("1")
    expect(page.locator("#tag-editor #editor-title")).to_have_text("Framing tag")

    # A second one, earlier in the text; it becomes the current tag.
    select(page, "the terrorists")
    page.keyboard.press("f")
    earlier = expect_created(page, article, alice, "the terrorists", Category.FRAMING)
    expect(page.locator("#tag-list-framing .tag-row")).to_have_count(2)
    expect(page.locator("#tag-list-framing .tag-row").first).to_have_id(f"tag-row-{earlier.pk}")
    expect(page.locator(f"#tag-row-{earlier.pk}")).to_have_class(re.compile(r"\bis-current\b"))

    # Esc closes the editor; J and K move between tags, Enter opens the current one.
    page.keyboard.press("Escape")
    expect(page.locator("#tag-editor")).to_be_empty()
    page.keyboard.press("j")
    expect(page.locator(f"#tag-row-{framing.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    expect(segments(page, framing).first).to_have_class(re.compile(r"\bis-current\b"))
    expect(page.locator("#article-text .is-current")).to_have_count(segments(page, framing).count())
    page.keyboard.press("Enter")
    expect(page.locator("#tag-editor [data-editor-for]")).to_have_attribute(
        "data-editor-for", str(framing.pk)
    )
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    expect(page.locator(f"#tag-row-{earlier.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    page.keyboard.press("Enter")
    expect(page.locator("#tag-editor [data-editor-for]")).to_have_attribute(
        "data-editor-for", str(earlier.pk)
    )

    # Esc on a fresh selection cancels: no popover, no selection, no tag.
    select(page, "the Palestinian enclave")
    page.keyboard.press("Escape")
    expect(page.locator("#tag-popover")).to_be_hidden()
    assert page.evaluate("() => window.getSelection().isCollapsed")
    # A label key after Esc does nothing either.
    page.keyboard.press("c")
    page.wait_for_timeout(300)
    assert Annotation.objects.filter(article=article).count() == 2
    expect(page.locator(".tag-row")).to_have_count(2)
    expect(page.locator("#count-cat-claim")).to_have_text("0")
    assert page.console_errors == []


def test_it_snaps_a_partial_drag_to_whole_words(page, live_server, login, article, alice):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    # From inside "Egyptian" to inside "source", with the real mouse.
    needle = "A senior Egyptian security source,"
    start = needle.index("ptian")
    end = needle.index("source") + len("sou")
    selected = drag(page, needle, start, end)
    assert selected == "ptian security sou"
    expect(page.locator("#tag-popover")).to_be_visible()
    popover_button(page, "Source").click()

    tag = expect_created(page, article, alice, "Egyptian security source", Category.SOURCE)
    assert tag.quote == "Egyptian security source"
    assert article.text[tag.start : tag.end] == "Egyptian security source"
    assert tag.start == article.text.index(SOURCE_PHRASE) + len("A senior ")
    assert page.console_errors == []


def test_it_handles_emoji_and_combining_accents(page, live_server, login, codebook, alice):
    # Decomposed on input; "q" + combining tilde has no precomposed form and stays two
    # code points after NFC, as do the emoji (one code point, two UTF-16 units each).
    text = (
        "Le café 😀 a ouvert, dit Iq\u0303bal.\n\n"
        "Le 👍🏽 maire de Sa\u0303o Paulo, Jose\u0301, a parlé."
    )
    article = make_article(text, alice)
    assert "São Paulo" in article.text and "José" in article.text
    assert "q\u0303" in article.text
    assert "Sa\u0303o" not in article.text

    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    assert page.locator("#article-text").text_content() == article.text

    select(page, "São Paulo")
    page.keyboard.press("s")
    sao_paulo = expect_created(page, article, alice, "São Paulo", Category.SOURCE)

    select(page, "José")
    popover_button(page, "Source").click()
    jose = expect_created(page, article, alice, "José", Category.SOURCE)

    article.refresh_from_db()
    assert_exact(article, sao_paulo, "São Paulo")
    assert_exact(article, jose, "José")
    # Code points, not UTF-16 units: each emoji counts once, the tilde on q once.
    assert sao_paulo.start == article.text.index("São Paulo")
    assert (sao_paulo.start, sao_paulo.end) == (
        article.text.index("São"),
        article.text.index("São") + len("São Paulo"),
    )
    assert (jose.start, jose.end) == (article.text.index("José"), article.text.index(", a parlé"))
    assert page.console_errors == []


def test_it_undoes_a_delete(page, live_server, login, article, alice):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    phrase = "under strict security measures"
    select(page, phrase)
    page.keyboard.press("c")
    tag = expect_created(page, article, alice, phrase, Category.CLAIM)

    # Close the editor, then open the tag by clicking its highlight.
    page.keyboard.press("Escape")
    expect(page.locator("#tag-editor")).to_be_empty()
    segments(page, tag).first.click()
    editor = page.locator(f'#tag-editor [data-editor-for="{tag.pk}"]')
    expect(editor).to_be_visible()
    editor.get_by_role("button", name="Delete tag").click()

    expect(segments(page, tag)).to_have_count(0)
    expect(page.locator(f"#tag-row-{tag.pk}")).to_have_count(0)
    expect(page.locator("#count-cat-claim")).to_have_text("0")
    expect(page.locator("#tag-editor [data-editor-for]")).to_have_count(0)
    undo_bar = page.locator("#undo-bar")
    expect(undo_bar).to_contain_text("Deleted Claim")
    tag.refresh_from_db()
    assert tag.deleted_at is not None
    assert page.locator("#article-text").text_content() == article.text

    undo_bar.get_by_role("button", name="Undo").click()

    expect(page.locator(f"#tag-row-{tag.pk}")).to_have_count(1)
    expect(segments(page, tag).first).to_be_visible()
    assert highlighted_text(page, tag) == phrase
    expect(page.locator("#count-cat-claim")).to_have_text("1")
    expect(undo_bar).to_be_empty()
    tag.refresh_from_db()
    assert tag.deleted_at is None
    assert page.locator("#article-text").text_content() == article.text
    assert page.console_errors == []


def test_overlapping_tags_show_every_layer_and_a_chooser(
    page, live_server, login, article, alice, output_dir
):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    long_phrase = (
        "A senior Egyptian security source, who requested anonymity, told EFE Agency "
        "that an Israeli delegation"
    )
    nested = "Egyptian security source"
    select(page, long_phrase)
    page.keyboard.press("c")
    claim = expect_created(page, article, alice, long_phrase, Category.CLAIM)
    select(page, nested)
    page.keyboard.press("s")
    source = expect_created(page, article, alice, nested, Category.SOURCE)

    both = page.locator("#article-text .tc.ts")
    assert "".join(both.all_text_contents()) == nested
    for segment in both.all():
        expect(segment).to_have_attribute("data-tags", f"{claim.pk} {source.pk}")
    assert highlighted_text(page, claim) == long_phrase
    # Each layer draws its own underline.
    images = both.first.evaluate("e => getComputedStyle(e).backgroundImage")
    assert images.count("linear-gradient") == 2

    page.keyboard.press("Escape")  # close the editor; the tags stay
    page.screenshot(path=output_dir / "workbench-overlaps.png", full_page=True)
    block = segments(page, claim).first.locator("xpath=ancestor::*[contains(@class, 'blk')]")
    block.screenshot(path=output_dir / "workbench-overlaps-detail.png")

    both.last.click()
    chooser = page.locator("#tag-popover")
    expect(chooser).to_be_visible()
    expect(chooser).to_contain_text("Which tag?")
    choices = chooser.locator("button.choice")
    expect(choices).to_have_count(2)
    expect(choices.nth(0)).to_contain_text("Claim: A senior Egyptian")
    expect(choices.nth(1)).to_contain_text(f"Source: {nested}")
    choices.nth(1).click()

    expect(chooser).to_be_hidden()
    editor = page.locator(f'#tag-editor [data-editor-for="{source.pk}"]')
    expect(editor.locator("#editor-title")).to_have_text("Source tag")
    expect(editor.locator(".editor-quote")).to_have_text(nested)
    expect(page.locator(f"#tag-row-{source.pk}")).to_have_class(re.compile(r"\bis-current\b"))
    assert page.console_errors == []
