"""Intake (受理): register an event from any channel, answer directly, merge and split (并单)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.calendar import calendar_pinned
from yiwang.events.errors import EventConflict, EventInvalid
from yiwang.events.models import (
    OPEN_STATUSES,
    Assignment,
    Category,
    Channel,
    DeadLetter,
    Device,
    Event,
    EventPhoto,
    KnowledgeArticle,
    Status,
    Urgency,
)
from yiwang.events.services import _common as c
from yiwang.events.services.photos import photos_store
from yiwang.events.types import Place, Reporter
from yiwang.identity.models import Region
from yiwang.processes.models import WorkflowInstance
from yiwang.processes.services import workflow_start

MAX_DESCRIPTION = 4000


def _district(place: Place) -> Region | None:
    found = districts_of([place])[0]
    if isinstance(found, EventInvalid):
        raise found
    return found


def districts_of(places: Sequence[Place]) -> list[Region | EventInvalid | None]:
    """The district of each place: from its point (``selectors.districts_for_points``),
    else from ``place.district_code`` (``EventInvalid`` for an unknown code), else None.
    Two queries at most, however many places."""
    from yiwang.events.selectors import districts_for_points

    with_point = [p for p in places if p.has_point]
    by_point = iter(
        districts_for_points([(p.latitude, p.longitude) for p in with_point])  # type: ignore[misc]
    )
    found: list[Region | EventInvalid | None] = [
        next(by_point) if p.has_point else None for p in places
    ]
    codes = {p.district_code for p, f in zip(places, found, strict=True) if f is None}
    codes.discard("")
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)} if codes else {}
    for i, place in enumerate(places):
        if found[i] is None and place.district_code:
            found[i] = regions.get(place.district_code) or EventInvalid(
                _("Unknown district."), field="district"
            )
    return found


def _check_place(place: Place) -> None:
    if (place.latitude is None) != (place.longitude is None):
        raise EventInvalid(_("Give both latitude and longitude, or neither."), field="lat")
    if place.has_point:
        assert place.latitude is not None and place.longitude is not None
        if not (math.isfinite(place.latitude) and -90 <= place.latitude <= 90):
            raise EventInvalid(_("The latitude must be between -90 and 90."), field="lat")
        if not (math.isfinite(place.longitude) and -180 <= place.longitude <= 180):
            raise EventInvalid(_("The longitude must be between -180 and 180."), field="long")
    if len(place.address) > 300:
        raise EventInvalid(_("The address is longer than 300 characters."), field="address")


def _number(event: Event, at: datetime) -> str:
    return f"{timezone.localdate(at):%Y%m%d}{event.pk:08d}"


def event_register_check(
    *,
    channel: str,
    category: Category,
    reporter: Reporter,
    place: Place,
    description: str,
    urgency: str = "normal",
) -> str:
    """What ``event_register`` refuses before writing anything (all but who the actor is):
    raises its ``EventInvalid``, else returns the description as it will be stored. Called
    by ``event_register``; whoever accepts a report now to register it later (the Open311
    intake queue) calls :func:`register_check`, so the refusals found early are the same.
    One query (whether the category has children)."""
    return register_check(
        channel=channel,
        category=category,
        leaf=not category.children.exists(),
        reporter=reporter,
        place=place,
        description=description,
        urgency=urgency,
    )


def register_check(
    *,
    channel: str,
    category: Category,
    leaf: bool,
    reporter: Reporter,
    place: Place,
    description: str,
    urgency: str,
) -> str:
    """:func:`event_register_check` given whether the category is a ``leaf`` (what a batch
    reads for all its categories in one query). No query."""
    if channel not in Channel.values:
        raise EventInvalid(_("Unknown channel."), field="channel")
    if urgency not in Urgency.values:
        raise EventInvalid(_("Unknown urgency."), field="urgency")
    if not category.is_active or not leaf:
        raise EventInvalid(_("Choose an active leaf category."), field="category")
    body = c.text(description, "description", max_length=MAX_DESCRIPTION)
    _check_place(place)
    if not reporter.anonymous and channel == Channel.HOTLINE and not reporter.phone:
        raise EventInvalid(_("The caller's phone number is required."), field="phone")
    return body


def event_register(
    *,
    actor: Any,
    channel: str,
    category: Category,
    reporter: Reporter,
    place: Place,
    description: str,
    urgency: str = "normal",
    attributes: Mapping[str, Any] | None = None,
    media: Sequence[Any] = (),
    at: datetime | None = None,
    auto_dispatch: bool = False,
) -> Event:
    """Register an event (受理) from ``channel`` (hotline, web, open311, iot).

    ``actor`` is the operator (hotline), the citizen (web), the integrator's
    user (open311) or None (iot). The district comes from the point
    (``selectors.district_for_point``) or ``place.district_code``. ``media`` are
    uploaded files (stored as report photos) or URLs (Open311 ``media_url``).
    With ``auto_dispatch`` the event is dispatched at once from the directory
    (``event_dispatch`` with no lead); when the directory has no rule it stays
    registered for an operator. Starts the ``city_event`` workflow; history
    entry ``registered`` (public); audit ``event.registered``.
    Raises ``EventInvalid`` (a non-leaf or inactive category, an empty
    description, a description over 4,000 characters, a bad channel/urgency,
    a point outside WGS-84 ranges). Only an operator registers hotline calls.
    """
    at = c.now(at)
    if channel == Channel.HOTLINE:
        c.require_operator(actor)
    body = event_register_check(
        channel=channel,
        category=category,
        reporter=reporter,
        place=place,
        description=description,
        urgency=urgency,
    )
    with transaction.atomic(), calendar_pinned():
        district = _district(place)
        instance = workflow_start(definition_name="city_event", at=at, actor=actor)
        event = event_new(
            actor=actor,
            channel=channel,
            workflow=instance,
            status=instance.status,
            category=category,
            reporter=reporter,
            place=place,
            body=body,
            urgency=urgency,
            attributes=attributes,
            district=district,
            at=at,
        )
        event.save(force_insert=True)
        event.number = event_number(event)
        event.save(update_fields=["number"])
        photos_store(
            event=event, items=list(media), kind=EventPhoto.Kind.REPORT, actor=actor, at=at
        )
        c.record(event, "registered", actor=actor, at=at, **registered_entry(event), public=True)
        if auto_dispatch:
            from yiwang.events.selectors import dispatch_rule_for
            from yiwang.events.services.dispatch import dispatch_unchecked

            rule = dispatch_rule_for(category=category, district=district)
            if rule is not None:
                event = dispatch_unchecked(
                    event,
                    rule=rule,
                    lead=None,
                    supporting=(),
                    role="system",
                    actor=None,
                    reason="",
                    at=at,
                    fresh=True,
                )
    return event


def event_new(
    *,
    actor: Any,
    channel: str,
    workflow: WorkflowInstance | None,
    status: str,
    category: Category,
    reporter: Reporter,
    place: Place,
    body: str,
    urgency: str,
    attributes: Mapping[str, Any] | None,
    district: Region | None,
    at: datetime,
) -> Event:
    """The event ``event_register`` creates (and a batch intake, many at once), not saved
    yet; its ``number`` is a placeholder until it has its id (:func:`event_number`)."""
    citizen = reporter.citizen if getattr(reporter.citizen, "pk", None) else None
    if citizen is None and channel == Channel.WEB and getattr(actor, "pk", None):
        citizen = actor
    return Event(
        number=f"tmp-{workflow.pk}" if workflow is not None else "",
        channel=channel,
        workflow=workflow,
        status=status,
        reporter_phone="" if reporter.anonymous else reporter.phone.strip()[:20],
        reporter_name="" if reporter.anonymous else reporter.name.strip()[:50],
        reporter_resident_id="" if reporter.anonymous else reporter.resident_id.strip()[:18],
        anonymous=reporter.anonymous,
        confidential=reporter.confidential,
        citizen=citizen,
        registered_by=actor if getattr(actor, "pk", None) else None,
        category=category,
        description=body,
        attributes=dict(attributes or {}),
        urgency=urgency,
        latitude=place.latitude,
        longitude=place.longitude,
        address=place.address.strip(),
        district=district,
        created_at=at,
        updated_at=at,
    )


def event_number(event: Event) -> str:
    """The event's number (its registration date and id), once it has its id."""
    return _number(event, event.created_at)


