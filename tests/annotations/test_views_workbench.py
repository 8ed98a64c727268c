"""The workbench page: the text with its layers, the sidebar, reviewers' layers."""

import re

import pytest

from annotations import services
from annotations.models import Annotation, Category, Label, Relation

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE
from .pages import (
    HTMX,
    create_data,
    drawn,
    highlights,
    row_ids,
    tag_ids_in_text,
    url,
)

pytestmark = pytest.mark.django_db


# The workbench page


def test_it_shows_alices_tags_in_the_text_and_in_the_sidebar(
    alice_client, article, source_tag, claim_tag, bobs_tag
):
    response = alice_client.get(url("workbench", article.pk))
    assert response.status_code == 200
    content = drawn(response)
    assert (f"<span class=ts data-tags={source_tag.pk}>{SOURCE_QUOTE}</span>") in content
    assert (f"<span class=tc data-tags={claim_tag.pk}>{CLAIM_QUOTE}</span>") in content
    assert tag_ids_in_text(content) == {source_tag.pk, claim_tag.pk}
    marked = highlights(content)
    assert marked.text == {source_tag.pk: SOURCE_QUOTE, claim_tag.pk: CLAIM_QUOTE}
    assert marked.classes[source_tag.pk] == {"ts"}
    assert row_ids(content) == {source_tag.pk, claim_tag.pk}
    assert f'<a href="#blk-2" class="tag-open" data-tag-open="{source_tag.pk}">' in content
    assert f'<a href="#blk-10" class="tag-open" data-tag-open="{claim_tag.pk}">' in content
    assert 'id="count-cat-source">1<' in content
    assert 'id="count-cat-framing">0<' in content
    assert "data-read-only" not in content
    assert "Your tags" in content


def test_bobs_tags_are_not_in_alices_page_at_all(alice_client, article, bobs_tag):
    content = drawn(alice_client.get(url("workbench", article.pk)))
    assert bobs_tag.pk not in tag_ids_in_text(content)
    assert f"tag-row-{bobs_tag.pk}" not in content
    assert f'data-tag-open="{bobs_tag.pk}"' not in content
    assert not re.search(r'class="?(tf|[^"]* tf)\b', content)
    assert tag_ids_in_text(content) == set()
    assert 'id="count-cat-framing">0<' in content


def test_alices_tags_are_not_in_bobs_page(bob_client, article, source_tag, bobs_tag, team):
    team(article, alice=True, bob=True)
    content = drawn(bob_client.get(url("workbench", article.pk)))
    assert tag_ids_in_text(content) == {bobs_tag.pk}
    assert row_ids(content) == {bobs_tag.pk}


def test_overlapping_and_nested_tags_each_highlight_exactly_their_words(
    alice_client, tag, article, alice, claim_label, framing_label, source_tag
):
    nested = tag(article, alice, claim_label, "A senior Egyptian security source, who requested")
    overlapping = tag(article, alice, framing_label, "requested anonymity, told EFE Agency")
    content = drawn(alice_client.get(url("workbench", article.pk)))
    marked = highlights(content)
    assert marked.text == {
        source_tag.pk: SOURCE_QUOTE,
        nested.pk: nested.quote,
        overlapping.pk: "requested anonymity, told EFE Agency",
    }
    # The outer (longer) tag comes first in every segment both cover.
    assert (
        f'<span class="ts tc" data-tags="{source_tag.pk} {nested.pk}">'
        "A senior Egyptian security source, who </span>"
    ) in content
    assert f'data-tags="{source_tag.pk} {nested.pk} {overlapping.pk}"' in content
    assert row_ids(content) == {source_tag.pk, nested.pk, overlapping.pk}


def test_the_sidebar_shows_links_both_ways(alice_client, article, link, claim_tag, source_tag):
    content = drawn(alice_client.get(url("workbench", article.pk)))
    assert f'→ attributed to <a href="#blk-2" data-tag-open="{source_tag.pk}">' in content
    assert f'← Claim <a href="#blk-10" data-tag-open="{claim_tag.pk}">' in content


def test_staff_view_another_annotators_layer_read_only(
    staff_client, article, alice, source_tag, bobs_tag
):
    response = staff_client.get(url("workbench", article.pk), {"layer": alice.pk})
    assert response.status_code == 200
    content = drawn(response)
    assert "data-read-only" in content
    assert tag_ids_in_text(content) == {source_tag.pk}
    assert row_ids(content) == {source_tag.pk}
    assert "alice’s tags" in content
    assert "Showing alice’s tags, read-only." in content
    assert f'<option value="{alice.pk}" selected>alice (read-only)</option>' in content
    assert re.search(r'class="label-chip cat-claim"[^>]*\bdisabled\b', content)


def test_staff_see_their_own_layer_by_default(staff_client, article, source_tag):
    content = drawn(staff_client.get(url("workbench", article.pk)))
    assert "data-read-only" not in content
    assert tag_ids_in_text(content) == set()
    assert ">alice (read-only)</option>" in content  # offered in the layer switch


def test_staff_asking_for_their_own_layer_can_edit(staff_client, staff, article):
    content = staff_client.get(url("workbench", article.pk), {"layer": staff.pk}).content
    assert b"data-read-only" not in content


