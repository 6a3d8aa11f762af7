"""Batch intake: register and dispatch many events at once (Open311's queue, MQTT alarms).

The same rules as :func:`~yiwang.events.services.intake.event_register` with
``auto_dispatch`` and as ``event_alarm``'s dispatch to the device's department
— the same checks (``register_check``, ``dispatch_plan``), districts, directory
rules, workflow engine, deadlines on the working calendar, history and audit
entries and notifications — but written with a number of SQL statements that
does not grow with the batch: the calendar pinned once, the categories' leaf
check, the districts, the directory's rules with their supporting units and the
departments' handlers read once; the engine run in memory for each event
(``processes.services.workflow_plan``); then one INSERT per table for the batch
(workflow instances and their events, events, photos' links, history entries,
assignments, audit entries, notifications, deliveries and their tasks), the events
numbered before their insert on PostgreSQL (ids taken from the sequence) and by one
UPDATE after it on SQLite. docs/events.md, "Batch intake".

An intake that fails a check is not written and comes back as its
``EventError`` in its place: the others of the batch are still registered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from yiwang.core.audit import AuditDraft, audit_record_many
from yiwang.core.bulk import ids_reserve, rows_update
from yiwang.core.calendar import calendar_pinned
from yiwang.core.workingdays import WorkingCalendar
from yiwang.events.errors import EventConflict, EventError
from yiwang.events.models import (
    Assignment,
    Category,
    Channel,
    Device,
    Event,
    EventEntry,
    EventPhoto,
    Urgency,
)
from yiwang.events.selectors.lookups import DirectoryRules
from yiwang.events.services import _common as c
from yiwang.events.services.dispatch import (
    DispatchPlan,
    announcement,
    assignments_new,
    dispatch_plan,
)
from yiwang.events.services.intake import (
    DEVICE_OWNER,
    districts_of,
    event_new,
    event_number,
    register_check,
    registered_entry,
)
from yiwang.events.types import Place, Reporter
from yiwang.identity.models import Region
from yiwang.identity.selectors import departments_officers
from yiwang.processes.services import (
    PlannedStart,
    workflow_insert_many,
    workflow_plan,
    workflow_plan_execute,
)
from yiwang.workflow import Command, CommandRefused


@dataclass(frozen=True)
class Intake:
    """One event to register, as ``event_register`` takes it. ``media``: links only (an
    Open311 ``media_url``). With ``device`` (an IoT alarm) the event is the device's
    (``alarm_count`` 1) and is dispatched to the device's department; otherwise, with
    ``auto_dispatch``, from the directory when it has a rule."""

    channel: str
    category: Category
    reporter: Reporter
    place: Place
    description: str
    at: datetime
    actor: Any = None
    urgency: str = Urgency.NORMAL
    attributes: Mapping[str, Any] | None = None
    media: tuple[str, ...] = ()
    device: Device | None = None
    auto_dispatch: bool = True


@dataclass
class _Planned:
    intake: Intake
    event: Event
    workflow: PlannedStart
    registered_status: str = ""
    dispatch: DispatchPlan | None = None
    photos: list[EventPhoto] = field(default_factory=list)


def events_register_many(intakes: Sequence[Intake]) -> list[Event | EventError]:
    """Register (and dispatch) each of ``intakes``; in their place, the event or the
    ``EventError`` that refused it (nothing of a refused one is written). Call inside a
    transaction or not (it opens one); the statements are as many for 5 intakes as for
    500 (the categories' tree depth aside). Only channels without an operator (open311,
    iot, web): a hotline call is registered one by one by its operator."""
    if any(intake.channel == Channel.HOTLINE for intake in intakes):
        raise ValueError("A hotline call is registered one by one, by its operator.")
    if not intakes:
        return []
    results: list[Event | EventError | None] = [None] * len(intakes)
    with transaction.atomic(), calendar_pinned():
        calendar = c.calendar()
        planned = _plan(intakes, results, calendar)
        _write(planned, calendar)
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]


def _plan(
    intakes: Sequence[Intake],
    results: list[Event | EventError | None],
    calendar: WorkingCalendar,
) -> list[_Planned]:
    """Check each intake and compute what it writes, without writing; refusals go to
    ``results``. Queries: the leaf check, the districts, the directory's rules."""
    from yiwang.events.selectors import directory_rules

    category_ids = {i.category.pk for i in intakes}
    parents = set(
        Category.objects.filter(parent_id__in=category_ids).values_list("parent_id", flat=True)
    )
    bodies: dict[int, str] = {}
    for n, intake in enumerate(intakes):
        try:
            bodies[n] = register_check(
                channel=intake.channel,
                category=intake.category,
                leaf=intake.category.pk not in parents,
                reporter=intake.reporter,
                place=intake.place,
                description=intake.description,
                urgency=intake.urgency,
            )
        except EventError as exc:
            results[n] = exc
    checked = list(bodies)
    districts = districts_of([intakes[n].place for n in checked])
    rules = directory_rules({intakes[n].category for n in checked})
    planned: list[_Planned] = []
    for n, district in zip(checked, districts, strict=True):
        intake = intakes[n]
        if isinstance(district, EventError):
            results[n] = district
            continue
        try:
            planned.append(_plan_one(intake, bodies[n], district, rules, calendar))
        except EventError as exc:
            results[n] = exc
            continue
        results[n] = planned[-1].event
    return planned