def registered_entry(event: Event) -> dict[str, Any]:
    """The text and data of the ``registered`` history and audit entries."""
    return {
        "text": event.description[:200],
        "data": {
            "channel": event.channel,
            "category": event.category.code,
            "district": _code(event.district),
        },
    }


def _code(region: Region | None) -> str:
    return region.code if region is not None else ""


def event_answer_directly(
    *,
    actor: Any,
    event: Event,
    article: KnowledgeArticle,
    note: str = "",
    at: datetime | None = None,
) -> Event:
    """Answer a registered event on the spot from the knowledge base (直办) and close it.

    Only a hotline operator; only a registered (not yet dispatched) event.
    Counts toward the 直办率 (``answered_directly``); the article's version is
    kept. Workflow ``close``; history ``answered_directly`` (public); audit.
    """
    at = c.now(at)
    c.require_operator(actor)
    if not article.is_current:
        raise EventInvalid(_("This answer has a newer version."), field="article")
    with transaction.atomic():
        event = c.locked(event)
        if event.status != Status.REGISTERED:
            raise EventConflict(_("Only an event not yet dispatched can be answered directly."))
        c.step(event, "close", "operator", {"resolution": article.title}, actor=actor, at=at)
        event.answered_directly = True
        event.article = article
        event.reply = article.body
        event.replied_at = at
        event.closed_at = at
        event.outcome = "explained"
        c.save(
            event,
            [
                "status",
                "answered_directly",
                "article",
                "reply",
                "replied_at",
                "closed_at",
                "outcome",
            ],
            at,
        )
        c.record(
            event,
            "answered_directly",
            actor=actor,
            at=at,
            text=note.strip() or article.title,
            data={"article": article.key, "version": article.version},
            public=True,
        )
    return event


