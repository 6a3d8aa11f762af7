"""Shared fixtures. Tests that need PostgreSQL, a browser or the MQTT broker skip off CI and
fail on CI.

Time (docs/testing.md): every test runs at an instant it chooses, never at
today's date. The ``clock`` fixture (autouse) stops the clock at
``tests.clock.NOW``, Tuesday 3 March 2026 10:00 in Jinan: a working day inside
the shipped 2026 holiday schedule, the day after the case presets' ``T0``.
``timezone.now()``, ``date.today()`` and ``time.time()`` read it, in every
thread of the process (the live server's too). A test that needs another
instant says so, and may move the clock while it runs::

    @pytest.mark.frozen_at("2026-12-21T10:00:00+08:00")  # or an aware datetime
    def test_...(clock):
        clock.shift(timedelta(minutes=16))  # or clock.move_to(datetime(...))

``frozen_at(..., tick=True)`` lets the clock run from the instant, for code
that must see time pass. What runs outside a test (migrations, the live
server, Chromium's launch) runs on a clock that starts at ``SETUP``, the
midnight before ``T0``, and runs.
``make test-moved-clock`` runs the suite with the whole process clock moved
out of the shipped schedules (faketime), which catches a test that still
reads today. The order is random (pytest-randomly): the seed is in the
header, and repeated after a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable, Iterator
from io import StringIO
from typing import TypeVar

import pytest
import time_machine

from tests.clock import NOW, SETUP, instant

T = TypeVar("T")
ON_CI = os.environ.get("CI") == "true"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: The development and CI machines' Mosquitto (docs/iot.md); tests marked ``mqtt`` use it.
MQTT_BROKER = ("127.0.0.1", 1883)
_mqtt_answers: list[bool] = []


def mqtt_broker_answers() -> bool:
    """Whether something accepts connections at ``MQTT_BROKER`` (asked once per process)."""
    if not _mqtt_answers:
        try:
            socket.create_connection(MQTT_BROKER, timeout=2).close()
            _mqtt_answers.append(True)
        except OSError:
            _mqtt_answers.append(False)
    return _mqtt_answers[0]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """``YIWANG_TEST_DATABASE_NAME``: the test database's name, when two test runs share one
    PostgreSQL server at once (`make test`'s live-server pass beside its browser pass);
    default ``test_`` + the database's name (and xdist's worker suffix)."""
    from django.conf import settings

    name = os.environ.get("YIWANG_TEST_DATABASE_NAME")
    if name:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    database_only = os.environ.get("YIWANG_TESTS_DATABASE_ONLY") == "true"
    deselected = []
    for item in list(items):
        _restore_data_after_flush(item)
        _check_clock_markers(item)
        if database_only and not _uses_database(item):
            # `make test`'s PostgreSQL pass: a test that touches no database ran in the SQLite
            # pass already, and would run the same here (docs/testing.md).
            deselected.append(item)
            items.remove(item)
            continue
        if item.get_closest_marker("postgres") and not on_postgres:
            if ON_CI:
                # On CI they run in the PostgreSQL pass of `make test`, never skipped.
                deselected.append(item)
                items.remove(item)
                continue
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
            )
        if item.get_closest_marker("mqtt") and not mqtt_broker_answers():
            if ON_CI:
                raise pytest.UsageError(f"The MQTT broker at {MQTT_BROKER} is required on CI")
            item.add_marker(
                pytest.mark.skip(
                    reason=f"needs the MQTT broker at {MQTT_BROKER} (Mosquitto: docs/iot.md)"
                )
            )
        if item.get_closest_marker("browser") and not CHROMIUM:
            if ON_CI:
                raise pytest.UsageError("Chromium is required on CI for browser tests")
            item.add_marker(
                pytest.mark.skip(reason="needs Debian's chromium (apt-get install chromium)")
            )
    if deselected:
        config.hook.pytest_deselected(items=deselected)
    _check_demo_city_modules(items)


#: Fixtures that give a test the database (pytest-django's, and ours built on them).
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "live_server", "demo_city"}
)


def _uses_database(item: pytest.Item) -> bool:
    """Whether the test may touch the database: marked ``django_db``, or given the database by
    a fixture (``fixturenames`` holds every fixture it uses, directly or through others)."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not _DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def _check_demo_city_modules(items: list[pytest.Item]) -> None:
    """``demo_city`` stays loaded from its first test to the module's end, so every test of a
    module that uses it must use it: another would find the demo where it expects nothing."""
    by_module: dict[str, list[pytest.Item]] = {}
    for item in items:
        by_module.setdefault(item.nodeid.split("::")[0], []).append(item)
    for module, module_items in by_module.items():
        using = ["demo_city" in getattr(item, "fixturenames", ()) for item in module_items]
        if any(using) and not all(using):
            others = [i.name for i, uses in zip(module_items, using, strict=True) if not uses]
            raise pytest.UsageError(
                f"{module}: every test of a module that uses demo_city must use it "
                f"(move these to another module): {', '.join(others)}"
            )


