import pytest

from newsdesk import entities, ingestion, ner, signals
from newsdesk.models import Article, EntityMention

pytestmark = pytest.mark.django_db


def test_it_marks_a_failed_extraction_and_retries_it(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(text, **kwargs):
        raise RuntimeError("model exploded")

    monkeypatch.setattr(entities.ner, "extract_mentions", broken)
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text="Abbas Kamel went to Cairo.", user=alice)
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "model exploded" in article.error
    assert EntityMention.objects.count() == 0

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        entities.article_retry_entities(article=article)
    article.refresh_from_db()
    assert article.status == Article.Status.READY
    assert article.error == ""
    assert article.mentions.filter(text="Cairo").exists()


def test_rerunning_extraction_replaces_mentions_instead_of_adding(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text="Abbas Kamel went to Cairo.", user=alice)
    before = article.mentions.count()
    entities.article_extract_entities(article_id=article.pk)
    assert article.mentions.count() == before > 0


def test_extraction_of_a_deleted_article_does_nothing():
    assert entities.article_extract_entities(article_id=12345) == 0


def test_it_announces_the_extraction_only_once_it_is_committed(
    alice, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, *, article_id, **kwargs):
        heard.append((article_id, EntityMention.objects.filter(article_id=article_id).count()))

    signals.entities_extracted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=False):
            article = ingestion.article_ingest(text="Abbas Kamel went to Cairo.", user=alice)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            found = entities.article_extract_entities(article_id=article.pk)
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        signals.entities_extracted.disconnect(listener)
    assert heard == [(article.pk, found)]
    assert found > 0


def heard_docs(alice, django_capture_on_commit_callbacks, text):
    heard = []

    def listener(sender, *, article_id, docs=None, **kwargs):
        heard.append(docs)

    signals.entities_extracted.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            article = ingestion.article_ingest(text=text, user=alice)
    finally:
        signals.entities_extracted.disconnect(listener)
    return article, heard


def test_it_hands_its_parse_to_the_receivers(alice, django_capture_on_commit_callbacks):
    text = "Abbas Kamel went to Cairo.\n\nHe met envoys from Qatar."
    article, heard = heard_docs(alice, django_capture_on_commit_callbacks, text)
    (docs,) = heard
    assert [(offset, doc.text) for offset, doc in docs] == [
        (0, "Abbas Kamel went to Cairo."),
        (28, "He met envoys from Qatar."),
    ]
    # The whole pipeline's parse, not NER alone: receivers read dependencies and lemmas.
    assert all(doc.has_annotation("DEP") and doc.has_annotation("LEMMA") for _, doc in docs)
    # The same mentions as the NER-only pipeline finds.
    stored = set(article.mentions.values_list("start", "end", "label"))
    assert stored == {(m.start, m.end, m.label) for m in ner.extract_mentions(text)}


def test_it_hands_no_parse_when_sharing_is_off(alice, settings, django_capture_on_commit_callbacks):
    settings.NEWSDESK_SHARE_PARSE = False
    article, heard = heard_docs(alice, django_capture_on_commit_callbacks, "Kamel went to Cairo.")
    assert heard == [None]
    assert article.mentions.filter(text="Cairo").exists()
