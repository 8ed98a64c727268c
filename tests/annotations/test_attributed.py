"""A claim's "attributed" is its "attributed to" link, entered once: derived in services."""

import json

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE
from .pages import HTMX, url

pytestmark = pytest.mark.django_db


def attributed(tag: Annotation):
    tag.refresh_from_db()
    return tag.attributes.get("attributed")


def test_it_makes_a_linked_claim_attributed(claim_tag, source_tag):
    assert attributed(claim_tag) is None
    services.relation_create(from_annotation=claim_tag, to_annotation=source_tag)
    assert attributed(claim_tag) == "yes"


def test_it_clears_attributed_when_the_last_link_goes(
    tag, article, alice, source_label, claim_tag, source_tag
):
    other = tag(article, alice, source_label, "Iran's state news agency")
    first = services.relation_create(from_annotation=claim_tag, to_annotation=source_tag)
    second = services.relation_create(from_annotation=claim_tag, to_annotation=other)
    services.relation_delete(relation=first)
    assert attributed(claim_tag) == "yes"  # still linked to the other source
    services.relation_delete(relation=second)
    assert attributed(claim_tag) is None


def test_it_ignores_an_attributed_value_sent_from_the_editor(alice_client, claim_tag):
    response = alice_client.post(
        url("annotation-update", claim_tag.pk),
        {"attributes": "1", "attr-attributed": "yes", "attr-type": "prediction"},
        headers=HTMX,
    )
    assert response.status_code == 200
    claim_tag.refresh_from_db()
    assert claim_tag.attributes == {"type": "prediction"}


def test_it_keeps_attributed_through_an_edit_of_a_linked_claim(alice_client, link, claim_tag):
    response = alice_client.post(
        url("annotation-update", claim_tag.pk),
        {"attributes": "1", "attr-attributed": "no", "attr-type": "prediction"},
        headers=HTMX,
    )
    assert response.status_code == 200
    claim_tag.refresh_from_db()
    assert claim_tag.attributes == {"type": "prediction", "attributed": "yes"}


def test_it_follows_the_source_being_deleted_and_restored(link, claim_tag, source_tag):
    services.annotation_delete(annotation=source_tag)
    assert attributed(claim_tag) is None
    services.annotation_restore(annotation=source_tag)
    assert attributed(claim_tag) == "yes"


def test_it_does_not_take_attributed_from_a_new_tag(tag, article, alice, claim_label):
    claim = tag(article, alice, claim_label, "Hamas", attributes={"attributed": "yes"})
    assert attributed(claim) is None


def test_it_shows_attributed_read_only_in_the_editor(alice_client, link, claim_tag):
    content = alice_client.get(url("annotation-detail", claim_tag.pk)).content.decode()
    assert 'name="attr-attributed"' not in content
    assert 'data-derived="attributed"><strong>yes</strong>: linked to a source' in content


def test_the_admin_derives_it_too(client, staff, claim_tag, source_tag):
    client.force_login(staff)
    add = reverse("admin:annotations_relation_add")
    data = {
        "from_annotation": claim_tag.pk,
        "to_annotation": source_tag.pk,
        "type": "attributed_to",
    }
    assert client.post(add, data).status_code == 302
    assert attributed(claim_tag) == "yes"
    relation = Relation.objects.get()
    delete = reverse("admin:annotations_relation_delete", args=[relation.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert attributed(claim_tag) is None


def test_an_import_derives_it_from_its_links(alice, article, codebook):
    from annotations.interchange.import_service import Options, Upload, import_uploads

    text = article.text
    claim, source = text.index(CLAIM_QUOTE), text.index(SOURCE_QUOTE)
    # One linked claim, and one that says "yes" without a link: the file is not believed.
    lone = text.index("Hamas")
    line = {
        "text": text,
        "entities": [
            {
                "id": 1,
                "label": "Claim",
                "start_offset": claim,
                "end_offset": claim + len(CLAIM_QUOTE),
            },
            {
                "id": 2,
                "label": "Source",
                "start_offset": source,
                "end_offset": source + len(SOURCE_QUOTE),
            },
            {"id": 3, "label": "Claim", "start_offset": lone, "end_offset": lone + 5},
        ],
        "relations": [{"from_id": 1, "to_id": 2, "type": "attributed_to"}],
    }
    upload = Upload("tags.jsonl", (json.dumps(line) + "\n").encode())
    (result,) = import_uploads(uploads=[upload], options=Options(importer=alice, codebook=codebook))
    assert result.ok, result.error
    assert attributed(Annotation.objects.get(quote=CLAIM_QUOTE)) == "yes"
    assert attributed(Annotation.objects.get(quote="Hamas")) is None


# The link section of a claim's editor


def test_it_preselects_the_nearest_source_before_the_claim(
    alice_client, tag, article, alice, source_label, claim_tag
):
    far = tag(article, alice, source_label, SOURCE_QUOTE)
    near = tag(article, alice, source_label, "Iran's state news agency")
    later = tag(article, alice, source_label, "Hassan Nasrala")
    assert far.start < near.start <= claim_tag.start < later.start
    content = alice_client.get(url("annotation-detail", claim_tag.pk)).content.decode()
    assert f'<option value="{near.pk}" selected>' in content
    assert f'<option value="{far.pk}">' in content
    assert f'<option value="{later.pk}">' in content


def test_it_says_what_to_do_when_no_source_is_tagged_yet(alice_client, claim_tag):
    content = alice_client.get(url("annotation-detail", claim_tag.pk)).content.decode()
    assert "No source is tagged near this claim yet." in content
    assert 'class="link-form"' not in content
