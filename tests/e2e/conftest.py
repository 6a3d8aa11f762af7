"""The live server of the end-to-end journeys.

With SQLite the test database is an in-memory shared cache, and each thread
of the live server opens its own connection to it. When two requests write at
once (Chromium loads the PDF previews of a case page in parallel, and every
opening is audited), the shared cache fails the second at once with "database
table is locked" instead of waiting for the busy timeout as a database file
does. So on SQLite the server runs one request at a time; on PostgreSQL they
run in parallel, as in production.
"""

from __future__ import annotations

import os
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """Threads still accept and read requests (an idle preconnected socket blocks nobody);
    the application runs under a lock."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


class OneRequestAtATimeThread(LiveServerThread):
    server_class = OneRequestAtATimeServer


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's ``live_server``, one request at a time on SQLite."""
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    if connection.vendor == "sqlite":
        parallel = server.thread
        server.thread = OneRequestAtATimeThread(
            parallel.host,
            static_handler=parallel.static_handler,
            connections_override=parallel.connections_override,
            port=parallel.port,
        )
        server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (one per person), English UI, closed after the test."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _audit_log_verifies_after_the_journey(request):
    """After every journey through a live server, ``python -m yiwang verify-audit`` passes
    on what it wrote (issue 11): checked before the database is emptied."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")  # torn down (emptied) after this check
    yield
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    call_command("verify_audit", stdout=out, stderr=err)
    assert "Audit log OK" in out.getvalue(), out.getvalue() + err.getvalue()
