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
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.db.utils import InterfaceError
from django.utils import timezone

from yiwang.core.audit import audit_record
from yiwang.core.bulk import rows_update
from yiwang.core.errors import DomainError
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed
from yiwang.events.iot import Alarm, MalformedAlarm, parse_alarm
from yiwang.events.models import OPEN_STATUSES, AlarmReceipt, DeadLetter, Device, Event, EventEntry
from yiwang.events.services import _common as c
from yiwang.events.services.batch import Intake, events_register_many
from yiwang.events.services.intake import (
    alarm_event_fields,
    alarm_repeated_entry,
    alarm_window,
    dead_letter_new,
    dead_letter_record,
    devices_lock,
    event_alarm,
)

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

    The batch is registered at once (:func:`_receive_batch`: the events core's
    ``events_register_many``, one INSERT per table), with what each message would
    have become alone (:func:`alarm_receive`): a new event, the update of its
    device's open event (also of one created earlier in the same batch), a dead
    letter, or nothing for a message seen before. If that write fails (a conflict with
    another subscriber, a bug), it is rolled back to its savepoint and the messages
    are taken one by one, each in its own savepoint (:func:`alarm_receive`), so one
    that is refused becomes a dead letter and the others still count. A database
    that fails (connection lost, server gone) raises and nothing of the batch
    is kept: the caller must not acknowledge it, and the broker delivers it again.

    Locks the rows of every device the batch names, in the order of their codes,
    before taking any message: an alarm holds its device until the batch commits
    (``event_alarm``), and two batches naming the same devices in different
    orders would otherwise deadlock.
    """
    at = at or timezone.now()
    with transaction.atomic():
        devices_lock(_device_codes(messages))
        try:
            with transaction.atomic():
                return _receive_batch(messages, at)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("IoT batch of %d alarms failed; taking them one by one", len(messages))
        return [alarm_receive(message=message, at=at) for message in messages]


@dataclass
class _Taken:
    """A message of a batch, and what it becomes (:func:`_receive_batch`)."""

    message: AlarmMessage
    text: str
    alarm: Alarm | None = None
    #: a dead letter: its reason, and the device and message id read
    reason: str = ""
    device_code: str = ""
    message_id: str = ""
    duplicate: bool = False
    #: a refusal's receipt, as ``_dead`` writes it: without the alarm's time and type
    bare_receipt: bool = False
    event: Event | None = None
    #: the first alarm of its device in the batch, when it starts a new event
    new: _Taken | None = None
    dead_letter: DeadLetter | None = None

    def outcome(self) -> AlarmOutcome:
        if self.duplicate:
            return AlarmOutcome("duplicate")
        if self.dead_letter is not None:
            return AlarmOutcome("dead_letter", dead_letter=self.dead_letter)
        return AlarmOutcome("event", event=self.event)


def _receive_batch(messages: Sequence[AlarmMessage], at: datetime) -> list[AlarmOutcome]:
    """:func:`alarm_receive` of each message, written together: a number of statements
    that does not grow with the batch. Raises on a conflict (the caller falls back)."""
    taken = [_parse(m) for m in messages]
    _mark_duplicates(taken)
    alarms = [t for t in taken if t.alarm is not None and not t.duplicate]
    codes = {t.alarm.device_code for t in alarms if t.alarm is not None}
    devices = {
        d.code: d
        for d in Device.objects.filter(code__in=codes, is_active=True).select_related(
            "category", "department"
        )
    }
    recent = _open_events(list(devices.values()), at)
    intakes: list[Intake] = []
    firsts: dict[str, _Taken] = {}  # device code → its first alarm, when it starts an event
    changed: dict[int, Event] = {}
    entries: list[EventEntry] = []
    for t in alarms:
        assert t.alarm is not None
        device = devices.get(t.alarm.device_code)
        if device is None:
            t.reason = "unknown device"
            continue
        if device.code in recent:
            event = recent[device.code]
            t.event = event
            changed[event.pk] = event
            entries.append(_repeat(event, t.alarm, at))
        elif device.code in firsts:
            t.new = firsts[device.code]
        else:
            intakes.append(_intake(device, t.alarm, at))
            firsts[device.code] = t
    for first, result in zip(firsts.values(), events_register_many(intakes), strict=True):
        if isinstance(result, Event):
            first.event = result
        else:
            first.reason = _refused(result)
            first.bare_receipt = True
    for t in alarms:
        if t.new is None:
            continue
        if t.new.event is None:
            t.reason, t.bare_receipt = t.new.reason, True
        else:
            t.event = t.new.event
            changed[t.event.pk] = t.event
            assert t.alarm is not None
            entries.append(_repeat(t.event, t.alarm, at))
    _write(taken, changed, entries, at)
    return [t.outcome() for t in taken]


def _parse(message: AlarmMessage) -> _Taken:
    text = message.payload.decode("utf-8", errors="replace")
    try:
        alarm = parse_alarm(message.topic, message.payload)
    except MalformedAlarm as error:
        return _Taken(
            message,
            text,
            reason=error.reason,
            device_code=error.device_code,
            message_id=error.message_id,
        )
    return _Taken(
        message, text, alarm=alarm, device_code=alarm.device_code, message_id=alarm.message_id
    )


def _mark_duplicates(taken: list[_Taken]) -> None:
    """Mark what a message alone would find seen before: a receipt of its device and message
    id (or an earlier message of the batch with them), or, for a redelivered message
    without them, an identical dead letter. Two queries at most."""
    keyed = [t for t in taken if t.device_code and t.message_id]
    seen: set[tuple[str, str]] = set()
    if keyed:
        seen = set(
            AlarmReceipt.objects.filter(
                device_code__in={t.device_code for t in keyed},
                message_id__in={t.message_id for t in keyed},
            ).values_list("device_code", "message_id")
        )
    for t in keyed:
        key = (t.device_code, t.message_id)
        t.duplicate = key in seen
        seen.add(key)
    loose = [t for t in taken if t.alarm is None and not (t.device_code and t.message_id)]
    letters: set[tuple[str, str, str]] = set()
    if any(t.message.redelivered for t in loose):
        letters = set(
            DeadLetter.objects.filter(
                topic__in={t.message.topic[:300] for t in loose},
                reason__in={t.reason[:300] for t in loose},
            ).values_list("topic", "payload", "reason")
        )
    for t in loose:
        letter = (t.message.topic[:300], t.text, t.reason[:300])
        t.duplicate = t.message.redelivered and letter in letters
        letters.add(letter)


def _open_events(devices: list[Device], at: datetime) -> dict[str, Event]:
    """The open event each device's alarms at ``at`` would update (``event_alarm``'s rule:
    its last alarm within the device's window), locked; one query."""
    if not devices:
        return {}
    longest = max(timedelta(minutes=d.alarm_window_minutes) for d in devices)
    by_id = {d.pk: d for d in devices}
    found: dict[str, Event] = {}
    rows = (
        Event.objects.select_for_update()
        .filter(device__in=devices, status__in=OPEN_STATUSES, last_alarm_at__gte=at - longest)
        .order_by("-last_alarm_at")
    )
    for event in rows:
        assert event.device_id is not None and event.last_alarm_at is not None
        device = by_id[event.device_id]
        if event.last_alarm_at >= at - alarm_window(device) and device.code not in found:
            found[device.code] = event
    return found