def _check_clock_markers(item: pytest.Item) -> None:
    if item.get_closest_marker("time_machine"):
        # time-machine's own marker would start a second, running clock beside ours.
        raise pytest.UsageError(f"{item.nodeid}: use @pytest.mark.frozen_at, not time_machine")
    marker = item.get_closest_marker("frozen_at")
    if marker is None:
        return
    try:
        instant(*marker.args)
        if set(marker.kwargs) - {"tick"}:
            raise TypeError(f"frozen_at takes an instant and tick=, not {marker.kwargs}")
    except (TypeError, ValueError) as error:
        raise pytest.UsageError(f"{item.nodeid}: {error}") from error


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
    transactional = _transactional(item) or "live_server" in getattr(item, "fixturenames", ())
    if transactional and not marker.kwargs.get("serialized_rollback", False):
        kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
        item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("transaction", False))


#: Whether a transactional test emptied the tables since the data migrations' rows were last
#: restored (per worker process).
_emptied = False


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    global _emptied
    if _transactional(item):
        _emptied = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a non-transactional database test that follows a transactional one in this
    worker, restore what the data migrations wrote (the serialized copy ``serialized_rollback``
    restores from), as a transactional test restores it for itself: Django restores at the
    start of the next *serialized* test, so whatever order the tests come in (xdist's
    ``loadscope`` sends whole modules in any order), none finds the tables empty."""
    global _emptied
    if not _emptied or _transactional(item) or not _uses_database(item):
        return
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    blocker = item.config.stash[blocking_manager_key]
    with blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
    _emptied = False


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


def _file_settings(folder) -> dict[str, object]:
    """Where uploads, the audit log's signing key (generated on first use) and its checkpoint
    log go: a folder of the test's (or module's) own, never the checkout's ``var/``."""
    return {
        "MEDIA_ROOT": folder / "media",
        "YIWANG_AUDIT_SIGNING_KEY_FILE": str(folder / "audit-signing-key.pem"),
        "YIWANG_AUDIT_CHECKPOINT_LOG": str(folder / "audit-checkpoints.jsonl"),
        "YIWANG_AUDIT_PUBLIC_KEYS": [],
    }


@pytest.fixture(autouse=True)
def _test_files(request, tmp_path, settings):
    """Each test's own files; the tests of a module that shares data built once for the
    module (``demo_city``, a ``module_data`` world) share its files too, since its rows
    name them."""
    shared = "module_files" in request.fixturenames
    folder = request.getfixturevalue("module_files") if shared else tmp_path
    for name, value in _file_settings(folder).items():
        setattr(settings, name, value)


@pytest.fixture(scope="module")
def module_files(tmp_path_factory):
    """The folder for uploads and audit files of data built once for a module."""
    return tmp_path_factory.mktemp("module")


