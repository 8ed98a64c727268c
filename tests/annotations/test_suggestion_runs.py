"""A failed suggestion run shows as failed, with a retry (issue 9 item 4)."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from annotations.tasks import suggest_tags
from newsdesk import ingestion
from newsdesk.models import Article

pytestmark = pytest.mark.django_db

FAILED_TRACEBACK = "Traceback (most recent call last):\n  ...\nOSError: [E050] Can't find model\n"


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def ready_article(alice):
    article = ingestion.article_ingest(text="Abbas Kamel met officials in Cairo.", user=alice)
    Article.objects.filter(pk=article.pk).update(status="ready")
    return article


def test_it_shows_a_failed_suggestion_run_with_a_retry(
    db_tasks, alice_client, ready_article, django_capture_on_commit_callbacks
):
    run = suggest_tags.enqueue(ready_article.pk)
    DBTaskResult.objects.filter(pk=run.id).update(status="FAILED", traceback=FAILED_TRACEBACK)
    url = f"/articles/{ready_article.pk}/code/"
    page = alice_client.get(url).content.decode()
    assert "Suggestions could not be made: OSError: [E050] Can&#x27;t find model" in page
    assert f"/articles/{ready_article.pk}/suggestions/retry/" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(f"/articles/{ready_article.pk}/suggestions/retry/")
    assert response.status_code == 302
    runs = DBTaskResult.objects.filter(task_path="annotations.tasks.suggest_tags")
    assert sorted(runs.values_list("status", flat=True)) == ["FAILED", "READY"]
    assert "Suggestions could not be made" not in alice_client.get(url).content.decode()


def test_it_shows_no_failure_after_a_successful_run(db_tasks, alice_client, ready_article):
    run = suggest_tags.enqueue(ready_article.pk)
    DBTaskResult.objects.filter(pk=run.id).update(status="SUCCESSFUL")
    page = alice_client.get(f"/articles/{ready_article.pk}/code/").content.decode()
    assert "Suggestions could not be made" not in page


def test_a_failure_before_the_last_entity_run_no_longer_shows(
    db_tasks, alice_client, ready_article
):
    # The entity run after it made the suggestions again on its own parse, recording no
    # task of its own.
    run = suggest_tags.enqueue(ready_article.pk)
    DBTaskResult.objects.filter(pk=run.id).update(status="FAILED", traceback=FAILED_TRACEBACK)
    url = f"/articles/{ready_article.pk}/code/"
    assert "Suggestions could not be made" in alice_client.get(url).content.decode()
    Article.objects.filter(pk=ready_article.pk).update(processed_at=timezone.now())
    assert "Suggestions could not be made" not in alice_client.get(url).content.decode()