def _repeat(event: Event, alarm: Alarm, at: datetime) -> EventEntry:
    """Count a repeated alarm on ``event`` (not saved) and give its history entry."""
    event.alarm_count += 1
    event.last_alarm_at = at
    event.updated_at = at
    return c.entry_new(
        event,
        "alarm_repeated",
        actor=None,
        at=at,
        **alarm_repeated_entry(event, alarm.alarm_type, alarm.value),
    )


def _intake(device: Device, alarm: Alarm, at: datetime) -> Intake:
    return Intake(
        at=at,
        device=device,
        **alarm_event_fields(
            device,
            alarm_type=alarm.alarm_type,
            value=alarm.value,
            latitude=alarm.latitude,
            longitude=alarm.longitude,
        ),
    )


def _refused(error: DomainError) -> str:
    return f"refused: {error.message or type(error).__name__}"


def _write(
    taken: list[_Taken], changed: dict[int, Event], entries: list[EventEntry], at: datetime
) -> None:
    """The repeats' counts and history entries, the dead letters and the receipts: one
    statement each."""
    if changed:
        rows_update(Event, list(changed.values()), ["alarm_count", "last_alarm_at", "updated_at"])
    if entries:
        EventEntry.objects.bulk_create(entries)
    dead = [t for t in taken if not t.duplicate and t.event is None]
    for t in dead:
        t.dead_letter = dead_letter_new(
            topic=t.message.topic,
            payload=t.text,
            reason=t.reason,
            device_code=t.device_code,
            at=at,
        )
    if dead:
        DeadLetter.objects.bulk_create([t.dead_letter for t in dead if t.dead_letter])
    receipts = []
    for t in taken:
        if t.duplicate or not (t.device_code and t.message_id):
            continue
        full = t.alarm is not None and not t.bare_receipt
        receipts.append(
            AlarmReceipt(
                device_code=t.device_code,
                message_id=t.message_id,
                received_at=at,
                alarm_at=t.alarm.at if full and t.alarm else None,
                alarm_type=t.alarm.alarm_type if full and t.alarm else "",
                event=t.event,
                dead_letter=t.dead_letter,
            )
        )
    if receipts:
        AlarmReceipt.objects.bulk_create(receipts)


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
        reason = _refused(error)
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
