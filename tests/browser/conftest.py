"""Fixtures for the browser tests: a real Chromium driven by Playwright's sync API.

The browser is Debian's Chromium (or CHROMIUM_PATH); Playwright's own download is not used.
Without a Chromium the tests are skipped, except on CI (CI=true), where that is a failure.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the main thread, and Django then
# refuses ORM calls from the test body ("You cannot call this from an async context").
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test (and only those)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def find_chromium() -> str | None:
    if path := os.environ.get("CHROMIUM_PATH"):
        return path if Path(path).is_file() else None
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if configured := os.environ.get("CHROMIUM_PATH"):
            reason = f"CHROMIUM_PATH={configured} is not a file: no Chromium to test with."
        else:
            reason = "No Chromium found for the browser tests (no /usr/bin/chromium, none on PATH)."
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} CI must run them: install Chromium or set CHROMIUM_PATH.")
        pytest.skip(f"{reason} Install Chromium or set CHROMIUM_PATH to run them.")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a fresh temporary profile.
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    """A page in a fresh context; ``page.console_errors`` collects JS errors and CSP reports."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.console_errors = []

    def on_console(message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        # Chromium asks for /favicon.ico by itself; Newsdesk has none, and that 404 is no bug.
        if url.endswith("/favicon.ico") and "404" in message.text:
            return
        page.console_errors.append(f"{message.text} ({url})" if url else message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"Uncaught: {error}"))
    yield page
    context.close()


@pytest.fixture
def login(alice, bob, staff) -> Callable:
    """Log in through the real login form: ``login(page, live_server, username, password)``."""

    def _login(page, live_server, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("form.stacked button[type=submit]")
        if page.url.startswith(f"{live_server.url}/accounts/login/"):
            raise AssertionError(f"Logging in as {username} failed: still on {page.url}")

    return _login


@pytest.fixture
def output_dir() -> Path:
    """Where screenshots go; CI keeps test-output/ as an artifact (git ignores it)."""
    path = REPO / "test-output" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path
