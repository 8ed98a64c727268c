"""newsdesk's pages stand on their own: what annotations adds comes through newsdesk.extensions."""

import pytest

from newsdesk import extensions, ingestion

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare(monkeypatch):
    """The newsroom as if no other app had registered anything."""
    monkeypatch.setattr(extensions, "article_filters", [])
    monkeypatch.setattr(extensions, "_places", {})
    monkeypatch.setattr(extensions, "_article_open_url", [])


def test_it_lists_articles_with_links_to_the_reader_when_nothing_is_registered(
    bare, admin_client, admin_user
):
    article = ingestion.article_ingest(text="Talks in Cairo.", user=admin_user, title="Talks")
    page = admin_client.get("/").content.decode()
    assert f'<a href="/articles/{article.pk}/">Talks</a>' in page
    assert "export-bar" not in page
    assert "Import tags" not in page
    assert "Tagged by" not in page
    reader = admin_client.get(f"/articles/{article.pk}/").content.decode()
    assert "Code this article" not in reader


def test_the_coding_side_registers_its_filter_links_and_tools(admin_client, admin_user):
    article = ingestion.article_ingest(text="Talks in Cairo.", user=admin_user, title="Talks")
    page = admin_client.get("/").content.decode()
    assert f'<a href="/articles/{article.pk}/code/">Talks</a>' in page
    assert "export-bar" in page and "Import tags" in page and "Tagged by" in page
    assert "Code this article" in admin_client.get(f"/articles/{article.pk}/").content.decode()
