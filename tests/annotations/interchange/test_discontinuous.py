"""Issue 14 item 8: discontinuous brat spans come in as linked stretches and go back out."""

import io
import zipfile

import pytest
from django.core.management import call_command

from annotations import services
from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, Relation

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
