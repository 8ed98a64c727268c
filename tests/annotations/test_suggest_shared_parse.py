"""Suggestions made on the entity run's parse, in the same process (issue 13's speed item),
and made on their own parse when none is handed over or the shared run fails."""

import pytest

from annotations import services
from annotations.models import Suggestion
from newsdesk import ingestion

pytestmark = pytest.mark.django_db
TEXT = "A senior official, who requested anonymity, told reporters the so-called deal was off."
EXPECTED = {"A senior official, who requested anonymity", "the so-called deal was off", "so-called"}


def quotes(article):
    return set(Suggestion.objects.filter(article=article).values_list("quote", flat=True))


def ingest(alice, callbacks):
    with callbacks(execute=True):
        return ingestion.article_ingest(text=TEXT, user=alice)


def test_it_suggests_on_the_entity_runs_parse_without_parsing_again(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    def no_second_parse(name):
        raise AssertionError("the suggesters parsed the article again")

    monkeypatch.setattr(services.suggest, "load_parser", no_second_parse)
    article = ingest(alice, django_capture_on_commit_callbacks)
    assert quotes(article) == EXPECTED


def test_it_parses_on_its_own_when_sharing_is_off(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_SHARE_PARSE = False
    article = ingest(alice, django_capture_on_commit_callbacks)
    assert quotes(article) == EXPECTED


def test_a_failed_run_on_the_shared_parse_is_queued_on_its_own(
    alice, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    real = services.article_suggest

    def fails_on_shared_docs(*, article_id, docs=None):
        calls.append(docs is not None)
        if docs is not None:
            raise RuntimeError("broken on the shared parse")
        return real(article_id=article_id)

    monkeypatch.setattr(services, "article_suggest", fails_on_shared_docs)
    article = ingest(alice, django_capture_on_commit_callbacks)
    assert calls == [True, False]  # the task ran after the shared run failed
    assert quotes(article) == EXPECTED
