"""Links between tags, and another annotator's tags and links out of reach."""

import pytest

from annotations import services
from annotations.models import Annotation, Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE
from .pages import (
    HTMX,
    changes,
    oob_row,
    snapshot,
    url,
)

pytestmark = pytest.mark.django_db


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
    # Linking made the claim attributed: its values changed, so it has a new version.
    assert changes(response) == {"id": claim_tag.pk, "deleted": False, "version": 2}
    claim_tag.refresh_from_db()
    assert claim_tag.attributes["attributed"] == "yes"
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
    assert f'<option value="{source_tag.pk}" selected>' in content  # the source is offered again


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
