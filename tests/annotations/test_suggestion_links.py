"""Suggested links stored, and made when both ends are tags (issue 13, items 2 and 3)."""

import pytest
from django.db.models import F
from django.urls import reverse

from annotations import services
from annotations.models import Annotation, Relation, Suggestion
from newsdesk.models import Article

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
TEXT = (
    "Maria Lopez told reporters the pier would close on Monday.\n\n"
    "She said repairs would take three weeks."
)


@pytest.fixture
def harbour(alice):
    article = Article.objects.create(
        title="Harbour", text=TEXT, uploaded_by=alice, status=Article.Status.READY
    )
    services.article_suggest(article_id=article.pk)
    return article


def suggested(article, quote, category):
    return Suggestion.objects.get(article=article, quote=quote, category=category)


def tags(user):
    return {
        (t.label.category, t.quote): t
        for t in Annotation.objects.for_user(user).select_related("label")
    }


def links(user):
    return set(
        Relation.objects.filter(from_annotation__owner=user).values_list(
            "from_annotation__quote", "type", "to_annotation__quote"
        )
    )


def test_it_stores_the_suggested_links(harbour):
    master = suggested(harbour, "Maria Lopez", "source")
    she = suggested(harbour, "She", "source")
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    assert (she.link_to, she.link_type) == (master, "same_as")
    assert (claim.link_to, claim.link_type) == (master, "attributed_to")
    assert (master.link_to, master.link_type) == (None, "")
    # A re-run replaces them, links included, without leaving any pointing at old rows.
    services.article_suggest(article_id=harbour.pk)
    again = suggested(harbour, "She", "source")
    assert again.link_to == suggested(harbour, "Maria Lopez", "source")


def test_it_accepts_a_claim_with_its_source_and_links_them(alice_client, alice, bob, harbour):
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    master = claim.link_to
    response = alice_client.post(
        reverse("annotations:suggestion-accept-pair", args=[claim.pk]), headers=HTMX
    )
    assert response.status_code == 201
    made = tags(alice)
    claim_tag = made[("claim", claim.quote)]
    source_tag = made[("source", "Maria Lopez")]
    assert {claim_tag.origin, source_tag.origin} == {"suggested"}
    assert source_tag.attributes["cue"] == "told"
    assert links(alice) == {(claim.quote, "attributed_to", "Maria Lopez")}
    assert not Annotation.objects.filter(owner=bob).exists()
    html = response.content.decode()
    # Both suggestions leave the list, both rows arrive, the claim's editor opens.
    assert f'id="sug-row-{claim.pk}" hx-swap-oob="delete"' in html
    assert f'id="sug-row-{master.pk}" hx-swap-oob="delete"' in html
    assert f'id="tag-row-{claim_tag.pk}"' in html and f'id="tag-row-{source_tag.pk}"' in html
    assert f'data-editor-for="{claim_tag.pk}"' in html


def test_it_reuses_a_source_already_tagged_when_accepting_the_pair(alice_client, alice, harbour):
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    services.suggestion_accept(suggestion=claim.link_to, user=alice)
    response = alice_client.post(
        reverse("annotations:suggestion-accept-pair", args=[claim.pk]), headers=HTMX
    )
    assert response.status_code == 201
    assert Annotation.objects.filter(owner=alice, label__category="source").count() == 1
    assert links(alice) == {(claim.quote, "attributed_to", "Maria Lopez")}


def test_it_refuses_the_pair_for_a_suggestion_without_a_source_and_changes_nothing(
    alice_client, harbour
):
    master = suggested(harbour, "Maria Lopez", "source")
    response = alice_client.post(
        reverse("annotations:suggestion-accept-pair", args=[master.pk]), headers=HTMX
    )
    assert response.status_code == 422
    assert not Annotation.objects.exists() and not Relation.objects.exists()


def test_it_accepts_nothing_of_the_pair_when_the_claim_is_refused(alice_client, alice, harbour):
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    services.suggestion_accept(suggestion=claim, user=alice)  # the claim is already a tag
    response = alice_client.post(reverse("annotations:suggestion-accept-pair", args=[claim.pk]))
    assert response.status_code == 422
    # One transaction: the source made before the claim was refused is gone too.
    assert set(tags(alice)) == {("claim", claim.quote)}
    assert not Relation.objects.exists()


def test_each_user_accepts_the_pair_into_their_own_tags(
    alice_client, bob_client, alice, bob, harbour, team
):
    team(harbour, alice=True, bob=True)
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    pair_url = reverse("annotations:suggestion-accept-pair", args=[claim.pk])
    assert alice_client.post(pair_url).status_code == 201
    assert bob_client.post(pair_url).status_code == 201
    expected = {(claim.quote, "attributed_to", "Maria Lopez")}
    assert links(alice) == links(bob) == expected
    assert Annotation.objects.filter(owner=alice).count() == 2
    assert Annotation.objects.filter(owner=bob).count() == 2
    # Links never cross annotators.
    assert not Relation.objects.exclude(from_annotation__owner=F("to_annotation__owner")).exists()


def test_it_answers_404_for_an_unknown_suggestion(alice_client):
    response = alice_client.post(reverse("annotations:suggestion-accept-pair", args=[999_999]))
    assert response.status_code == 404


def test_it_refuses_get_on_the_pair(alice_client, harbour):
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    response = alice_client.get(reverse("annotations:suggestion-accept-pair", args=[claim.pk]))
    assert response.status_code == 405


def test_it_links_a_pronoun_accepted_after_its_antecedent(alice_client, alice, harbour):
    she = suggested(harbour, "She", "source")
    alice_client.post(reverse("annotations:suggestion-accept", args=[she.link_to.pk]))
    response = alice_client.post(reverse("annotations:suggestion-accept", args=[she.pk]))
    assert response.status_code == 201
    assert links(alice) == {("She", "same_as", "Maria Lopez")}


def test_it_links_an_antecedent_accepted_after_its_pronoun(alice, harbour):
    she = suggested(harbour, "She", "source")
    services.suggestion_accept(suggestion=she, user=alice)
    assert links(alice) == set()  # the antecedent is not a tag yet
    services.suggestion_accept(suggestion=she.link_to, user=alice)
    assert links(alice) == {("She", "same_as", "Maria Lopez")}


def test_the_workbench_offers_accept_with_source_only_on_linked_claims(alice_client, harbour):
    claim = suggested(harbour, "the pier would close on Monday", "claim")
    html = alice_client.get(reverse("annotations:workbench", args=[harbour.pk])).content.decode()
    pair_url = reverse("annotations:suggestion-accept-pair", args=[claim.pk])
    assert f'hx-post="{pair_url}"' in html
    assert (
        html.count("Accept with source</button>")
        == Suggestion.objects.filter(
            article=harbour, category="claim", link_type="attributed_to"
        ).count()
    )
