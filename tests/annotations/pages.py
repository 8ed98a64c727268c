"""Reading the workbench's answers in tests: highlights, sidebar rows, swapped fragments."""

import html
import json
import re
from html.parser import HTMLParser

from django.urls import reverse

from annotations.models import Annotation, Relation
from newsdesk import highlight

HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"annotations:{name}", args=args)


class _Highlights(HTMLParser):
    """The text each tag highlights, and the classes of the segments it covers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.text: dict[int, str] = {}
        self.classes: dict[int, set[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag == "span":
            self.stack.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag == "span" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for attrs in self.stack:
            for pk in (attrs.get("data-tags") or "").split():
                self.text[int(pk)] = self.text.get(int(pk), "") + data
                self.classes.setdefault(int(pk), set()).update(attrs["class"].split())


def highlights(content: str) -> _Highlights:
    parser = _Highlights()
    parser.feed(content)
    return parser


_TEXT = re.compile(r'(<div class="article-text" id="article-text"[^>]*>)(.*?)(</div>)', re.S)
_MARKS = re.compile(r'<script type="application/json" id="text-marks">(.*?)</script>', re.S)


def drawn(response) -> str:
    """A workbench page as the browser shows it: its plain text blocks replaced by the
    markup of its marks (what static/js/marks.js draws; a browser test holds the two
    equal), so that tests read highlights as a write's answer carries them."""
    content = response.content.decode()
    text_match, marks_match = _TEXT.search(content), _MARKS.search(content)
    assert text_match and marks_match, "no article text with marks in this page"
    text = html.unescape(re.sub(r"<[^>]+>", "", text_match.group(2)))
    spans = highlight.spans_of_marks(json.loads(marks_match.group(1)))
    markup = highlight.render_blocks(text, spans, highlight.blocks(text))
    return content[: text_match.start(2)] + markup + content[text_match.end(2) :]


def ids_in_text(content: str, layer: str = "tags") -> set[int]:
    """Every id the highlighted text's ``data-<layer>`` attributes refer to, quoted or not."""
    found = re.findall(rf'data-{layer}=(?:"([^"]*)"|([^\s">]+))', content)
    return {int(pk) for quoted, bare in found for pk in (quoted or bare).split()}


def tag_ids_in_text(content: str) -> set[int]:
    """Every tag id the highlighted text refers to."""
    return ids_in_text(content, "tags")


def row_ids(content: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'id="tag-row-(\d+)"', content)}


def create_data(article, label, phrase, *, nth=0, snap="1", **overrides):
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(phrase, start + 1)
    data = {
        "label": label.pk,
        "start": start,
        "end": start + len(phrase),
        "quote": phrase,
        "snap": snap,
    }
    data.update(overrides)
    return data


def snapshot():
    """The coding tables as plain values, to show a refused request changed nothing."""
    return (
        list(Annotation.objects.order_by("pk").values()),
        list(Relation.objects.order_by("pk").values()),
    )


def oob_row(pk: int, category: str) -> str:
    """The opening of a sidebar row swapped in place."""
    return (
        f'<li id="tag-row-{pk}" class="tag-row cat-{category}" data-tag="{pk}" hx-swap-oob="true">'
    )


def changes(response) -> dict:
    return json.loads(response["HX-Trigger"])["tag-saved"]