def event_merge(*, actor: Any, event: Event, into: Event, at: datetime | None = None) -> Event:
    """Merge ``event`` into the open event ``into`` (并单): one is handled, both reporters hear.

    Only an operator; same category; ``into`` open and not itself merged.
    ``event`` ends its assignments and moves to ``merged``; the reporter of
    ``event`` receives ``into``'s outcome and callback. Audited on both.
    """
    at = c.now(at)
    c.require_operator(actor)
    if event.pk == into.pk:
        raise EventInvalid(_("An event cannot be merged into itself."), field="into")
    with transaction.atomic():
        first, second = sorted([event, into], key=lambda e: e.pk)
        a, b = c.locked(first), c.locked(second)
        event, into = (a, b) if a.pk == event.pk else (b, a)
        if event.category_id != into.category_id:
            raise EventInvalid(_("Only events of the same category can be merged."), field="into")
        if into.status not in OPEN_STATUSES or into.merged_into_id:
            raise EventConflict(_("The event to merge into is not open."))
        c.step(event, "merge", "operator", {"into": into.number}, actor=actor, at=at)
        Assignment.objects.filter(event=event, ended_at__isnull=True).update(ended_at=at)
        event.merged_into = into
        c.save(event, ["status", "merged_into"], at)
        c.record(event, "merged", actor=actor, at=at, data={"into": into.number}, public=True)
        c.record(into, "merged_from", actor=actor, at=at, data={"from": event.number})
    return event


def event_split(*, actor: Any, event: Event, reason: str, at: datetime | None = None) -> Event:
    """Take a merged event out again (拆单): it goes back to registered, to be dispatched.

    Operator or supervisor, with a reason. Audited on both events.
    """
    at = c.now(at)
    reason = c.text(reason, "reason", max_length=500)
    with transaction.atomic():
        event = c.locked(event)
        role = c.require_centre(actor, event)
        if event.status != Status.MERGED or event.merged_into is None:
            raise EventConflict(_("Only a merged event can be split off."))
        into = event.merged_into
        c.step(event, "split", role, {"reason": reason}, actor=actor, at=at)
        event.merged_into = None
        c.save(event, ["status", "merged_into"], at)
        c.record(event, "split", actor=actor, at=at, text=reason, data={"from": into.number})
        c.record(into, "split_off", actor=actor, at=at, text=reason, data={"event": event.number})
    return event


