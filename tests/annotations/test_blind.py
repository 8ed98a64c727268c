"""Blind coding (issue 12, item 4): an annotator never sees another coder's tags of an
article, suggestions accepted by others included; reviewers see them once a reviewer has
opened the article for adjudication."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, ProjectArticle, Suggestion
from tests.annotations.interchange.files import body, csv_rows

from .conftest import SOURCE_QUOTE
from .pages import row_ids, tag_ids_in_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def charlie(django_user_model):
    return django_user_model.objects.create_user("charlie")


@pytest.fixture
def charlie_client(charlie):
    client = Client()
    client.force_login(charlie)
    return client


@pytest.fixture
def project(team, article, alice, bob, charlie):
    return team(article, alice=True, bob=True, charlie="reviewer")


def open_for_adjudication(article):
    ProjectArticle.objects.filter(article=article).update(adjudication_opened_at=timezone.now())


def exported(client, **params) -> list[tuple[str, str]]:
    response = client.get(reverse("annotations:export"), {"format": "csv", **params})
    assert response.status_code == 200
    return sorted((r["annotator"], r["quote"]) for r in csv_rows(body(response)))


def test_a_suggestion_alice_accepted_is_still_suggested_to_bob(
    project, article, alice_client, bob_client
):
    services.article_suggest(article_id=article.pk)
    suggestion = Suggestion.objects.get(article=article, quote=SOURCE_QUOTE)
    assert (
        alice_client.post(
            reverse("annotations:suggestion-accept", args=[suggestion.pk])
        ).status_code
        == 201
    )
    assert Annotation.objects.get().owner.username == "alice"
    workbench = reverse("annotations:workbench", args=[article.pk])
    assert f'id="sug-row-{suggestion.pk}"' not in alice_client.get(workbench).content.decode()
    bobs = bob_client.get(workbench).content.decode()
    assert f'id="sug-row-{suggestion.pk}"' in bobs
    assert tag_ids_in_text(bobs) == row_ids(bobs) == set()  # alice's tag is not on his page
    # bob accepts it too: his own tag, alice's untouched.
    assert (
        bob_client.post(reverse("annotations:suggestion-accept", args=[suggestion.pk])).status_code
        == 201
    )
    assert sorted(Annotation.objects.values_list("owner__username", flat=True)) == ["alice", "bob"]


def test_exports_keep_others_tags_from_the_reviewer_until_the_article_is_opened(
    project,
    article,
    alice,
    bob,
    charlie,
    tag,
    claim_label,
    source_label,
    charlie_client,
    bob_client,
):
    tag(article, alice, claim_label, "killed 1,200 people")
    tag(article, bob, source_label, SOURCE_QUOTE)
    tag(article, charlie, claim_label, "killed 1,200 people")
    assert exported(charlie_client) == [("charlie", "killed 1,200 people")]
    assert exported(bob_client) == [("bob", SOURCE_QUOTE)]
    assert (
        charlie_client.get(
            reverse("annotations:export"), {"format": "csv", "annotator": "alice"}
        ).status_code
        == 200
    )
    assert exported(charlie_client, annotator="alice") == []
    open_for_adjudication(article)
    assert exported(charlie_client) == [
        ("alice", "killed 1,200 people"),
        ("bob", SOURCE_QUOTE),
        ("charlie", "killed 1,200 people"),
    ]
    assert exported(charlie_client, annotator="alice") == [("alice", "killed 1,200 people")]
    # Opening is for reviewers: bob, an annotator, still exports his own tags only.
    assert exported(bob_client) == [("bob", SOURCE_QUOTE)]
    assert (
        bob_client.get(
            reverse("annotations:export"), {"format": "csv", "annotator": "alice"}
        ).status_code
        == 404
    )


def test_an_open_project_lets_annotators_read_each_others_layers(
    project, article, alice, bob, tag, claim_label, bob_client
):
    project.blind = False
    project.save(update_fields=["blind"])
    alices = tag(article, alice, claim_label, "killed 1,200 people")
    workbench = reverse("annotations:workbench", args=[article.pk])
    assert bob_client.get(workbench, {"layer": alice.pk}).status_code == 200
    assert (
        bob_client.get(reverse("annotations:annotation-detail", args=[alices.pk])).status_code
        == 200
    )
    # Reading is all: the tag stays alice's to change.
    edit = reverse("annotations:annotation-update", args=[alices.pk])
    assert bob_client.post(edit, {"note": "mine now"}).status_code == 404
    assert Annotation.objects.get(pk=alices.pk).note == ""


def test_the_article_list_offers_no_tagged_by_filter_to_a_reviewer(project, charlie_client):
    response = charlie_client.get("/")
    assert "annotator" not in response.context["filters"].fields
