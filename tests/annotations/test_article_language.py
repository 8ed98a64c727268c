"""The coding side follows the article's language: no pipeline, no suggestions."""

import pytest
from django.urls import reverse

from annotations import services
from annotations.models import Suggestion
from newsdesk import ingestion

pytestmark = pytest.mark.django_db

# Written for this test: German, for which no pipeline is configured.
GERMAN = (
    "Der Sprecher des Ministeriums sagte am Montag, die Regierung werde die Gespräche "
    "fortsetzen. „Wir sind zuversichtlich“, erklärte er."
)


def test_an_article_without_a_pipeline_gets_no_suggestions_and_the_workbench_says_so(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=GERMAN, user=alice)
    Suggestion.objects.create(article=article, category="source", start=0, end=3, quote="Der")
    assert services.article_suggest(article_id=article.pk) == 0
    assert not Suggestion.objects.filter(article=article).exists()  # an old run's are gone
    page = alice_client.get(reverse("annotations:workbench", args=[article.pk]))
    assert page.status_code == 200
    assert "no-language-pipeline" in page.content.decode()


def test_an_english_article_has_no_language_notice(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(
            text="The ministry's spokesman said on Monday that talks would go on.", user=alice
        )
    assert article.language == "en"
    page = alice_client.get(reverse("annotations:workbench", args=[article.pk]))
    assert "no-language-pipeline" not in page.content.decode()
    assert Suggestion.objects.filter(article=article, category="source").exists()
