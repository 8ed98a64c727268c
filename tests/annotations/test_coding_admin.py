"""The coding side in the admin panel."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
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


def test_it_keeps_owner_article_and_offsets_of_a_tag_read_only_in_the_admin(
    client, staff, bob, source_tag, other_article
):
    client.force_login(staff)
    url = reverse("admin:annotations_annotation_change", args=[source_tag.pk])
    page = client.get(url).content.decode()
    for name in ["owner", "article", "start", "end", "quote", "prefix", "suffix"]:
        assert f'name="{name}"' not in page
    before = {
        f: getattr(source_tag, f)
        for f in ["owner_id", "article_id", "start", "end", "quote", "prefix", "suffix"]
    }
    response = client.post(
        url,
        {
            "article": other_article.pk,
            "owner": bob.pk,
            "start": 0,
            "end": 3,
            "quote": "The",
            "prefix": "",
            "suffix": "x",
            "label": source_tag.label_id,
            "attributes": "{}",
            "note": "Checked against the wire copy.",
            "origin": "manual",
        },
    )
    assert response.status_code == 302
    source_tag.refresh_from_db()
    assert source_tag.note == "Checked against the wire copy."
    assert {f: getattr(source_tag, f) for f in before} == before


def test_every_admin_change_to_a_tag_is_in_its_history_naming_the_fields(
    client, staff, source_tag, official_label
):
    client.force_login(staff)
    url = reverse("admin:annotations_annotation_change", args=[source_tag.pk])
    data = {
        "label": source_tag.label_id,
        "attributes": json.dumps(source_tag.attributes),
        # The page's hidden initial value (the field has a callable default), as a browser sends.
        "initial-attributes": json.dumps(source_tag.attributes),
        "note": "",
        "origin": "manual",
    }
    client.post(url, {**data, "note": "Unnamed official."})
    client.post(url, {**data, "note": "Unnamed official.", "label": official_label.pk})
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(source_tag), object_id=str(source_tag.pk)
    ).order_by("pk")
    assert [(e.user, e.action_flag, e.get_change_message()) for e in entries] == [
        (staff, CHANGE, "Changed Note."),
        (staff, CHANGE, "Changed Label."),
    ]
    source_tag.refresh_from_db()
    assert (source_tag.label, source_tag.note) == (official_label, "Unnamed official.")
    history = client.get(reverse("admin:annotations_annotation_history", args=[source_tag.pk]))
    assert "Changed Note." in history.content.decode()


def test_staff_create_a_project_with_members_and_articles_in_the_admin(
    client, staff, alice, article, codebook
):
    from annotations.models import Project

    client.force_login(staff)
    response = client.post(
        reverse("admin:annotations_project_add"),
        {
            "name": "Gaza coverage",
            "codebook": codebook.pk,
            "blind": "on",
            "allow_unassigned": "on",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-0-user": alice.pk,
            "members-0-role": "reviewer",
            "project_articles-TOTAL_FORMS": "1",
            "project_articles-INITIAL_FORMS": "0",
            "project_articles-0-article": article.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = Project.objects.get(name="Gaza coverage")
    assert list(project.members.values_list("user__username", "role")) == [("alice", "reviewer")]
    assert list(project.project_articles.values_list("article_id", flat=True)) == [article.pk]
    changelist = client.get(reverse("admin:annotations_project_changelist"))
    assert "Gaza coverage" in changelist.content.decode()
