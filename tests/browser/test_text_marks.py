"""The workbench's marks drawn by the browser (static/js/marks.js) are exactly the markup
the server's ``render_blocks`` makes of the same spans: on random texts and spans (astral
characters, markup characters, nesting, equal stretches, edges, spans across blocks) and
on a real page, compared with the blocks a write's answer sends for the same layer."""

import importlib
import random
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from annotations import codebooks, layers
from annotations import services as annotation_services
from annotations.models import Label
from newsdesk import highlight
from newsdesk.highlight import Span

from .test_long_documents import INNER, OUTER, claim_tag
from .test_workbench import SOURCE_PHRASE, make_article, open_workbench

# Compares each case's drawing with the server's markup, both parsed by this browser.
COMPARE = """async ([url, cases]) => {
  const { marksHTML } = await import(url);
  const drawn = document.createElement("div");
  const sent = document.createElement("div");
  const differ = [];
  for (const [n, c] of cases.entries()) {
    drawn.innerHTML = marksHTML(c.text, c.length, c.starts, c.data);
    sent.innerHTML = c.expected;
    if (drawn.innerHTML !== sent.innerHTML) differ.push([n, drawn.innerHTML, sent.innerHTML]);
  }
  return differ;
}"""

DRAW_ALL = """() => document.dispatchEvent(new CustomEvent("marks:need", {detail: {all: true}}))"""

PIECES = ["Hamas", " ", "&", "<b>", "😀", "é", "\n\n", "\n", "word", "—", "x", "🇪🇬", '"q"']
KINDS = [
    ("ent", "ent-PERSON", ""),
    ("ent", "ent-ORG", ""),
    ("tags", "tc", "ts-claim"),
    ("tags", "tc", ""),
    ("tags", "ts", "ts-source"),
    ("sug", "ss", ""),
    ("sug", "sf", ""),
]


def random_case(rng: random.Random) -> dict:
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
    spans = []
    for _ in range(rng.randint(0, 12)):
        start = rng.randrange(len(text))
        end = rng.randint(start + 1, len(text))
        layer, css, edge = rng.choice(KINDS)
        ref = "" if layer == "ent" else str(rng.randint(1, 10**6))
        spans.append(Span(start, end, layer, ref, css, "", edge))
    if spans and rng.random() < 0.3:  # the same stretch twice
        spans.append(Span(spans[0].start, spans[0].end, "tags", "77", "tf", "", "ts-framing"))
    block_list = highlight.blocks(text)
    return {
        "text": text,
        "length": len(text),
        "starts": [start for start, _ in block_list],
        "data": highlight.marks(text, spans),
        "expected": highlight.render_blocks(text, spans, block_list),
    }


def marks_module(page) -> str:
    return page.evaluate("document.querySelector('script[src*=\"js/marks\"]').src")


@pytest.fixture
def codebook():
    # Live-server tests flush the database after each test, migration data included.
    for name in ("0002_default_codebook", "0006_news_codebook", "0008_default_lexicon"):
        importlib.import_module(f"annotations.migrations.{name}").install(apps, None)


@pytest.fixture
def article(codebook, alice, sample_text):
    return make_article(sample_text, alice)


def test_the_browser_draws_what_the_server_would_send_for_any_spans(
    page, live_server, login, article
):
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    rng = random.Random(20261203)
    cases = [random_case(rng) for _ in range(400)]
    differ = page.evaluate(COMPARE, [marks_module(page), cases])
    assert differ == [], differ[:3]


def test_a_page_draws_the_marks_a_write_would_answer_with(page, live_server, login, article, alice):
    claim_tag(article, alice, OUTER)
    claim_tag(article, alice, INNER)  # nested in another claim: both show their ends
    source = Label.objects.get(codebook__is_default=True, category="source")
    start = article.text.index(SOURCE_PHRASE)
    annotation_services.annotation_on_text(
        article=article, owner=alice, label=source, start=start, end=start + len(SOURCE_PHRASE)
    ).save()
    assert annotation_services.article_suggest(article_id=article.pk) > 0
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)
    page.evaluate(DRAW_ALL)  # blocks far from the screen are drawn when they near it

    # What a write's answer sends for every block of this layer, without its swap flag.
    labels = codebooks.article_labels(article.pk)
    answer = layers.region(article, alice, labels, 0, len(article.text))[0]
    answer = answer.replace(" hx-swap-oob=true", "")
    same = page.evaluate(
        """(sent) => {
          const parsed = document.createElement("div");
          parsed.innerHTML = sent;
          return parsed.innerHTML === document.getElementById("article-text").innerHTML;
        }""",
        answer,
    )
    assert same
    # Every kind of mark is there to compare: entities, nested claims, a source, suggestions.
    for selector in (".ent-GPE", ".ts-claim-s", ".ts", "[data-sug]"):
        expect(page.locator(f"#article-text {selector}").first).to_be_attached()


def test_a_long_text_draws_the_blocks_near_the_screen_and_the_rest_when_needed(
    page, live_server, login, codebook, alice, sample_text
):
    """On a long article only the blocks around the screen carry marks at first; the
    others are drawn as they near it, or at once when something asks for a tag there (K
    to the last tag)."""
    article = make_article("\n\n".join([sample_text] * 12), alice)
    phrase = "security source"
    starts = [i for i in range(len(article.text)) if article.text.startswith(phrase, i)]
    label = Label.objects.get(codebook__is_default=True, category="source")

    def tag_at(start):
        tag = annotation_services.annotation_on_text(
            article=article, owner=alice, label=label, start=start, end=start + len(phrase)
        )
        tag.save()
        return tag

    top, middle, last = tag_at(starts[0]), tag_at(starts[len(starts) // 2]), tag_at(starts[-1])
    login(page, live_server, "alice", "alice-password-1")
    open_workbench(page, live_server, article)

    def marks_of(tag):
        return page.locator(f'#article-text [data-tags~="{tag.pk}"]')

    expect(marks_of(top).first).to_be_visible()
    assert marks_of(middle).count() == 0 and marks_of(last).count() == 0
    blocks = page.locator("#article-text .blk").count()
    drawn = page.evaluate("document.querySelectorAll('#article-text .blk:has(span)').length")
    assert 0 < drawn < blocks / 2, (drawn, blocks)

    # Scrolled to: drawn as it nears the screen, with exactly its words.
    page.evaluate(
        "(start) => [...document.querySelectorAll('#article-text .blk')]"
        ".filter((b) => Number(b.dataset.o) <= start).pop().scrollIntoView()",
        middle.start,
    )
    expect(marks_of(middle).first).to_be_visible()
    assert "".join(marks_of(middle).all_text_contents()) == phrase
    assert marks_of(last).count() == 0

    # K from no current tag goes to the last one: drawn at once, current, on screen.
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("k")
    expect(marks_of(last).first).to_have_class(re.compile(r"\bis-current\b"))
    expect(marks_of(last).first).to_be_in_viewport()
    assert page.evaluate("document.querySelectorAll('#article-text .blk:has(span)').length") > drawn
