"""Staff on another annotator's layer open that annotator's tags in the editor, read-only."""

import re

import pytest

from annotations import services
from annotations.models import Annotation, Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE
from .pages import HTMX, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_pair(tag, article, bob, claim_label, source_label):
    claim = tag(article, bob, claim_label, CLAIM_QUOTE)
    source = tag(article, bob, source_label, SOURCE_QUOTE, attributes={"identification": "named"})
    services.annotation_update(annotation=source, note="Named in the second paragraph.")
    services.relation_create(from_annotation=claim, to_annotation=source)
    return claim, source


def editor(client, pk):
    return client.get(url("annotation-detail", pk), headers=HTMX)


def test_staff_open_another_annotators_tag_read_only_with_its_note(staff_client, bobs_pair):
    claim, source = bobs_pair
    response = editor(staff_client, source.pk)
    assert response.status_code == 200
    page = response.content.decode()
    assert "by bob, read-only" in page
    assert "Named in the second paragraph.</textarea>" in page
    assert '<option value="named" selected>named</option>' in page
    # Every input sits in one disabled fieldset; nothing posts.
    fields = page.split('<fieldset class="read-only-fields" disabled>', 1)[1].split("</form>")[0]
    assert re.findall(r"<(?:input|select|textarea)\b", page.split("</form>")[0]) == re.findall(
        r"<(?:input|select|textarea)\b", fields
    )
    assert "hx-post" not in page and "data-autosave" not in page
    assert "Delete tag" not in page and "Remove" not in page and "Saved" not in page


def test_staff_see_the_links_of_the_tag_they_read(staff_client, bobs_pair):
    claim, source = bobs_pair
    page = editor(staff_client, claim.pk).content.decode()
    assert f'data-tag-open="{source.pk}"' in page and "attributed to" in page
    assert "link-form" not in page and "link-remove" not in page


def test_reading_another_annotators_tag_costs_what_reading_ones_own_does(
    staff_client, staff, bobs_pair, tag, article, source_label, django_assert_num_queries
):
    own = tag(article, staff, source_label, SOURCE_QUOTE)
    with django_assert_num_queries(7) as own_queries:
        editor(staff_client, own.pk)
    with django_assert_num_queries(len(own_queries)):
        editor(staff_client, bobs_pair[1].pk)


def test_staff_still_cannot_change_another_annotators_tag(staff_client, bobs_pair):
    claim, source = bobs_pair
    before = list(Annotation.objects.values_list("pk", "note", "attributes", "deleted_at"))
    links = list(Relation.objects.values_list("pk", flat=True))
    assert staff_client.post(url("annotation-update", source.pk), {"note": "x"}).status_code == 404
    assert staff_client.post(url("annotation-delete", source.pk)).status_code == 404
    assert staff_client.post(url("relation-delete", links[0])).status_code == 404
    assert staff_client.post(url("relation-create", claim.pk), {"to": source.pk}).status_code == (
        404
    )
    assert list(Annotation.objects.values_list("pk", "note", "attributes", "deleted_at")) == before
    assert list(Relation.objects.values_list("pk", flat=True)) == links


def test_staff_open_their_own_tag_to_change_it(staff_client, staff, tag, article, source_label):
    own = tag(article, staff, source_label, SOURCE_QUOTE)
    page = editor(staff_client, own.pk).content.decode()
    assert "read-only" not in page and "Delete tag" in page and "data-autosave" in page


def test_an_annotator_cannot_open_another_annotators_tag(alice_client, bobs_pair):
    assert editor(alice_client, bobs_pair[1].pk).status_code == 404


def test_a_deleted_tag_of_another_annotator_is_a_404_for_staff(staff_client, bobs_pair):
    services.annotation_delete(annotation=bobs_pair[1])
    assert editor(staff_client, bobs_pair[1].pk).status_code == 404


def test_the_layer_page_lets_the_editor_open(staff_client, bob, article, bobs_pair):
    page = staff_client.get(url("workbench", article.pk) + f"?layer={bob.pk}").content.decode()
    assert "data-read-only" in page and "data-tag-url" in page
