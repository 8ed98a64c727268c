"""Bulk upload in a real browser: three files, one already here, followed to the summary."""

import re

from playwright.sync_api import expect

from newsdesk import extensions, import_batches, ingestion
from newsdesk.models import Article, ImportBatch, ImportItem
from tests.newsdesk.files import docx_file, html_page

# The immediate task backend imports during the upload request (with NER on the first
# article loading the spaCy model); the margin also covers htmx polls should it lag.
IMPORT_TIMEOUT_MS = 30_000


def test_a_bulk_upload_of_three_files_with_one_duplicate(
    page, live_server, login, alice, bob, tmp_path, output_dir
):
    existing = ingestion.article_ingest(
        text="The council approved the new budget on Monday.", user=bob, title="Budget approved"
    )
    files = [tmp_path / "flood.html", tmp_path / "strike.docx", tmp_path / "budget.txt"]
    files[0].write_bytes(html_page())
    files[1].write_bytes(
        docx_file(["Dockers stopped work at dawn in the harbour."], title="Harbour strike")
    )
    files[2].write_text("The council approved the new budget on Monday.\n")

    login(page, live_server, "alice", "alice-password-1")
    page.goto(f"{live_server.url}/articles/upload/")
    accept = page.locator("#id_files").get_attribute("accept")
    assert {".html", ".docx", ".pdf", ".zip"} <= set(accept.split(","))
    page.set_input_files("#id_files", files)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()

    batch = ImportBatch.objects.get()
    expect(page).to_have_url(f"{live_server.url}{batch.get_absolute_url()}")
    progress = page.get_by_role("status")
    expect(progress).to_contain_text(
        "3 of 3 · 2 added · 1 duplicate · 0 failed", timeout=IMPORT_TIMEOUT_MS
    )
    expect(progress).to_contain_text("Done")

    imported = page.get_by_role("list", name=re.compile("Imported"))
    expect(imported.get_by_role("link")).to_have_text(
        ["Flood waters reach the old town", "Harbour strike"]
    )
    duplicates = page.get_by_role("list", name=re.compile("Duplicates skipped"))
    expect(duplicates).to_contain_text("budget.txt")
    expect(duplicates.get_by_role("link", name="Budget approved")).to_have_attribute(
        "href", extensions.article_open_url(existing)
    )
    page.screenshot(path=output_dir / "import-batch.png", full_page=True)

    # The summary links are keyboard-reachable and lead to the articles.
    flood = Article.objects.get(title="Flood waters reach the old town")
    imported.get_by_role("link", name=flood.title).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The same place the article list opens: the workbench.
    expect(page).to_have_url(f"{live_server.url}{extensions.article_open_url(flood)}")

    assert Article.objects.count() == 3
    assert sorted(batch.items.values_list("status", flat=True)) == [
        "duplicate",
        "imported",
        "imported",
    ]
    assert not ImportItem.objects.filter(payload__isnull=False).exists()
    assert page.console_errors == []


def test_another_users_batch_is_not_found_in_the_browser(page, live_server, login, alice, bob):
    batch = import_batches.import_batch_create(user=bob, name="bob.zip", entries=[], enqueue=False)
    login(page, live_server, "alice", "alice-password-1")
    response = page.goto(f"{live_server.url}{batch.get_absolute_url()}")
    assert response.status == 404
