"""Two Open311 intake workers at once take disjoint batches (``SELECT … FOR UPDATE SKIP
LOCKED``): every queued request registered once, none twice, neither worker waiting.

PostgreSQL only (SQLite serialises writers; ``select_for_update`` is a no-op there).
Each registration is slowed down so that the second worker claims while the first
still holds its batch.
"""

from __future__ import annotations

import pytest

from tests.concurrency import race, slowed
from tests.factories import QUANCHENG_SQUARE, event_world, open311_key
from yiwang.events.models import Event, IntakeRequest
from yiwang.events.services import open311 as open311_services
from yiwang.events.services.open311 import Submitter, open311_request_enqueue
from yiwang.events.types import Place

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_workers_take_disjoint_batches(monkeypatch):
    # given four queued requests
    world = event_world()
    key, _raw = open311_key()
    for i in range(4):
        open311_request_enqueue(
            key=key,
            category=world.manhole,
            place=Place(*QUANCHENG_SQUARE),
            description=f"井盖{i}",
            submitter=Submitter(phone="13905310002"),
        )
    monkeypatch.setattr(open311_services, "event_register", slowed(open311_services.event_register))

    # when two workers claim batches of two at the same moment
    results = race(
        lambda: open311_services.open311_intake_register(limit=2),
        lambda: open311_services.open311_intake_register(limit=2),
    )

    # then each took two, and all four are registered once
    assert results == [2, 2], results
    assert Event.objects.count() == 4
    assert set(IntakeRequest.objects.values_list("state", flat=True)) == {"registered"}
    assert IntakeRequest.objects.values("event").distinct().count() == 4
