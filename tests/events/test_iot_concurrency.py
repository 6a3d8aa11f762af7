"""Two alarms of one device at the same instant, in two batches on two connections.

PostgreSQL only (SQLite serialises writers; ``select_for_update`` is a no-op there).
The registration of the new event is slowed down so that the second subscriber
batch reaches the device for sure while the first is still inside its transaction:
without a lock on the device both would find no open event and both would create one.
"""

from __future__ import annotations

import pytest

from tests.concurrency import race, slowed
from tests.factories import alarm_message, event_world, iot_device
from yiwang.events.models import AlarmReceipt, Event, EventEntry
from yiwang.events.services import intake
from yiwang.events.services.iot import alarms_receive

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


message = alarm_message


@pytest.fixture
def slow_register(monkeypatch):
    """Creating the event, run while the first batch holds its transaction."""
    monkeypatch.setattr(intake, "event_register", slowed(intake.event_register))


def test_two_concurrent_alarms_of_one_device_make_one_event_counted_twice(slow_register):
    world = event_world()
    iot_device(world)

    results = race(
        lambda: alarms_receive(messages=[message("m-1")]),
        lambda: alarms_receive(messages=[message("m-2")]),
    )

    assert all(isinstance(r, list) for r in results), results
    event = Event.objects.get()
    assert event.alarm_count == 2
    assert EventEntry.objects.filter(event=event, kind="alarm_repeated").count() == 1
    assert set(AlarmReceipt.objects.values_list("message_id", "event_id")) == {
        ("m-1", event.pk),
        ("m-2", event.pk),
    }


def test_batches_taking_two_devices_in_opposite_orders_do_not_deadlock(slow_register):
    world = event_world()
    iot_device(world)
    iot_device(world, code="JN-MH-0002")

    results = race(
        lambda: alarms_receive(messages=[message("a-1"), message("a-2", "JN-MH-0002")]),
        lambda: alarms_receive(messages=[message("b-2", "JN-MH-0002"), message("b-1")]),
    )

    assert all(isinstance(r, list) for r in results), results
    assert sorted(Event.objects.values_list("alarm_count", flat=True)) == [2, 2]
    assert AlarmReceipt.objects.filter(event__isnull=False).count() == 4
