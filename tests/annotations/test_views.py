import json
import random
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services, spans
from annotations.benchmarks import corpus as synthetic
from annotations.models import Annotation, Category, Codebook, Label, Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE

pytestmark = pytest.mark.django_db

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


def tag_ids_in_text(content: str) -> set[int]:
    """Every tag id the highlighted text refers to."""
    return {int(pk) for refs in re.findall(r'data-tags="([^"]*)"', content) for pk in refs.split()}


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


@pytest.fixture
def bobs_tag(tag, article, bob, framing_label):
    return tag(article, bob, framing_label, "the terrorists")


# The workbench page


def test_it_shows_alices_tags_in_the_text_and_in_the_sidebar(
    alice_client, article, source_tag, claim_tag, bobs_tag
):
    response = alice_client.get(url("workbench", article.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        f'<span class="tag tag-source" data-tags="{source_tag.pk}" title="Source">'
        f"{SOURCE_QUOTE}</span>"
    ) in content
    assert (
        f'<span class="tag tag-claim" data-tags="{claim_tag.pk}" title="Claim">{CLAIM_QUOTE}</span>'
    ) in content
    assert tag_ids_in_text(content) == {source_tag.pk, claim_tag.pk}
    marked = highlights(content)
    assert marked.text == {source_tag.pk: SOURCE_QUOTE, claim_tag.pk: CLAIM_QUOTE}
    assert marked.classes[source_tag.pk] == {"tag", "tag-source"}
    assert row_ids(content) == {source_tag.pk, claim_tag.pk}
    assert f'<a href="#blk-2" class="tag-open" data-tag-open="{source_tag.pk}">' in content
    assert f'<a href="#blk-10" class="tag-open" data-tag-open="{claim_tag.pk}">' in content
    assert 'id="count-cat-source">1<' in content
    assert 'id="count-cat-framing">0<' in content
    assert "data-read-only" not in content
    assert "Your tags" in content


def test_bobs_tags_are_not_in_alices_page_at_all(alice_client, article, bobs_tag):
    content = alice_client.get(url("workbench", article.pk)).content.decode()
    assert f'data-tags="{bobs_tag.pk}"' not in content
    assert f"tag-row-{bobs_tag.pk}" not in content
    assert f'data-tag-open="{bobs_tag.pk}"' not in content
    assert "tag-framing" not in content
    assert tag_ids_in_text(content) == set()
    assert 'id="count-cat-framing">0<' in content


def test_alices_tags_are_not_in_bobs_page(bob_client, article, source_tag, bobs_tag):
    content = bob_client.get(url("workbench", article.pk)).content.decode()
    assert tag_ids_in_text(content) == {bobs_tag.pk}
    assert row_ids(content) == {bobs_tag.pk}


def test_overlapping_and_nested_tags_each_highlight_exactly_their_words(
    alice_client, tag, article, alice, claim_label, framing_label, source_tag
):
    nested = tag(article, alice, claim_label, "A senior Egyptian security source, who requested")
    overlapping = tag(article, alice, framing_label, "requested anonymity, told EFE Agency")
    content = alice_client.get(url("workbench", article.pk)).content.decode()
    marked = highlights(content)
    assert marked.text == {
        source_tag.pk: SOURCE_QUOTE,
        nested.pk: nested.quote,
        overlapping.pk: "requested anonymity, told EFE Agency",
    }
    # The outer (longer) tag comes first in every segment both cover.
    assert (
        f'<span class="tag tag-source tag-claim" data-tags="{source_tag.pk} {nested.pk}"'
        ' title="Source, Claim">A senior Egyptian security source, who </span>'
    ) in content
    assert f'data-tags="{source_tag.pk} {nested.pk} {overlapping.pk}"' in content
    assert row_ids(content) == {source_tag.pk, nested.pk, overlapping.pk}


def test_the_sidebar_shows_links_both_ways(alice_client, article, link, claim_tag, source_tag):
    content = alice_client.get(url("workbench", article.pk)).content.decode()
    assert f'→ attributed to <a href="#blk-2" data-tag-open="{source_tag.pk}">' in content
    assert f'← Claim <a href="#blk-10" data-tag-open="{claim_tag.pk}">' in content


def test_staff_view_another_annotators_layer_read_only(
    staff_client, article, alice, source_tag, bobs_tag
):
    response = staff_client.get(url("workbench", article.pk), {"layer": alice.pk})
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-read-only" in content
    assert tag_ids_in_text(content) == {source_tag.pk}
    assert row_ids(content) == {source_tag.pk}
    assert "alice’s tags" in content
    assert "Showing alice’s tags, read-only." in content
    assert f'<option value="{alice.pk}" selected>alice (read-only)</option>' in content
    assert re.search(r'class="label-chip cat-claim"[^>]*\bdisabled\b', content)


def test_staff_see_their_own_layer_by_default(staff_client, article, source_tag):
    content = staff_client.get(url("workbench", article.pk)).content.decode()
    assert "data-read-only" not in content
    assert tag_ids_in_text(content) == set()
    assert ">alice (read-only)</option>" in content  # offered in the layer switch


def test_staff_asking_for_their_own_layer_can_edit(staff_client, staff, article):
    content = staff_client.get(url("workbench", article.pk), {"layer": staff.pk}).content
    assert b"data-read-only" not in content


@pytest.mark.parametrize("layer", ["999999", "abc", "-1", "0", "²", "99999999999999999999"])
def test_staff_asking_for_an_unknown_layer_get_404(staff_client, article, layer):
    response = staff_client.get(url("workbench", article.pk), {"layer": layer})
    assert response.status_code == 404


@pytest.mark.parametrize("whose", ["bob", "alice"])
def test_a_non_staff_user_passing_layer_gets_404(
    alice_client, article, alice, bob, source_tag, bobs_tag, whose
):
    layer = {"alice": alice, "bob": bob}[whose].pk
    response = alice_client.get(url("workbench", article.pk), {"layer": layer})
    assert response.status_code == 404
    assert SOURCE_QUOTE.encode() not in response.content


def test_an_htmx_get_returns_only_the_reader_fragment(alice_client, article, source_tag):
    response = alice_client.get(url("workbench", article.pk), headers=HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="reader"')
    assert "<html" not in content
    assert "<h1>" not in content
    assert row_ids(content) == {source_tag.pk}
    assert tag_ids_in_text(content) == {source_tag.pk}


def test_the_workbench_shows_entities_and_tags_together(
    alice_client, alice, sample_text, source_label, django_capture_on_commit_callbacks
):
    from newsdesk import ingestion

    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=sample_text, user=alice)
    start = article.text.index("Abbas Kamel")
    tag = services.annotation_create(
        article=article,
        user=alice,
        label=source_label,
        start=start,
        end=start + len("Abbas Kamel"),
        quote="Abbas Kamel",
    )
    content = alice_client.get(url("workbench", article.pk)).content.decode()
    marked = highlights(content)
    assert marked.text[tag.pk] == "Abbas Kamel"
    assert marked.classes[tag.pk] == {"tag", "tag-source", "ent", "ent-PERSON"}
    assert "Finding people" not in content


def test_the_workbench_of_a_missing_article_is_404(alice_client):
    assert alice_client.get(url("workbench", 999999)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, article, source_tag):
    response = client.get(url("workbench", article.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = client.post(
        url("annotation-create", article.pk),
        create_data(article, source_tag.label, SOURCE_QUOTE),
    )
    assert response.status_code == 302
    assert Annotation.objects.count() == 1


# Create


def test_it_creates_a_tag_and_returns_only_the_changed_fragments(
    alice_client, alice, article, source_label
):
    response = alice_client.post(
        url("annotation-create", article.pk),
        create_data(article, source_label, SOURCE_QUOTE),
        headers=HTMX,
    )
    assert response.status_code == 201
    tag = Annotation.objects.get()
    assert tag.owner == alice
    assert tag.article == article
    assert tag.label == source_label
    assert tag.quote == SOURCE_QUOTE
    assert (tag.start, tag.end) == (554, 554 + len(SOURCE_QUOTE))

    content = response.content.decode()
    assert "<html" not in content
    assert changes(response) == {"id": tag.pk, "deleted": False}
    assert '<span class="blk" id="blk-2" data-o="554" hx-swap-oob="true">' in content
    assert 'id="blk-1"' not in content and 'id="blk-3"' not in content
    assert f'<span class="tag tag-source" data-tags="{tag.pk}" title="Source">' in content
    assert '<div hx-swap-oob="beforeend:#tag-list-source">' in content
    assert f'<li id="tag-row-{tag.pk}" class="tag-row cat-source"' in content
    assert (
        f'<span class="count" id="count-label-{source_label.pk}" hx-swap-oob="true">1<' in content
    )
    assert '<span class="count" id="count-cat-source" hx-swap-oob="true">1<' in content
    assert '<span class="count" id="count-cat-claim" hx-swap-oob="true">0<' in content
    assert f'data-editor-for="{tag.pk}"' in content
    assert url("annotation-update", tag.pk) in content


def test_a_new_tag_is_inserted_before_the_next_row_of_its_category(
    alice_client, article, source_label, tag, alice
):
    later = tag(article, alice, source_label, "According to the source")
    response = alice_client.post(
        url("annotation-create", article.pk), create_data(article, source_label, SOURCE_QUOTE)
    )
    assert response.status_code == 201
    assert f'<div hx-swap-oob="beforebegin:#tag-row-{later.pk}">' in response.content.decode()


def test_creating_a_claim_offers_the_sources_to_link(
    alice_client, article, claim_label, source_tag
):
    response = alice_client.post(
        url("annotation-create", article.pk), create_data(article, claim_label, CLAIM_QUOTE)
    )
    content = response.content.decode()
    assert url("relation-create", Annotation.objects.get(label=claim_label).pk) in content
    assert f'<option value="{source_tag.pk}">' in content


def test_create_snaps_to_words_unless_told_not_to(alice_client, article, claim_label):
    start = article.text.index(CLAIM_QUOTE)
    cut = {
        "label": claim_label.pk,
        "start": start - 1,
        "end": start + len(CLAIM_QUOTE) - 3,
        "quote": " killed 1,200 peo",
    }
    response = alice_client.post(url("annotation-create", article.pk), {**cut, "snap": "1"})
    assert response.status_code == 201
    assert Annotation.objects.get().quote == CLAIM_QUOTE

    response = alice_client.post(url("annotation-create", article.pk), {**cut, "snap": "0"})
    assert response.status_code == 201
    assert Annotation.objects.latest("pk").quote == "killed 1,200 peo"

    Annotation.objects.all().delete()
    response = alice_client.post(url("annotation-create", article.pk), cut)  # default: snap
    assert response.status_code == 201
    assert Annotation.objects.get().quote == CLAIM_QUOTE


def test_tagging_the_same_words_with_the_same_label_again_is_refused(
    alice_client, article, source_tag, source_label
):
    data = create_data(article, source_label, SOURCE_QUOTE)
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 422
    assert response.content.decode() == f"You have already tagged “{SOURCE_QUOTE}” as Source."
    assert list(Annotation.objects.all()) == [source_tag]


def test_a_wrong_quote_is_refused_with_a_clear_message(alice_client, article, claim_label):
    data = create_data(article, claim_label, CLAIM_QUOTE, quote="killed 1,500 people")
    response = alice_client.post(url("annotation-create", article.pk), data, headers=HTMX)
    assert response.status_code == 422
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    message = response.content.decode()
    assert message.startswith("The selected text “killed 1,500 people” does not match")
    assert "which reads “killed 1,200 people”" in message
    assert "Reload the page and select it again." in message
    assert "HX-Trigger" not in response
    assert Annotation.objects.count() == 0


def test_an_end_past_the_text_is_refused(alice_client, article, claim_label):
    length = len(article.text)
    data = {
        "label": claim_label.pk,
        "start": length - 8,
        "end": length + 2,
        "quote": article.text[-8:] + "  ",
    }
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 422
    assert f"is not inside the text (0 to {length})" in response.content.decode()
    assert Annotation.objects.count() == 0


def test_a_selection_of_only_spaces_is_refused(alice_client, article, claim_label):
    start = article.text.index("\n\n")
    data = {"label": claim_label.pk, "start": start, "end": start + 2, "quote": "\n\n"}
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 422
    assert response.content.decode() == "The selection holds only spaces."
    assert Annotation.objects.count() == 0


def test_an_unknown_label_is_refused(alice_client, article):
    data = create_data(article, Label(pk=999999), CLAIM_QUOTE)
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 400
    assert response.content.decode() == "label: Unknown label."
    assert Annotation.objects.count() == 0


def test_a_label_outside_the_default_codebook_is_refused(alice_client, article):
    other = Codebook.objects.create(name="Other")
    foreign = Label.objects.create(
        codebook=other, category=Category.CLAIM, name="Claim", colour="#000000"
    )
    response = alice_client.post(
        url("annotation-create", article.pk), create_data(article, foreign, CLAIM_QUOTE)
    )
    assert response.status_code == 400
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize("missing", ["label", "start", "end", "quote"])
def test_a_missing_field_is_refused(alice_client, article, claim_label, missing):
    data = create_data(article, claim_label, CLAIM_QUOTE)
    del data[missing]
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 400
    assert response.content.decode() == f"{missing}: This field is required."
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"), [("start", "ten"), ("start", "-1"), ("end", "0"), ("snap", "maybe")]
)
def test_a_malformed_field_is_refused(alice_client, article, claim_label, field, value):
    data = create_data(article, claim_label, CLAIM_QUOTE, **{field: value})
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{field}: ")
    assert Annotation.objects.count() == 0


def test_creating_on_a_missing_article_is_404(alice_client, article, claim_label):
    data = create_data(article, claim_label, CLAIM_QUOTE)
    assert alice_client.post(url("annotation-create", 999999), data).status_code == 404
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    "name",
    [
        "annotation-create",
        "annotation-update",
        "annotation-delete",
        "annotation-restore",
        "relation-create",
        "relation-delete",
    ],
)
def test_a_get_on_a_post_endpoint_is_405(alice_client, article, link, name):
    pk = article.pk if name == "annotation-create" else link.pk
    before = snapshot()
    response = alice_client.get(url(name, pk))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert snapshot() == before


def test_a_post_on_the_workbench_or_the_detail_is_405(alice_client, article, source_tag):
    assert alice_client.post(url("workbench", article.pk)).status_code == 405
    assert alice_client.post(url("annotation-detail", source_tag.pk)).status_code == 405


# Read (the editor)


def test_the_detail_is_the_editor_fragment(alice_client, link, claim_tag, source_tag):
    response = alice_client.get(url("annotation-detail", claim_tag.pk), headers=HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert f'data-editor-for="{claim_tag.pk}"' in content
    assert '<h2 id="editor-title">Claim tag</h2>' in content
    assert url("relation-delete", link.pk) in content
    assert "→ attributed to" in content


def test_bob_cannot_read_alices_tag(bob_client, source_tag):
    response = bob_client.get(url("annotation-detail", source_tag.pk))
    assert response.status_code == 404
    assert SOURCE_QUOTE.encode() not in response.content


def test_staff_cannot_open_alices_tag_in_the_editor(staff_client, source_tag):
    assert staff_client.get(url("annotation-detail", source_tag.pk)).status_code == 404


def test_a_deleted_tag_has_no_editor(alice_client, source_tag):
    services.annotation_delete(annotation=source_tag)
    assert alice_client.get(url("annotation-detail", source_tag.pk)).status_code == 404


# Update


def test_it_updates_attributes_and_the_note(alice_client, source_tag):
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"attributes": "1", "attr-identification": "anonymous", "note": "  senior official "},
        headers=HTMX,
    )
    assert response.status_code == 200
    source_tag.refresh_from_db()
    assert source_tag.attributes == {"identification": "anonymous"}
    assert source_tag.note == "senior official"
    content = response.content.decode()
    assert changes(response) == {"id": source_tag.pk, "deleted": False}
    assert oob_row(source_tag.pk, "source") in content
    assert '<option value="anonymous" selected>anonymous</option>' in content
    assert 'hx-swap-oob="delete"' not in content


