"""The one place that decides who may see and change what on the coding side."""

import pytest
from django.http import Http404

from annotations import access, services
from annotations.models import Relation

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("editor", is_staff=True)


def test_it_gives_a_user_only_their_own_live_tags(alice, bob, source_tag):
    assert access.tag_for_change(alice, source_tag.pk) == source_tag
    with pytest.raises(Http404):
        access.tag_for_change(bob, source_tag.pk)
    services.annotation_delete(annotation=source_tag)
    with pytest.raises(Http404):
        access.tag_for_change(alice, source_tag.pk)
    assert access.deleted_tag_for_change(alice, source_tag.pk) == source_tag
    with pytest.raises(Http404):
        access.deleted_tag_for_change(bob, source_tag.pk)


def test_links_are_changed_only_from_ones_own_live_tags(alice, bob, source_tag, claim_tag):
    relation = Relation.objects.create(from_annotation=claim_tag, to_annotation=source_tag)
    assert access.relation_for_change(alice, relation.pk) == relation
    with pytest.raises(Http404):
        access.relation_for_change(bob, relation.pk)


def test_only_a_reviewer_reads_another_layer(alice, bob, staff, article, team):
    team(article, alice=True, bob=True)
    assert access.layer_owner(alice, None, article) == alice
    assert access.layer_owner(staff, str(alice.pk), article) == alice
    for layer in (str(alice.pk), "x", "0", "-1", "١"):
        with pytest.raises(Http404):
            access.layer_owner(bob, layer, article)
    with pytest.raises(Http404):
        access.layer_owner(staff, "999999", article)


def test_layer_choices_are_the_coders_of_the_article_for_a_reviewer_only(
    alice, bob, staff, article, source_tag
):
    assert list(access.layer_choices(staff, article)) == [alice, staff]
    assert list(access.layer_choices(alice, article)) == []
    assert access.may_export_for_others(staff) and not access.may_export_for_others(alice)
    assert access.may_import_for_others(staff) and not access.may_import_for_others(bob)
