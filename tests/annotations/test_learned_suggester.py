"""The suggester that learns from the team: trained per codebook, scored against the rules
on held-out articles, used only where it beats them. Trained on tests/annotations/
learning_corpus.py (written for these tests), a few iterations: seconds, not minutes."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from annotations import learning, services, suggester_models
from annotations.models import Annotation, SuggesterModel, Suggestion
from newsdesk import ingestion

from .learning_corpus import articles

pytestmark = pytest.mark.django_db
ITERATIONS = "4"


@pytest.fixture(autouse=True)
def suggester_dir(settings, tmp_path):
    settings.NEWSDESK_SUGGESTER_DIR = tmp_path / "suggesters"
    suggester_models._loaded.cache_clear()
    return settings.NEWSDESK_SUGGESTER_DIR


@pytest.fixture
def coded(alice, bob, codebook):
    """Twelve articles coded by alice; bob coded the first source of each again (the same
    span: counted once), and one imported tag each (not the team's coding: left out)."""
    labels = {label.category: label for label in codebook.labels.all()}
    for n, (text, tags) in enumerate(articles(12)):
        article = ingestion.article_ingest(text=text, user=alice, title=f"Corpus {n}")
        for category, quote in tags:
            start = text.index(quote)
            Annotation.objects.create(
                article=article,
                owner=alice,
                label=labels[category],
                start=start,
                end=start + len(quote),
                quote=quote,
            )
        category, quote = tags[0]
        start = text.index(quote)
        for owner, origin in (
            (bob, Annotation.Origin.SUGGESTED),
            (bob, Annotation.Origin.IMPORTED),
        ):
            Annotation.objects.get_or_create(
                article=article,
                owner=owner,
                label=labels["claim"] if origin == Annotation.Origin.IMPORTED else labels[category],
                start=start,
                end=start + len(quote),
                defaults={"quote": quote, "origin": origin},
            )
    return codebook


def train(codebook, django_capture_on_commit_callbacks) -> SuggesterModel:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("train_suggester", codebook.name, "--iterations", ITERATIONS)
    return SuggesterModel.objects.filter(codebook=codebook).order_by("-version").first()


def test_it_trains_a_version_and_scores_it_with_the_rules_on_the_held_out_articles(
    coded, suggester_dir, django_capture_on_commit_callbacks
):
    suggester = train(coded, django_capture_on_commit_callbacks)
    assert (suggester.version, suggester.status, suggester.language) == (1, "ready", "en")
    run = suggester.figures["_run"]
    assert run["training_articles"] + run["held_out_articles"] == 12
    assert run["held_out_articles"] >= 1
    # 9 tags by alice per article; bob's accepted twin is the same span, his import is left out
    assert run["training_tags"] + run["held_out_tags"] == 12 * 9
    for category in ("claim", "source", "framing"):
        model, rules = suggester.figures[category], suggester.rules_figures[category]
        assert set(model) == set(rules) == {"precision", "recall", "f1", "predicted", "gold"}
        assert model["gold"] == rules["gold"] == 3 * run["held_out_articles"]
        assert (category in suggester.categories) == (model["f1"] > rules["f1"])
    # The model learnt the claims it was shown; the rules' claims are scored beside it.
    assert suggester.figures["claim"]["f1"] > 0
    assert suggester.rules_figures["claim"]["gold"] == suggester.figures["claim"]["gold"]
    # The rules find "Mayor Lena Ortiz said": there they are scored, not assumed.
    assert suggester.rules_figures["source"]["recall"] > 0
    saved = Path(suggester_dir) / suggester.path
    assert {p.name for p in saved.iterdir()} == {"claim", "source", "framing"}


def test_each_training_is_a_new_numbered_version(coded, django_capture_on_commit_callbacks):
    train(coded, django_capture_on_commit_callbacks)
    second = train(coded, django_capture_on_commit_callbacks)
    assert list(SuggesterModel.objects.values_list("version", "status")) == [
        (2, "ready"),
        (1, "ready"),
    ]
    assert second.path.endswith("v2")


def test_the_newest_version_suggests_where_it_won_and_the_rules_give_the_attributes(
    coded, alice, django_capture_on_commit_callbacks
):
    suggester = train(coded, django_capture_on_commit_callbacks)
    # Used for sources too (as if it had won there), to see the rules' attributes on its spans.
    SuggesterModel.objects.filter(pk=suggester.pk).update(categories=["claim", "source"])
    text = (
        "Mayor Ines Holm said on day 90 that the ferry in Vellmar would need new funding. "
        "Residents of Vellmar criticised the reckless handling of the works."
    )
    article = ingestion.article_ingest(text=text, user=alice)
    services.article_suggest(article_id=article.pk)
    found = list(Suggestion.objects.filter(article=article))
    learned = [s for s in found if s.reason.startswith("learned")]
    # A few passes over a small corpus: its spans overlap the right words, if not exactly.
    claim = text.index("the ferry")
    assert any(s.category == "claim" and s.start <= claim < s.end for s in learned)
    sources = [s for s in learned if s.category == "source"]
    assert sources and all(s.start < text.index(" said") for s in sources)
    assert not [s for s in found if s.category == "source" and s not in learned]
    # The rules' overlapping suggestion gives the attributes.
    assert sources[0].attributes["identification"] == "named"
    assert sources[0].attributes["cue"] == "said"
    # Framing was not handed to the model: only the rules suggest it.
    assert not [s for s in learned if s.category == "framing"]


def test_without_a_version_that_won_the_rules_alone_suggest(
    coded, alice, django_capture_on_commit_callbacks
):
    suggester = train(coded, django_capture_on_commit_callbacks)
    SuggesterModel.objects.filter(pk=suggester.pk).update(categories=[])
    article = ingestion.article_ingest(
        text="Mayor Ines Holm said on day 90 that the ferry would need new funding.", user=alice
    )
    services.article_suggest(article_id=article.pk)
    reasons = list(Suggestion.objects.filter(article=article).values_list("reason", flat=True))
    assert reasons and not any(r.startswith("learned") for r in reasons)


def test_a_version_is_loaded_once_per_process(coded, alice, django_capture_on_commit_callbacks):
    train(coded, django_capture_on_commit_callbacks)
    for n in range(2):
        article = ingestion.article_ingest(text=f"Mayor Ines Holm said on day {n} hi.", user=alice)
        services.article_suggest(article_id=article.pk)
    info = suggester_models._loaded.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_training_without_team_tags_fails_with_the_reason(
    codebook, django_capture_on_commit_callbacks
):
    with pytest.raises(CommandError, match="no tags made or accepted"):
        call_command("train_suggester", codebook.name, "--now")
    suggester = SuggesterModel.objects.get()
    assert suggester.status == "failed"
    assert "no tags made or accepted" in suggester.error


def test_the_command_refuses_an_unknown_codebook(codebook):
    with pytest.raises(CommandError, match="no codebook “Nope”"):
        call_command("train_suggester", "Nope")
    assert not SuggesterModel.objects.exists()


def test_staff_queue_a_training_from_the_codebook_admin(
    client, staff, coded, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("admin:annotations_codebook_changelist"),
            {"action": "train_suggester", "_selected_action": [coded.pk]},
            follow=True,
        )
    assert "Queued the training of" in response.content.decode()
    assert list(SuggesterModel.objects.values_list("version", "status")) == [(1, "queued")]
    assert len(queued) == 1  # the task, queued once the row is committed
    page = client.get(reverse("admin:annotations_suggestermodel_changelist"))
    assert page.status_code == 200


def test_the_split_is_by_article_and_the_same_everywhere():
    documents = [learning.Document(key=f"{n:064x}", text="x") for n in range(200)]
    training, held_out = learning.split(documents)
    assert learning.split(documents) == (training, held_out)
    assert 20 <= len(held_out) <= 60
    assert not {d.key for d in training} & {d.key for d in held_out}


def test_the_model_must_beat_the_rules_on_held_out_tags():
    assert learning.beats({"f1": 0.6, "gold": 5}, {"f1": 0.5})
    assert not learning.beats({"f1": 0.5, "gold": 5}, {"f1": 0.5})
    assert not learning.beats({"f1": 0.9, "gold": 0}, {"f1": 0.0})
    assert learning.beats({"f1": 0.1, "gold": 2}, None)


def test_a_version_this_worker_cannot_read_leaves_the_rules_suggesting(
    coded, alice, suggester_dir, django_capture_on_commit_callbacks
):
    suggester = train(coded, django_capture_on_commit_callbacks)
    shutil.rmtree(Path(suggester_dir) / suggester.path)
    article = ingestion.article_ingest(
        text="Mayor Ines Holm said on day 90 that the ferry would need new funding.", user=alice
    )
    services.article_suggest(article_id=article.pk)
    reasons = list(Suggestion.objects.filter(article=article).values_list("reason", flat=True))
    assert reasons and not any(r.startswith("learned") for r in reasons)