def test_an_update_without_attributes_keeps_them(alice_client, tag, article, alice, source_label):
    source = tag(article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "named"})
    response = alice_client.post(url("annotation-update", source.pk), {"note": "x"})
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.attributes == {"identification": "named"}
    assert source.note == "x"


def test_an_empty_attribute_field_clears_the_value(alice_client, tag, article, alice, source_label):
    source = tag(article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "named"})
    response = alice_client.post(
        url("annotation-update", source.pk), {"attributes": "1", "attr-identification": ""}
    )
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.attributes == {}


def test_a_bool_attribute_is_read_from_yes_and_no(alice_client, claim_tag):
    for answer, stored in [("yes", {"check-worthy": True}), ("no", {"check-worthy": False})]:
        response = alice_client.post(
            url("annotation-update", claim_tag.pk), {"attributes": "1", "attr-check-worthy": answer}
        )
        assert response.status_code == 200
        claim_tag.refresh_from_db()
        assert claim_tag.attributes == stored


def test_changing_the_label_moves_the_row_and_drops_links_that_no_longer_fit(
    alice_client, link, claim_tag, source_tag, framing_label
):
    response = alice_client.post(
        url("annotation-update", source_tag.pk), {"label": framing_label.pk}, headers=HTMX
    )
    assert response.status_code == 200
    source_tag.refresh_from_db()
    assert source_tag.label == framing_label
    assert Relation.objects.count() == 0
    content = response.content.decode()
    assert f'<li id="tag-row-{source_tag.pk}" hx-swap-oob="delete"></li>' in content
    assert '<div hx-swap-oob="beforeend:#tag-list-framing">' in content
    assert f'<span class="tag tag-framing" data-tags="{source_tag.pk}" title="Framing">' in content
    assert '<span class="count" id="count-cat-source" hx-swap-oob="true">0<' in content
    assert '<span class="count" id="count-cat-framing" hx-swap-oob="true">1<' in content
    # The claim's row is replaced too: it lost its link.
    claim_row = re.search(
        rf'<li id="tag-row-{claim_tag.pk}"[^>]*hx-swap-oob="true">.*?</li>\n?', content, re.S
    )
    assert claim_row
    assert "attributed to" not in claim_row.group(0)


