"""The coding side in the admin panel."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
