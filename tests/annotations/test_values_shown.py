"""Attribute values are shown where the tag is: its sidebar row and its highlight's hover."""

import pytest
from django.urls import reverse

from annotations import services

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def test_the_row_and_the_hover_show_the_values(alice_client, article, source_tag):
    services.annotation_update(
        annotation=source_tag,
        attributes={"identification": "anonymous", "reason for anonymity given": True},
    )
    html = alice_client.get(reverse("annotations:workbench", args=[article.pk])).content.decode()
    values = "identification: anonymous; reason for anonymity given: yes"
    assert f'<span class="row-values">{values}</span>' in html
    # One shared hover reads each tag's label and values from the page's #tag-info.
    assert f'"{source_tag.pk}":[{source_tag.label_id},"{values}"]' in html
    assert "title=" not in html.split('id="article-text"')[1].split("</div>")[0]


def test_editing_a_value_updates_the_row_and_the_hover_at_once(alice_client, source_tag):
    response = alice_client.post(
        reverse("annotations:annotation-update", args=[source_tag.pk]),
        {"attributes": "1", "attr-identification": "named", "attr-cue": "told"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="row-values">identification: named; cue: told</span>' in html
    assert (
        f'{{"{source_tag.pk}": [{source_tag.label_id}, "identification: named; cue: told"]}}'
        in html
    )
    assert 'hx-swap-oob="true"' in html
    source_tag.refresh_from_db()
    assert source_tag.attributes == {"identification": "named", "cue": "told"}