def test_changing_to_a_label_that_shares_an_attribute_keeps_it(
    alice_client, tag, article, alice, source_label, official_label
):
    source = tag(
        article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "anonymous"}
    )
    response = alice_client.post(url("annotation-update", source.pk), {"label": official_label.pk})
    assert response.status_code == 200
    source.refresh_from_db()
    assert source.label == official_label
    assert source.attributes == {"identification": "anonymous"}
    assert 'hx-swap-oob="delete"' not in response.content.decode()  # same category: no move


def test_changing_the_label_with_the_editors_attributes_reads_the_new_schema(
    alice_client, source_tag, claim_label
):
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"label": claim_label.pk, "attributes": "1", "attr-check-worthy": "yes"},
    )
    assert response.status_code == 200
    source_tag.refresh_from_db()
    assert source_tag.label == claim_label
    assert source_tag.attributes == {"check-worthy": True}


def test_a_bad_attribute_value_is_refused_and_nothing_changes(alice_client, link, source_tag):
    before = snapshot()
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"attributes": "1", "attr-identification": "secret", "note": "changed"},
    )
    assert response.status_code == 422
    assert "“secret” is not one of" in response.content.decode()
    assert snapshot() == before


def test_a_label_from_another_codebook_is_refused_on_update(alice_client, link, source_tag):
    foreign = Label.objects.create(
        codebook=Codebook.objects.create(name="Other"),
        category=Category.FRAMING,
        name="Framing",
        colour="#000000",
    )
    before = snapshot()
    response = alice_client.post(url("annotation-update", source_tag.pk), {"label": foreign.pk})
    assert response.status_code == 400
    assert response.content.decode() == "That label is not in this codebook."
    assert snapshot() == before


