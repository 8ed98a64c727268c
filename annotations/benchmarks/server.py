"""Newsdesk as deployed, on loopback: gunicorn with ``DEBUG=False`` on a throwaway database.

Used by the deploy tests and ``manage.py load --start-server``. The database is a fresh
SQLite file, or a fresh database on the PostgreSQL server of ``DATABASE_URL`` (dropped
afterwards); it is migrated, static files are collected into a temporary ``STATIC_ROOT``
and served by WhiteNoise, as in the README's production commands. Only the cookies'
Secure flag and the HTTPS redirect are turned off: the server speaks plain http on
127.0.0.1.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    env: dict[str, str]
    log: Path
    processes: list[subprocess.Popen] = field(default_factory=list)

    def manage(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        """``manage.py`` against the server's database and settings; fails loudly."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result

    def python(self, code: str, timeout: float = 300) -> str:
        """Run Django code against the server's database; returns what it printed."""
        return self.manage("shell", "--no-imports", "-c", code, timeout=timeout).stdout

    def server_log(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def _environment(database_url: str, workdir: Path) -> dict[str, str]:
    skip = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def _database(workdir: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new database beside DATABASE_URL's."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    import psycopg

    name = f"newsdesk_deploy_{secrets.token_hex(4)}"
    parts = urlsplit(base)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def production_server(
    *,
    workers: int = 2,
    threads: int = 4,
    db_workers: int = 0,
    timeout: int = 60,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """gunicorn (``workers`` × ``threads``) and ``db_workers`` task workers on 127.0.0.1;
    ``env`` adds settings to the server's environment."""
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-server-"))
    try:
        with _database(workdir) as database_url:
            port = free_port()
            server = Server(
                url=f"http://127.0.0.1:{port}",
                env={**_environment(database_url, workdir), **(env or {})},
                log=workdir / "server.log",
            )
            server.manage("migrate", "--noinput")
            server.manage("collectstatic", "--noinput")
            with server.log.open("w") as log:
                web = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "newsdesk.wsgi",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(workers),
                        "--threads",
                        str(threads),
                        "--timeout",
                        str(timeout),
                    ],
                    cwd=REPO,
                    env=server.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                server.processes.append(web)
                for _ in range(db_workers):
                    server.processes.append(
                        subprocess.Popen(
                            [sys.executable, "manage.py", "db_worker"],
                            cwd=REPO,
                            env=server.env,
                            stdout=log,
                            stderr=subprocess.STDOUT,
                        )
                    )
                try:
                    _wait_until_up(server.url, web, server.log)
                    yield server
                finally:
                    for process in reversed(server.processes):
                        _stop(process)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
