import pytest
from django.urls import reverse

from newsdesk import ingestion
from newsdesk.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def article(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return ingestion.article_ingest(
            text="Abbas Kamel met officials in Cairo.", user=alice, outlet="EFE"
        )


@pytest.mark.parametrize(
    "name",
    [
        "admin:newsdesk_article_changelist",
        "admin:newsdesk_outlet_changelist",
        "admin:newsdesk_entity_changelist",
        "admin:newsdesk_entitymention_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_staff_see_every_newsroom_list(admin_client_, article, name):
    assert admin_client_.get(reverse(name)).status_code == 200


def test_the_article_list_searches_and_filters(admin_client_, article):
    url = reverse("admin:newsdesk_article_changelist")
    assert article.title.encode() in admin_client_.get(url, {"q": "Kamel"}).content
    assert article.title.encode() not in admin_client_.get(url, {"q": "Tehran"}).content
    assert article.title.encode() in admin_client_.get(url, {"status__exact": "ready"}).content


def test_the_article_page_shows_mentions_inline_and_keeps_the_text_fixed(admin_client_, article):
    url = reverse("admin:newsdesk_article_change", args=[article.pk])
    response = admin_client_.get(url)
    assert b"Abbas Kamel" in response.content
    assert b'name="text"' not in response.content


def test_the_rerun_action_extracts_entities_again(
    admin_client_, article, django_capture_on_commit_callbacks
):
    Article.objects.filter(pk=article.pk).update(status="failed", error="boom")
    article.mentions.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("admin:newsdesk_article_changelist"),
            {"action": "rerun_entities", "_selected_action": [article.pk]},
        )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == "ready"
    assert article.mentions.filter(text="Cairo").exists()
