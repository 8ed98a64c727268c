"""Issue 14 item 5: Newsdesk reads its own exports back, large ones and empty files too."""

import io
import zipfile

import pytest
from django.core.management import call_command

from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, ArticleCodebook, Codebook, Label
from newsdesk import ingestion

pytestmark = pytest.mark.django_db


def export(tmp_path, fmt, *args) -> bytes:
    out = tmp_path / f"out.{fmt}"
    call_command("export_annotations", "--format", fmt, "-o", str(out), *args)
    return out.read_bytes()


def test_it_imports_a_brat_export_of_one_annotator_with_articles_of_another_codebook(
    tmp_path, staff, alice, codebook, article, other_article, tag, claim_label
):
    other = Codebook.objects.create(name="Persuasion")
    Label.objects.create(codebook=other, category="framing", name="Loaded", colour="#a0522d")
    ArticleCodebook.objects.create(article=other_article, codebook=other)
    tag(article, alice, claim_label, "killed 1,200 people")
    data = export(tmp_path, "brat", "--annotator", "alice")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read(f"alice/{other_article.pk}.ann") == b""  # empty: no tags there
    Annotation.objects.all().delete()
    results = import_uploads(
        uploads=[Upload("alice.zip", data)],
        options=Options(staff, codebook, folder_annotators=True),
    )
    assert [r.error for r in results if not r.ok] == []
    # The empty .ann matches its article, which keeps its own codebook and no tags.
    assert sorted(r.articles_matched for r in results) == [1, 1]
    assert not other_article.annotations.exists()
    assert list(Annotation.objects.values_list("owner__username", "quote")) == [
        ("alice", "killed 1,200 people")
    ]


def test_it_skips_empty_files_with_a_count(tmp_path, staff, article):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.json").write_bytes(b"\n  \n")
    out = io.StringIO()
    call_command("import_annotations", str(tmp_path), "--user", staff.username, stdout=out)
    assert "empty.jsonl: skipped (empty)" in out.getvalue()
    assert "0 file(s) imported, 0 refused, 2 skipped (empty: 2)" in out.getvalue()


@pytest.mark.parametrize("fmt", ["jsonl", "w3c", "labelstudio"])
def test_it_reads_back_an_export_of_6000_tags_over_the_article_upload_limit(
    tmp_path, settings, staff, alice, codebook, claim_label, fmt
):
    words = " ".join(f"w{n:04d}" for n in range(6_000))
    article = ingestion.article_ingest_exact(text=words, user=alice)
    Annotation.objects.bulk_create(
        Annotation(
            article=article,
            owner=alice,
            label=claim_label,
            start=n * 6,
            end=n * 6 + 5,
            quote=f"w{n:04d}",
            origin=Annotation.Origin.MANUAL,
        )
        for n in range(6_000)
    )
    data = export(tmp_path, fmt)
    assert len(data) > 1_000_000
    # The article upload limit is no longer the one tag files are held to.
    settings.NEWSDESK_MAX_UPLOAD_BYTES = 1_000_000
    Annotation.objects.all().delete()
    name = {"jsonl": "back.jsonl", "w3c": "back.jsonld", "labelstudio": "back.json"}[fmt]
    options = Options(staff, codebook, article=article, completed_by=True)
    [result] = import_uploads(uploads=[Upload(name, data)], options=options)
    assert result.ok, result.error
    assert result.tags_added == 6_000
    assert Annotation.objects.filter(owner=alice).count() == 6_000


def test_it_refuses_a_file_over_the_annotation_import_limit(settings, staff, codebook):
    settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES = 100
    [result] = import_uploads(
        uploads=[Upload("big.jsonl", b'{"text": "x"}' + b" " * 200)],
        options=Options(staff, codebook),
    )
    assert not result.ok
    assert not Annotation.objects.exists()