def event_alarm(
    *,
    device_code: str,
    alarm_type: str,
    value: Any = None,
    latitude: float | None = None,
    longitude: float | None = None,
    topic: str = "",
    payload: str = "",
    at: datetime | None = None,
) -> Event | DeadLetter:
    """One IoT alarm: a new event of the device's category for its department, or an update.

    A repeated alarm of the same device within its ``alarm_window_minutes`` of
    the last one, while that event is open, updates it (``alarm_count``,
    ``last_alarm_at``, a history entry) instead of creating another. An
    unknown or inactive device gives a ``DeadLetter`` (never dropped).
    New events are dispatched at once to the device's department.

    Locks the device's row first (``devices_lock``), until the caller's
    transaction ends: two alarms of one device in concurrent transactions take
    turns, and the second sees the event the first created (one event counted
    twice, never two events).
    """
    at = c.now(at)
    device = _device(device_code)
    if device is None:
        return dead_letter_record(
            topic=topic, payload=payload, reason="unknown device", device_code=device_code, at=at
        )
    with transaction.atomic(), calendar_pinned():
        devices_lock([device.code])
        recent = (
            Event.objects.select_for_update()
            .filter(
                device=device,
                status__in=OPEN_STATUSES,
                last_alarm_at__gte=at - alarm_window(device),
            )
            .order_by("-last_alarm_at")
            .first()
        )
        if recent is not None:
            recent.alarm_count += 1
            recent.last_alarm_at = at
            c.save(recent, ["alarm_count", "last_alarm_at"], at)
            c.record(
                recent,
                "alarm_repeated",
                actor=None,
                at=at,
                **alarm_repeated_entry(recent, alarm_type, value),
                audit=False,
            )
            return recent
        event = event_register(
            actor=None,
            at=at,
            **alarm_event_fields(
                device, alarm_type=alarm_type, value=value, latitude=latitude, longitude=longitude
            ),
        )
        event.device = device
        event.alarm_count = 1
        event.last_alarm_at = at
        c.save(event, ["device", "alarm_count", "last_alarm_at"], at)
        from yiwang.events.selectors import dispatch_rule_for
        from yiwang.events.services.dispatch import dispatch_unchecked

        event = dispatch_unchecked(
            event,
            rule=dispatch_rule_for(category=event.category, district=event.district),
            lead=device.department,
            supporting=(),
            role="system",
            actor=None,
            reason=DEVICE_OWNER,
            at=at,
            fresh=True,
        )
    return event


#: The reason recorded when an alarm is dispatched to its device's department.
DEVICE_OWNER = "IoT device owner"


def alarm_window(device: Device) -> timedelta:
    """How long after a device's last alarm another one updates its open event."""
    return timedelta(minutes=device.alarm_window_minutes)


def alarm_event_fields(
    device: Device,
    *,
    alarm_type: str,
    value: Any,
    latitude: float | None,
    longitude: float | None,
) -> dict[str, Any]:
    """What an alarm's new event is registered with (``event_register``'s arguments, and
    ``batch.Intake``'s): the device's category, name, place (the alarm's point, else the
    device's), urgent."""
    lat = latitude if latitude is not None else device.latitude
    lon = longitude if longitude is not None else device.longitude
    return {
        "channel": Channel.IOT,
        "category": device.category,
        "reporter": Reporter(name=device.name, anonymous=False),
        "place": Place(latitude=lat, longitude=lon, address=device.address),
        "description": f"{device.name}: {alarm_type}"
        + (f" = {value}" if value is not None else ""),
        "urgency": Urgency.URGENT,
        "attributes": {"alarm_type": alarm_type, "value": value, "device": device.code},
    }


def alarm_repeated_entry(event: Event, alarm_type: str, value: Any) -> dict[str, Any]:
    """The data of the history entry of an alarm counted on ``event`` (already counted)."""
    return {"data": {"alarm_type": alarm_type, "value": value, "count": event.alarm_count}}


def dead_letter_record(
    *, topic: str, payload: str, reason: str, device_code: str = "", at: datetime | None = None
) -> DeadLetter:
    """Keep a message that could not become an event (malformed, unknown device), with why."""
    letter = dead_letter_new(
        topic=topic, payload=payload, reason=reason, device_code=device_code, at=at
    )
    letter.save(force_insert=True)
    return letter


def dead_letter_new(
    *, topic: str, payload: str, reason: str, device_code: str = "", at: datetime | None = None
) -> DeadLetter:
    """The dead letter of :func:`dead_letter_record`, not saved yet (a batch writes many)."""
    return DeadLetter(
        received_at=c.now(at),
        topic=topic[:300],
        payload=payload,
        reason=reason[:300],
        device_code=device_code[:80],
    )


def devices_lock(codes: Iterable[str]) -> None:
    """Lock the rows of the devices ``codes`` (``SELECT … FOR UPDATE``) until the transaction
    ends, in the order of their codes: batches that hold several devices at once take
    them in one order and cannot deadlock. A no-op on SQLite (it serialises writers)."""
    wanted = sorted(set(codes))
    if wanted:
        list(
            Device.objects.select_for_update()
            .filter(code__in=wanted)
            .order_by("code")
            .values_list("pk", flat=True)
        )


def _device(code: str) -> Device | None:
    return (
        Device.objects.filter(code=code, is_active=True)
        .select_related("category", "department")
        .first()
    )
