"""Real processes: a throwaway PostgreSQL, `db_worker` and `runserver` subprocesses.

Each test talks to its own database (a PostgreSQL cluster started here, or an SQLite
file), never to pytest-django's test database.
"""

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PG_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], object], *, timeout: float, what: str, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"Timed out after {timeout} s waiting for {what}")


class Site:
    """manage.py run against one database, with the test's settings in the environment."""

    def __init__(self, database_url: str, workdir: Path):
        self.workdir = workdir
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "True",
            "NEWSDESK_WORKER_HEARTBEAT_SECONDS": "1",
            "NEWSDESK_WORKER_STALE_SECONDS": "3",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str, timeout: float = 120, env: dict | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> object:
        """Run Python in a Django shell; it prints one JSON value, returned here."""
        out = self.manage("shell", "-c", code)
        return json.loads(out.strip().splitlines()[-1])

    def start(self, *args: str, env: dict | None = None, name: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log = log
        process.log_path = self.workdir / f"{name}.log"
        self.processes.append(process)
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen:
        return self.start(
            "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2", name=name
        )

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            process.log.close()


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="newsdesk-proc-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sqlite_site(workdir):
    site = Site(f"sqlite:///{workdir / 'db.sqlite3'}", workdir)
    site.manage("migrate", "--noinput")
    yield site
    site.stop_all()


class Postgres:
    def __init__(self, bindir: Path, workdir: Path):
        self.bindir = bindir
        self.dir = workdir / "pg"
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/newsdesk"
        self.as_postgres = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            shutil.chown(self.dir, "postgres")
            shutil.chown(workdir, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bindir / tool), *args],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def initdb(self) -> None:
        self.run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust")
        self.start()
        self.run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "newsdesk")

    def start(self) -> None:
        self.run(
            "pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "log"), "-w",
            "-o", f"-h 127.0.0.1 -p {self.port} -k {self.dir}", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture
def postgres(workdir):
    if not PG_DIRS or not (PG_DIRS[0] / "initdb").exists():
        if os.getenv("CI") == "true":
            pytest.fail("CI=true but no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
        pytest.skip("PostgreSQL binaries not found in /usr/lib/postgresql/*/bin")
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: it runs as the `postgres` user.
        reason = None
        if shutil.which("runuser") is None:
            reason = "running as root without runuser: PostgreSQL cannot be started"
        else:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                reason = "running as root and there is no `postgres` user to run PostgreSQL"
        if reason and os.getenv("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        if reason:
            pytest.skip(reason)
    pg = Postgres(PG_DIRS[0], workdir)
    pg.initdb()
    yield pg
    subprocess.run(
        [*pg.as_postgres, str(pg.bindir / "pg_ctl"), "-D", str(pg.dir / "data"), "-m",
         "immediate", "stop"],
        capture_output=True,
    )  # fmt: skip


@pytest.fixture
def postgres_site(postgres, workdir):
    site = Site(postgres.url, workdir)
    site.manage("migrate", "--noinput")
    yield site
    site.stop_all()