@pytest.mark.parametrize("layer", ["999999", "abc", "-1", "0", "²", "99999999999999999999"])
def test_staff_asking_for_an_unknown_layer_get_404(staff_client, article, layer):
    response = staff_client.get(url("workbench", article.pk), {"layer": layer})
    assert response.status_code == 404


@pytest.mark.parametrize("whose", ["bob", "alice"])
def test_a_non_staff_user_passing_layer_gets_404(
    alice_client, article, alice, bob, source_tag, bobs_tag, whose
):
    layer = {"alice": alice, "bob": bob}[whose].pk
    response = alice_client.get(url("workbench", article.pk), {"layer": layer})
    assert response.status_code == 404
    assert SOURCE_QUOTE.encode() not in response.content


def test_an_htmx_get_returns_only_the_reader_fragment(alice_client, article, source_tag):
    response = alice_client.get(url("workbench", article.pk), headers=HTMX)
    assert response.status_code == 200
    content = drawn(response)
    assert content.lstrip().startswith('<div id="reader"')
    assert "<html" not in content
    assert "<h1>" not in content
    assert row_ids(content) == {source_tag.pk}
    assert tag_ids_in_text(content) == {source_tag.pk}


def test_the_workbench_shows_entities_and_tags_together(
    alice_client, alice, sample_text, source_label, django_capture_on_commit_callbacks
):
    from newsdesk import ingestion

    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text=sample_text, user=alice)
    start = article.text.index("Abbas Kamel")
    tag = services.annotation_create(
        article=article,
        user=alice,
        label=source_label,
        start=start,
        end=start + len("Abbas Kamel"),
        quote="Abbas Kamel",
    )
    content = drawn(alice_client.get(url("workbench", article.pk)))
    marked = highlights(content)
    assert marked.text[tag.pk] == "Abbas Kamel"
    assert marked.classes[tag.pk] == {"ts", "ent-PERSON"}
    assert "Finding people" not in content


def test_the_workbench_of_a_missing_article_is_404(alice_client):
    assert alice_client.get(url("workbench", 999999)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, article, source_tag):
    response = client.get(url("workbench", article.pk))
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    response = client.post(
        url("annotation-create", article.pk),
        create_data(article, source_tag.label, SOURCE_QUOTE),
    )
    assert response.status_code == 302
    assert Annotation.objects.count() == 1


# Markup in the article text or in a label name stays text


def test_markup_in_the_text_and_in_label_names_is_escaped(alice_client, alice, codebook, tag):
    from newsdesk import ingestion

    article = ingestion.article_ingest(
        text="<script>alert('x')</script> Abbas Kamel said the <b>talks</b> failed.", user=alice
    )
    label = Label.objects.create(
        codebook=codebook,
        category=Category.FRAMING,
        name='<img src=x onerror="alert(1)">',
        colour="#000000",
        position=9,
    )
    framing = tag(article, alice, label, "<script>alert('x')</script>")
    claim = tag(article, alice, codebook.labels.get(name="Claim"), "the <b>talks</b> failed")

    page = drawn(alice_client.get(url("workbench", article.pk)))
    detail = alice_client.get(url("annotation-detail", framing.pk)).content.decode()
    update = alice_client.post(url("annotation-update", claim.pk), {"note": "<i>x</i>"})
    delete = alice_client.post(url("annotation-delete", framing.pk))
    for content in [page, detail, update.content.decode(), delete.content.decode()]:
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "<b>talks" not in content
        assert "<i>x</i>" not in content
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert highlights(page).text[framing.pk] == "<script>alert('x')</script>"


@pytest.mark.parametrize(
    "name", ["annotation-detail", "annotation-update", "annotation-delete", "relation-delete"]
)
def test_an_id_too_large_for_the_database_is_404(alice_client, name):
    huge = 10**20
    response = (
        alice_client.get(url(name, huge))
        if name == "annotation-detail"
        else alice_client.post(url(name, huge))
    )
    assert response.status_code == 404


def test_a_link_to_alices_tag_in_another_article_is_refused(
    alice_client, tag, other_article, alice, source_label, claim_tag
):
    elsewhere = tag(other_article, alice, source_label, "A source")
    response = alice_client.post(url("relation-create", claim_tag.pk), {"to": elsewhere.pk})
    assert response.status_code == 422
    assert response.content.decode() == "Tags can only be linked within one article."
    assert Relation.objects.count() == 0


def test_the_page_sends_the_text_plain_with_the_marks_a_write_would_draw(
    alice_client, article, alice, source_tag, claim_tag
):
    from annotations import codebooks, layers

    response = alice_client.get(url("workbench", article.pk))
    content = response.content.decode()
    text = content[content.index('id="article-text"') :]
    text = text[: text.index("</div>")]
    assert "data-tags" not in text and "ent-" not in text  # drawn by the browser
    answer = layers.region(
        article, alice, codebooks.article_labels(article.pk), 0, len(article.text)
    )
    assert answer[0].replace(" hx-swap-oob=true", "") in drawn(response)
