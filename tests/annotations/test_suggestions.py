"""Suggested tags in the app: stored per article, accepted or dismissed per user."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations import services, suggest
from annotations.models import Annotation, FramingTerm, Suggestion, SuggestionDismissal
from newsdesk import ingestion, languages

from .conftest import SOURCE_QUOTE
from .pages import drawn, ids_in_text

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def suggested(article):
    services.article_suggest(article_id=article.pk)
    return {s.quote: s for s in Suggestion.objects.filter(article=article)}


@pytest.fixture
def anonymous_source(suggested):
    return suggested[SOURCE_QUOTE]


def url(name, pk):
    return reverse(f"annotations:{name}", args=[pk])


def test_the_worker_proposes_sources_and_framing_for_the_sample(suggested):
    source = suggested[SOURCE_QUOTE]
    assert source.category == "source"
    assert source.attributes["identification"] == "anonymous"
    assert source.attributes["source type"] == "security or intelligence"
    assert source.attributes["affiliation"] == "Egypt"
    assert source.article.text[source.start : source.end] == SOURCE_QUOTE
    assert any(s.category == "framing" and s.quote == "terrorist group" for s in suggested.values())
    # Suggestions are nobody's tags.
    assert not Annotation.objects.exists()


def test_a_rerun_replaces_the_suggestions_and_follows_the_admins_lexicon(article, suggested):
    FramingTerm.objects.filter(expression="terrorist group").update(active=False)
    FramingTerm.objects.create(expression="Zionist", device="loaded word")
    services.article_suggest(article_id=article.pk)
    quotes = set(Suggestion.objects.filter(article=article).values_list("quote", flat=True))
    assert "terrorist group" not in quotes
    assert "Zionist" in quotes or "'Zionist regime'" in quotes


def test_it_drops_and_logs_a_span_outside_the_text_and_stores_the_others(alice, caplog):
    text = (
        "A senior official, who requested anonymity, told reporters the so-called deal was "
        "off.\n\nFour people were killed in the raid."
    )
    article = ingestion.article_ingest(text=text, user=alice)
    Suggestion.objects.filter(article=article).delete()
    docs = suggest.parse(text, suggest.load_parser(languages.pipeline_for("en")))
    # A parse whose second paragraph sits past the end of the text: its passive's span
    # is out of range, which the database refuses (and with it the whole article's).
    first, (offset, last) = docs
    stale = [first, (offset + len(text), last)]
    with caplog.at_level("ERROR", logger="annotations.services"):
        stored = services.article_suggest(article_id=article.pk, docs=stale)
    quotes = set(Suggestion.objects.filter(article=article).values_list("quote", flat=True))
    assert "A senior official, who requested anonymity" in quotes
    assert "so-called" in quotes
    assert "were killed" not in quotes
    assert stored == len(quotes)
    assert all(0 <= s.start < s.end <= len(text) for s in Suggestion.objects.all())
    assert "Dropped a framing suggestion" in caplog.text


def test_uploading_an_article_queues_its_suggestions(alice, django_capture_on_commit_callbacks):
    text = "A senior official, who requested anonymity, told reporters the so-called deal was off."
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=text, user=alice)
    quotes = set(Suggestion.objects.filter(article=article).values_list("quote", flat=True))
    # The source, what it said (a claim, item 3 of issue 13) and the framing inside it.
    assert quotes == {
        "A senior official, who requested anonymity",
        "the so-called deal was off",
        "so-called",
    }


def test_accepting_makes_the_users_own_tag_with_the_proposed_values(
    alice_client, alice, bob, anonymous_source
):
    response = alice_client.post(url("suggestion-accept", anonymous_source.pk), headers=HTMX)
    assert response.status_code == 201
    tag = Annotation.objects.get()
    assert (tag.owner, tag.label.name, tag.origin) == (alice, "Source", "suggested")
    assert (tag.start, tag.end, tag.quote) == (
        anonymous_source.start,
        anonymous_source.end,
        SOURCE_QUOTE,
    )
    assert tag.attributes == {
        "identification": "anonymous",
        "source type": "security or intelligence",
        "affiliation": "Egypt",
        "reason for anonymity given": True,
        "cue": "told",
    }
    html = response.content.decode()
    assert f'<li id="sug-row-{anonymous_source.pk}" hx-swap-oob="delete">' in html
    assert f'data-editor-for="{tag.pk}"' in html
    # The suggestion stays for everyone else.
    assert Suggestion.objects.filter(pk=anonymous_source.pk).exists()
    assert not Annotation.objects.filter(owner=bob).exists()


def test_accepting_twice_is_refused_and_changes_nothing(alice_client, anonymous_source):
    alice_client.post(url("suggestion-accept", anonymous_source.pk))
    response = alice_client.post(url("suggestion-accept", anonymous_source.pk))
    assert response.status_code == 422
    assert "already tagged" in response.content.decode()
    assert Annotation.objects.count() == 1


def test_values_the_label_no_longer_accepts_are_dropped_not_fatal(
    alice, anonymous_source, source_label
):
    anonymous_source.attributes = {**anonymous_source.attributes, "source type": "oracle"}
    anonymous_source.save()
    tag = services.suggestion_accept(suggestion=anonymous_source, user=alice)
    assert "source type" not in tag.attributes
    assert tag.attributes["identification"] == "anonymous"


def test_dismissing_hides_it_for_that_user_only_and_outlives_a_rerun(
    alice_client, bob_client, alice, article, anonymous_source, team
):
    team(article, alice=True, bob=True)
    response = alice_client.post(url("suggestion-dismiss", anonymous_source.pk), headers=HTMX)
    assert response.status_code == 200
    assert f'<li id="sug-row-{anonymous_source.pk}" hx-swap-oob="delete">' in (
        response.content.decode()
    )
    assert SuggestionDismissal.objects.filter(user=alice).count() == 1
    assert not Annotation.objects.exists()
    services.article_suggest(article_id=article.pk)
    again = Suggestion.objects.get(article=article, quote=SOURCE_QUOTE)
    alices = drawn(alice_client.get(url("workbench", article.pk)))
    bobs = drawn(bob_client.get(url("workbench", article.pk)))
    assert f'id="sug-row-{again.pk}"' not in alices
    assert f'id="sug-row-{again.pk}"' in bobs
    assert again.pk not in ids_in_text(alices, "sug")


def test_the_workbench_shows_open_suggestions_dashed_and_listed(
    alice_client, article, suggested, anonymous_source
):
    html = drawn(alice_client.get(url("workbench", article.pk)))
    assert f"class=ss data-sug={anonymous_source.pk}>" in html
    assert f'id="sug-row-{anonymous_source.pk}"' in html
    total = Suggestion.objects.filter(article=article).count()
    assert f'<span class="count" id="count-suggestions">{total}</span>' in html
    assert "source type: security or intelligence" in html


def test_an_accepted_suggestion_leaves_the_list_and_the_dashes(
    alice_client, article, anonymous_source
):
    alice_client.post(url("suggestion-accept", anonymous_source.pk))
    html = drawn(alice_client.get(url("workbench", article.pk)))
    assert f'id="sug-row-{anonymous_source.pk}"' not in html
    assert anonymous_source.pk not in ids_in_text(html, "sug")


def test_a_reviewer_sees_no_suggestions_on_another_coders_layer(
    staff_client, alice, article, suggested
):
    html = drawn(staff_client.get(url("workbench", article.pk) + f"?layer={alice.pk}"))
    assert "sug-row" not in html
    assert 'class="sug ' not in html


@pytest.mark.parametrize("name", ["suggestion-accept", "suggestion-dismiss"])
def test_only_post_and_only_real_suggestions(alice_client, anonymous_source, name):
    assert alice_client.get(url(name, anonymous_source.pk)).status_code == 405
    assert alice_client.post(url(name, 999_999)).status_code == 404
    assert not Annotation.objects.exists()
    assert not SuggestionDismissal.objects.exists()


def test_suggestions_need_a_login(client, anonymous_source):
    response = client.post(url("suggestion-accept", anonymous_source.pk))
    assert response.status_code == 302
    assert not Annotation.objects.exists()


def test_the_workbench_query_count_does_not_grow_with_suggestions(
    alice_client, article, django_assert_num_queries
):
    Suggestion.objects.bulk_create(
        Suggestion(article=article, category="framing", start=i, end=i + 1, quote=article.text[i])
        for i in range(0, 20, 2)
    )
    with CaptureQueriesContext(connection) as few:
        alice_client.get(url("workbench", article.pk))
    Suggestion.objects.bulk_create(
        Suggestion(article=article, category="framing", start=i, end=i + 1, quote=article.text[i])
        for i in range(20, 2000, 2)
    )
    with django_assert_num_queries(len(few)):
        alice_client.get(url("workbench", article.pk))


def test_the_command_uses_the_admins_lexicon(tmp_path, capsys):
    path = tmp_path / "story.txt"
    path.write_text("Officials called it a so-called truce and a bloodbath.", encoding="utf-8")
    FramingTerm.objects.filter(expression="bloodbath").delete()
    call_command("suggest", str(path))
    # Framing lines only: the claim "Officials" made quotes the whole sentence.
    out = "".join(line for line in capsys.readouterr().out.splitlines() if "framing " in line)
    assert "so-called" in out and "bloodbath" not in out
    call_command("suggest", str(path), "--default-lexicon")
    assert "bloodbath" in capsys.readouterr().out
    FramingTerm.objects.all().delete()
    with pytest.raises(CommandError, match="lexicon for “en” is empty"):
        call_command("suggest", str(path))


def test_the_admin_lists_the_lexicon_and_filters_tags_by_attribute(staff_client, source_tag, alice):
    # The lexicon runs past one page of the changelist: find the term by searching (the
    # search box echoes the query, so the rows are checked, not the page's text).
    response = staff_client.get(
        reverse("admin:annotations_framingterm_changelist"), {"q": "so-called"}
    )
    assert response.status_code == 200
    assert "so-called" in [term.expression for term in response.context["cl"].result_list]
    services.annotation_update(annotation=source_tag, attributes={"identification": "anonymous"})
    changelist = reverse("admin:annotations_annotation_changelist")
    anonymous = staff_client.get(changelist, {"attr": '["identification", "anonymous"]'})
    named = staff_client.get(changelist, {"attr": '["identification", "named"]'})
    assert anonymous.context["cl"].result_count == 1
    assert named.context["cl"].result_count == 0
    assert staff_client.get(changelist, {"attr": "not json"}).context["cl"].result_count == 0
