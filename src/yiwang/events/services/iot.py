"""IoT alarms taken from the broker: each becomes an event, an update of one, or a dead letter.

The MQTT subscriber (``yiwang.events.mqtt``) calls :func:`alarms_receive` with
a batch of messages and acknowledges them to the broker only after it
returns, that is after the commit: a crash before the commit makes the broker
deliver them again, and the receipts (``AlarmReceipt``, one per device and
message id) make a second delivery change nothing. Nothing is dropped: what
cannot be an alarm, or is refused, is kept as a ``DeadLetter`` with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.utils import InterfaceError
from django.utils import timezone

from yiwang.core.audit import audit_record
from yiwang.core.errors import DomainError
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed
from yiwang.events.iot import Alarm, MalformedAlarm, parse_alarm
from yiwang.events.models import AlarmReceipt, DeadLetter, Event
from yiwang.events.services.intake import dead_letter_record, devices_lock, event_alarm

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AlarmMessage:
    """A message as the broker delivered it; ``redelivered`` is MQTT's DUP flag."""

    topic: str
    payload: bytes
    redelivered: bool = False


@dataclass(frozen=True, slots=True)
class AlarmOutcome:
    """What became of a message: ``event`` (new or updated), ``dead_letter`` or ``duplicate``."""

    kind: str
    event: Event | None = None
    dead_letter: DeadLetter | None = None


def alarms_receive(
    *, messages: Sequence[AlarmMessage], at: datetime | None = None
) -> list[AlarmOutcome]:
    """Take a batch of alarm messages in one transaction (one commit for the batch).

    Each message runs in its own savepoint (:func:`alarm_receive`), so one that
    is refused becomes a dead letter and the others still count. A database
    that fails (connection lost, server gone) raises and nothing of the batch
    is kept: the caller must not acknowledge it, and the broker delivers it again.

    Locks the rows of every device the batch names, in the order of their codes,
    before taking any message: an alarm holds its device until the batch commits
    (``event_alarm``), and two batches naming the same devices in different
    orders would otherwise deadlock.
    """
    with transaction.atomic():
        devices_lock(_device_codes(messages))
        return [alarm_receive(message=message, at=at) for message in messages]


def _device_codes(messages: Sequence[AlarmMessage]) -> list[str]:
    codes = []
    for message in messages:
        try:
            codes.append(parse_alarm(message.topic, message.payload).device_code)
        except MalformedAlarm:
            continue  # a dead letter: it locks nothing
    return codes


def alarm_receive(*, message: AlarmMessage, at: datetime | None = None) -> AlarmOutcome:
    """One alarm message: an event (``event_alarm``), a dead letter, or nothing if seen before.

    The receipt (device id, message id) is written in the same transaction as
    the event or dead letter. A message without a readable message id is
    recognised on redelivery (``redelivered``) by an identical dead letter.
    A refusal of the events core (``DomainError``) or a fault of the code with
    this one message becomes a dead letter with the reason and a logged
    traceback, so one poisonous message cannot block the queue; a database
    error other than an integrity one propagates.
    """
    at = at or timezone.now()
    text = message.payload.decode("utf-8", errors="replace")
    try:
        alarm = parse_alarm(message.topic, message.payload)
    except MalformedAlarm as error:
        return _dead(message, text, error.reason, error.device_code, error.message_id, at)
    if AlarmReceipt.objects.filter(
        device_code=alarm.device_code, message_id=alarm.message_id
    ).exists():
        return AlarmOutcome("duplicate")
    try:
        with transaction.atomic():
            result = _register(alarm, message, text, at)
            AlarmReceipt.objects.create(
                device_code=alarm.device_code,
                message_id=alarm.message_id,
                received_at=at,
                alarm_at=alarm.at,
                alarm_type=alarm.alarm_type,
                event=result if isinstance(result, Event) else None,
                dead_letter=result if isinstance(result, DeadLetter) else None,
            )
    except (OperationalError, InterfaceError):
        raise
    except IntegrityError:
        if AlarmReceipt.objects.filter(
            device_code=alarm.device_code, message_id=alarm.message_id
        ).exists():
            return AlarmOutcome("duplicate")  # another subscriber took it meanwhile
        logger.exception("IoT alarm %s/%s failed", alarm.device_code, alarm.message_id)
        return _dead(message, text, "integrity error", alarm.device_code, alarm.message_id, at)
    except DomainError as error:
        reason = f"refused: {error.message or type(error).__name__}"
        return _dead(message, text, reason, alarm.device_code, alarm.message_id, at)
    except Exception as error:
        logger.exception("IoT alarm %s/%s failed", alarm.device_code, alarm.message_id)
        reason = f"error: {type(error).__name__}: {error}"
        return _dead(message, text, reason, alarm.device_code, alarm.message_id, at)
    if isinstance(result, DeadLetter):
        return AlarmOutcome("dead_letter", dead_letter=result)
    return AlarmOutcome("event", event=result)