def _plan_one(
    intake: Intake,
    body: str,
    district: Region | None,
    rules: DirectoryRules,
    calendar: WorkingCalendar,
) -> _Planned:
    at = intake.at
    workflow = workflow_plan(
        definition_name="city_event", at=at, calendar=calendar, actor=intake.actor
    )
    event = event_new(
        actor=intake.actor,
        channel=intake.channel,
        workflow=None,
        status=workflow.status,
        category=intake.category,
        reporter=intake.reporter,
        place=intake.place,
        body=body,
        urgency=intake.urgency,
        attributes=intake.attributes,
        district=district,
        at=at,
    )
    if intake.device is not None:
        event.device = intake.device
        event.alarm_count = 1
        event.last_alarm_at = at
    item = _Planned(intake, event, workflow, registered_status=workflow.status)
    rule = rules.rule_for(intake.category, district)
    device = intake.device
    if device is not None or (intake.auto_dispatch and rule is not None):
        plan = dispatch_plan(
            event,
            rule=rule,
            lead=device.department if device is not None else None,
            supporting=(),
            reason=DEVICE_OWNER if device is not None else "",
        )
        try:
            workflow_plan_execute(
                workflow,
                command=Command("dispatch", "system", plan.command),
                at=at,
                calendar=calendar,
            )
        except CommandRefused as exc:
            raise EventConflict(str(exc)) from exc
        event.status = workflow.status
        plan.apply(event, at)
        item.dispatch = plan
    item.photos = [
        EventPhoto(
            event=event,
            kind=EventPhoto.Kind.REPORT,
            uploaded_by=event.registered_by,
            uploaded_at=at,
            url=url[:500],
        )
        for url in intake.media
    ]
    return item


def _write(planned: list[_Planned], calendar: WorkingCalendar) -> None:
    """Write the planned events: one INSERT per table. An event's number is its id's:
    on PostgreSQL the ids are taken before the insert (``ids_reserve``), elsewhere the
    numbers are written after it (``rows_update``)."""
    if not planned:
        return
    workflow_insert_many([p.workflow for p in planned], calendar)
    events = []
    ids = ids_reserve(Event, len(planned))  # PostgreSQL: numbered before the insert
    for n, item in enumerate(planned):
        instance = item.workflow.instance
        assert instance is not None
        item.event.workflow = instance
        if ids is not None:
            item.event.pk = ids[n]
            item.event.number = event_number(item.event)
        else:
            item.event.number = f"tmp-{instance.pk}"
        events.append(item.event)
    Event.objects.bulk_create(events)
    if ids is None:  # SQLite: the ids are known once inserted
        for event in events:
            event.number = event_number(event)
        rows_update(Event, events, ["number"])
    photos = [photo for item in planned for photo in item.photos]
    if photos:  # their event has its id now: bulk_create takes it
        EventPhoto.objects.bulk_create(photos)
    entries: list[EventEntry] = []
    assignments: list[Assignment] = []
    audits: list[AuditDraft] = []
    for item in planned:
        _records(item, entries, assignments, audits)
    EventEntry.objects.bulk_create(entries)
    if assignments:
        Assignment.objects.bulk_create(assignments)
    audit_record_many(audits)
    _announce([item for item in planned if item.dispatch is not None])


def _records(
    item: _Planned,
    entries: list[EventEntry],
    assignments: list[Assignment],
    audits: list[AuditDraft],
) -> None:
    """The history entries, assignments and audit entries of one event, in the order
    ``event_register`` and ``dispatch_unchecked`` write them."""
    event, at, actor = item.event, item.intake.at, item.intake.actor
    instance = item.workflow.instance
    workflow_audits = iter(item.workflow.audits)

    def workflow_audit() -> None:
        who, action, data = next(workflow_audits)
        audits.append(AuditDraft(actor=who, action=action, target=instance, data=data))

    registered = registered_entry(event)
    entries.append(c.entry_new(event, "registered", actor=actor, at=at, public=True, **registered))
    workflow_audit()
    audits.append(
        c.audit_draft(event, "registered", actor=actor, status=item.registered_status, **registered)
    )
    plan = item.dispatch
    if plan is None:
        return
    data = plan.entry_data()
    entries.append(
        c.entry_new(
            event, "dispatched", actor=None, at=at, text=plan.lead.name_zh, data=data, public=True
        )
    )
    assignments.extend(
        assignments_new(
            event,
            lead=plan.lead,
            helpers=plan.helpers,
            actor=None,
            at=at,
            reason=plan.reason,
            from_directory=plan.from_directory,
        )
    )
    workflow_audit()
    audits.append(c.audit_draft(event, "dispatched", actor=None, text=plan.lead.name_zh, data=data))


def _announce(dispatched: list[_Planned]) -> None:
    """Tell each dispatched event's departments, all in one batch of notifications."""
    from yiwang.notifications.services import notify_batch

    departments = {d.pk: d for item in dispatched for d in _units(item)}
    officers = departments_officers(departments.values(), c.HANDLERS)
    messages: list[tuple[Any, str, Mapping[str, Any] | None]] = []
    for item in dispatched:
        context = {"number": item.event.number, **announcement(item.event)}
        for department in _units(item):
            messages.extend((user, "event_assigned", context) for user in officers[department.pk])
    notify_batch(messages)


def _units(item: _Planned) -> list[Any]:
    assert item.dispatch is not None
    return [item.dispatch.lead, *item.dispatch.helpers]
