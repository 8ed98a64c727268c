"""Reading the workbench's answers in tests: highlights, sidebar rows, swapped fragments."""

import json
import re
from html.parser import HTMLParser

from django.urls import reverse

from annotations.models import Annotation, Relation

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
