"""Two relays at once (a scheduler and its standby), each on its own PostgreSQL connection.

PostgreSQL only: SQLite has no row locks, so ``SKIP LOCKED`` cannot be shown there.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from tests.factories import case_world, draft_application
from yiwang.cases import services
from yiwang.cases.models import CaseTimelineEntry
from yiwang.notifications.models import Notification

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_relay_skips_the_entry_another_relay_holds_and_nobody_is_told_twice():
    # given three submitted cases whose events wait in the outbox
    world = case_world()
    for _ in range(3):
        draft = draft_application(world)
        services.application_submit(application=draft, applicant=world.applicant)
    first = CaseTimelineEntry.objects.filter(outbox__isnull=False).order_by("id").first()

    # and another relay in the middle of telling the first one (its row claimed)
    claimed, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_relay() -> None:
        try:
            with transaction.atomic():
                CaseTimelineEntry.objects.select_for_update().get(pk=first.pk)
                claimed.set()
                release.wait(30)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=other_relay)
    thread.start()
    assert claimed.wait(30)

    # when this relay runs, it tells the two others at once, without waiting for the first
    try:
        assert services.case_events_fan_out() == 2
        assert Notification.objects.filter(kind="submitted").count() == 2
    finally:
        release.set()
        thread.join(30)
    assert not errors

    # then, the other relay gone without telling it, the next wake-up tells the first, once
    assert services.case_events_fan_out() == 1
    assert services.case_events_fan_out() == 0
    assert Notification.objects.filter(kind="submitted").count() == 3
