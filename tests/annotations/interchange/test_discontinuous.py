"""Issue 14 item 8: discontinuous brat spans come in as linked stretches and go back out."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from annotations import services
from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, Relation
from tests.annotations.interchange.files import W3C_SUITE
from tests.annotations.interchange.test_w3c_schemas import failures

pytestmark = pytest.mark.django_db

TEXT = "The minister, “we will not negotiate,” said the spokesman of the ministry."


def offsets(phrase):
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def test_it_imports_a_discontinuous_span_as_linked_stretches_and_writes_it_back(
    tmp_path, alice, codebook, source_label
):
    (a, b), (c, d) = offsets("The minister"), offsets("the spokesman")
    name = source_label.name.replace(" ", "_")
    ann = f"T1\t{name} {a} {b};{c} {d}\tThe minister the spokesman\n"
    [result] = [
        r
        for r in import_uploads(
            uploads=[Upload("q.txt", TEXT.encode()), Upload("q.ann", ann.encode())],
            options=Options(alice, codebook),
        )
    ]
    assert result.ok, result.error
    first, second = Annotation.objects.order_by("start")
    assert (first.quote, second.quote) == ("The minister", "the spokesman")
    relation = Relation.objects.get()
    assert (relation.from_annotation, relation.to_annotation, relation.type) == (
        second,
        first,
        Relation.Type.FRAGMENT_OF,
    )
    out = tmp_path / "back.zip"
    call_command("export_annotations", "--format", "brat", "-o", str(out))
    with zipfile.ZipFile(out) as archive:
        written = archive.read(f"alice/{first.article_id}.ann").decode()
    assert written == f"T1\t{name} {a} {b};{c} {d}\tThe minister the spokesman\n"
    Annotation.objects.all().delete()
    with zipfile.ZipFile(out) as archive:
        back = [Upload(n, archive.read(n)) for n in archive.namelist()]
    [again] = import_uploads(uploads=back, options=Options(alice, codebook))
    assert again.ok, again.error
    assert again.tags_added == 2 and again.relations_added == 1


def test_it_refuses_a_stretch_linking_tags_of_two_labels(
    alice, article, tag, source_label, claim_label
):
    first = tag(article, alice, source_label, "security source")
    later = tag(article, alice, claim_label, "killed 1,200 people")
    problem = services.relation_refusal(
        from_annotation=later, to_annotation=first, type=Relation.Type.FRAGMENT_OF
    )
    assert problem == "A stretch continues a tag of the same label only."


def test_it_exports_stretches_to_jsonl_with_their_link(alice, codebook, source_label):
    (a, b), (c, d) = offsets("The minister"), offsets("the spokesman")
    ann = f"T1\t{source_label.name.replace(' ', '_')} {a} {b};{c} {d}\tThe minister the spokesman\n"
    import_uploads(
        uploads=[Upload("q.txt", TEXT.encode()), Upload("q.ann", ann.encode())],
        options=Options(alice, codebook),
    )
    out = io.StringIO()
    call_command("export_annotations", "--format", "jsonl", stdout=out)
    assert '"type": "fragment_of"' in out.getvalue()


def import_discontinuous(alice, codebook, source_label):
    (a, b), (c, d) = offsets("The minister"), offsets("the spokesman")
    name = source_label.name.replace(" ", "_")
    ann = (
        f"T1\t{name} {a} {b};{c} {d}\tThe minister the spokesman\n"
        f"A1\tidentification T1 named\n#1\tAnnotatorNotes T1\tSplit by the quote.\n"
    )
    [result] = import_uploads(
        uploads=[Upload("q.txt", TEXT.encode()), Upload("q.ann", ann.encode())],
        options=Options(alice, codebook),
    )
    assert result.ok, result.error


def w3c_export():
    out = io.StringIO()
    call_command("export_annotations", "--format", "w3c", stdout=out)
    return json.loads(out.getvalue())


def test_it_exports_stretches_to_w3c_as_one_annotation_with_a_target_each(
    alice, codebook, source_label
):
    import_discontinuous(alice, codebook, source_label)
    first, second = Annotation.objects.order_by("start")
    collection = w3c_export()
    (item,) = collection["first"]["items"]
    assert collection["total"] == 1
    assert item["id"].endswith(f"/tags/{first.pk}/")
    targets = item["target"]
    quotes = [part["selector"][0]["exact"] for part in targets]
    positions = [(part["selector"][1]["start"], part["selector"][1]["end"]) for part in targets]
    assert quotes == ["The minister", "the spokesman"]
    assert positions == [(first.start, first.end), (second.start, second.end)]
    # No "continues" body: the targets say it.
    assert {body["purpose"] for body in item["body"]} == {"tagging", "classifying", "commenting"}
    if W3C_SUITE.is_dir():
        standalone = {"@context": collection["@context"], **item}
        assert failures(standalone, "annotations/annotationMusts.test") == []
        assert failures(collection, "collections/collectionMusts.test") == []


def test_it_reads_a_w3c_annotation_with_several_targets_back_as_linked_stretches(
    alice, codebook, source_label
):
    import_discontinuous(alice, codebook, source_label)
    data = json.dumps(w3c_export()).encode()
    Annotation.objects.all().delete()
    [again] = import_uploads(
        uploads=[Upload("back.jsonld", data)], options=Options(alice, codebook)
    )
    assert again.ok, again.error
    assert (again.tags_added, again.relations_added) == (2, 1)
    first, second = Annotation.objects.order_by("start")
    assert (first.quote, second.quote) == ("The minister", "the spokesman")
    assert first.attributes == second.attributes == {"identification": "named"}
    assert first.note == second.note == "Split by the quote."
    relation = Relation.objects.get()
    assert (relation.from_annotation, relation.to_annotation, relation.type) == (
        second,
        first,
        Relation.Type.FRAGMENT_OF,
    )
    # And once more out: the same single annotation.
    (item,) = w3c_export()["first"]["items"]
    assert [p["selector"][0]["exact"] for p in item["target"]] == [
        "The minister",
        "the spokesman",
    ]


def test_it_refuses_an_annotation_whose_targets_are_on_two_articles(alice, codebook):
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "urn:x:1",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "Source"},
        "target": [
            {
                "source": f"http://x/articles/{n}/",
                "selector": {"type": "TextQuoteSelector", "exact": "a"},
            }
            for n in (1, 2)
        ],
    }
    [result] = import_uploads(
        uploads=[Upload("two.jsonld", json.dumps(item).encode())], options=Options(alice, codebook)
    )
    assert not result.ok
    assert "the annotation targets several resources" in result.error
    assert not Annotation.objects.exists()


def test_it_keeps_stretches_through_label_studio_as_regions_with_a_relation(
    alice, codebook, source_label
):
    import_discontinuous(alice, codebook, source_label)
    out = io.StringIO()
    call_command("export_annotations", "--format", "labelstudio", stdout=out)
    (task,) = json.loads(out.getvalue())
    results = task["annotations"][0]["result"]
    assert [r["labels"] for r in results if r["type"] == "relation"] == [["fragment_of"]]
    Annotation.objects.all().delete()
    [again] = import_uploads(
        uploads=[Upload("back.json", out.getvalue().encode())], options=Options(alice, codebook)
    )
    assert again.ok, again.error
    assert (again.tags_added, again.relations_added) == (2, 1)
    assert Relation.objects.get().type == Relation.Type.FRAGMENT_OF
