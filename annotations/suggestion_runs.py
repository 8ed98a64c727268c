"""Whether an article's last suggestion run failed, and running it again.

The run is a ``suggest_tags`` task; its outcome lives in django-tasks-db's table, so a
failure (spaCy model missing, a worker that died on it three times) is shown on the
workbench with a retry instead of reading as "Ready" with no suggestions.
"""

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from newsdesk.models import Article

TASK_PATH = "annotations.tasks.suggest_tags"


def last_run_error(*, article_id: int, since=None) -> str:
    """The error of the article's latest suggestion run if it failed, else "".

    Runs queued before ``since`` (the article's last entity run) do not count: that entity
    run made the suggestions again, in its own process, and queued a run only if it failed.
    """
    runs = DBTaskResult.objects.filter(task_path=TASK_PATH, args_kwargs__args__0=article_id)
    if since is not None:
        runs = runs.filter(enqueued_at__gte=since)
    run = runs.only("status", "exception_class_path", "traceback").order_by("-enqueued_at").first()
    if run is None or run.status != "FAILED":
        return ""
    lines = [line for line in run.traceback.splitlines() if line.strip()]
    return lines[-1] if lines else run.exception_class_path


def article_suggest_retry(*, article: Article) -> None:
    from annotations.tasks import suggest_tags

    transaction.on_commit(lambda: suggest_tags.enqueue(article.pk))
