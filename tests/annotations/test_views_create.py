"""Making a tag on the workbench."""

import pytest

from annotations.models import Annotation, Category, Codebook, Label

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE
from .pages import (
    HTMX,
    changes,
    create_data,
    snapshot,
    url,
)

pytestmark = pytest.mark.django_db


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
    assert changes(response) == {"id": tag.pk, "deleted": False, "version": 1}
    assert "<span class=blk id=blk-2 data-o=554 hx-swap-oob=true>" in content
    assert 'id="blk-1"' not in content and 'id="blk-3"' not in content
    assert f"<span class=ts data-tags={tag.pk}>" in content
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
    assert f'<option value="{source_tag.pk}" selected>' in content


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


def test_a_refusal_after_snapping_says_how_to_select_exactly(
    alice_client, article, source_tag, source_label
):
    data = create_data(article, source_label, SOURCE_QUOTE)
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert "hold Alt" not in response.content.decode()  # nothing was widened
    partial = SOURCE_QUOTE[:-3]  # "…anonym": snapping takes the whole word again
    data = create_data(article, source_label, partial)
    response = alice_client.post(url("annotation-create", article.pk), data)
    assert response.status_code == 422
    assert response.content.decode() == (
        f"You have already tagged “{SOURCE_QUOTE}” as Source. Your selection was widened to "
        "whole words; to tag exactly what you select, hold Alt while selecting (or turn off "
        "Snap to words)."
    )
    assert list(Annotation.objects.all()) == [source_tag]
    # Exactly as selected (what Alt sends), the shorter stretch is a tag of its own.
    data = create_data(article, source_label, partial, snap="0")
    assert alice_client.post(url("annotation-create", article.pk), data).status_code == 201
