"""IoT alarms into events (docs/iot.md), at the service the MQTT subscriber calls: an event
of the device's category for its department in the district of the point, repeats within
the window on one event, redeliveries ignored, dead letters with the reason, reprocessing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import OperationalError

from yiwang.core.models import AuditEntry
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed
from yiwang.events.models import AlarmReceipt, DeadLetter, Event, EventEntry
from yiwang.events.services import iot
from yiwang.events.services.iot import AlarmMessage, alarms_receive, dead_letter_reprocess

from ..clock import NOW
from ..factories import JINGSI_ROAD, UserFactory, alarm_message, event_world, iot_device

pytestmark = pytest.mark.django_db

TOPIC = "yiwang/iot/jinan/alarms/JN-MH-0001"


message = alarm_message


@pytest.fixture
def world():
    return event_world()


def _state():
    return (
        Event.objects.count(),
        EventEntry.objects.count(),
        DeadLetter.objects.count(),
        AlarmReceipt.objects.count(),
        list(Event.objects.values_list("alarm_count", flat=True)),
    )


def test_an_alarm_becomes_an_event_of_the_devices_category_for_its_department(world):
    device = iot_device(world)  # at 泉城广场, 历下区

    [outcome] = alarms_receive(messages=[message(point=JINGSI_ROAD)])

    event = outcome.event
    assert outcome.kind == "event"
    assert event.channel == "iot"
    assert event.category == world.manhole  # 050101 井盖缺失
    assert event.lead_department == world.cgj  # the device's owner, 市城管局
    assert event.district.code == "370103"  # 经四路 lies in 市中区, not the device's 历下区
    assert event.status == "dispatched"
    assert (event.device, event.alarm_count, event.last_alarm_at) == (device, 1, NOW)
    receipt = AlarmReceipt.objects.get()
    assert (receipt.device_code, receipt.message_id, receipt.event) == ("JN-MH-0001", "m-1", event)
    assert receipt.alarm_at.isoformat() == "2026-03-03T01:59:00+00:00"
    assert receipt.alarm_type == "cover_open"


def test_without_a_position_the_device_reports_from_where_it_is_registered(world):
    iot_device(world)

    [outcome] = alarms_receive(messages=[message()])

    assert outcome.event.district.code == "370102"  # 历下区
    assert (outcome.event.latitude, outcome.event.longitude) == (36.6617, 117.0196)


def test_repeats_within_the_window_update_one_event_and_a_later_one_opens_another(world, clock):
    iot_device(world)  # window 60 minutes from the last alarm
    [first] = alarms_receive(messages=[message("m-1")])

    clock.shift(timedelta(minutes=59))
    [second] = alarms_receive(messages=[message("m-2")])
    clock.shift(timedelta(minutes=59))  # 118 minutes after the first, 59 after the last
    [third] = alarms_receive(messages=[message("m-3")])

    assert second.event.pk == third.event.pk == first.event.pk
    event = Event.objects.get()
    assert event.alarm_count == 3
    assert event.last_alarm_at == NOW + timedelta(minutes=118)
    assert EventEntry.objects.filter(event=event, kind="alarm_repeated").count() == 2

    clock.shift(timedelta(minutes=60, seconds=1))
    [fourth] = alarms_receive(messages=[message("m-4")])

    assert fourth.event.pk != first.event.pk
    assert Event.objects.count() == 2


def test_a_message_delivered_again_changes_nothing(world):
    iot_device(world)
    alarms_receive(messages=[message("m-1")])
    before = _state()

    outcomes = alarms_receive(
        messages=[message("m-1", redelivered=True), message("m-1", redelivered=False)]
    )

    assert [o.kind for o in outcomes] == ["duplicate", "duplicate"]
    assert _state() == before


def test_the_same_message_id_of_two_devices_is_two_alarms(world):
    iot_device(world)
    iot_device(world, code="JN-MH-0002")

    outcomes = alarms_receive(messages=[message("1"), message("1", device="JN-MH-0002")])

    assert [o.kind for o in outcomes] == ["event", "event"]
    assert Event.objects.count() == 2


def test_an_unknown_device_is_dead_lettered_once(world):
    outcomes = alarms_receive(
        messages=[message(device="JN-XX-9999"), message(device="JN-XX-9999", redelivered=True)]
    )

    assert [o.kind for o in outcomes] == ["dead_letter", "duplicate"]
    letter = DeadLetter.objects.get()
    assert (letter.reason, letter.device_code) == ("unknown device", "JN-XX-9999")
    assert letter.topic == "yiwang/iot/jinan/alarms/JN-XX-9999"
    assert json.loads(letter.payload)["message_id"] == "m-1"
    assert letter.received_at == NOW
    assert AlarmReceipt.objects.get().dead_letter == letter
    assert Event.objects.count() == 0


def test_an_inactive_device_is_unknown(world):
    iot_device(world, is_active=False)

    [outcome] = alarms_receive(messages=[message()])

    assert outcome.dead_letter.reason == "unknown device"


@pytest.mark.parametrize(
    ("payload", "reason", "device"),
    [
        (
            b'{"message_id": "m-1", "device_id": ',  # 35 characters: the value is missing at 35
            "not JSON: Expecting value: line 1 column 36 (char 35)",
            "JN-MH-0001",
        ),
        (
            b'{"device_id": "JN-MH-0001", "alarm_type": "cover_open"}',
            "missing field: message_id, at",
            "JN-MH-0001",
        ),
        (
            b'{"message_id": 7, "device_id": "JN-MH-0001", "at": "2026-03-03T10:00:00+08:00"}',
            "missing field: alarm_type",
            "JN-MH-0001",
        ),
    ],
)
def test_malformed_messages_are_dead_lettered_with_the_reason(world, payload, reason, device):
    iot_device(world)

    [outcome] = alarms_receive(messages=[AlarmMessage(TOPIC, payload)])

    letter = DeadLetter.objects.get()
    assert outcome.kind == "dead_letter"
    assert (letter.reason, letter.device_code) == (reason, device)
    assert letter.payload == payload.decode()
    assert Event.objects.count() == 0


def test_a_malformed_message_without_an_id_is_kept_once_when_redelivered(world):
    broken = b"{not json"

    first = alarms_receive(messages=[AlarmMessage(TOPIC, broken)])
    again = alarms_receive(messages=[AlarmMessage(TOPIC, broken, redelivered=True)])
    new = alarms_receive(messages=[AlarmMessage(TOPIC, broken, redelivered=False)])

    assert [first[0].kind, again[0].kind, new[0].kind] == [
        "dead_letter",
        "duplicate",
        "dead_letter",
    ]
    assert DeadLetter.objects.count() == 2  # the device really sent it twice


def test_a_refusal_of_the_events_core_is_dead_lettered_and_the_batch_goes_on(world):
    iot_device(world, category=world.manhole.parent)  # 市政设施: not a leaf category
    iot_device(world, code="JN-MH-0002")

    outcomes = alarms_receive(messages=[message(), message(device="JN-MH-0002")])

    assert [o.kind for o in outcomes] == ["dead_letter", "event"]
    assert outcomes[0].dead_letter.reason == "refused: Choose an active leaf category."
    assert Event.objects.get().device.code == "JN-MH-0002"


def test_a_database_failure_keeps_nothing_of_the_batch(world, monkeypatch):
    iot_device(world)
    iot_device(world, code="JN-MH-0002")

    def lost(intakes):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(iot, "events_register_many", lost)
    before = _state()

    with pytest.raises(OperationalError):
        alarms_receive(messages=[message(), message(device="JN-MH-0002")])

    assert _state() == before


def test_a_database_failure_one_by_one_keeps_nothing_of_the_batch(world, monkeypatch):
    # the batch write fails (a bug), so the messages are taken one by one; then the database
    iot_device(world)
    iot_device(world, code="JN-MH-0002")

    def broken(intakes):
        raise RuntimeError("a bug")

    monkeypatch.setattr(iot, "events_register_many", broken)
    real = iot.event_alarm
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["device_code"])
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(iot, "event_alarm", failing)
    before = _state()

    with pytest.raises(OperationalError):
        alarms_receive(messages=[message(), message(device="JN-MH-0002")])

    assert calls == ["JN-MH-0001", "JN-MH-0002"]
    assert _state() == before


# --- reprocessing (the admin's action) --------------------------------------------------------


@pytest.fixture
def admin():
    return UserFactory(username="iotadmin", is_staff=True, is_superuser=True)


def test_a_dead_letter_is_reprocessed_once_its_device_is_registered(world, admin, clock):
    [outcome] = alarms_receive(messages=[message(device="JN-NEW-1")])
    letter = outcome.dead_letter
    iot_device(world, code="JN-NEW-1")
    clock.shift(timedelta(minutes=5))

    event = dead_letter_reprocess(actor=admin, dead_letter=letter)

    assert (event.channel, event.category, event.lead_department) == (
        "iot",
        world.manhole,
        world.cgj,
    )
    assert event.created_at == NOW + timedelta(minutes=5)
    letter.refresh_from_db()
    assert letter.resolved_at == NOW + timedelta(minutes=5)
    receipt = AlarmReceipt.objects.get()
    assert (receipt.event, receipt.dead_letter) == (event, letter)
    entry = AuditEntry.objects.get(action="event.dead_letter_reprocessed")
    assert entry.data["event"] == event.number
    # The broker delivering the message again changes nothing.
    assert alarms_receive(messages=[message(device="JN-NEW-1", redelivered=True)])[0].kind == (
        "duplicate"
    )


def _refused(actor, letter, error):
    before = (_state(), AuditEntry.objects.count(), list(DeadLetter.objects.values()))
    with pytest.raises(error):
        dead_letter_reprocess(actor=actor, dead_letter=letter)
    assert (_state(), AuditEntry.objects.count(), list(DeadLetter.objects.values())) == before


def test_reprocessing_while_the_device_is_still_unknown_changes_nothing(world, admin):
    [outcome] = alarms_receive(messages=[message(device="JN-NEW-1")])

    _refused(admin, outcome.dead_letter, EventConflict)


def test_a_malformed_message_cannot_be_reprocessed(world, admin):
    [outcome] = alarms_receive(messages=[AlarmMessage(TOPIC, b"{not json")])

    _refused(admin, outcome.dead_letter, EventInvalid)


def test_a_dead_letter_is_reprocessed_only_once(world, admin):
    [outcome] = alarms_receive(messages=[message(device="JN-NEW-1")])
    iot_device(world, code="JN-NEW-1")
    dead_letter_reprocess(actor=admin, dead_letter=outcome.dead_letter)

    _refused(admin, outcome.dead_letter, EventConflict)


def test_only_an_administrator_of_dead_letters_reprocesses(world):
    [outcome] = alarms_receive(messages=[message(device="JN-NEW-1")])
    iot_device(world, code="JN-NEW-1")

    _refused(world.operator, outcome.dead_letter, EventNotAllowed)
    _refused(None, outcome.dead_letter, EventNotAllowed)
