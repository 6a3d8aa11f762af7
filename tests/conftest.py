"""Shared fixtures. Tests that need PostgreSQL or a browser skip off CI and fail on CI."""

from __future__ import annotations

import os
import shutil
from io import StringIO

import pytest

ON_CI = os.environ.get("CI") == "true"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    deselected = []
    for item in list(items):
        _restore_data_after_flush(item)
        if item.get_closest_marker("postgres") and not on_postgres:
            if ON_CI:
                # On CI they run in the PostgreSQL pass of `make test`, never skipped.
                deselected.append(item)
                items.remove(item)
                continue
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
            )
        if item.get_closest_marker("browser") and not CHROMIUM:
            if ON_CI:
                raise pytest.UsageError("Chromium is required on CI for browser tests")
            item.add_marker(
                pytest.mark.skip(reason="needs Debian's chromium (apt-get install chromium)")
            )
    if deselected:
        config.hook.pytest_deselected(items=deselected)


def _restore_data_after_flush(item: pytest.Item) -> None:
    """Transactional tests end by emptying every table, and data migrations
    (the holiday calendar, the role groups) would then be missing for the
    tests that follow in the same worker. ``serialized_rollback`` restores
    them, and must be on for every transactional test: one without it also
    re-runs post-migrate hooks, whose rows then clash with the next restore.
    """
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False) or "live_server" in getattr(
        item, "fixturenames", ()
    )
    if transactional and not marker.kwargs.get("serialized_rollback", False):
        kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, one per browser-test module (Playwright imported lazily).

    Playwright's sync API keeps an event loop running in the test's thread,
    and Django refuses ORM calls from a thread with a running loop. The test
    code (building data, checking it) and the database fixtures' teardown are
    still plain synchronous code, so Django's async-safety check is switched
    off while this browser is open, and back on when it closes.
    """
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level messages in English, so tests can assert on them.

    Pages served through the test client pick their language per request as usual.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def run_worker():
    """Run the real ``db_worker`` until no task is ready, as ``db_worker --batch`` does."""
    from django.core.management import call_command

    def run() -> str:
        out = StringIO()
        call_command(
            "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
            verbosity=0, stdout=out,
        )  # fmt: skip
        return out.getvalue()

    return run
