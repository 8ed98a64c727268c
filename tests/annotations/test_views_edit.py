"""Opening, changing, deleting and restoring a tag."""

import re

import pytest

from annotations import services
from annotations.models import Annotation, Category, Codebook, Label, Relation

from .conftest import SOURCE_QUOTE
from .pages import (
    HTMX,
    changes,
    oob_row,
    row_ids,
    snapshot,
    tag_ids_in_text,
    url,
)

pytestmark = pytest.mark.django_db


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


def test_staff_open_alices_tag_in_the_editor_only_to_read_it(staff_client, source_tag):
    response = staff_client.get(url("annotation-detail", source_tag.pk))
    assert response.status_code == 200 and "by alice, read-only" in response.content.decode()
    assert staff_client.post(url("annotation-delete", source_tag.pk)).status_code == 404
    source_tag.refresh_from_db()
    assert source_tag.deleted_at is None


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
    assert changes(response) == {"id": source_tag.pk, "deleted": False, "version": 2}
    assert oob_row(source_tag.pk, "source") in content
    # The editor on screen shows what was typed: it is not sent again; the hover learns it.
    assert 'class="editor' not in content
    assert f'{{"{source_tag.pk}": [{source_tag.label_id}, "identification: anonymous"]}}' in content
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
    assert f"<span class=tf data-tags={source_tag.pk}>" in content
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
    assert changes(response) == {"id": source_tag.pk, "deleted": True, "version": 2}
    assert f'<li id="tag-row-{source_tag.pk}" hx-swap-oob="delete"></li>' in content
    assert url("annotation-restore", source_tag.pk) in content
    assert f"Deleted Source “{SOURCE_QUOTE[:39]}…”." in content
    assert source_tag.pk not in tag_ids_in_text(content)
    assert "<span class=blk id=blk-2 data-o=554 hx-swap-oob=true>" in content
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
    assert changes(response) == {"id": source_tag.pk, "deleted": False, "version": 3}
    assert '<div hx-swap-oob="beforeend:#tag-list-source">' in content
    assert source_tag.pk in tag_ids_in_text(content)
    assert '<span class="count" id="count-cat-source" hx-swap-oob="true">1<' in content
    assert f'→ attributed to <a href="#blk-2" data-tag-open="{source_tag.pk}">' in content

    page = alice_client.get(url("workbench", claim_tag.article_id)).content.decode()
    assert row_ids(page) == {claim_tag.pk, source_tag.pk}


def test_deleting_twice_or_restoring_a_live_tag_is_404(alice_client, source_tag):
    assert alice_client.post(url("annotation-restore", source_tag.pk)).status_code == 404
    assert alice_client.post(url("annotation-delete", source_tag.pk)).status_code == 200
    assert alice_client.post(url("annotation-delete", source_tag.pk)).status_code == 404
