"""No list, filter, admin changelist or count reads article text (issue 9, item 3).

An article's text can be megabytes; a list grouping by it took a minute for 30 articles.
Each page here is requested with the SQL captured, and no query may select the text
column (searching the text, a WHERE clause, stays allowed).
"""

import hashlib
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation, ArticleCodebook, Codebook, Label, Suggestion
from newsdesk.models import Article, EntityMention, ImportBatch, ImportItem, Outlet

pytestmark = pytest.mark.django_db

TEXT_COLUMN = re.compile(r'"newsdesk_article"\."text"|\bT\d+\."text"', re.IGNORECASE)


def selected_columns(sql: str) -> list[str]:
    """The select lists of a statement (subqueries' too), without FROM/WHERE clauses."""
    return [part.split(" FROM ")[0] for part in re.split(r"\bSELECT\b", sql)[1:]]


def assert_no_text_read(queries) -> None:
    reads = [
        q["sql"] for q in queries if any(TEXT_COLUMN.search(s) for s in selected_columns(q["sql"]))
    ]
    assert not reads, "article text selected by:\n" + "\n".join(reads)


@pytest.fixture
def world(alice, staff):
    outlet = Outlet.objects.create(name="Wire")
    articles = []
    for n in range(3):
        text = f"Article {n} says the talks resumed in Cairo. " * 50
        articles.append(
            Article.objects.create(
                title=f"Talks {n}",
                text=text,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                outlet=outlet,
                status=Article.Status.READY,
                uploaded_by=alice,
            )
        )
    first = articles[0]
    EntityMention.objects.create(article=first, start=36, end=41, label="GPE", text="Cairo")
    label = Label.objects.order_by("pk").first()
    Annotation.objects.create(
        article=first, owner=alice, label=label, start=0, end=9, quote="Article 0"
    )
    Suggestion.objects.create(article=first, category="source", start=0, end=9, quote="Article 0")
    ArticleCodebook.objects.create(article=first, codebook=Codebook.objects.get(is_default=True))
    batch = ImportBatch.objects.create(user=alice, name="batch")
    ImportItem.objects.create(
        batch=batch, position=0, name="a.txt", article=first, status="imported"
    )
    return {"article": first, "batch": batch}


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    assert_no_text_read(queries.captured_queries)
    return response


def test_the_detector_sees_a_query_that_reads_the_text(world):
    with CaptureQueriesContext(connection) as queries:
        list(Article.objects.all())
    with pytest.raises(AssertionError, match="article text selected"):
        assert_no_text_read(queries.captured_queries)


def test_it_lists_and_filters_articles_without_their_text(client, alice, world):
    client.force_login(alice)
    response = get(client, reverse("newsdesk:article-list"))
    assert "Talks 0" in response.text and "Talks 2" in response.text
    get(client, reverse("newsdesk:article-list") + "?q=Talks&status=ready")
    get(client, reverse("newsdesk:article-list") + "?page=1", **{"HX-Request": "true"})


def test_it_shows_an_import_batch_without_its_articles_text(client, alice, world):
    client.force_login(alice)
    response = get(client, reverse("newsdesk:import-batch", args=[world["batch"].pk]))
    assert "Talks 0" in response.text


@pytest.mark.parametrize(
    "url",
    [
        "admin:newsdesk_article_changelist",
        "admin:newsdesk_entitymention_changelist",
        "admin:newsdesk_outlet_changelist",
        "admin:newsdesk_importbatch_changelist",
        "admin:annotations_annotation_changelist",
        "admin:annotations_articlecodebook_changelist",
        "admin:annotations_suggestion_changelist",
    ],
)
def test_the_admin_changelists_do_not_read_article_text(client, staff, world, url):
    client.force_login(staff)
    response = get(client, reverse(url))
    assert "Talks 0" in response.text or "Wire" in response.text or "batch" in response.text


def test_the_admin_searches_and_filters_without_selecting_the_text(client, staff, world):
    client.force_login(staff)
    get(client, reverse("admin:newsdesk_article_changelist") + "?q=Cairo")
    response = get(
        client,
        reverse("admin:annotations_annotation_changelist")
        + f"?article__id__exact={world['article'].pk}",
    )
    # The article filter still offers every article by title.
    assert "Talks 1" in response.text


def test_the_import_batch_admin_page_shows_its_items_without_the_text(client, staff, world):
    client.force_login(staff)
    get(client, reverse("admin:newsdesk_importbatch_change", args=[world["batch"].pk]))
