import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from newsdesk import entities, extensions, ingestion
from newsdesk.models import Article, EntityMention, ImportBatch

pytestmark = pytest.mark.django_db

UPLOAD = reverse("newsdesk:article-upload")
LIST = reverse("newsdesk:article-list")


def make_article(user, text="Abbas Kamel met officials in Cairo.", **kwargs):
    return ingestion.article_ingest(text=text, user=user, **kwargs)


@pytest.mark.parametrize(
    "url",
    [LIST, UPLOAD, reverse("newsdesk:article-detail", args=[1]), reverse("admin:index")],
)
def test_it_sends_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_login_page_is_open(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_it_logs_in_with_the_form(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_it_uploads_the_sample_file_and_opens_it_where_the_list_does(
    alice_client, alice, sample_text, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("cairo.txt", sample_text.encode(), content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(UPLOAD, {"files": [upload], "outlet": "EFE"})
    article = Article.objects.get()
    assert response.status_code == 302
    # The page the article list opens (the workbench, when annotations is installed).
    assert response["Location"] == extensions.article_open_url(article)
    assert response["Location"] == f"/articles/{article.pk}/code/"
    assert article.status == Article.Status.READY
    assert article.original_filename == "cairo.txt"
    assert article.uploaded_by == alice
    assert str(article.published_on) == "2024-02-13"

    page = alice_client.get(article.get_absolute_url())
    assert b'class="ent ent-PERSON"' in page.content
    assert b"Abbas Kamel</span>" in page.content


def test_it_uploads_several_files_and_pasted_text_at_once(
    alice_client, django_capture_on_commit_callbacks
):
    files = [
        SimpleUploadedFile("one.txt", b"First story about Cairo."),
        SimpleUploadedFile("two.md", b"# Second story\n\nAbout Doha."),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(UPLOAD, {"files": files, "text": "Third story, pasted."})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert batch.name == "2 files and pasted text"
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "One",
        "Second story",
        "Third story, pasted.",
    ]


def test_a_bad_file_is_refused_while_the_good_ones_are_kept(
    alice_client, django_capture_on_commit_callbacks
):
    files = [
        SimpleUploadedFile("good.txt", b"A good story."),
        SimpleUploadedFile("latin.txt", "Café".encode("latin-1")),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("scan.pdf", b"%PDF-1.4"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(UPLOAD, {"files": files})
    content = alice_client.get(response["Location"]).content.decode()
    assert "4 of 4 · 1 added · 0 duplicates · 3 failed" in content
    assert "latin.txt is not valid UTF-8 text" in content
    assert "empty.txt is empty" in content
    assert "scan.pdf cannot be read as a PDF" in content
    assert list(Article.objects.values_list("title", flat=True)) == ["Good"]


def test_an_upload_where_nothing_can_be_imported_creates_no_batch(alice_client):
    files = [SimpleUploadedFile("empty.txt", b""), SimpleUploadedFile("photo.jpg", b"\xff")]
    response = alice_client.post(UPLOAD, {"files": files})
    assert response.status_code == 200
    content = response.content.decode()
    assert "empty.txt is empty" in content
    assert "photo.jpg: .jpg is not supported" in content
    assert not ImportBatch.objects.exists() and not Article.objects.exists()


def test_a_duplicate_links_to_the_existing_article(alice_client, bob):
    existing = make_article(bob, title="Already here")
    upload = SimpleUploadedFile("again.txt", existing.text.encode())
    response = alice_client.post(UPLOAD, {"files": [upload]})
    assert response.status_code == 200
    assert "already here as “Already here”" in response.content.decode()
    assert existing.get_absolute_url().encode() in response.content
    assert Article.objects.count() == 1


def test_an_upload_without_files_or_text_says_so(alice_client):
    response = alice_client.post(UPLOAD, {"title": "Nothing"})
    assert "Choose at least one file or paste some text." in response.content.decode()
    assert Article.objects.count() == 0


def test_a_title_for_several_articles_is_refused(alice_client):
    files = [SimpleUploadedFile("a.txt", b"A."), SimpleUploadedFile("b.txt", b"B.")]
    response = alice_client.post(UPLOAD, {"files": files, "title": "One title"})
    assert "A title fits one article" in response.content.decode()
    assert Article.objects.count() == 0


def test_too_many_files_are_refused(alice_client, settings):
    settings.NEWSDESK_MAX_UPLOAD_FILES = 1
    files = [SimpleUploadedFile("a.txt", b"A."), SimpleUploadedFile("b.txt", b"B.")]
    response = alice_client.post(UPLOAD, {"files": files})
    assert "upload at most 1 at a time" in response.content.decode()
    assert Article.objects.count() == 0


def test_the_list_shows_status_and_polls_while_processing(alice_client, alice):
    make_article(alice, title="Waiting")  # no on-commit callbacks run: still processing
    failed = make_article(alice, text="Another text.", title="Broken")
    Article.objects.filter(pk=failed.pk).update(status="failed", error="Model missing")
    response = alice_client.get(LIST)
    content = response.content.decode()
    assert "Finding entities…" in content
    assert 'title="Model missing"' in content
    assert 'hx-trigger="every 2s"' in content

    fragment = alice_client.get(LIST, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="article-rows"')
    assert b"<html" not in fragment.content


def test_the_reader_escapes_uploaded_markup(alice_client, alice):
    article = make_article(alice, text="<script>alert('x')</script> Abbas Kamel in Cairo.")
    entities.article_extract_entities(article_id=article.pk)
    response = alice_client.get(article.get_absolute_url())
    assert b"<script>alert" not in response.content
    assert b"&lt;script&gt;alert('x')&lt;/script&gt;" in response.content


def test_the_reader_polls_while_processing_and_its_fragment_stops_when_ready(alice_client, alice):
    article = make_article(alice)
    page = alice_client.get(article.get_absolute_url())
    assert b'hx-trigger="every 2s"' in page.content
    assert b"Finding people, organisations and places" in page.content

    entities.article_extract_entities(article_id=article.pk)
    fragment = alice_client.get(article.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<div id="reader"')
    assert b"every 2s" not in fragment.content
    assert b"<html" not in fragment.content
    assert b'data-ent-toggle="PERSON"' in fragment.content


def test_the_reader_lists_entities_with_mention_counts(alice_client, alice):
    article = make_article(alice, text="Hamas said no. Later Hamas said yes. Cairo waited.")
    EntityMention.objects.bulk_create(
        [
            EntityMention(article=article, start=0, end=5, label="ORG", text="Hamas"),
            EntityMention(article=article, start=21, end=26, label="ORG", text="Hamas"),
        ]
    )
    Article.objects.filter(pk=article.pk).update(status="ready")
    content = alice_client.get(article.get_absolute_url()).content.decode()
    assert 'data-ent-key="ORG:Hamas"' in content
    assert '<span class="count" title="mentions">2</span>' in content


def test_the_reader_query_count_does_not_grow_with_mentions(
    alice_client, alice, django_assert_max_num_queries
):
    article = make_article(alice, text="Cairo " * 2000)
    EntityMention.objects.bulk_create(
        EntityMention(article=article, start=i * 6, end=i * 6 + 5, label="GPE", text="Cairo")
        for i in range(2000)
    )
    with django_assert_max_num_queries(6):
        response = alice_client.get(article.get_absolute_url())
    assert response.content.count(b'class="ent ent-GPE"') == 2000


def test_an_unknown_article_is_a_404(alice_client):
    assert alice_client.get(reverse("newsdesk:article-detail", args=[999])).status_code == 404


def test_retry_needs_post(alice_client, alice):
    article = make_article(alice)
    url = reverse("newsdesk:article-retry-entities", args=[article.pk])
    assert alice_client.get(url).status_code == 405


def test_retry_runs_extraction_again(alice_client, alice, django_capture_on_commit_callbacks):
    article = make_article(alice)
    Article.objects.filter(pk=article.pk).update(status="failed", error="boom")
    url = reverse("newsdesk:article-retry-entities", args=[article.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(url)
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.status, article.error) == ("ready", "")
    assert article.mentions.filter(text="Cairo").exists()


def test_writes_need_the_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(UPLOAD, {"text": "Some text."})
    assert response.status_code == 403
    assert Article.objects.count() == 0


def test_pages_send_a_strict_content_security_policy(alice_client):
    response = alice_client.get(LIST)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # htmx is served from our own static files, never a CDN.
    assert b'src="/static/django_htmx/htmx-2.min.js"' in response.content
    assert b"<script>" not in response.content


def test_annotators_cannot_open_the_admin(alice_client):
    response = alice_client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_pasted_text_over_the_limit_gets_a_form_error_and_saves_nothing(alice_client, settings):
    settings.NEWSDESK_MAX_UPLOAD_BYTES = 100
    response = alice_client.post("/articles/upload/", {"text": "Talks. " * 20})
    assert response.status_code == 200
    assert "The pasted text is over the limit of 100\xa0bytes" in response.content.decode()
    assert not Article.objects.exists()


def test_pasted_text_far_over_the_limit_gets_the_same_message_not_an_error_page(
    alice_client, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    response = alice_client.post("/articles/upload/", {"text": "Talks. " * 1_000})
    assert response.status_code == 413
    assert "The pasted text is over the limit" in response.content.decode()
    assert not Article.objects.exists()