@pytest.fixture(scope="module")
def module_data(django_db_setup, django_db_blocker, module_files):
    """Data built once for a module: in a module fixture, ``with module_data(build) as
    built: yield built``.

    ``build()`` runs at ``tests.clock.NOW`` in a transaction of the module's, which is
    rolled back after the module's last test; each test's own transaction is a savepoint
    inside it (as Django's ``TestCase.setUpTestData``), so what a test changes is undone
    after it. Not for transactional or live-server tests, which empty the tables. Files go
    to ``module_files``, which every test of the module then uses.
    """
    from contextlib import contextmanager

    from django.db import connections, transaction
    from django.test import override_settings

    @contextmanager
    def module_transaction(build: Callable[[], T]) -> Iterator[T]:
        with django_db_blocker.unblock(), override_settings(**_file_settings(module_files)):
            atomics = {  # mirrors (the test replica) share their primary's transaction
                alias: transaction.atomic(using=alias)
                for alias in connections
                if not connections[alias].settings_dict.get("TEST", {}).get("MIRROR")
            }
            for atomic in atomics.values():
                atomic.__enter__()
            try:
                with time_machine.travel(NOW, tick=False):
                    built = build()
                yield built
            finally:
                for alias, atomic in reversed(atomics.items()):
                    transaction.set_rollback(True, using=alias)
                    atomic.__exit__(None, None, None)

    return module_transaction


@pytest.fixture(scope="module")
def demo_city(module_data, module_files):
    """The Jinan demo city (``load_demo``, as ``make run`` loads it), loaded once for a module
    whose tests only need it there (it takes seconds), in the module's transaction
    (``module_data``). Yields the module's folder for uploads and audit files.
    """
    from django.core.management import call_command

    with module_data(lambda: call_command("load_demo", "--quiet")):
        yield module_files


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (local memory in tests): a ranking one test
    cached (the popular services) must not leak into the next test's pages."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


class _Monotonic:
    """A ``time`` stand-in whose ``monotonic()`` moves only when a test moves it."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def recheck_clock(monkeypatch):
    """``yiwang.core.recheck``'s monotonic clock, moved only by the test (``.now += 2``)."""
    from yiwang.core import recheck

    clock = _Monotonic()
    monkeypatch.setattr(recheck, "time", clock)
    return clock


@pytest.fixture
def lookups_trusted(settings, recheck_clock):
    """The production setting YIWANG_LOOKUP_RECHECK_SECONDS (2 s; 0 in the other tests) with
    :func:`recheck_clock` (``lookups_trusted.now += 2``); every per-process lookup
    (``yiwang.core.recheck``) empty before and after."""
    from yiwang.core import recheck

    settings.YIWANG_LOOKUP_RECHECK_SECONDS = 2
    recheck.recheck_forget_all()
    yield recheck_clock
    recheck.recheck_forget_all()


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level messages in English, so tests can assert on them.

    Pages served through the test client pick their language per request as usual.
    """
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(scope="session", autouse=True)
def _session_clock() -> Iterator[None]:
    """Session and module fixtures (migrations, the live server, Chromium) run outside any
    test's clock: on one that starts at ``tests.clock.SETUP`` and runs, never on today."""
    with time_machine.travel(SETUP, tick=True):
        yield


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest, _session_clock: None) -> Iterator[time_machine.Traveller]:
    """The test's clock, stopped at ``tests.clock.NOW`` or at its ``frozen_at`` instant.

    Use it to move time during the test: ``clock.shift(timedelta(...))``,
    ``clock.move_to(datetime(...))``.
    """
    marker = request.node.get_closest_marker("frozen_at")  # checked at collection
    at, tick = NOW, False
    if marker is not None:
        at, tick = instant(*marker.args), marker.kwargs.get("tick", False)
    with time_machine.travel(at, tick=tick) as traveller:
        yield traveller


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """After a failure, say how to replay the same random order (the header says it too)."""
    seed = getattr(config.option, "randomly_seed", None)
    if exitstatus != 0 and isinstance(seed, int) and config.pluginmanager.hasplugin("randomly"):
        terminalreporter.write_line(
            f"Tests ran in random order: replay it with -p randomly --randomly-seed={seed}"
        )


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
