"""No work stuck forever: a worker killed mid-task, SQLite writers side by side (issue 9)."""

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import SAMPLE_ARTICLE
from tests.processes.conftest import ROOT, wait_for

pytestmark = pytest.mark.processes

INGEST = f"""
from django.contrib.auth import get_user_model
from newsdesk import ingestion
alice = get_user_model().objects.create_user("alice", password="alice-password-1")
text = open({str(SAMPLE_ARTICLE)!r}, encoding="utf-8").read()
print(ingestion.article_ingest(text=text, user=alice, title="Cairo talks").pk)
"""
STATE = """
import json
from django_tasks_db.models import DBTaskResult
from newsdesk.models import Article
task = DBTaskResult.objects.filter(task_path="newsdesk.tasks.extract_entities").get()
print(json.dumps([Article.objects.get().status, task.status, len(task.worker_ids)]))
"""


def test_it_finishes_an_article_whose_worker_was_killed_mid_extraction(sqlite_site):
    site = sqlite_site
    site.shell(INGEST)
    first = site.worker("first")
    wait_for(
        lambda: site.shell(STATE)[1] == "RUNNING", timeout=30, what="the task to start", every=0.1
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert site.shell(STATE) == ["processing", "RUNNING", 1]

    started = time.monotonic()
    second = site.worker("second")
    wait_for(
        lambda: site.shell(STATE)[0] == "ready",
        timeout=60,
        what="the article to be ready",
        every=0.5,
    )
    recovered = time.monotonic() - started
    # Found by the heartbeat check (stale after 3 s here), run again by the new worker.
    assert site.shell(STATE) == ["ready", "SUCCESSFUL", 2]
    assert "put back in the queue" in second.log_path.read_text()
    print(f"recovered {recovered:.1f} s after the second worker started")


WRITER = """
import time
from django.db import transaction
from newsdesk.models import Outlet
for i in range(15):
    with transaction.atomic():
        Outlet.objects.count()  # read, then write: a deferred transaction cannot queue
        time.sleep(0.03)
        Outlet.objects.create(name=f"{NAME} {i}")
print("done")
"""


def test_it_queues_concurrent_sqlite_writers_instead_of_failing(sqlite_site):
    site = sqlite_site
    writers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", WRITER.replace("{NAME}", name)],
            cwd=ROOT,
            env=site.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alice", "bob")
    ]
    results = [writer.communicate(timeout=60) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], results
    assert site.shell("from newsdesk.models import Outlet; print(Outlet.objects.count())") == 30


def test_it_requeues_the_task_a_twice_stopped_worker_was_running(sqlite_site):
    site = sqlite_site
    site.shell(INGEST)
    first = site.worker("first")
    wait_for(
        lambda: site.shell(STATE)[1] == "RUNNING", timeout=30, what="the task to start", every=0.1
    )
    first.send_signal(signal.SIGTERM)  # finish the current task, then stop...
    time.sleep(0.2)
    first.send_signal(signal.SIGTERM)  # ...no: stop now
    assert first.wait(timeout=20) == 1
    assert site.shell(STATE) == ["processing", "READY", 1]

    site.worker("second")
    wait_for(lambda: site.shell(STATE)[0] == "ready", timeout=60, what="the article", every=0.5)
    assert site.shell(STATE) == ["ready", "SUCCESSFUL", 2]


def test_it_finishes_the_current_task_on_sigterm(sqlite_site):
    site = sqlite_site
    site.shell(INGEST)
    worker = site.worker()
    wait_for(
        lambda: site.shell(STATE)[1] == "RUNNING", timeout=30, what="the task to start", every=0.1
    )
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert site.shell(STATE) == ["ready", "SUCCESSFUL", 1]
