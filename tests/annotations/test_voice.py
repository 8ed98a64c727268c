"""Whose voice a framing tag is in, and the per-article summary of sources and voice."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services, voice
from annotations.models import Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE

# Pure: quotations and the rule


def test_quotations_pair_marks_within_a_paragraph_and_skip_apostrophes():
    text = "Iran's envoy said “it is over”. The \"deal\" was 'odd'.\n\nAn “unclosed quote."
    found = [text[s:e] for s, e in voice.quotations(text)]
    assert found == ["“it is over”", '"deal"', "'odd'"]


def test_a_quotation_inside_another_belongs_to_the_outer_one():
    text = "“The aggression of the 'Zionist regime' must stop,” the agency reported."
    assert [text[s:e] for s, e in voice.quotations(text)] == [
        "“The aggression of the 'Zionist regime' must stop,”"
    ]


def test_quotations_near_a_stretch_are_those_of_its_paragraphs(sample_text):
    everything = voice.quotations(sample_text)
    start = sample_text.index("Zionist regime")
    near = voice.quotations(sample_text, start, start + 14)
    assert near and set(near) < set(everything)
    paragraph_start = sample_text.rfind("\n\n", 0, start)
    paragraph_end = sample_text.find("\n\n", start)
    assert near == [q for q in everything if paragraph_start <= q[0] and q[1] <= paragraph_end]


def test_a_quotation_does_not_run_across_paragraphs():
    text = "He said “yes\n\nand no” later."
    assert voice.quotations(text) == []


@pytest.mark.parametrize(
    ("phrase", "expected", "reason"),
    [
        ("terrorist group", voice.REPORTER, "outside quotations and attributed claims"),
        ("'Zionist regime'", voice.ATTRIBUTED, "inside a quotation"),
        ("Zionist regime", voice.ATTRIBUTED, "inside a quotation"),
    ],
)
def test_the_issue_example_on_the_sample_article(sample_text, phrase, expected, reason):
    start = sample_text.index(phrase)
    found = voice.of_framing(
        start,
        start + len(phrase),
        {},
        claims=[],
        quotes=voice.quotations(sample_text),
    )
    assert (found.value, found.derived, found.reason) == (expected, True, reason)


def test_a_scare_quote_on_its_own_is_the_reporters_distancing():
    text = "The 'moderates' met again."
    start, end = 4, 15  # the quoted word with its marks
    found = voice.of_framing(start, end, {}, claims=[], quotes=voice.quotations(text))
    assert (found.value, found.reason) == (
        voice.REPORTER,
        "in quote marks of its own (scare quotes)",
    )


def test_inside_a_claim_linked_to_a_source_is_attributed_and_an_answer_wins():
    claims = [voice.ClaimSpan(0, 40, attributed=True), voice.ClaimSpan(50, 90, attributed=False)]
    assert voice.of_framing(5, 10, {}, claims=claims, quotes=[]).value == voice.ATTRIBUTED
    assert voice.of_framing(55, 60, {}, claims=claims, quotes=[]).value == voice.REPORTER
    answered = voice.of_framing(5, 10, {"voice": voice.REPORTER}, claims=claims, quotes=[])
    assert (answered.value, answered.derived) == (voice.REPORTER, False)


# In the app


@pytest.fixture
def coded(article, alice, tag, claim_label, source_label, framing_label):
    """alice: an anonymous source mentioned twice, a claim resting on it, a claim without
    a source, and two framing tags (one reporter's, one inside a quotation)."""
    source = tag(
        article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "anonymous"}
    )
    again = tag(article, alice, source_label, "this same source")
    named = tag(
        article,
        alice,
        source_label,
        "Iran's state news agency",
        attributes={"identification": "named"},
    )
    claim = tag(article, alice, claim_label, CLAIM_QUOTE)
    lonely = tag(article, alice, claim_label, "Abbas Kamel")
    services.relation_create(from_annotation=claim, to_annotation=source)
    services.relation_create(
        from_annotation=again, to_annotation=source, type=Relation.Type.SAME_AS
    )
    reporter = tag(article, alice, framing_label, "terrorist group")
    quoted = tag(article, alice, framing_label, "Zionist regime")
    return locals()


@pytest.mark.django_db
def test_the_summary_counts_distinct_and_anonymous_sources_and_claims_per_source(
    alice_client, article, coded
):
    response = alice_client.get(reverse("annotations:article-summary", args=[article.pk]))
    html = response.content.decode()
    assert "<strong>2</strong> distinct sources · <strong>1</strong> anonymous" in html
    assert "2 mentions" in html
    assert f'data-tag-open="{coded["claim"].pk}"' in html
    assert "1 claim without a source." in html
    assert "<strong>1</strong> reporter&#x27;s own" in html
    assert "<strong>1</strong> attributed" in html


@pytest.mark.django_db
def test_the_summary_is_one_annotators_and_staff_only_see_others(
    alice_client, bob_client, staff_client, article, alice, coded, team
):
    team(article, alice=True, bob=True)
    url = reverse("annotations:article-summary", args=[article.pk])
    assert "<strong>0</strong> distinct sources" in bob_client.get(url).content.decode()
    assert bob_client.get(url + f"?layer={alice.pk}").status_code == 404
    assert (
        "<strong>2</strong> distinct"
        in staff_client.get(url + f"?layer={alice.pk}").content.decode()
    )


@pytest.mark.django_db
def test_the_summary_reads_a_fixed_number_of_queries(
    alice_client, article, alice, tag, framing_label, coded
):
    url = reverse("annotations:article-summary", args=[article.pk])
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url)
    for word in ("Gaza", "Hamas", "Israel"):
        for nth in range(3):
            try:
                tag(article, alice, framing_label, word, nth=nth)
            except ValueError:
                break
    with CaptureQueriesContext(connection) as more:
        alice_client.get(url)
    assert len(more) == len(few)


@pytest.mark.django_db
def test_the_editor_shows_the_derived_voice(alice_client, coded):
    quoted = coded["quoted"]
    html = alice_client.get(
        reverse("annotations:annotation-detail", args=[quoted.pk])
    ).content.decode()
    assert "Now: attributed, inside a quotation." in html


@pytest.mark.django_db
def test_a_source_offers_same_source_links(alice_client, coded):
    again = coded["again"]
    named = coded["named"]
    html = alice_client.get(
        reverse("annotations:annotation-detail", args=[named.pk])
    ).content.decode()
    assert '<input type="hidden" name="type" value="same_as">' in html
    assert "Same source as" in html
    response = alice_client.post(
        reverse("annotations:relation-create", args=[named.pk]),
        {"to": again.pk, "type": "same_as"},
    )
    assert response.status_code == 200
    assert Relation.objects.filter(
        from_annotation=named, to_annotation=again, type="same_as"
    ).exists()


@pytest.mark.django_db
def test_exports_carry_the_voice_derived_or_answered(alice_client, article, coded):
    services.annotation_update(annotation=coded["reporter"], attributes={"voice": voice.ATTRIBUTED})
    url = reverse("annotations:article-export", args=[article.pk]) + "?format=csv"
    body = b"".join(alice_client.get(url).streaming_content).decode()
    rows = {row["quote"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["terrorist group"]["attr:voice"] == voice.ATTRIBUTED  # the answer wins
    assert rows["Zionist regime"]["attr:voice"] == voice.ATTRIBUTED
    coded["reporter"].attributes = {}
    coded["reporter"].save()
    body = b"".join(alice_client.get(url).streaming_content).decode()
    rows = {row["quote"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["terrorist group"]["attr:voice"] == voice.REPORTER
