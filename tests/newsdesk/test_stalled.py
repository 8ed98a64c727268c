"""Work that nothing will finish is noticed: stale tasks re-queued, stalled articles retried."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsdesk import ingestion
from newsdesk.models import Article, WorkerHeartbeat
from newsdesk.tasks import extract_entities
from newsdesk.worker import requeue_stalled_tasks

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def processing_article(user, django_capture_on_commit_callbacks) -> Article:
    with django_capture_on_commit_callbacks(execute=True):
        article = ingestion.article_ingest(text="Abbas Kamel met officials in Cairo.", user=user)
    return article


def test_it_keeps_polling_an_article_queued_a_moment_ago(
    db_tasks, alice_client, alice, django_capture_on_commit_callbacks
):
    article = processing_article(alice, django_capture_on_commit_callbacks)
    page = alice_client.get(article.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "taking longer than it should" not in page

    alice_client.post(f"/articles/{article.pk}/retry-entities/")
    assert DBTaskResult.objects.filter(task_path="newsdesk.tasks.extract_entities").count() == 1


def test_it_stops_polling_and_offers_a_retry_past_the_limit(
    db_tasks, settings, alice_client, alice, django_capture_on_commit_callbacks
):
    settings.NEWSDESK_PROCESSING_STALL_SECONDS = 60
    article = processing_article(alice, django_capture_on_commit_callbacks)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(seconds=61))
    for url in (article.get_absolute_url(), f"/articles/{article.pk}/code/"):
        page = alice_client.get(url).content.decode()
        assert "every 2s" not in page, url
        assert "taking longer than it should" in page, url
        assert f"/articles/{article.pk}/retry-entities/" in page, url

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"/articles/{article.pk}/retry-entities/")
    assert DBTaskResult.objects.filter(task_path="newsdesk.tasks.extract_entities").count() == 2


def test_it_offers_a_retry_at_once_when_the_task_failed_without_the_article(
    db_tasks, alice, django_capture_on_commit_callbacks
):
    article = processing_article(alice, django_capture_on_commit_callbacks)
    assert Article.objects.get(pk=article.pk).extraction_stalled is False
    DBTaskResult.objects.update(status="FAILED")
    assert Article.objects.get(pk=article.pk).extraction_stalled is True


def running_task(worker_id: str, *, started_ago: int, attempts: int = 1) -> DBTaskResult:
    result = extract_entities.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        started_at=timezone.now() - timedelta(seconds=started_ago),
        worker_ids=[f"old-{i}" for i in range(attempts - 1)] + [worker_id],
    )
    return DBTaskResult.objects.get(pk=result.id)


def beat(worker_id: str, *, ago: int) -> None:
    seen = timezone.now() - timedelta(seconds=ago)
    WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=seen, seen_at=seen)


def test_it_requeues_only_tasks_whose_worker_went_silent(db_tasks):
    beat("alive", ago=1)
    beat("dead", ago=40)
    alive = running_task("alive", started_ago=100)
    dead = running_task("dead", started_ago=100)
    unknown = running_task("never-beat", started_ago=100)
    just_started = running_task("never-beat-yet", started_ago=1)
    worn_out = running_task("dead", started_ago=100, attempts=3)

    assert requeue_stalled_tasks(stale_seconds=30) == 3

    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status == {
        alive.pk: "RUNNING",
        dead.pk: "READY",
        unknown.pk: "READY",
        just_started.pk: "RUNNING",
        worn_out.pk: "FAILED",
    }
    assert DBTaskResult.objects.get(pk=dead.pk).started_at is None


def test_the_list_stops_polling_for_an_article_processing_past_the_limit(
    settings, alice_client, alice
):
    settings.NEWSDESK_PROCESSING_STALL_SECONDS = 60
    article = ingestion.article_ingest(text="Abbas Kamel met officials in Cairo.", user=alice)
    assert 'hx-trigger="every 2s"' in alice_client.get("/").content.decode()

    Article.objects.filter(pk=article.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    page = alice_client.get("/").content.decode()
    assert "Finding entities…" in page
    assert "every 2s" not in page
