"""The background worker, made to outlast its database and its own death.

django-tasks-db's ``Worker`` runs the queue; this subclass (used by newsdesk's
``db_worker`` command) adds three things the package does not do:

- **Database outages.** The package's loop re-raises any database error but "database
  is locked", which ends the process. Here the loop is restarted after a back-off
  (1 s, doubling up to 10 s), logged once per attempt, for as long as the outage lasts.
  A task whose outcome could not be recorded because of the outage is put back in
  the queue once the database answers again.
- **Dead workers.** Each worker records a heartbeat (a ``WorkerHeartbeat`` row) every
  ``NEWSDESK_WORKER_HEARTBEAT_SECONDS`` from a side thread, which also looks for RUNNING
  tasks whose worker has been silent for ``NEWSDESK_WORKER_STALE_SECONDS`` (killed,
  machine lost) and puts them back in the queue, or fails them after
  ``MAX_ATTEMPTS`` workers died on them.
- **Stopping.** The first SIGTERM/SIGINT lets the current task finish (the package's
  behaviour); a second one stops it and puts it back in the queue instead of recording
  it as failed.

Tasks are therefore run at least once: a task interrupted at the very end (its work
committed, its outcome not yet recorded) runs again. Newsdesk's tasks are written to be
repeated safely (each replaces what it stores).
"""

import contextlib
import logging
import os
import socket
import sys
import threading
import time
from datetime import timedelta
from types import FrameType

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from newsdesk.models import WorkerHeartbeat

logger = logging.getLogger("newsdesk.worker")

# A task is re-queued after this many workers died running it; then it is failed.
MAX_ATTEMPTS = 3
BACKOFF_FIRST = 1.0
BACKOFF_MAX = 10.0
UNAVAILABLE = (OperationalError, InterfaceError)
_UNAVAILABLE_PATHS = {f"{cls.__module__}.{cls.__qualname__}" for cls in UNAVAILABLE}


class WorkerLost(Exception):
    """Recorded on a task whose workers kept dying while running it."""


def _close_connection() -> None:
    try:
        connection.close()
    except DatabaseError:
        # A connection to a stopped server cannot be closed cleanly; drop it anyway.
        connection.connection = None


def requeue_stalled_tasks(*, stale_seconds: int, now=None) -> int:
    """Put back RUNNING tasks whose worker stopped beating; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    count = 0
    running = DBTaskResult.objects.running().filter(
        Q(started_at__lt=cutoff) | Q(started_at__isnull=True)
    )
    for task in running.only("id", "worker_ids", "started_at", "task_path"):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        same = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING", started_at=task.started_at)
        if len(task.worker_ids) >= MAX_ATTEMPTS:
            changed = same.update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: {len(task.worker_ids)} workers stopped running it",
            )
            logger.error("Task %s (%s) failed: its workers kept dying", task.pk, task.task_path)
        else:
            changed = same.update(status="READY", started_at=None)
            logger.warning(
                "Task %s (%s) put back in the queue: worker %s stopped",
                task.pk,
                task.task_path,
                task.worker_ids[-1] if task.worker_ids else "?",
            )
        count += changed
    # Forget workers gone for a day.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()
    return count


class ResilientWorker(Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.heartbeat_seconds = settings.NEWSDESK_WORKER_HEARTBEAT_SECONDS
        self.stale_seconds = settings.NEWSDESK_WORKER_STALE_SECONDS
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._force_stopped = False
        self._checked_leftovers = False
        self._unrecorded: list = []  # ids of tasks whose outcome the outage swallowed

    # Stopping ----------------------------------------------------------------------

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running and self.running_task:
            # Second signal while a task runs: stop it, and (in run_task) re-queue it.
            self._force_stopped = True
        super().shutdown(signum, frame)

    # The loop ----------------------------------------------------------------------

    def run(self) -> None:
        beat = threading.Thread(target=self._heartbeat_loop, name="heartbeat", daemon=True)
        beat.start()
        backoff = BACKOFF_FIRST
        try:
            while self.running:
                began = time.monotonic()
                try:
                    self._requeue_unrecorded()
                    self._requeue_own_leftovers()
                    super().run()
                    return
                except UNAVAILABLE as exc:
                    if time.monotonic() - began > BACKOFF_MAX:
                        backoff = BACKOFF_FIRST
                    logger.error(
                        "Database unavailable (%s); worker %s retrying in %.0f s",
                        str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc),
                        self.worker_id,
                        backoff,
                    )
                    _close_connection()
                    self.startup_delay = False
                    time.sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX)
        finally:
            self._stop.set()
            beat.join(timeout=5)
            with contextlib.suppress(DatabaseError):
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        try:
            super().run_task(db_task_result)
        except UNAVAILABLE:
            # The outcome (success or failure) could not be written: run it again later.
            self._unrecorded.append(db_task_result.pk)
            raise
        if (
            db_task_result.status == "FAILED"
            and db_task_result.exception_class_path in _UNAVAILABLE_PATHS
            and len(db_task_result.worker_ids) < MAX_ATTEMPTS
        ):
            # The database went away under the task (its transaction rolled back).
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status="READY", started_at=None, finished_at=None
            )
            logger.warning("Task %s interrupted by the database; queued again", db_task_result.pk)
        if self._force_stopped:
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status="READY",
                started_at=None,
                finished_at=None,
                exception_class_path="",
                traceback="",
            )
            logger.warning("Task %s stopped and put back in the queue", db_task_result.pk)
            sys.exit(1)

    def _requeue_own_leftovers(self) -> None:
        """Tasks RUNNING under this worker id now are a previous process's (same --worker-id)."""
        if not self._checked_leftovers:
            for task in DBTaskResult.objects.running().only("id", "worker_ids"):
                if task.worker_ids and task.worker_ids[-1] == self.worker_id:
                    DBTaskResult.objects.filter(pk=task.pk, status="RUNNING").update(
                        status="READY", started_at=None
                    )
                    logger.warning("Task %s left by this worker id's last run: requeued", task.pk)
            self._checked_leftovers = True

    def _requeue_unrecorded(self) -> None:
        while self._unrecorded:
            pk = self._unrecorded[0]
            DBTaskResult.objects.filter(pk=pk, status="RUNNING").update(
                status="READY", started_at=None
            )
            logger.warning("Task %s put back in the queue after the database outage", pk)
            self._unrecorded.pop(0)

    # Heartbeat (a side thread with its own connection) ------------------------------

    def _heartbeat_loop(self) -> None:
        host, pid = socket.gethostname()[:255], os.getpid()
        while not self._stop.is_set():
            try:
                WorkerHeartbeat.objects.update_or_create(
                    worker_id=self.worker_id,
                    defaults={"seen_at": timezone.now(), "host": host, "pid": pid},
                    create_defaults={
                        "seen_at": timezone.now(),
                        "host": host,
                        "pid": pid,
                        "started_at": self.started_at,
                    },
                )
                requeue_stalled_tasks(stale_seconds=self.stale_seconds)
            except DatabaseError as exc:
                logger.warning("Heartbeat not recorded (%s)", str(exc).strip() or type(exc))
                _close_connection()
            except Exception:
                logger.exception("Heartbeat failed")
            self._stop.wait(self.heartbeat_seconds)
        _close_connection()
