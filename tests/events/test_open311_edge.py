"""The Open311 edge with the production setting YIWANG_LOOKUP_RECHECK_SECONDS (2 s): the
key and the service looked up once and trusted for that long by the process, so a queued
POST writes only the key's throttle charge and the queued row; a key revoked or a service
retired elsewhere is refused at most 2 s later, and a revocation made in this process at
once.

The world is tests/factories.py ``event_world`` (井盖缺失, 050101, at 泉城广场)."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.events.test_open311_queue import accepted_token, manhole_post
from tests.factories import event_world, open311_key
from yiwang.events import services as event_services
from yiwang.events.models import ApiKey, Category, IntakeRequest
from yiwang.events.services import open311_intake_register

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]  # at tests.clock.NOW

RECHECK = 2  # seconds: lookups_trusted's setting


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world(settings, lookups_trusted):
    settings.YIWANG_OPEN311_ASYNC = True
    return event_world()


@pytest.fixture
def key(world):
    return open311_key()[0]


def test_a_queued_post_writes_the_charge_and_the_row_and_reads_nothing_else(
    client, key, django_assert_num_queries
):
    accepted_token(manhole_post(client), "json")  # the key and the service looked up

    # The throttle's transaction (a savepoint inside the test's own transaction): its row
    # charged (on PostgreSQL one upsert; elsewhere read under its lock, then written); then
    # the queued row. Nothing read for the key or the service, nothing for the leaf check.
    on_postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(4 if on_postgres else 5) as captured:
        accepted_token(manhole_post(client), "json")

    sql = [q["sql"] for q in captured.captured_queries]
    charge = sql[1:-2]
    assert all("identity_throttle" in statement for statement in charge)
    assert charge[0].startswith("INSERT" if on_postgres else "SELECT")
    assert sql[-1].startswith('INSERT INTO "events_intakerequest"')
    assert IntakeRequest.objects.count() == 2


def test_a_key_revoked_in_this_process_is_refused_at_once(
    client, key, django_capture_on_commit_callbacks
):
    accepted_token(manhole_post(client), "json")

    with django_capture_on_commit_callbacks(execute=True):
        event_services.api_key_revoke(actor=None, key=key)
    response = manhole_post(client)

    assert response.status_code == 403
    assert "revoked" in response.json()[0]["description"]
    assert IntakeRequest.objects.count() == 1


def test_a_key_revoked_elsewhere_is_refused_once_the_process_looks_again(
    client, key, lookups_trusted
):
    from django.utils import timezone

    accepted_token(manhole_post(client), "json")
    # Another process (the admin on another server) revokes it: this one's copy is 0 s old.
    ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())

    lookups_trusted.now += RECHECK - 0.5
    accepted_token(manhole_post(client), "json")  # trusted for 2 s: the stated bound
    lookups_trusted.now += 0.5
    response = manhole_post(client)

    assert response.status_code == 403
    assert IntakeRequest.objects.count() == 2


def test_a_service_retired_meanwhile_is_refused_at_registration(client, key, lookups_trusted):
    """Accepted at the edge within the 2 s, the request is refused when a worker registers it
    (the worker reads the categories again): the token answers the refusal, no event."""
    accepted_token(manhole_post(client), "json")
    Category.objects.filter(code="050101").update(is_active=False)

    token = accepted_token(manhole_post(client), "json")
    open311_intake_register()
    answer = client.get(f"/open311/v2/tokens/{token}.json")

    assert answer.status_code == 400
    assert "active leaf category" in answer.json()[0]["description"]
    assert IntakeRequest.objects.get(token=token).event is None
    lookups_trusted.now += RECHECK
    assert manhole_post(client).status_code == 404  # and no longer offered at the edge
