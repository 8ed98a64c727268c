import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from newsdesk import ingestion, languages
from newsdesk.models import Article
from newsdesk.settings import _spacy_models

# Written for these tests.
FRENCH = (
    "Marie Dupont, la maire de Lyon, a annoncé lundi que les travaux du pont reprendraient "
    "au printemps. Selon la préfecture du Rhône, la circulation restera difficile."
)
GERMAN = (
    "Die Bürgermeisterin von Hamburg hat am Montag angekündigt, dass die Arbeiten an der "
    "Brücke im Frühjahr wieder aufgenommen werden."
)
ENGLISH = "Abbas Kamel met officials in Cairo on Monday to discuss the ceasefire talks."


@pytest.mark.parametrize(
    "text,language",
    [(ENGLISH, "en"), (FRENCH, "fr"), (GERMAN, "de"), ("Talks paused.", "en"), ("", "en")],
)
def test_it_detects_the_language_or_keeps_english_when_it_cannot_tell(text, language):
    assert languages.detect_language(text) == language


def test_it_reads_the_pipelines_per_language():
    assert _spacy_models("X", "en=en_core_web_sm, FR = fr_core_news_sm") == {
        "en": "en_core_web_sm",
        "fr": "fr_core_news_sm",
    }
    with pytest.raises(ImproperlyConfigured, match="en=en_core_web_sm"):
        _spacy_models("X", "en_core_web_sm")


@pytest.mark.django_db
def test_it_finds_french_entities_with_the_french_pipeline(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=FRENCH, user=alice)
    article.refresh_from_db()
    assert article.language == "fr"
    assert article.status == Article.Status.READY
    labels = dict(article.mentions.values_list("text", "label"))
    assert labels["Marie Dupont"] == "PER"  # WikiNER's label: the French model's, not OntoNotes'
    assert labels["Lyon"] == "LOC"
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert "no-language-pipeline" not in page
    assert "People" in page


@pytest.mark.django_db
def test_an_article_without_a_pipeline_gets_no_entities_and_says_so(
    alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=GERMAN, user=alice)
    article.refresh_from_db()
    assert (article.language, article.status) == ("de", Article.Status.READY)
    assert article.mentions.count() == 0
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert "no-language-pipeline" in page
    assert "“de”" in page


@pytest.mark.django_db
def test_it_finds_the_entities_again_when_staff_correct_the_language(
    client, staff, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=GERMAN, user=alice)
    client.force_login(staff)
    url = reverse("admin:newsdesk_article_change", args=[article.pk])
    data = {
        "title": article.title,
        "language": "en",
        "uploaded_by": alice.pk,
        "mentions-TOTAL_FORMS": "0",
        "mentions-INITIAL_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.language == "en"
    assert article.status == Article.Status.READY
    assert article.mentions.filter(text="Hamburg").exists()
