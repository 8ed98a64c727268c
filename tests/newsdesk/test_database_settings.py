"""Connections, SQLite locking and password hashing as settings.py sets them (issue 15)."""

import json

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.newsdesk.test_settings import manage

SHOW = (
    "import json; from django.conf import settings; d = settings.DATABASES['default'];"
    "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d.get('OPTIONS', {})]))"
)


def database_settings(**env):
    result = manage("shell", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_keeps_health_checked_connections_on_postgresql():
    url = "postgres://newsdesk@127.0.0.1:5432/newsdesk"
    assert database_settings(DATABASE_URL=url) == [60, True, {}]
    assert database_settings(DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0")[0] == 0


def test_it_queues_sqlite_writers_in_wal_mode_on_kept_connections(tmp_path):
    assert database_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}") == [
        60,
        True,
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    ]


@pytest.mark.django_db
def test_it_rehashes_a_pbkdf2_password_with_scrypt_at_login(client, django_user_model):
    alice = django_user_model.objects.create(
        username="alice", password=make_password("alice-password-1", hasher="pbkdf2_sha256")
    )
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.password.startswith("scrypt$")
    assert alice.check_password("alice-password-1")
