"""Bulk upload: a zip or several files become an import batch, imported file by file."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsdesk import entities, extensions, formats, import_batches, ingestion
from newsdesk.models import Article, ImportBatch, ImportItem
from tests.newsdesk.files import docx_file, html_page, pdf_file, zip_file

pytestmark = pytest.mark.django_db

UPLOAD = reverse("newsdesk:article-upload")


def upload(client, files, capture, **data):
    """POST an upload and run what it queued (the batch task, then entity extraction)."""
    with capture(execute=True):
        return client.post(UPLOAD, {"files": files, **data})


def mixed_zip(duplicate_text: str = "") -> bytes:
    members = {
        "news/flood.html": html_page(),
        "news/strike.docx": docx_file(
            ["Dockers stopped work at dawn in the harbour of Valencia."], title="Harbour strike"
        ),
        "news/talks.pdf": pdf_file([["Delegations met in Cairo on Tuesday."]]),
        "news/inner.zip": zip_file({"a.txt": b"A."}),
        "news/scan.pdf": pdf_file([[]]),
        "__MACOSX/news/._flood.html": b"\x00",
    }
    if duplicate_text:
        members["news/again.txt"] = duplicate_text.encode()
    return zip_file(members)


def test_a_zip_of_mixed_formats_is_imported_with_a_summary(
    alice_client, alice, bob, django_capture_on_commit_callbacks
):
    existing = ingestion.article_ingest(text="An old story from Doha.", user=bob, title="Old")
    data = mixed_zip(duplicate_text="An old story from Doha.")
    response = upload(
        alice_client,
        [SimpleUploadedFile("batch.zip", data)],
        django_capture_on_commit_callbacks,
        outlet="Wire",
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.user, batch.name, batch.metadata) == (alice, "batch.zip", {"outlet": "Wire"})
    assert batch.finished_at is not None

    items = {i.name.removeprefix("batch.zip/news/"): i for i in batch.items.all()}
    assert list(items) == [
        "flood.html",
        "strike.docx",
        "talks.pdf",
        "inner.zip",
        "scan.pdf",
        "again.txt",
    ]
    assert {n: i.status for n, i in items.items()} == {
        "flood.html": "imported",
        "strike.docx": "imported",
        "talks.pdf": "imported",
        "inner.zip": "failed",
        "scan.pdf": "failed",
        "again.txt": "duplicate",
    }
    assert items["again.txt"].article == existing
    assert "scan.pdf has no text layer" in items["scan.pdf"].message
    assert "an archive inside the archive" in items["inner.zip"].message
    # Every file's bytes are gone from the database once it is processed.
    assert not ImportItem.objects.filter(payload__isnull=False).exists()

    flood = items["flood.html"].article
    assert (flood.title, flood.byline, str(flood.published_on)) == (
        "Flood waters reach the old town",
        "Jane Doe",
        "2024-03-01",
    )
    assert flood.outlet.name == "Wire"  # the form's value wins over the page's site name
    assert flood.original_filename == "batch.zip/news/flood.html"
    assert "<" not in flood.text
    assert Article.objects.count() == 4
    imported = Article.objects.filter(import_items__status="imported")
    assert set(imported.values_list("status", flat=True)) == {"ready"}
    assert items["talks.pdf"].article.mentions.filter(text="Cairo").exists()

    page = alice_client.get(batch.get_absolute_url()).content.decode()
    assert "6 of 6 · 3 added · 1 duplicate · 2 failed" in page
    assert "every 1s" not in page
    # Articles open where the article list opens them (the workbench, with annotations).
    assert f'href="{extensions.article_open_url(flood)}"' in page
    assert f'already here as <a href="{extensions.article_open_url(existing)}">Old</a>' in page
    assert "batch.zip/news/scan.pdf</strong>: batch.zip/news/scan.pdf has no text layer" in page


def test_one_failing_file_leaves_no_half_made_article_and_the_others_go_in(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    real_enqueue = entities.enqueue

    def enqueue(article):
        if article.title == "Boom":
            raise RuntimeError("the queue is down")
        real_enqueue(article)

    monkeypatch.setattr(entities, "enqueue", enqueue)
    entries = [
        formats.Member("a.txt", data=b"First story."),
        formats.Member("boom.txt", data=b"title: Boom\nThe article row is saved, then this fails."),
        formats.Member("c.txt", data=b"Third story."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batches.import_batch_create(user=alice, name="three", entries=entries)
    statuses = list(batch.items.values_list("name", "status", "message"))
    assert statuses == [
        ("a.txt", "imported", ""),
        (
            "boom.txt",
            "failed",
            "boom.txt could not be imported: an unexpected error (RuntimeError).",
        ),
        ("c.txt", "imported", ""),
    ]
    assert sorted(Article.objects.values_list("title", flat=True)) == ["A", "C"]


def test_processing_twice_imports_nothing_twice(alice, django_capture_on_commit_callbacks):
    entries = [formats.Member("a.txt", data=b"First story.")]
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_batches.import_batch_create(user=alice, name="one", entries=entries)
    item = batch.items.get()
    assert import_batches.import_item_process(item_id=item.pk) is None
    import_batches.import_batch_run(batch_id=batch.pk)
    assert Article.objects.count() == 1
    assert batch.items.get().status == "imported"


def test_the_batch_waits_in_the_queue_with_its_files_in_the_database(alice_client):
    files = [SimpleUploadedFile("a.txt", b"First."), SimpleUploadedFile("b.txt", b"Second.")]
    response = alice_client.post(UPLOAD, {"files": files})  # on-commit work is not run
    batch = ImportBatch.objects.get()
    assert [bytes(p) for p in batch.items.values_list("payload", flat=True)] == [
        b"First.",
        b"Second.",
    ]
    assert not Article.objects.exists()
    page = alice_client.get(response["Location"]).content.decode()
    assert "0 of 2 · 0 added · 0 duplicates · 0 failed" in page
    assert 'hx-trigger="every 1s"' in page
    fragment = alice_client.get(response["Location"], headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="batch-progress"')
    assert b"<html" not in fragment.content


@pytest.mark.parametrize(
    "data,message",
    [
        (zip_file({"a.txt": b"A story." * 50, "b.txt": b"B."})[:60], "is not a readable zip"),
        (zip_file({f"{i}.txt": b"\x00" * 800_000 for i in range(3)}), "would expand to 2.3 MB"),
        (zip_file({f"{i}.txt": b"x" for i in range(4)}), "holds 4 files; a zip may hold at most 3"),
        (zip_file({"inner.zip": b"PK", "notes.rtf": b"{"}), "an archive inside the archive"),
        (zip_file({"__MACOSX/._a.txt": b"x", ".DS_Store": b"x"}), "holds no files to import"),
    ],
    ids=["truncated", "bomb", "too-many-files", "nothing-importable", "only-system-files"],
)
def test_a_zip_that_cannot_be_imported_creates_nothing(
    alice_client, settings, data, message, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_MAX_ZIP_MEMBERS = 3
    settings.NEWSDESK_MAX_ZIP_BYTES = 2 * 1024 * 1024
    response = upload(
        alice_client, [SimpleUploadedFile("up.zip", data)], django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert not ImportItem.objects.exists()
    assert not Article.objects.exists()


def test_a_refused_zip_among_good_files_is_one_failed_item(
    alice_client, django_capture_on_commit_callbacks
):
    files = [
        SimpleUploadedFile("cut.zip", zip_file({"a.txt": b"A story." * 50})[:40]),
        SimpleUploadedFile("good.txt", b"A good story."),
    ]
    upload(alice_client, files, django_capture_on_commit_callbacks)
    assert list(ImportItem.objects.values_list("name", "status")) == [
        ("cut.zip", "failed"),
        ("good.txt", "imported"),
    ]
    assert Article.objects.get().title == "Good"


def test_a_zip_over_its_upload_limit_is_refused_unread(
    alice_client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_MAX_ZIP_UPLOAD_BYTES = 100
    data = zip_file({"a.txt": b"x" * 500}, compression=0)
    response = upload(
        alice_client, [SimpleUploadedFile("big.zip", data)], django_capture_on_commit_callbacks
    )
    assert "big.zip is 6" in response.content.decode()
    assert "the limit is 100\xa0bytes" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_member_over_the_per_file_limit_fails_alone(
    alice_client, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_MAX_UPLOAD_BYTES = 1000
    data = zip_file({"big.txt": b"word " * 400, "small.txt": b"Small story."})
    upload(alice_client, [SimpleUploadedFile("z.zip", data)], django_capture_on_commit_callbacks)
    assert list(ImportItem.objects.values_list("name", "status", "message")) == [
        ("z.zip/big.txt", "failed", "z.zip/big.txt is 2.0 KB; the limit per file is 1000 bytes."),
        ("z.zip/small.txt", "imported", ""),
    ]


def test_a_title_cannot_go_with_a_zip(alice_client):
    response = alice_client.post(
        UPLOAD, {"files": [SimpleUploadedFile("a.zip", zip_file({"a.txt": b"A."}))], "title": "T"}
    )
    assert "A title fits one article" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_form_date_applies_to_every_article_of_the_batch(
    alice_client, django_capture_on_commit_callbacks
):
    data = zip_file({"a.txt": b"One.", "b.txt": b"date 2020-01-01\nTwo."})
    upload(
        alice_client,
        [SimpleUploadedFile("d.zip", data)],
        django_capture_on_commit_callbacks,
        published_on="2024-02-13",
    )
    assert set(Article.objects.values_list("published_on", flat=True)) == {
        datetime.date(2024, 2, 13)
    }


def test_a_single_plain_file_keeps_the_direct_path(
    alice_client, django_capture_on_commit_callbacks
):
    upload_ = SimpleUploadedFile("flood.html", html_page())
    response = upload(alice_client, [upload_], django_capture_on_commit_callbacks)
    article = Article.objects.get()
    assert response["Location"] == extensions.article_open_url(article)
    assert article.title == "Flood waters reach the old town"
    assert not ImportBatch.objects.exists()


def test_a_single_broken_file_is_refused_on_the_form(alice_client):
    data = docx_file(["Text."])
    response = alice_client.post(UPLOAD, {"files": [SimpleUploadedFile("cut.docx", data[:500])]})
    assert "cut.docx cannot be read as a Word (.docx) file" in response.content.decode()
    assert not Article.objects.exists() and not ImportBatch.objects.exists()


# Who sees a batch.


@pytest.fixture
def alices_batch(alice):
    return import_batches.import_batch_create(
        user=alice, name="a.zip", entries=[formats.Member("a.txt", data=b"A.")]
    )


def test_another_users_batch_is_a_404(client, bob, alices_batch):
    client.force_login(bob)
    assert client.get(alices_batch.get_absolute_url()).status_code == 404


def test_staff_can_follow_any_batch(client, staff, alices_batch):
    client.force_login(staff)
    response = client.get(alices_batch.get_absolute_url())
    assert response.status_code == 200
    assert "by alice" in response.content.decode()


def test_the_batch_page_needs_a_login_and_a_get(client, alice_client, alices_batch):
    url = alices_batch.get_absolute_url()
    assert alice_client.post(url).status_code == 405
    alice_client.logout()
    assert "/login/" in alice_client.get(url)["Location"]


def test_the_batch_page_query_count_does_not_grow_with_files(
    alice_client, alice, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    entries = [formats.Member(f"{i}.txt", data=f"Story number {i}.".encode()) for i in range(150)]
    entries += [formats.Member(f"{i}.jpg", error=f"{i}.jpg is not supported") for i in range(50)]
    entries += [formats.Member(f"again-{i}.txt", data=b"Story number 1.") for i in range(20)]
    with django_capture_on_commit_callbacks(execute=False):
        batch = import_batches.import_batch_create(user=alice, name="many", entries=entries)
    import_batches.import_batch_run(batch_id=batch.pk)
    with django_assert_max_num_queries(5):
        response = alice_client.get(batch.get_absolute_url())
    assert "220 of 220 · 150 added · 20 duplicates · 50 failed" in response.content.decode()


# Admin.


def test_batches_are_read_only_in_the_admin(client, staff, alices_batch):
    client.force_login(staff)
    changelist = client.get(reverse("admin:newsdesk_importbatch_changelist"))
    assert changelist.status_code == 200
    assert b"a.zip" in changelist.content
    change = client.get(reverse("admin:newsdesk_importbatch_change", args=[alices_batch.pk]))
    assert change.status_code == 200
    assert b"a.txt" in change.content
    assert b'name="_save"' not in change.content
    assert client.get(reverse("admin:newsdesk_importbatch_add")).status_code == 403


# A batch whose worker stopped.


def test_a_stalled_batch_offers_to_resume_and_resuming_imports_the_rest(
    alice_client, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the worker never ran
        batch = import_batches.import_batch_create(
            user=alice,
            name="two.zip",
            entries=[formats.Member("a.txt", data=b"First."), formats.Member("b.txt", data=b"2.")],
        )
    page = alice_client.get(batch.get_absolute_url()).content.decode()
    assert "Resume the import" not in page  # just queued: not stalled yet
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - datetime.timedelta(minutes=5)
    )
    page = alice_client.get(batch.get_absolute_url()).content.decode()
    assert "the background worker may have stopped" in page
    resume = reverse("newsdesk:import-batch-resume", args=[batch.pk])
    bob_client = type(alice_client)()
    bob_client.force_login(bob)
    assert bob_client.post(resume).status_code == 404
    assert alice_client.get(resume).status_code == 405
    assert ImportItem.objects.filter(status=ImportItem.Status.PENDING).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(resume)
    assert response.status_code == 302
    assert set(ImportItem.objects.values_list("status", flat=True)) == {"imported"}
    assert Article.objects.count() == 2
    page = alice_client.get(batch.get_absolute_url()).content.decode()
    assert "2 of 2 · 2 added" in page and "Resume the import" not in page
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(resume)  # nothing left: harmless
    assert Article.objects.count() == 2
