"""Reads of lists and search from the replica, writes and a user's own reads from the primary.

The test settings define the alias ``replica`` as a TEST MIRROR of ``default``:
its own connection to the same test database, so each query shows on the
connection it was sent to. ``transaction=True``: what one connection commits
the other sees, and no test-wide transaction pins every read to the primary.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import case_world, submitted_case
from yiwang.cases.models import Case
from yiwang.core import dbrouting
from yiwang.core.audit import audit_record
from yiwang.core.dbrouting import PIN_COOKIE, PRIMARY, REPLICA, replica_scope
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    """The replica configured, and no write seen yet, as at the start of a request."""
    settings.YIWANG_DATABASE_REPLICA_READS = True
    settings.YIWANG_DATABASE_REPLICA_PIN_SECONDS = 10
    token = dbrouting._wrote.set(False)
    yield settings
    dbrouting._wrote.reset(token)


class Sent:
    """The SQL each connection received during the block."""

    def __enter__(self):
        self._primary = CaptureQueriesContext(connections[PRIMARY]).__enter__()
        self._replica = CaptureQueriesContext(connections[REPLICA]).__enter__()
        return self

    def __exit__(self, *exc):
        self._replica.__exit__(*exc)
        self._primary.__exit__(*exc)

    @property
    def primary(self) -> list[str]:
        return [q["sql"] for q in self._primary.captured_queries]

    @property
    def replica(self) -> list[str]:
        return [q["sql"] for q in self._replica.captured_queries]


def _on(sqls: list[str], table: str) -> list[str]:
    return [sql for sql in sqls if f'"{table}"' in sql]


def _clerk(world) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.clerk)
    return client


# --- the router's rules -------------------------------------------------------------------


def test_reads_go_to_the_replica_only_inside_a_replica_scope(replica):
    assert Case.objects.all().db == PRIMARY
    with replica_scope():
        assert Case.objects.all().db == REPLICA
    assert Case.objects.all().db == PRIMARY


def test_without_a_configured_replica_everything_reads_from_the_primary(settings):
    settings.YIWANG_DATABASE_REPLICA_READS = False
    with replica_scope():
        assert Case.objects.all().db == PRIMARY


def test_a_transaction_reads_from_the_primary(replica):
    with replica_scope(), transaction.atomic():
        assert Case.objects.all().db == PRIMARY


def test_writes_go_to_the_primary_and_so_do_the_reads_after_them(replica):
    with replica_scope():
        assert Case.objects.all().db == REPLICA
        with Sent() as sent:
            entry = audit_record(actor=None, action="test.write")
            assert AuditEntry.objects.filter(pk=entry.pk).exists()
        assert _on(sent.primary, "core_auditentry")[0].startswith("INSERT")
        assert _on(sent.replica, "core_auditentry") == []
        assert Case.objects.all().db == PRIMARY


def test_a_row_read_from_the_replica_is_saved_to_the_primary(replica):
    world = case_world()
    case = submitted_case(world)
    dbrouting._wrote.set(False)  # the set-up wrote; a request starts afresh
    with replica_scope():
        read = Case.objects.get(pk=case.pk)
        assert read._state.db == REPLICA
        with Sent() as sent:
            read.save(update_fields=["updated_at"])
    assert _on(sent.primary, "cases_case")[0].startswith("UPDATE")
    assert _on(sent.replica, "cases_case") == []


def test_nothing_is_migrated_on_the_replica():
    router = dbrouting.ReplicaRouter()
    assert router.allow_migrate(REPLICA, "cases") is False
    assert router.allow_migrate(PRIMARY, "cases") is None


# --- through the pages --------------------------------------------------------------------


def test_the_officers_queue_reads_its_cases_from_the_replica(replica):
    world = case_world()
    case = submitted_case(world)
    client = _clerk(world)

    with Sent() as sent:
        response = client.get(reverse("workbench:queue"))

    assert response.status_code == 200
    assert case.number in response.content.decode()
    assert _on(sent.replica, "cases_case")
    assert _on(sent.primary, "cases_case") == []
    # sign-in and the session are read from the primary; nothing is written to the replica
    assert _on(sent.primary, "django_session")
    assert _on(sent.replica, "django_session") == []
    assert not [sql for sql in sent.replica if not sql.startswith("SELECT")]


def test_search_and_the_api_queue_read_from_the_replica(replica):
    world = case_world()
    submitted_case(world)
    client = _clerk(world)

    with Sent() as sent:
        search = client.get(reverse("portal:search"), {"q": world.service.name_zh})
    assert search.status_code == 200
    assert _on(sent.replica, "catalog_serviceversion")
    assert _on(sent.primary, "catalog_serviceversion") == []

    with Sent() as sent:
        api = client.get("/api/v1/officer/cases")
    assert api.status_code == 200
    assert _on(sent.replica, "cases_case")
    assert _on(sent.primary, "cases_case") == []


def test_a_case_page_reads_and_writes_on_the_primary(replica):
    world = case_world()
    case = submitted_case(world)

    with Sent() as sent:
        response = _clerk(world).get(reverse("workbench:case", args=[case.number]))

    assert response.status_code == 200
    assert _on(sent.primary, "cases_case")
    assert sent.replica == []


def test_after_a_write_the_user_reads_from_the_primary_for_the_pin_seconds(replica, clock):
    world = case_world()
    case = submitted_case(world)
    clerk = _clerk(world)

    # when the clerk claims a case (a POST)
    with Sent() as sent:
        response = clerk.post(reverse("workbench:claim", args=[case.number]))
    assert response.status_code == 302
    assert sent.replica == []
    assert response.cookies[PIN_COOKIE]["max-age"] == 10

    # then their queue, which shows the claim, comes from the primary
    with Sent() as sent:
        assert clerk.get(reverse("workbench:queue")).status_code == 200
    assert _on(sent.primary, "cases_case")
    assert sent.replica == []

    # while another officer's queue still comes from the replica
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    other.force_login(world.supervisor)
    with Sent() as sent:
        assert other.get(reverse("workbench:queue")).status_code == 200
    assert _on(sent.replica, "cases_case")

    # and ten seconds later the clerk's reads go back to the replica
    clock.shift(timedelta(seconds=11))
    with Sent() as sent:
        assert clerk.get(reverse("workbench:queue")).status_code == 200
    assert _on(sent.replica, "cases_case")
    assert _on(sent.primary, "cases_case") == []


def test_a_forged_or_garbled_pin_cookie_only_sends_reads_to_the_primary(replica):
    world = case_world()
    submitted_case(world)
    clerk = _clerk(world)

    clerk.cookies[PIN_COOKIE] = "not a time"
    with Sent() as sent:
        assert clerk.get(reverse("workbench:queue")).status_code == 200
    assert _on(sent.replica, "cases_case")

    clerk.cookies[PIN_COOKIE] = "99999999999"
    with Sent() as sent:
        assert clerk.get(reverse("workbench:queue")).status_code == 200
    assert sent.replica == []


def test_without_a_replica_no_pin_cookie_is_set(settings):
    settings.YIWANG_DATABASE_REPLICA_READS = False
    world = case_world()
    case = submitted_case(world)

    response = _clerk(world).post(reverse("workbench:claim", args=[case.number]))

    assert response.status_code == 302
    assert PIN_COOKIE not in response.cookies
