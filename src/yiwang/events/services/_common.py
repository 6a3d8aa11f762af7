"""What every events service does the same way: lock, check the role, drive the workflow,
record the history and the audit entry, notify. One home for each (STYLE.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import AuditDraft, audit_record
from yiwang.core.calendar import load_calendar
from yiwang.core.serialize import json_safe
from yiwang.core.workingdays import WorkingCalendar
from yiwang.events import deadlines
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed
from yiwang.events.models import Assignment, Event, EventEntry
from yiwang.identity.models import Department, Region, Role, User
from yiwang.identity.selectors import department_officers, officer_department_ids, user_has_role
from yiwang.processes.services import workflow_execute
from yiwang.workflow import Command, CommandRefused

AUDIT_PREFIX = "event."


def now(at: datetime | None) -> datetime:
    return at or timezone.now()


def calendar() -> WorkingCalendar:
    return load_calendar()


def locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends, as it is now. Only the event's own
    row (``of``): PostgreSQL would otherwise lock the joined category too, and every change
    to an event of that category in the city would wait on it."""
    return Event.objects.select_for_update(of=("self",)).select_related("category").get(pk=event.pk)


def text(value: str, field: str, *, max_length: int = 4000) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise EventInvalid(_("%(field)s is required.") % {"field": field}, field=field)
    if len(cleaned) > max_length:
        raise EventInvalid(
            _("%(field)s is longer than %(max)d characters.") % {"field": field, "max": max_length},
            field=field,
        )
    return cleaned


# --- who may act ---------------------------------------------------------------------------


#: The role whose departments' events a handler works on (承办人).
HANDLERS = frozenset({Role.DEPARTMENT_HANDLER})
#: The role whose departments' regions a supervisor oversees (督办).
SUPERVISORS = frozenset({Role.SUPERVISOR})


def is_operator(user: Any) -> bool:
    return user_has_role(user, Role.HOTLINE_OPERATOR)


def supervisor_scope(user: Any) -> tuple[bool, set[int]]:
    """(city-wide, district region ids) a supervisor oversees: a supervisor of a city-level
    department (the 12345 centre) sees the city; of a district-level one, its district. The
    departments are ``identity.selectors.officer_department_ids`` (one query)."""
    rows = Department.objects.filter(pk__in=officer_department_ids(user, SUPERVISORS)).values_list(
        "region__level", "region_id"
    )
    citywide = False
    districts: set[int] = set()
    for level, region_id in rows:
        if level in (Region.Level.DISTRICT, Region.Level.COUNTY, Region.Level.COUNTY_CITY):
            districts.add(region_id)
        else:
            citywide = True
    return citywide, districts


def is_supervisor(user: Any, event: Event | None = None) -> bool:
    citywide, districts = supervisor_scope(user)
    if citywide:
        return True
    return bool(districts) and (event is None or event.district_id in districts)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise EventNotAllowed(message)


def require_operator(user: Any) -> None:
    require(is_operator(user), _("Only a hotline operator may do this."))


def require_centre(user: Any, event: Event) -> str:
    """An operator or a supervisor of the event; the workflow role it acts in."""
    if is_operator(user):
        return "operator"
    if is_supervisor(user, event):
        return "supervisor"
    raise EventNotAllowed(_("Only the hotline centre may do this."))


def active_assignments(event: Event) -> list[Assignment]:
    return list(
        Assignment.objects.filter(event=event, ended_at__isnull=True).select_related("department")
    )


def acting_assignment(
    user: Any, event: Event, department: Department | None, *, lead_only: bool
) -> Assignment:
    """The active assignment of the event the handler acts for: ``department`` if given (it
    must be theirs), else their lead assignment, else (``lead_only`` False) a supporting one."""
    mine = set(officer_department_ids(user, HANDLERS))
    require(bool(mine), _("Only a department handler may do this."))
    candidates = [
        a
        for a in active_assignments(event)
        if a.department_id in mine and (department is None or a.department_id == department.pk)
    ]
    candidates.sort(key=lambda a: a.role != Assignment.Role.LEAD)
    if not candidates or (lead_only and candidates[0].role != Assignment.Role.LEAD):
        raise EventNotAllowed(_("This event is not assigned to your department."))
    return candidates[0]


# --- the workflow, the history, the audit ----------------------------------------------------


