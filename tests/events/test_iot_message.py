"""The IoT alarm message (docs/iot.md): the topic layout and the JSON body, read and checked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from yiwang.events.iot import MalformedAlarm, alarm_topic, parse_alarm

TOPIC = "yiwang/iot/jinan/alarms/JN-MH-0001"
BODY = {
    "message_id": "0001-42",
    "device_id": "JN-MH-0001",
    "alarm_type": "cover_open",
    "value": 1,
    "lat": 36.6617,
    "lon": 117.0196,
    "at": "2026-03-03T09:58:30+08:00",
}


def payload(**changes: object) -> bytes:
    body = {**BODY, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not ...}).encode()


def test_a_whole_message_is_read():
    alarm = parse_alarm(TOPIC, payload())

    assert alarm.message_id == "0001-42"
    assert alarm.device_code == "JN-MH-0001"
    assert alarm.alarm_type == "cover_open"
    assert alarm.value == 1
    assert (alarm.latitude, alarm.longitude) == (36.6617, 117.0196)
    assert alarm.at == datetime(2026, 3, 3, 1, 58, 30, tzinfo=UTC)
    assert alarm.at.utcoffset() == timedelta(hours=8)
    assert alarm.city == "jinan"


def test_the_position_and_value_are_optional_and_an_integer_id_is_taken():
    alarm = parse_alarm(TOPIC, payload(lat=..., lon=..., value=..., message_id=42))

    assert (alarm.latitude, alarm.longitude, alarm.value) == (None, None, None)
    assert alarm.message_id == "42"


def test_the_topic_is_built_as_documented():
    assert alarm_topic("jinan", "JN-MH-0001") == TOPIC


@pytest.mark.parametrize(
    ("topic", "body", "reason"),
    [
        (
            "yiwang/iot/jinan/JN-MH-0001",
            payload(),
            "topic is not yiwang/iot/<city>/alarms/<device id>",
        ),
        (
            "other/iot/jinan/alarms/X",
            payload(),
            "topic is not yiwang/iot/<city>/alarms/<device id>",
        ),
        (TOPIC, b"\xff\xfe", "payload is not UTF-8"),
        (
            TOPIC,
            b"{not json",
            "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        ),
        (TOPIC, b"[1, 2]", "not a JSON object"),
        (TOPIC, payload(device_id=...), "missing field: device_id"),
        (TOPIC, payload(message_id=..., at=...), "missing field: message_id, at"),
        (TOPIC, payload(alarm_type=""), "missing field: alarm_type"),
        (
            TOPIC,
            payload(message_id=True),
            "message_id must be a string or an integer (1-100 characters)",
        ),
        (TOPIC, payload(device_id="JN-MH-0002"), "device_id 'JN-MH-0002' differs from the topic's"),
        (TOPIC, payload(at="yesterday"), "at must be an ISO 8601 date and time"),
        (TOPIC, payload(at="2026-03-03T09:58:30"), "at needs a time zone offset (e.g. +08:00)"),
        (TOPIC, payload(lon=...), "lat and lon go together"),
        (TOPIC, payload(lat=91), "lat must be between -90 and 90"),
        (TOPIC, payload(lon="117.0"), "lon must be a number"),
        (
            TOPIC,
            payload(value={"a": 1}),
            "value must be a number, a string (200 characters) or true/false",
        ),
        (TOPIC, b"x" * (64 * 1024 + 1), "payload over 65536 bytes"),
    ],
)
def test_a_malformed_message_says_why(topic, body, reason):
    with pytest.raises(MalformedAlarm) as caught:
        parse_alarm(topic, body)

    assert caught.value.reason == reason


def test_what_could_be_read_of_a_malformed_message_is_kept():
    with pytest.raises(MalformedAlarm) as caught:
        parse_alarm(TOPIC, payload(lat=200))

    assert (caught.value.device_code, caught.value.message_id) == ("JN-MH-0001", "0001-42")
