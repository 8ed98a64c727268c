"""manage.py import_articles: files, folders and zips, with a summary and an exit code."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from newsdesk import ingestion
from newsdesk.models import Article, ImportBatch, ImportItem
from tests.newsdesk.files import docx_file, html_page, pdf_file, zip_file

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def run(*args, **kwargs) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "articles"
    (root / "web").mkdir(parents=True)
    (root / "web" / "flood.html").write_bytes(html_page())
    (root / "strike.docx").write_bytes(
        docx_file(["Dockers stopped work at dawn."], title="Harbour strike")
    )
    (root / ".DS_Store").write_bytes(b"\x00")
    (root / "bundle.zip").write_bytes(
        zip_file({"a.txt": b"First story from the zip.", "b.md": b"# Second\n\nFrom the zip."})
    )
    return root


def test_it_imports_a_folder_recursively_with_zips_inside(folder, staff):
    out, _ = run(str(folder))
    assert "Imported 4, duplicates skipped 0, failed 0 (of 4 files" in out
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "A",
        "Flood waters reach the old town",
        "Harbour strike",
        "Second",
    ]
    assert set(Article.objects.values_list("uploaded_by", flat=True)) == {staff.pk}
    assert Article.objects.get(title="A").original_filename == "articles/bundle.zip/a.txt"
    batch = ImportBatch.objects.get()
    assert batch.finished_at is not None
    assert not ImportItem.objects.filter(payload__isnull=False).exists()


def test_failures_and_duplicates_are_summarised_and_the_exit_code_says_so(tmp_path, alice):
    ingestion.article_ingest(text="Already here.", user=alice, title="Old")
    (tmp_path / "again.txt").write_text("Already here.")
    (tmp_path / "scan.pdf").write_bytes(pdf_file([[]]))
    (tmp_path / "good.pdf").write_bytes(pdf_file([["A good story from a PDF."]]))
    (tmp_path / "cut.zip").write_bytes(zip_file({"a.txt": b"A story." * 40})[:50])
    with pytest.raises(CommandError, match="2 files could not be imported"):
        run(str(tmp_path), user="alice")
    batch = ImportBatch.objects.get()
    assert batch.user == alice
    statuses = dict(batch.items.values_list("name", "status"))
    assert statuses == {
        f"{tmp_path.name}/again.txt": "duplicate",
        f"{tmp_path.name}/cut.zip": "failed",
        f"{tmp_path.name}/good.pdf": "imported",
        f"{tmp_path.name}/scan.pdf": "failed",
    }
    assert Article.objects.count() == 2


def test_the_summary_lists_each_duplicate_and_failure(tmp_path, alice, staff):
    ingestion.article_ingest(text="Already here.", user=alice, title="Old")
    (tmp_path / "again.txt").write_text("Already here.")
    (tmp_path / "empty.md").write_text("")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Duplicates skipped:\n" in text
    assert "again.txt: the same text is already here as “Old”" in text
    assert "Failed:" in text and "empty.md is empty." in text
    assert "Imported 0, duplicates skipped 1, failed 1 (of 2 files" in text


def test_the_process_exits_non_zero_on_a_missing_path(tmp_path):
    # A real process has its own database, not the test one: only a refusal that comes
    # before any data is touched is checked this way.
    result = subprocess.run(
        [sys.executable, "manage.py", "import_articles", str(tmp_path / "missing")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "missing: no such file or folder." in result.stderr


def test_the_progress_bar_counts_files(folder, staff, monkeypatch):
    import tqdm

    seen = []
    real_update = tqdm.tqdm.update

    def update(self, n=1):
        seen.append((n, self.total))
        return real_update(self, n)

    # The bar itself only draws on a terminal; the updates it gets are the same anyway.
    monkeypatch.setattr(tqdm.tqdm, "update", update)
    run(str(folder))
    assert seen == [(1, 4)] * 4


def test_it_needs_a_superuser_or_a_user(folder, alice):
    with pytest.raises(CommandError, match="There is no superuser to own the articles"):
        run(str(folder))
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        run(str(folder), user="nobody")
    assert not ImportBatch.objects.exists() and not Article.objects.exists()


def test_an_empty_folder_is_an_error(tmp_path, staff):
    with pytest.raises(CommandError, match="No files to import"):
        run(str(tmp_path))
    assert not ImportBatch.objects.exists()


def test_a_zip_bomb_is_refused_and_nothing_is_created(tmp_path, staff, settings):
    settings.NEWSDESK_MAX_ZIP_BYTES = 1_000_000
    (tmp_path / "bomb.zip").write_bytes(zip_file({f"{i}.txt": b"\x00" * 600_000 for i in range(2)}))
    with pytest.raises(CommandError, match="1 file could not be imported"):
        run(str(tmp_path / "bomb.zip"))
    item = ImportItem.objects.get()
    assert item.status == "failed" and "would expand to 1.1 MB" in item.message
    assert not Article.objects.exists()


def test_a_brat_folder_gives_its_texts_and_skips_its_tags_settings_and_readme(tmp_path, staff):
    corpus = tmp_path / "CoNLL"
    (corpus / "esp").mkdir(parents=True)
    (corpus / "esp" / "esp.train.txt").write_text("Rain fell on Madrid.", encoding="utf-8")
    (corpus / "esp" / "esp.train.ann").write_text("T1\tLOC 13 19\tMadrid\n", encoding="utf-8")
    for conf in ("annotation.conf", "tools.conf", "visual.conf"):
        (corpus / "esp" / conf).write_text("[entities]\nLOC\n", encoding="utf-8")
    (corpus / "README").write_text("The CoNLL 2002 shared task data.", encoding="utf-8")
    (corpus / "LICENSE").write_text("CC BY.", encoding="utf-8")
    with pytest.raises(CommandError, match="1 file could not be imported"):
        run(str(corpus))
    (batch,) = ImportBatch.objects.all()
    out = batch.items.values_list("name", "status", "message")
    assert sorted(out) == [
        (
            "CoNLL/LICENSE",
            "failed",
            "CoNLL/LICENSE: a file without an extension is not supported. Upload .txt, .md, "
            ".html, .htm, .docx, .pdf files, a .zip of them, or paste the text.",
        ),
        ("CoNLL/esp/esp.train.txt", "imported", ""),
    ]
    assert Article.objects.get().text == "Rain fell on Madrid."


def test_skipped_files_are_counted_in_the_summary(tmp_path, staff):
    (tmp_path / "a.txt").write_text("Rain fell on Madrid.", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tLOC 13 19\tMadrid\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("# About\n\nThe corpus.", encoding="utf-8")
    out, _ = run(str(tmp_path))
    listed = f"Skipped as not articles (.ann, .conf, README):\n  {tmp_path.name}/README.md\n"
    assert listed + f"  {tmp_path.name}/a.ann\n" in out
    assert "Imported 1, duplicates skipped 0, failed 0 (of 1 files; batch" in out
    assert "; 2 files skipped as not articles (.ann, .conf, README)." in out
    assert Article.objects.count() == 1