@pytest.mark.parametrize("value", ["claim", "²", "-1", "1.0", "99999999999999999999"])
def test_a_malformed_label_on_update_is_refused(alice_client, link, source_tag, value):
    before = snapshot()
    response = alice_client.post(url("annotation-update", source_tag.pk), {"label": value})
    assert response.status_code == 400
    assert response.content.decode() == "That label is not in this codebook."
    assert snapshot() == before


def test_label_zero_on_update_is_refused(alice_client, source_tag):
    before = snapshot()
    response = alice_client.post(url("annotation-update", source_tag.pk), {"label": "0"})
    assert response.status_code == 400
    assert snapshot() == before


# Delete and restore


def test_it_deletes_a_tag_softly_and_offers_undo(alice_client, alice, link, claim_tag, source_tag):
    response = alice_client.post(url("annotation-delete", source_tag.pk), headers=HTMX)
    assert response.status_code == 200
    source_tag.refresh_from_db()
    assert source_tag.deleted_at is not None
    assert list(Annotation.objects.for_user(alice)) == [claim_tag]
    assert Relation.objects.filter(pk=link.pk).exists()  # kept for the undo

    content = response.content.decode()
    assert changes(response) == {"id": source_tag.pk, "deleted": True}
    assert f'<li id="tag-row-{source_tag.pk}" hx-swap-oob="delete"></li>' in content
    assert url("annotation-restore", source_tag.pk) in content
    assert f"Deleted Source “{SOURCE_QUOTE[:39]}…”." in content
    assert f'data-tags="{source_tag.pk}"' not in content
    assert '<span class="blk" id="blk-2" data-o="554" hx-swap-oob="true">' in content
    assert '<span class="count" id="count-cat-source" hx-swap-oob="true">0<' in content
    assert "data-editor-for" not in content
    # The claim's row no longer shows the link to a deleted source.
    assert f'<li id="tag-row-{claim_tag.pk}"' in content
    assert "attributed to" not in content

    page = alice_client.get(url("workbench", claim_tag.article_id)).content.decode()
    assert row_ids(page) == {claim_tag.pk}
    assert "attributed to" not in page


