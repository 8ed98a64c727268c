import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-deploy-check-only",
    "ALLOWED_HOSTS": "newsdesk.example.org",
    "SECURE_HSTS_PRELOAD": "True",
}


def manage(*args, **env):
    # The browser tests' conftest allows async-unsafe calls in this process; a deployment
    # must not inherit that.
    skip = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing,message",
    [("SECRET_KEY", "set SECRET_KEY"), ("ALLOWED_HOSTS", "set ALLOWED_HOSTS")],
)
def test_it_refuses_to_start_without_debug_and_a_real_setting(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_refuses_a_debug_value_that_is_not_true_or_false():
    result = manage("check", DEBUG="yes")
    assert result.returncode != 0
    assert "DEBUG must be True or False" in result.stderr
