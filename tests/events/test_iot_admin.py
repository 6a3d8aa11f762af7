"""The admin of IoT alarms: devices registered, dead letters shown and reprocessed."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from yiwang.events.models import DeadLetter, Device, Event
from yiwang.events.services.iot import AlarmMessage, alarms_receive

from ..factories import UserFactory, event_world, iot_device

pytestmark = pytest.mark.django_db


def unknown_device_alarm(device: str = "JN-NEW-1") -> DeadLetter:
    body = {
        "message_id": "m-1",
        "device_id": device,
        "alarm_type": "cover_open",
        "at": "2026-03-03T09:59:00+08:00",
    }
    [outcome] = alarms_receive(
        messages=[AlarmMessage(f"yiwang/iot/jinan/alarms/{device}", json.dumps(body).encode())]
    )
    return outcome.dead_letter


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # assert on the English texts
    return client


def test_the_admin_speaks_chinese_by_default(admin_client):
    unknown_device_alarm()
    admin_client.defaults.pop("HTTP_ACCEPT_LANGUAGE")

    page = admin_client.get(reverse("admin:events_deadletter_changelist")).content.decode()

    assert "重新处理所选死信（须先登记其设备）" in page


def test_dead_letters_are_listed_with_their_reason(admin_client):
    unknown_device_alarm()

    page = admin_client.get(reverse("admin:events_deadletter_changelist"))

    assert page.status_code == 200
    assert "unknown device" in page.content.decode()
    assert "JN-NEW-1" in page.content.decode()


def test_a_device_is_registered_in_the_admin(admin_client):
    world = event_world()

    response = admin_client.post(
        reverse("admin:events_device_add"),
        {
            "code": "JN-NEW-1",
            "name": "井盖传感器",
            "is_active": "on",
            "category": world.manhole.pk,
            "department": world.cgj.pk,
            "latitude": "36.6617",
            "longitude": "117.0196",
            "address": "泉城广场",
            "alarm_window_minutes": "30",
        },
    )

    assert response.status_code == 302
    device = Device.objects.get(code="JN-NEW-1")
    assert (device.category, device.department, device.alarm_window_minutes) == (
        world.manhole,
        world.cgj,
        30,
    )


def test_the_reprocess_action_turns_a_dead_letter_into_an_event(admin_client):
    world = event_world()
    letter = unknown_device_alarm()
    still_unknown = unknown_device_alarm("JN-NEW-2")
    iot_device(world, code="JN-NEW-1")

    response = admin_client.post(
        reverse("admin:events_deadletter_changelist"),
        {"action": "reprocess", "_selected_action": [letter.pk, still_unknown.pk]},
        follow=True,
    )

    text = response.content.decode()
    event = Event.objects.get()
    assert event.device.code == "JN-NEW-1"
    assert f"event {event.number}" in text
    assert "Device JN-NEW-2 is still unknown or inactive." in text
    assert "1 dead letter reprocessed." in text
    letter.refresh_from_db()
    still_unknown.refresh_from_db()
    assert letter.resolved_at is not None
    assert still_unknown.resolved_at is None
    assert DeadLetter.objects.count() == 2


def test_dead_letters_are_neither_added_nor_deleted_in_the_admin(admin_client):
    letter = unknown_device_alarm()

    assert admin_client.get(reverse("admin:events_deadletter_add")).status_code == 403
    delete = reverse("admin:events_deadletter_delete", args=[letter.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert DeadLetter.objects.filter(pk=letter.pk).exists()


def test_saving_a_dead_letter_in_the_admin_changes_nothing(admin_client):
    letter = unknown_device_alarm()
    before = list(DeadLetter.objects.values())

    change = reverse("admin:events_deadletter_change", args=[letter.pk])
    response = admin_client.post(change, {"reason": "edited", "resolved_at": "2026-03-03"})

    assert response.status_code == 302
    assert list(DeadLetter.objects.values()) == before