def test_it_restores_a_deleted_tag_with_its_links(alice_client, alice, link, claim_tag, source_tag):
    alice_client.post(url("annotation-delete", source_tag.pk))
    response = alice_client.post(url("annotation-restore", source_tag.pk), headers=HTMX)
    assert response.status_code == 200
    source_tag.refresh_from_db()
    assert source_tag.deleted_at is None
    assert set(Annotation.objects.for_user(alice)) == {claim_tag, source_tag}
    assert list(Relation.objects.values_list("pk", "from_annotation", "to_annotation")) == [
        (link.pk, claim_tag.pk, source_tag.pk)
    ]
    content = response.content.decode()
    assert changes(response) == {"id": source_tag.pk, "deleted": False}
    assert '<div hx-swap-oob="beforeend:#tag-list-source">' in content
    assert f'data-tags="{source_tag.pk}"' in content
    assert '<span class="count" id="count-cat-source" hx-swap-oob="true">1<' in content
    assert f'→ attributed to <a href="#blk-2" data-tag-open="{source_tag.pk}">' in content

    page = alice_client.get(url("workbench", claim_tag.article_id)).content.decode()
    assert row_ids(page) == {claim_tag.pk, source_tag.pk}


def test_deleting_twice_or_restoring_a_live_tag_is_404(alice_client, source_tag):
    assert alice_client.post(url("annotation-restore", source_tag.pk)).status_code == 404
    assert alice_client.post(url("annotation-delete", source_tag.pk)).status_code == 200
    assert alice_client.post(url("annotation-delete", source_tag.pk)).status_code == 404


# Links


