"""The news codebook: its data migration, and codebook changes that never break tags."""

import importlib

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Codebook
from newsdesk.models import Entity, EntityMention

BEFORE = [("annotations", "0005_label_shortcut_help")]
AFTER = [("annotations", "0006_news_codebook")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def before_news_codebook():
    """The database just before 0006, with 0002's codebook (a flush by an earlier
    transactional test may have taken migration data away)."""
    apps = migrate(BEFORE)
    importlib.import_module("annotations.migrations.0002_default_codebook").install(apps, None)
    return apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_installs_the_news_codebook_on_an_empty_database():
    try:
        apps = before_news_codebook()
        assert apps.get_model("annotations", "Codebook").objects.get().name == "Default"
        apps = migrate(AFTER)
        codebook = apps.get_model("annotations", "Codebook").objects.get()
        assert (codebook.name, codebook.is_default) == ("News", True)
        source = codebook.labels.get(name="Source")
        assert [item["name"] for item in source.attribute_schema][:2] == [
            "identification",
            "source type",
        ]
    finally:
        call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_and_renames_values_of_existing_tags(django_user_model):
    try:
        apps = before_news_codebook()
        Article = apps.get_model("newsdesk", "Article")
        Label = apps.get_model("annotations", "Label")
        Tag = apps.get_model("annotations", "Annotation")
        user = apps.get_model("auth", "User").objects.create(username="coder")
        article = Article.objects.create(title="t", text="The so-called group met.", sha256="x")
        framing = Label.objects.get(name="Framing")
        source = Label.objects.get(name="Source")
        old = [
            Tag.objects.create(
                article=article, owner=user, label=framing, start=4, end=13,
                quote="so-called", attributes={"device": "scare quotes"},
            ),
            Tag.objects.create(
                article=article, owner=user, label=framing, start=14, end=19,
                quote="group", attributes={"device": "label"},
            ),
            Tag.objects.create(
                article=article, owner=user, label=framing, start=0, end=3,
                quote="The", attributes={"device": "hedging"},
            ),
            Tag.objects.create(
                article=article, owner=user, label=source, start=14, end=19,
                quote="group", attributes={"identification": "anonymous"},
            ),
        ]  # fmt: skip
        # Read through the model as of 0006: today's has columns added later.
        Tag = migrate(AFTER).get_model("annotations", "Annotation")
        values = [Tag.objects.get(pk=tag.pk).attributes for tag in old]
        assert values == [
            {"device": "scare quotes or distancing"},
            {"device": "labeling or name-calling"},
            {"device": "hedging"},
            {"identification": "anonymous"},
        ]
        # Backwards restores the old values too.
        apps = migrate(BEFORE)
        Tag = apps.get_model("annotations", "Annotation")
        assert Tag.objects.get(pk=old[0].pk).attributes == {"device": "scare quotes"}
        assert apps.get_model("annotations", "Codebook").objects.get().name == "Default"
    finally:
        call_command("migrate", verbosity=0)


# Changing a label's schema in the admin


def schema_post(label, attribute_schema):
    import json

    return {
        "codebook": label.codebook_id,
        "category": label.category,
        "name": label.name,
        "colour": label.colour,
        "shortcut": label.shortcut,
        "guideline": label.guideline,
        "attribute_schema": json.dumps(attribute_schema),
        "position": label.position,
    }


def without_anonymous(label):
    schema = [dict(item) for item in label.attribute_schema]
    schema[0] = {**schema[0], "values": ["named", "partially identified"]}
    return schema


@pytest.mark.django_db
def test_removing_a_value_that_tags_use_is_refused_with_a_count(
    client, staff, source_label, source_tag, alice, article, tag
):
    anonymous = {"identification": "anonymous"}
    services.annotation_update(annotation=source_tag, attributes=anonymous)
    tag(article, alice, source_label, "this same source", attributes=anonymous)
    before = source_label.attribute_schema
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    response = client.post(url, schema_post(source_label, without_anonymous(source_label)))
    assert response.status_code == 200
    assert "identification: 2 tags use “anonymous”; list it under “retired”" in (
        response.content.decode()
    )
    source_label.refresh_from_db()
    assert source_label.attribute_schema == before


@pytest.mark.django_db
def test_a_value_moved_to_retired_is_kept_by_its_tags_and_not_offered(
    client, staff, source_label, source_tag, alice
):
    services.annotation_update(annotation=source_tag, attributes={"identification": "anonymous"})
    schema = without_anonymous(source_label)
    schema[0]["retired"] = ["anonymous"]
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    response = client.post(url, schema_post(source_label, schema))
    assert response.status_code == 302
    source_label.refresh_from_db()
    assert source_label.attribute_schema[0]["retired"] == ["anonymous"]
    source_tag.refresh_from_db()
    assert source_tag.attributes["identification"] == "anonymous"
    # The tag keeps its value through an edit of something else…
    services.annotation_update(
        annotation=source_tag, attributes={**source_tag.attributes, "cue": "told"}
    )
    source_tag.refresh_from_db()
    assert source_tag.attributes == {"identification": "anonymous", "cue": "told"}
    # …and the editor shows it, marked, while new tags cannot choose it.
    alice_client = client
    alice_client.force_login(alice)
    editor = alice_client.get(reverse("annotations:annotation-detail", args=[source_tag.pk]))
    assert '<option value="anonymous" selected>anonymous (retired)</option>' in (
        editor.content.decode()
    )
    with pytest.raises(services.AnnotationError):
        services.annotation_update(
            annotation=Annotation.objects.create(
                article=source_tag.article, owner=alice, label=source_label,
                start=0, end=4, quote=source_tag.article.text[:4],
            ),
            attributes={"identification": "anonymous"},
        )  # fmt: skip


@pytest.mark.django_db
def test_a_free_text_attribute_in_use_cannot_be_dropped(client, staff, source_label, source_tag):
    services.annotation_update(annotation=source_tag, attributes={"cue": "told"})
    schema = [item for item in source_label.attribute_schema if item["name"] != "cue"]
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    response = client.post(url, schema_post(source_label, schema))
    assert "cue: 1 tag have a value for it; keep the attribute." in response.content.decode()
    source_label.refresh_from_db()
    assert any(item["name"] == "cue" for item in source_label.attribute_schema)


@pytest.mark.django_db
def test_removing_an_unused_value_is_fine(client, staff, source_label):
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    response = client.post(url, schema_post(source_label, without_anonymous(source_label)))
    assert response.status_code == 302
    source_label.refresh_from_db()
    assert "anonymous" not in source_label.attribute_schema[0]["values"]


@pytest.mark.django_db
def test_the_editor_offers_the_articles_entities_for_an_entity_attribute(
    alice_client, source_tag, article
):
    egypt = Entity.objects.create(label="GPE", name="Egypt")
    EntityMention.objects.create(
        article=article, entity=egypt, start=0, end=5, label="GPE", text="Egypt"
    )
    response = alice_client.get(reverse("annotations:annotation-detail", args=[source_tag.pk]))
    html = response.content.decode()
    assert f'list="entities-{source_tag.pk}"' in html
    names_url = reverse("annotations:entity-names", args=[article.pk])
    assert f'hx-get="{names_url}" hx-trigger="focus once"' in html
    # The options come when the field is first focused.
    options = alice_client.get(names_url, headers={"HX-Request": "true"}).content.decode()
    assert options.strip() == '<option value="Egypt">'
    assert Codebook.objects.get().name == "News"


@pytest.mark.django_db
def test_the_admin_shows_the_schema_one_attribute_per_line(client, staff, source_label):
    client.force_login(staff)
    url = reverse("admin:annotations_label_change", args=[source_label.pk])
    html = client.get(url).content.decode()
    assert "&quot;name&quot;: &quot;identification&quot;,\n" in html
    assert 'class="vLargeTextField schema"' in html
    listing = client.get(reverse("admin:annotations_label_changelist")).content.decode()
    assert "identification (choice: 3 values)" in listing
