import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newsdesk import ingestion
from newsdesk.ingest import IngestError
from newsdesk.models import Article, Entity

pytestmark = pytest.mark.django_db


def test_it_creates_an_article_and_finds_its_entities(
    alice, sample_text, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=sample_text, user=alice, outlet="EFE")
    article.refresh_from_db()
    assert article.status == Article.Status.READY
    assert article.published_on == datetime.date(2024, 2, 13)
    assert article.outlet.name == "EFE"
    assert article.uploaded_by == alice
    assert article.text.startswith("Representatives")
    kamel = article.mentions.get(text="Abbas Kamel")
    assert kamel.label == "PERSON"
    assert article.text[kamel.start : kamel.end] == "Abbas Kamel"
    assert kamel.entity == Entity.objects.get(label="PERSON", name="Abbas Kamel")
    # All mentions of Hamas point at one entity.
    hamas = article.mentions.filter(text="Hamas", label="ORG")
    assert hamas.count() > 1 and len({m.entity_id for m in hamas}) == 1


def test_user_values_win_over_the_metadata_prefix(alice):
    article = ingestion.article_ingest(
        text="date 2024-02-13 Body.", user=alice, published_on=datetime.date(2024, 2, 14)
    )
    assert article.published_on == datetime.date(2024, 2, 14)


def test_it_refuses_the_same_text_twice_and_names_the_existing_article(alice, bob):
    first = ingestion.article_ingest(text="Cafe\u0301 news.", user=alice, title="First")
    with pytest.raises(ingestion.DuplicateArticle) as refused:
        ingestion.article_ingest(text="  Caf\u00e9 news.\r\n", user=bob)
    assert refused.value.existing == first
    assert "First" in str(refused.value)
    assert Article.objects.count() == 1


def test_it_refuses_an_empty_file_and_creates_nothing(alice):
    with pytest.raises(IngestError, match="empty.txt is empty"):
        ingestion.article_ingest_file(file=SimpleUploadedFile("empty.txt", b""), user=alice)
    assert Article.objects.count() == 0


def test_it_refuses_a_file_over_the_limit(alice, settings):
    settings.NEWSDESK_MAX_UPLOAD_BYTES = 10
    with pytest.raises(IngestError, match="big.txt is 11\xa0bytes; the limit is 10\xa0bytes"):
        ingestion.article_ingest_file(file=SimpleUploadedFile("big.txt", b"x" * 11), user=alice)
    assert Article.objects.count() == 0


def test_a_javascript_link_in_the_metadata_is_refused_and_nothing_saved(alice):
    with pytest.raises(IngestError, match="must be an http or https address"):
        ingestion.article_ingest(text="url: javascript:alert(1)\nTalks resumed.", user=alice)
    assert not Article.objects.exists()


def test_the_article_limit_holds_for_text_files_and_exact_imports(alice, settings):
    settings.NEWSDESK_MAX_ARTICLE_CHARS = 20
    long_text = "Talks resumed in Cairo on Tuesday."
    with pytest.raises(IngestError, match="34 characters of text; an article may have at most 20"):
        ingestion.article_ingest(text=long_text, user=alice)
    upload = SimpleUploadedFile("long.txt", long_text.encode())
    with pytest.raises(IngestError, match="long.txt holds 34 characters"):
        ingestion.article_ingest_file(file=upload, user=alice)
    with pytest.raises(IngestError, match="at most 20"):
        ingestion.article_ingest_exact(text=long_text, user=alice)
    assert not Article.objects.exists()


def test_the_admin_and_every_model_form_refuse_a_link_that_is_not_a_web_link(alice):
    from django.core.exceptions import ValidationError

    article = ingestion.article_ingest(text="Talks resumed.", user=alice)
    article.url = "javascript:alert(1)"
    with pytest.raises(ValidationError, match="url"):
        article.full_clean()
    article.url = "https://efe.com/talks"
    article.full_clean()