def test_it_links_a_claim_to_its_source(alice_client, claim_tag, source_tag):
    response = alice_client.post(
        url("relation-create", claim_tag.pk),
        {"to": source_tag.pk, "type": "attributed_to"},
        headers=HTMX,
    )
    assert response.status_code == 200
    relation = Relation.objects.get()
    assert (relation.from_annotation, relation.to_annotation, relation.type) == (
        claim_tag,
        source_tag,
        Relation.Type.ATTRIBUTED_TO,
    )
    content = response.content.decode()
    assert changes(response) == {"id": claim_tag.pk, "deleted": False}
    assert oob_row(claim_tag.pk, "claim") in content
    assert oob_row(source_tag.pk, "source") in content
    assert url("relation-delete", relation.pk) in content
    assert 'hx-swap-oob="true">' in content
    assert "blk-" in content  # links point at the blocks of the linked tags
    assert f'→ attributed to <a href="#blk-2" data-tag-open="{source_tag.pk}">' in content


def test_the_link_type_defaults_to_attributed_to(alice_client, claim_tag, source_tag):
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": source_tag.pk})
    assert response.status_code == 200
    assert Relation.objects.get().type == Relation.Type.ATTRIBUTED_TO


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({}, 400, "Choose a tag to link to."),
        ({"to": "abc"}, 400, "Choose a tag to link to."),
        ({"to": "SELF"}, 422, "A tag cannot be linked to itself."),
        ({"to": "SOURCE", "type": "same_as"}, 422, "links a source to a source"),
        ({"to": "SOURCE", "type": "nonsense"}, 422, "Unknown kind of link: nonsense."),
    ],
)
def test_a_bad_link_is_refused(alice_client, claim_tag, source_tag, data, status, message):
    data = {k: {"SELF": claim_tag.pk, "SOURCE": source_tag.pk}.get(v, v) for k, v in data.items()}
    response = alice_client.post(url("relation-create", claim_tag.pk), data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Relation.objects.count() == 0


def test_a_duplicate_link_is_refused(alice_client, link, claim_tag, source_tag):
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": source_tag.pk})
    assert response.status_code == 422
    assert response.content.decode() == "These tags are already linked."
    assert list(Relation.objects.all()) == [link]


def test_a_link_to_a_deleted_tag_is_404(alice_client, claim_tag, source_tag):
    services.annotation_delete(annotation=source_tag)
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": source_tag.pk})
    assert response.status_code == 404
    assert Relation.objects.count() == 0


@pytest.mark.parametrize("value", ["²", "٣", "-1", " 1", "0"])
def test_a_link_target_that_is_not_a_plain_number_is_refused(alice_client, claim_tag, value):
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": value})
    assert response.status_code == 400
    assert Relation.objects.count() == 0


@pytest.mark.parametrize("value", ["99999999999999999999"])
def test_a_link_target_that_is_no_tag_is_404(alice_client, claim_tag, value):
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": value})
    assert response.status_code == 404
    assert Relation.objects.count() == 0


def test_it_deletes_a_link(alice_client, link, claim_tag, source_tag):
    response = alice_client.post(url("relation-delete", link.pk), headers=HTMX)
    assert response.status_code == 200
    assert Relation.objects.count() == 0
    assert Annotation.objects.live().count() == 2
    content = response.content.decode()
    assert f'<li id="tag-row-{claim_tag.pk}"' in content
    assert f'<li id="tag-row-{source_tag.pk}"' in content
    assert "attributed to" not in content.split('<form class="link-form"')[0].split("row-links")[-1]
    assert f'<option value="{source_tag.pk}">' in content  # the source is offered again


# Another annotator's tags and links are out of reach


@pytest.mark.parametrize(
    ("name", "target", "data"),
    [
        ("annotation-detail", "source", None),
        ("annotation-update", "source", {"note": "mine now", "attributes": "1"}),
        ("annotation-update", "source", {"label": "CLAIM_LABEL"}),
        ("annotation-delete", "source", {}),
        ("annotation-restore", "deleted", {}),
        ("relation-create", "claim", {"to": "SOURCE"}),
        ("relation-create", "bobs-claim", {"to": "SOURCE"}),
        ("relation-delete", "link", {}),
    ],
)
def test_bob_gets_404_on_alices_tags_and_links_and_nothing_changes(
    bob_client,
    tag,
    article,
    alice,
    bob,
    claim_label,
    source_label,
    link,
    claim_tag,
    source_tag,
    name,
    target,
    data,
):
    deleted = tag(article, alice, source_label, "this same source")
    services.annotation_delete(annotation=deleted)
    bobs_claim = tag(article, bob, claim_label, CLAIM_QUOTE)
    pk = {
        "source": source_tag.pk,
        "claim": claim_tag.pk,
        "deleted": deleted.pk,
        "bobs-claim": bobs_claim.pk,
        "link": link.pk,
    }[target]
    before = snapshot()
    if data is None:
        response = bob_client.get(url(name, pk))
    else:
        data = {
            k: {"SOURCE": source_tag.pk, "CLAIM_LABEL": claim_label.pk}.get(v, v)
            for k, v in data.items()
        }
        response = bob_client.post(url(name, pk), data)
    assert response.status_code == 404
    assert SOURCE_QUOTE.encode() not in response.content
    assert snapshot() == before


def test_alice_cannot_link_her_claim_to_bobs_source(
    alice_client, tag, article, bob, source_label, claim_tag
):
    bobs_source = tag(article, bob, source_label, SOURCE_QUOTE)
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": bobs_source.pk})
    assert response.status_code == 404
    assert Relation.objects.count() == 0


# Query counts do not grow with the number of tags


def bulk_tags(
    article, owner, labels: list[Label], count: int, *, skip: int = 0
) -> list[Annotation]:
    """``count`` one-word tags spread over the whole text, cycling through the labels,
    each claim attributed to the source just before it."""
    words = list(re.finditer(r"\w+", article.text))
    # One fixed spacing, so that calls with different ``skip`` never pick the same word.
    step = len(words) // 250
    picked = [words[i * step] for i in range(skip, count + skip)]
    text = article.text
    tags = []
    for n, word in enumerate(picked):
        prefix, suffix = spans.context(text, word.start(), word.end())
        tags.append(
            Annotation(
                article=article,
                owner=owner,
                label=labels[n % len(labels)],
                start=word.start(),
                end=word.end(),
                quote=word.group(),
                prefix=prefix,
                suffix=suffix,
            )
        )
    Annotation.objects.bulk_create(tags)
    tags = list(
        Annotation.objects.filter(owner=owner, pk__in=[t.pk for t in tags]).order_by("start")
    )
    relations, last_source = [], None
    for t in tags:
        if t.label.category == Category.SOURCE:
            last_source = t
        elif t.label.category == Category.CLAIM and last_source:
            relations.append(Relation(from_annotation=t, to_annotation=last_source))
    Relation.objects.bulk_create(relations)
    return tags


@pytest.fixture
def labels(claim_label, source_label, framing_label):
    return [claim_label, source_label, framing_label]


def count_queries(request) -> tuple:
    with CaptureQueriesContext(connection) as context:
        response = request()
    return response, context.captured_queries


def test_the_workbench_issues_as_many_queries_for_200_tags_as_for_10(
    alice_client, article, alice, bob, labels, django_assert_num_queries
):
    bulk_tags(article, bob, labels, 50)  # someone else's tags are never read
    bulk_tags(article, alice, labels, 10)
    page = url("workbench", article.pk)
    alice_client.get(page)  # warm up: session, caches
    response, ten = count_queries(lambda: alice_client.get(page))
    assert len(row_ids(response.content.decode())) == 10

    Annotation.objects.filter(owner=alice).delete()
    bulk_tags(article, alice, labels, 200)
    with django_assert_num_queries(len(ten)):
        response = alice_client.get(page)
    content = response.content.decode()
    assert len(row_ids(content)) == 200
    assert len(tag_ids_in_text(content)) == 200
    assert (
        content.count("→ attributed to")
        == Relation.objects.filter(from_annotation__owner=alice).count()
        > 50
    )


def test_a_reviewers_view_of_a_layer_issues_as_many_queries_for_200_tags_as_for_10(
    staff_client, article, alice, labels, django_assert_num_queries
):
    bulk_tags(article, alice, labels, 10)
    page = url("workbench", article.pk) + f"?layer={alice.pk}"
    staff_client.get(page)
    _, ten = count_queries(lambda: staff_client.get(page))
    bulk_tags(article, alice, labels, 190, skip=10)
    with django_assert_num_queries(len(ten)):
        response = staff_client.get(page)
    assert len(row_ids(response.content.decode())) == 200


def test_creating_a_tag_issues_as_many_queries_with_200_tags_as_with_10(
    alice_client, article, alice, labels, claim_label, source_tag, django_assert_num_queries
):
    bulk_tags(article, alice, labels, 10)
    create = url("annotation-create", article.pk)
    alice_client.get(url("workbench", article.pk))  # warm up
    response, ten = count_queries(
        lambda: alice_client.post(create, create_data(article, claim_label, CLAIM_QUOTE))
    )
    assert response.status_code == 201

    bulk_tags(article, alice, labels, 190, skip=10)
    with django_assert_num_queries(len(ten)):
        response = alice_client.post(
            create, create_data(article, claim_label, "two or three months without fighting")
        )
    assert response.status_code == 201
    assert Annotation.objects.for_user(alice).count() == 10 + 190 + 3


# Markup in the article text or in a label name stays text


def test_markup_in_the_text_and_in_label_names_is_escaped(alice_client, alice, codebook, tag):
    from newsdesk import ingestion

    article = ingestion.article_ingest(
        text="<script>alert('x')</script> Abbas Kamel said the <b>talks</b> failed.", user=alice
    )
    label = Label.objects.create(
        codebook=codebook,
        category=Category.FRAMING,
        name='<img src=x onerror="alert(1)">',
        colour="#000000",
        position=9,
    )
    framing = tag(article, alice, label, "<script>alert('x')</script>")
    claim = tag(article, alice, codebook.labels.get(name="Claim"), "the <b>talks</b> failed")

    page = alice_client.get(url("workbench", article.pk)).content.decode()
    detail = alice_client.get(url("annotation-detail", framing.pk)).content.decode()
    update = alice_client.post(url("annotation-update", claim.pk), {"note": "<i>x</i>"})
    delete = alice_client.post(url("annotation-delete", framing.pk))
    for content in [page, detail, update.content.decode(), delete.content.decode()]:
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "<b>talks" not in content
        assert "<i>x</i>" not in content
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert highlights(page).text[framing.pk] == "<script>alert('x')</script>"


@pytest.mark.parametrize(
    "name", ["annotation-detail", "annotation-update", "annotation-delete", "relation-delete"]
)
def test_an_id_too_large_for_the_database_is_404(alice_client, name):
    huge = 10**20
    response = (
        alice_client.get(url(name, huge))
        if name == "annotation-detail"
        else alice_client.post(url(name, huge))
    )
    assert response.status_code == 404


def test_a_link_to_alices_tag_in_another_article_is_refused(
    alice_client, tag, other_article, alice, source_label, claim_tag
):
    elsewhere = tag(other_article, alice, source_label, "A source")
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": elsewhere.pk})
    assert response.status_code == 422
    assert response.content.decode() == "Tags can only be linked within one article."
    assert Relation.objects.count() == 0


def test_the_admin_refuses_an_attribute_value_outside_the_schema(client, staff, source_tag):
    client.force_login(staff)
    url = reverse("admin:annotations_annotation_change", args=[source_tag.pk])
    response = client.post(
        url,
        {
            "article": source_tag.article_id,
            "owner": source_tag.owner_id,
            "label": source_tag.label_id,
            "attributes": '{"identification": "rumoured"}',
            "note": "",
            "origin": "manual",
        },
    )
    assert response.status_code == 200
    assert "is not one of named, partially identified, anonymous" in response.content.decode()
    source_tag.refresh_from_db()
    assert source_tag.attributes == {}


@pytest.mark.parametrize(
    "name",
    [
        "admin:annotations_annotation_changelist",
        "admin:annotations_label_changelist",
        "admin:annotations_codebook_changelist",
        "admin:annotations_relation_changelist",
    ],
)
def test_staff_see_the_coding_lists_in_the_admin(client, staff, source_tag, name):
    client.force_login(staff)
    assert client.get(reverse(name)).status_code == 200
    filtered = client.get(
        reverse("admin:annotations_annotation_changelist"),
        {"category": "source", "owner__id__exact": source_tag.owner_id},
    )
    assert source_tag.quote[:20] in filtered.content.decode()


def test_the_admin_refuses_a_shortcut_the_workbench_keeps(client, staff, source_label):
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    response = client.post(
        url,
        {
            "codebook": source_label.codebook_id,
            "category": "source",
            "name": source_label.name,
            "colour": source_label.colour,
            "shortcut": "j",
            "guideline": "",
            "attribute_schema": json.dumps(source_label.attribute_schema),
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "Use a letter other than j, k, u" in response.content.decode()
    source_label.refresh_from_db()
    assert source_label.shortcut == "s"


def request_on_corpus(client, corpus, path: str):
    article = corpus.article
    if path == "workbench":
        return client.get(reverse("annotations:workbench", args=[article.pk]))
    start, end = synthetic.random_span(random.Random(1), article.text)
    claim = next(label for label in corpus.labels if label.category == "claim")
    return client.post(
        reverse("annotations:annotation-create", args=[article.pk]),
        {"label": claim.pk, "start": start, "end": end, "quote": article.text[start:end]},
        headers=HTMX,
    )


@pytest.mark.parametrize("path", ["workbench", "create"])
def test_query_counts_are_the_same_for_10_and_1000_tags(client, path):
    counts = []
    for tags in (10, 1_000):
        corpus = synthetic.build(length=20_000, tags=tags, other_tags=tags, seed=tags)
        client.force_login(corpus.user)
        client.get(reverse("annotations:workbench", args=[corpus.article.pk]))  # warm up
        response, queries = count_queries(lambda c=corpus: request_on_corpus(client, c, path))
        assert response.status_code in (200, 201), response.content
        counts.append(len(queries))
    assert counts[0] == counts[1]