def step(
    event: Event,
    name: str,
    role: str,
    data: Mapping[str, Any] | None = None,
    *,
    actor: Any,
    at: datetime,
) -> None:
    """Give the workflow command; the engine's refusal becomes ``EventConflict``."""
    try:
        instance = workflow_execute(
            instance_id=event.workflow_id,
            command=Command(name, role, dict(data or {})),
            at=at,
            actor=actor,
        )
    except CommandRefused as exc:
        raise EventConflict(str(exc)) from exc
    event.status = instance.status


def record(
    event: Event,
    kind: str,
    *,
    actor: Any,
    at: datetime,
    text: str = "",
    data: Mapping[str, Any] | None = None,
    public: bool = False,
    department: Department | None = None,
    audit: bool = True,
) -> EventEntry:
    """The history entry and the audit entry of one change."""
    entry = entry_new(
        event, kind, actor=actor, at=at, text=text, data=data, public=public, department=department
    )
    entry.save(force_insert=True)
    if audit:
        draft = audit_draft(event, kind, actor=actor, text=text, data=data)
        audit_record(actor=draft.actor, action=draft.action, target=draft.target, data=draft.data)
    return entry


def entry_new(
    event: Event,
    kind: str,
    *,
    actor: Any,
    at: datetime,
    text: str = "",
    data: Mapping[str, Any] | None = None,
    public: bool = False,
    department: Department | None = None,
) -> EventEntry:
    """The history entry of one change (:func:`record`), not saved yet: a batch writes many
    with one insert."""
    return EventEntry(
        event=event,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        department=department,
        kind=kind,
        text=text,
        data=json_safe(dict(data or {})),
        public=public,
    )


def audit_draft(
    event: Event,
    kind: str,
    *,
    actor: Any,
    text: str = "",
    data: Mapping[str, Any] | None = None,
    status: str | None = None,
) -> AuditDraft:
    """The audit entry of one change (:func:`record`), as ``audit_record_many`` takes it;
    ``status``: the event's status then, when it has moved on since (a batch)."""
    return AuditDraft(
        actor=actor,
        action=AUDIT_PREFIX + kind,
        target=event,
        data={"status": status or event.status, "text": text[:500], **dict(data or {})},
    )


def save(event: Event, fields: Iterable[str], at: datetime) -> None:
    event.updated_at = at
    event.save(update_fields=[*fields, "updated_at"])


def notify_department(
    department: Department, kind: str, event: Event, context: Mapping[str, Any] | None = None
) -> None:
    """Tell the department's handlers (in-app, e-mail, SMS as they have them)."""
    from yiwang.notifications.services import notify

    for user in department_officers(department, HANDLERS):
        notify(user=user, kind=kind, context={"number": event.number, **dict(context or {})})


def notify_departments(
    departments: Iterable[Department],
    kind: str,
    event: Event,
    context: Mapping[str, Any] | None = None,
) -> None:
    """``notify_department`` for each of ``departments``, the notifications of all of them
    written together (``notifications.services.notify_many``): what a dispatch does."""
    from yiwang.notifications.services import notify_many

    users = [user for d in departments for user in department_officers(d, HANDLERS)]
    notify_many(users=users, kind=kind, context={"number": event.number, **dict(context or {})})


def notify_reporters(event: Event, kind: str, context: Mapping[str, Any] | None = None) -> None:
    """Tell the reporter with an account, and those of every event merged into this one."""
    from yiwang.notifications.services import notify

    reporters = {event.citizen_id} if event.citizen_id else set()
    reporters |= set(
        Event.objects.filter(merged_into=event, citizen__isnull=False).values_list(
            "citizen_id", flat=True
        )
    )
    for user in User.objects.filter(pk__in=reporters, is_active=True):
        notify(user=user, kind=kind, context={"number": event.number, **dict(context or {})})


# --- the clock -----------------------------------------------------------------------------


def start_clock(event: Event, *, dispatched_at: datetime, clock_start: datetime) -> None:
    """Set the sign-for limit from ``dispatched_at`` and the handling limit from
    ``clock_start`` (with the approved extension), and clear the cards."""
    cal = calendar()
    category = event.category
    event.dispatched_at = dispatched_at
    event.clock_started_at = clock_start
    event.sign_due_at = deadlines.sign_due(cal, dispatched_at, category.sign_limit_hours)
    event.handle_due_at = deadlines.handle_due(
        cal, clock_start, category.handle_limit_days + event.extension_days
    )
    event.signed_at = None
    event.sign_card = ""
    event.handle_card = ""


CLOCK_FIELDS = (
    "dispatched_at",
    "clock_started_at",
    "sign_due_at",
    "handle_due_at",
    "signed_at",
    "sign_card",
    "handle_card",
)
