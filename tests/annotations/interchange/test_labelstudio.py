"""Issue 14 item 3: Label Studio's JSON export in, its import format out, round trip."""

import io
import json

import pytest
from django.core.management import call_command

from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, Relation
from tests.annotations.interchange.files import EMOJI_TEXT

pytestmark = pytest.mark.django_db


def region(rid, text, phrase, label, **value):
    start = text.index(phrase)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": start + len(phrase), "text": phrase, "labels": [label]},
    }


def per_region(rid, kind, from_name, **value):
    return {"id": rid, "from_name": from_name, "to_name": "text", "type": kind, "value": value}


def task(text, *annotations, **extra):
    return {"id": 3, "data": {"text": text, **extra}, "annotations": list(annotations)}


def ls_file(*tasks) -> Upload:
    return Upload("project-1-at-2024.json", json.dumps(list(tasks), ensure_ascii=False).encode())


def claim_and_source(codebook):
    claim = codebook.labels.get(category="claim")
    source = codebook.labels.get(category="source")
    return claim, source


def test_it_imports_regions_attributes_notes_and_relations(staff, codebook):
    claim, source = claim_and_source(codebook)
    results = [
        region("s1", EMOJI_TEXT, "Ana Ruiz", source.name),
        per_region("s1", "choices", "identification", choices=["named"]),
        per_region("s1", "textarea", "note", text=["Her role is given."]),
        region("c1", EMOJI_TEXT, "the 🇪🇸 team “won”", claim.name),
        {"from_id": "c1", "to_id": "s1", "type": "relation", "labels": ["attributed_to"]},
    ]
    [summary] = import_uploads(
        uploads=[ls_file(task(EMOJI_TEXT, {"completed_by": 1, "result": results}))],
        options=Options(staff, codebook),
    )
    assert summary.ok, summary.error
    tags = {t.label_id: t for t in Annotation.objects.all()}
    assert tags[source.pk].quote == "Ana Ruiz"
    assert tags[source.pk].attributes["identification"] == "named"
    assert tags[source.pk].note == "Her role is given."
    assert tags[source.pk].owner == staff  # a Label Studio user number names no one
    assert Relation.objects.get().from_annotation == tags[claim.pk]


def test_it_maps_several_annotations_to_users_by_completed_by_when_asked(
    staff, alice, bob, codebook
):
    claim, _ = claim_and_source(codebook)
    bob.email = "bob@example.org"
    bob.save()
    one = {"completed_by": {"id": 7, "username": "alice"}, "result": [
        region("a", EMOJI_TEXT, "Officials agreed", claim.name)]}  # fmt: skip
    two = {"completed_by": {"id": 8, "email": "bob@example.org"}, "result": [
        region("a", EMOJI_TEXT, "Officials agreed", claim.name)]}  # fmt: skip
    [summary] = import_uploads(
        uploads=[ls_file(task(EMOJI_TEXT, one, two))],
        options=Options(staff, codebook, completed_by=True),
    )
    assert summary.ok, summary.error
    assert sorted(Annotation.objects.values_list("owner__username", flat=True)) == ["alice", "bob"]


def test_it_is_never_refused_as_w3c(staff, codebook):
    bad = task(EMOJI_TEXT, {"result": [{"id": "x", "type": "rectanglelabels", "value": {}}]})
    [summary] = import_uploads(uploads=[ls_file(bad)], options=Options(staff, codebook))
    assert "rectanglelabels" in summary.error
    assert "Annotation" not in summary.error
    assert not Annotation.objects.exists()


def test_it_refuses_a_choice_that_is_not_in_the_labels_schema(staff, codebook):
    _, source = claim_and_source(codebook)
    results = [
        region("s1", EMOJI_TEXT, "Ana Ruiz", source.name),
        per_region("s1", "choices", "sentiment", choices=["happy"]),
    ]
    [summary] = import_uploads(
        uploads=[ls_file(task(EMOJI_TEXT, {"result": results}))], options=Options(staff, codebook)
    )
    assert "sentiment" in summary.error
    assert not Annotation.objects.exists()


def test_it_reads_utf16_offsets_of_older_exports_by_their_text(staff, codebook):
    claim, _ = claim_and_source(codebook)
    phrase = "Officials agreed"
    start = len(EMOJI_TEXT[: EMOJI_TEXT.index(phrase)].encode("utf-16-le")) // 2
    value = {"start": start, "end": start + len(phrase), "text": phrase, "labels": [claim.name]}
    old = {"id": "o", "type": "labels", "from_name": "label", "to_name": "text", "value": value}
    [summary] = import_uploads(
        uploads=[ls_file(task(EMOJI_TEXT, {"result": [old]}))], options=Options(staff, codebook)
    )
    assert summary.ok, summary.error
    assert Annotation.objects.get().quote == phrase


def test_it_round_trips_through_the_export(staff, alice, codebook, tmp_path):
    claim, source = claim_and_source(codebook)
    text = (
        "Café owners 👍🏽 said prices doubled.\r\nA senior source, who requested anonymity, agreed."
    )
    results = [
        region("s", text, "A senior source", source.name),
        per_region("s", "choices", "identification", choices=["anonymous"]),
        region("c", text, "prices doubled", claim.name),
        {"from_id": "c", "to_id": "s", "type": "relation", "labels": ["Attribution"]},
    ]
    upload = ls_file(task(text, {"completed_by": {"username": "alice"}, "result": results}))
    [first] = import_uploads(uploads=[upload], options=Options(staff, codebook, completed_by=True))
    assert first.ok, first.error
    out = tmp_path / "ls.json"
    call_command("export_annotations", "--format", "labelstudio", "-o", str(out))
    exported = json.loads(out.read_text())
    [annotation] = exported[0]["annotations"]
    labels = {r["value"]["text"]: r["value"]["labels"] for r in annotation["result"]
              if r["type"] == "labels"}  # fmt: skip
    assert labels == {"A senior source": [source.name], "prices doubled": [claim.name]}
    before = sorted(Annotation.objects.values_list("label_id", "start", "end", "attributes"))
    Annotation.objects.all().delete()
    [again] = import_uploads(
        uploads=[Upload("ls.json", out.read_bytes())],
        options=Options(staff, codebook, completed_by=True),
    )
    assert again.ok, again.error
    assert again.articles_matched == 1
    after = sorted(Annotation.objects.values_list("label_id", "start", "end", "attributes"))
    assert after == before
    assert Relation.objects.get().from_annotation.label == claim
    assert set(Annotation.objects.values_list("owner__username", flat=True)) == {"alice"}


def test_it_offers_the_format_to_the_command(staff):
    out = io.StringIO()
    call_command("export_annotations", "--format", "labelstudio", stdout=out)
    assert json.loads(out.getvalue()) == []
