"""Limits on what a tag and a label store: a note's length, a label's colour."""

import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse

from annotations import services
from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, Label
from annotations.schema import NOTE_LIMIT

from .conftest import CLAIM_QUOTE
from .pages import HTMX, url

pytestmark = pytest.mark.django_db

LONG_NOTE = "n" * (NOTE_LIMIT + 1)
TOO_LONG = "Note: at most 5,000 characters; this one has 5,001. Nothing was saved."


def test_a_note_of_the_limit_is_kept(source_tag):
    services.annotation_update(annotation=source_tag, note="n" * NOTE_LIMIT)
    source_tag.refresh_from_db()
    assert len(source_tag.note) == NOTE_LIMIT


def test_the_service_refuses_a_longer_note_and_changes_nothing(source_tag):
    with pytest.raises(services.AnnotationError, match=TOO_LONG):
        services.annotation_update(
            annotation=source_tag, attributes={"identification": "anonymous"}, note=LONG_NOTE
        )
    source_tag.refresh_from_db()
    assert (source_tag.note, source_tag.attributes) == ("", {})


def test_a_new_tag_with_a_longer_note_is_not_made(article, alice, claim_label):
    start = article.text.index(CLAIM_QUOTE)
    with pytest.raises(services.AnnotationError, match=TOO_LONG):
        services.annotation_create(
            article=article,
            user=alice,
            label=claim_label,
            start=start,
            end=start + len(CLAIM_QUOTE),
            quote=CLAIM_QUOTE,
            note=LONG_NOTE,
        )
    assert not Annotation.objects.exists()


def test_the_workbench_refuses_a_longer_note_with_the_reason(alice_client, source_tag):
    response = alice_client.post(
        url("annotation-update", source_tag.pk),
        {"attributes": "1", "attr-identification": "anonymous", "note": LONG_NOTE},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response.content.decode() == TOO_LONG
    source_tag.refresh_from_db()
    assert (source_tag.note, source_tag.attributes) == ("", {})


def test_the_editor_stops_the_note_at_the_limit(alice_client, source_tag):
    page = alice_client.get(url("annotation-detail", source_tag.pk), headers=HTMX)
    assert f'name="note" id="note-{source_tag.pk}" rows="2" maxlength="5000"' in (
        page.content.decode()
    )


def test_an_import_with_a_longer_note_is_refused_naming_the_line(article, alice, codebook):
    start = article.text.index(CLAIM_QUOTE)
    ann = (
        f"T1\tClaim {start} {start + len(CLAIM_QUOTE)}\t{CLAIM_QUOTE}\n"
        f"#1\tAnnotatorNotes T1\t{LONG_NOTE}\n"
    )
    uploads = [Upload("w.txt", article.text.encode()), Upload("w.ann", ann.encode())]
    options = Options(importer=alice, codebook=codebook)
    (result,) = [r for r in import_uploads(uploads=uploads, options=options)]
    assert result.error.startswith("w.ann, line 1") and TOO_LONG in result.error
    assert not Annotation.objects.exists()


def test_the_admin_refuses_a_longer_note(client, staff, source_tag):
    client.force_login(staff)
    admin_url = reverse("admin:annotations_annotation_change", args=[source_tag.pk])
    response = client.post(
        admin_url,
        {
            "label": source_tag.label_id,
            "attributes": "{}",
            "initial-attributes": "{}",
            "note": LONG_NOTE,
            "origin": "manual",
        },
    )
    assert response.status_code == 200
    assert "Ensure this value has at most 5000 characters (it has 5001)." in (
        response.content.decode()
    )
    source_tag.refresh_from_db()
    assert source_tag.note == ""


def label_post(label, colour):
    return {
        "codebook": label.codebook_id,
        "category": label.category,
        "name": label.name,
        "colour": colour,
        "shortcut": label.shortcut,
        "guideline": "",
        "attribute_schema": json.dumps(label.attribute_schema),
        "position": label.position,
    }


@pytest.mark.parametrize("colour", ["red", "#abc", "#12345g", "123456", "#1234567"])
def test_the_admin_refuses_a_colour_that_is_not_rrggbb(client, staff, source_label, colour):
    client.force_login(staff)
    before = source_label.colour
    response = client.post(
        reverse("admin:annotations_label_change", args=[source_label.pk]),
        label_post(source_label, colour),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a colour as # and six hex digits (#rrggbb), e.g. #2f6f4f." in page or (
        "Ensure this value has at most 7 characters" in page
    )
    source_label.refresh_from_db()
    assert source_label.colour == before


def test_the_admin_takes_an_rrggbb_colour(client, staff, source_label):
    client.force_login(staff)
    response = client.post(
        reverse("admin:annotations_label_change", args=[source_label.pk]),
        label_post(source_label, "#A0b1C2"),
    )
    assert response.status_code == 302
    source_label.refresh_from_db()
    assert source_label.colour == "#A0b1C2"


def test_the_migration_makes_stored_colours_fit(codebook, official_label):
    migration = importlib.import_module("annotations.migrations.0011_label_colour_and_note_limits")
    labels = list(codebook.labels.order_by("pk")[:4])
    # At most 7 characters each: the column is varchar(7), and PostgreSQL holds to it.
    for label, colour in zip(labels, ["#ABC", "red", "2f6f4f", "123456"], strict=True):
        Label.objects.filter(pk=label.pk).update(colour=colour)
    migration.fit_colours(apps, None)
    stored = [Label.objects.get(pk=label.pk).colour for label in labels]
    assert stored == ["#aabbcc", "#555555", "#2f6f4f", "#123456"]
