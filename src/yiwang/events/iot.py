"""The IoT alarm message: its topic and JSON body, read and checked (docs/iot.md).

Topic ``yiwang/iot/<city>/alarms/<device id>``; body a JSON object (UTF-8)::

    {"message_id": "c0a8-0001-42", "device_id": "JN-MH-0001", "alarm_type": "cover_open",
     "value": 1, "lat": 36.6512, "lon": 117.1201, "at": "2026-03-03T10:00:00+08:00"}

``message_id``, ``device_id``, ``alarm_type`` and ``at`` are required; ``value``
(a number, a string or true/false) and the position (``lat`` and ``lon``
together, WGS-84) are optional: a device fixed in place reports from where it
is registered. A message id is unique per device (a counter or a UUID): the
platform takes a message once however often the broker delivers it.

Nothing here touches the database: :func:`parse_alarm` turns bytes into an
:class:`Alarm` or raises :class:`MalformedAlarm` with the reason that the dead
letter keeps.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TOPIC_PREFIX = ("yiwang", "iot")
MAX_PAYLOAD_BYTES = 64 * 1024
REQUIRED = ("message_id", "device_id", "alarm_type", "at")


@dataclass(frozen=True, slots=True)
class Alarm:
    """One alarm as a device sent it."""

    message_id: str
    device_code: str
    alarm_type: str
    at: datetime
    value: Any = None
    latitude: float | None = None
    longitude: float | None = None
    city: str = ""


class MalformedAlarm(ValueError):
    """The message cannot be an alarm; ``reason`` says why (kept with the dead letter).

    ``device_code`` and ``message_id`` are what could be read of them, if anything.
    """

    def __init__(self, reason: str, *, device_code: str = "", message_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.device_code = device_code
        self.message_id = message_id


def alarm_topic(city: str, device_code: str) -> str:
    """The topic a device publishes its alarms on."""
    return "/".join((*TOPIC_PREFIX, city, "alarms", device_code))


def parse_topic(topic: str) -> tuple[str, str]:
    """(city, device id) of an alarm topic; MalformedAlarm for another layout."""
    parts = topic.split("/")
    if len(parts) != 5 or tuple(parts[:2]) != TOPIC_PREFIX or parts[3] != "alarms":
        raise MalformedAlarm("topic is not yiwang/iot/<city>/alarms/<device id>")
    if not parts[2] or not parts[4]:
        raise MalformedAlarm("topic is not yiwang/iot/<city>/alarms/<device id>")
    return parts[2], parts[4]


def parse_alarm(topic: str, payload: bytes) -> Alarm:
    """The alarm in a message, checked; MalformedAlarm with the first problem found."""
    city, topic_device = parse_topic(topic)
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise MalformedAlarm(f"payload over {MAX_PAYLOAD_BYTES} bytes", device_code=topic_device)
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedAlarm("payload is not UTF-8", device_code=topic_device) from None
    try:
        body = json.loads(text)
    except ValueError as error:
        raise MalformedAlarm(f"not JSON: {error}", device_code=topic_device) from None
    if not isinstance(body, dict):
        raise MalformedAlarm("not a JSON object", device_code=topic_device)
    device = _text(body.get("device_id"), 80)
    message_id = _message_id(body.get("message_id"))
    ids = {"device_code": device or topic_device, "message_id": message_id}
    missing = [name for name in REQUIRED if body.get(name) in (None, "")]
    if missing:
        raise MalformedAlarm(f"missing field: {', '.join(missing)}", **ids)
    if not message_id:
        raise MalformedAlarm("message_id must be a string or an integer (1-100 characters)", **ids)
    if not device:
        raise MalformedAlarm("device_id must be a string of 1-80 characters", **ids)
    if device != topic_device:
        raise MalformedAlarm(f"device_id {device!r} differs from the topic's", **ids)
    alarm_type = _text(body.get("alarm_type"), 80)
    if not alarm_type:
        raise MalformedAlarm("alarm_type must be a string of 1-80 characters", **ids)
    return Alarm(
        message_id=message_id,
        device_code=device,
        alarm_type=alarm_type,
        at=_instant(body.get("at"), ids),
        value=_value(body.get("value"), ids),
        latitude=_coordinate(body, "lat", 90, ids),
        longitude=_coordinate(body, "lon", 180, ids),
        city=city,
    )


def _text(value: Any, max_length: int) -> str:
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return value if 0 < len(value) <= max_length and "/" not in value else ""


def _message_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= 100:
        return value.strip()
    return ""


def _instant(value: Any, ids: dict[str, str]) -> datetime:
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None:
        raise MalformedAlarm("at must be an ISO 8601 date and time", **ids)
    if at.tzinfo is None or at.utcoffset() is None:
        raise MalformedAlarm("at needs a time zone offset (e.g. +08:00)", **ids)
    return at


def _value(value: Any, ids: dict[str, str]) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise MalformedAlarm("value must be a finite number", **ids)
        return value
    if isinstance(value, str) and len(value) <= 200:
        return value
    raise MalformedAlarm("value must be a number, a string (200 characters) or true/false", **ids)


def _coordinate(body: dict[str, Any], name: str, limit: int, ids: dict[str, str]) -> float | None:
    lat, lon = body.get("lat"), body.get("lon")
    if (lat is None) != (lon is None):
        raise MalformedAlarm("lat and lon go together", **ids)
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedAlarm(f"{name} must be a number", **ids)
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise MalformedAlarm(f"{name} must be between -{limit} and {limit}", **ids)
    return float(value)
