"""A worker and the web app ride out a PostgreSQL restart (issue 15)."""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.processes.conftest import free_port, wait_for

pytestmark = pytest.mark.processes

CREATE_USER = (
    "from django.contrib.auth import get_user_model;"
    "get_user_model().objects.create_user('alice', password='alice-password-1');print(1)"
)
ENQUEUE = "from newsdesk.tasks import import_batch;print('\"%s\"' % import_batch.enqueue(0).id)"
STATUS = (
    "from django_tasks_db.models import DBTaskResult;"
    "print('\"%s\"' % DBTaskResult.objects.get(pk='{}').status)"
)


class PlainHttpPolicy(http.cookiejar.DefaultCookiePolicy):
    """DEBUG=False marks the cookies Secure; this test server is plain http on loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar(policy=PlainHttpPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except urllib.error.URLError as error:
            return 0, str(error)

    def csrf(self) -> str:
        return next(c.value for c in self.cookies if c.name == "csrftoken")

    def log_in(self, username: str, password: str) -> None:
        status, page = self.request("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, page = self.request(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        assert status == 200 and "Log out" in page


def test_it_keeps_the_worker_and_answers_503_through_a_postgres_outage(postgres, postgres_site):
    site = postgres_site
    site.shell(CREATE_USER)
    port = free_port()
    production = {
        "DEBUG": "False",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_CONN_MAX_AGE": "60",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
    }
    # DEBUG off serves the collected, hashed static files (WhiteNoise), as in production.
    site.manage("collectstatic", "--noinput", env=production)
    web = site.start(
        "runserver", "--noreload", f"127.0.0.1:{port}",
        env=production,
        name="web",
    )  # fmt: skip
    worker = site.worker()
    browser = Browser(f"http://127.0.0.1:{port}")
    wait_for(lambda: browser.request("/accounts/login/")[0] == 200, timeout=90, what="runserver")
    browser.log_in("alice", "alice-password-1")
    wait_for(lambda: "Starting worker" in worker.log_path.read_text(), timeout=30, what="worker")

    postgres.stop()
    outage_started = time.monotonic()
    status, page = browser.request("/")
    assert status == 503, page
    assert "The database is unavailable; your change was not saved" in page
    status, text = browser.request(
        "/articles/1/retry-entities/",
        {},
        headers={"HX-Request": "true", "X-CSRFToken": browser.csrf()},
    )
    assert (status, text) == (
        503,
        "The database is unavailable; your change was not saved — retry.",
    )
    wait_for(
        lambda: "Database unavailable" in worker.log_path.read_text(),
        timeout=10,
        what="the worker to notice the outage",
    )
    time.sleep(max(0.0, 4 - (time.monotonic() - outage_started)))
    assert worker.poll() is None, worker.log_path.read_text()
    postgres.start()

    # The same processes carry on: the page loads and a task queued now is run.
    wait_for(lambda: browser.request("/")[0] == 200, timeout=20, what="the page after the outage")
    task_id = site.shell(ENQUEUE)
    wait_for(
        lambda: site.shell(STATUS.format(task_id)) == "SUCCESSFUL",
        timeout=40,
        what="the worker to run a task queued after the outage",
        every=0.5,
    )
    assert worker.poll() is None
    assert web.poll() is None