def _register(alarm: Alarm, message: AlarmMessage, text: str, at: datetime) -> Event | DeadLetter:
    return event_alarm(
        device_code=alarm.device_code,
        alarm_type=alarm.alarm_type,
        value=alarm.value,
        latitude=alarm.latitude,
        longitude=alarm.longitude,
        topic=message.topic,
        payload=text,
        at=at,
    )


def _dead(
    message: AlarmMessage, text: str, reason: str, device: str, message_id: str, at: datetime
) -> AlarmOutcome:
    with transaction.atomic():
        if device and message_id:
            if AlarmReceipt.objects.filter(device_code=device, message_id=message_id).exists():
                return AlarmOutcome("duplicate")
        elif (
            message.redelivered
            and DeadLetter.objects.filter(
                topic=message.topic[:300], payload=text, reason=reason[:300]
            ).exists()
        ):
            return AlarmOutcome("duplicate")
        letter = dead_letter_record(
            topic=message.topic, payload=text, reason=reason, device_code=device, at=at
        )
        if device and message_id:
            AlarmReceipt.objects.create(
                device_code=device, message_id=message_id, received_at=at, dead_letter=letter
            )
    return AlarmOutcome("dead_letter", dead_letter=letter)


def dead_letter_reprocess(
    *, actor: Any, dead_letter: DeadLetter, at: datetime | None = None
) -> Event:
    """Take a dead letter again, once what made it fail is fixed (e.g. its device registered).

    Only a user with ``events.change_deadletter`` (the admin's action). The
    message is read again and goes through ``event_alarm`` as at its first
    delivery, at ``at``; the dead letter is marked resolved and the message's
    receipt points at the event. Raises ``EventConflict`` when it was resolved
    already or the device is still unknown, ``EventInvalid`` when the message
    itself is malformed; then nothing changes. Locks the dead letter's row.
    Audit ``event.dead_letter_reprocessed``.
    """
    at = at or timezone.now()
    if not (actor is not None and actor.is_active and actor.has_perm("events.change_deadletter")):
        raise EventNotAllowed("Only an administrator of dead letters may reprocess them.")
    with transaction.atomic():
        letter = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
        if letter.resolved_at is not None:
            raise EventConflict("This dead letter has been reprocessed already.")
        try:
            alarm = parse_alarm(letter.topic, letter.payload.encode("utf-8"))
        except MalformedAlarm as error:
            raise EventInvalid(f"The message is malformed: {error.reason}.") from None
        result = _register(alarm, AlarmMessage(letter.topic, b""), letter.payload, at)
        if not isinstance(result, Event):
            raise EventConflict(f"Device {alarm.device_code} is still unknown or inactive.")
        letter.resolved_at = at
        letter.save(update_fields=["resolved_at"])
        receipt, _ = AlarmReceipt.objects.get_or_create(
            device_code=alarm.device_code,
            message_id=alarm.message_id,
            defaults={"received_at": letter.received_at, "dead_letter": letter},
        )
        receipt.event = result
        receipt.alarm_at = alarm.at
        receipt.alarm_type = alarm.alarm_type
        receipt.save(update_fields=["event", "alarm_at", "alarm_type"])
        audit_record(
            actor=actor,
            action="event.dead_letter_reprocessed",
            target=letter,
            data={"event": result.number, "device": alarm.device_code, "message": alarm.message_id},
        )
    return result
