"""Callback (回访), reopening (重办) and closing (办结).

The centre calls back (or the reporter rates) and records satisfaction on the
five levels and resolved / not resolved. Dissatisfied or not resolved reopens
the event to the same department with a new deadline; a failure after a
reopening raises a 督办单 as well (GB/T 33358-2016; issue 10).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.events import deadlines
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed
from yiwang.events.models import BAD_SATISFACTION, Event, Satisfaction, Status, SupervisionOrder
from yiwang.events.services import _common as c


def _callback_role(actor: Any, event: Event) -> str:
    if actor is not None and event.citizen_id is not None and actor.pk == event.citizen_id:
        return "citizen"
    if c.is_operator(actor):
        return "operator"
    raise EventNotAllowed(_("Only the hotline centre or the reporter records the callback."))


def close_now(event: Event, *, actor: Any, role: str, resolution: str, at: datetime) -> None:
    """Close the (locked) event in its transaction: the workflow, the row, the history."""
    c.step(event, "close", role, {"resolution": resolution}, actor=actor, at=at)
    event.closed_at = at
    c.save(event, ["status", "closed_at"], at)
    c.record(event, "closed", actor=actor, at=at, text=resolution, public=True)
    c.notify_reporters(event, "event_closed", {"outcome": event.outcome})


def event_callback(
    *,
    actor: Any,
    event: Event,
    satisfaction: str,
    resolved: bool,
    note: str = "",
    at: datetime | None = None,
) -> Event:
    """Record the callback: satisfaction on five levels and resolved / not resolved (回访).

    An operator (calling back), or the reporter (rating link / my reports).
    Satisfied and resolved closes the event; dissatisfied or not resolved
    reopens it (``event_reopen``) to the same department with a new deadline;
    a failure after a reopening also raises a 督办单 (``supervision_issue``,
    trigger ``second_failure``). Merged events share the outcome.
    """
    at = c.now(at)
    _check_rating(satisfaction, resolved)
    with transaction.atomic():
        event = c.locked(event)
        role = _callback_role(actor, event)
        record_callback(
            event,
            actor=actor,
            role=role,
            satisfaction=satisfaction,
            resolved=resolved,
            note=note,
            at=at,
        )
    return event


def _check_rating(satisfaction: str, resolved: Any) -> None:
    if satisfaction not in Satisfaction.values:
        raise EventInvalid(_("Choose one of the five levels."), field="satisfaction")
    if not isinstance(resolved, bool):
        raise EventInvalid(_("Say whether it was resolved."), field="resolved")


def record_callback(
    event: Event,
    *,
    actor: Any,
    role: str,
    satisfaction: str,
    resolved: bool,
    note: str,
    at: datetime,
) -> None:
    """Record the callback on the (locked) event in its transaction, then close or reopen it
    (the one path of ``event_callback`` and the reporter's rating link)."""
    _check_rating(satisfaction, resolved)
    if event.status != Status.REPLIED:
        raise EventConflict(_("Only an answered event awaits a callback."))
    event.satisfaction = satisfaction
    event.resolved_confirmed = resolved
    c.save(event, ["satisfaction", "resolved_confirmed"], at)
    c.record(
        event,
        "called_back",
        actor=actor,
        at=at,
        text=note.strip(),
        data={"satisfaction": satisfaction, "resolved": resolved, "by": role},
        public=True,
    )
    if satisfaction in BAD_SATISFACTION or not resolved:
        second = event.reopen_count >= 1
        reason = note.strip() or "unsatisfied at the callback"
        _reopen(event, actor=actor, role=role, reason=reason, at=at)
        if second:
            from yiwang.events.services.handling import supervision_issue

            supervision_issue(
                actor=None,
                event=event,
                note=f"Still unsatisfied after reopening: {reason}",
                trigger=SupervisionOrder.Trigger.SECOND_FAILURE,
                at=at,
            )
            event.refresh_from_db()
    else:
        close_now(event, actor=actor, role=role, resolution=satisfaction, at=at)


def _reopen(event: Event, *, actor: Any, role: str, reason: str, at: datetime) -> None:
    c.step(event, "reopen", role, {"reason": reason}, actor=actor, at=at)
    event.reopen_count += 1
    event.clock_started_at = at
    event.handle_due_at = deadlines.handle_due(c.calendar(), at, event.category.handle_limit_days)
    event.handle_card = ""
    event.replied_at = None
    c.save(
        event,
        [
            "status",
            "reopen_count",
            "clock_started_at",
            "handle_due_at",
            "handle_card",
            "replied_at",
        ],
        at,
    )
    c.record(
        event,
        "reopened",
        actor=actor,
        at=at,
        text=reason,
        data={"count": event.reopen_count, "due": event.handle_due_at},
        public=True,
    )
    if event.lead_department is not None:
        c.notify_department(
            event.lead_department,
            "event_reopened",
            event,
            {"reason": reason, "due": event.handle_due_at},
        )


def event_reopen(*, actor: Any, event: Event, reason: str, at: datetime | None = None) -> Event:
    """Reopen a replied event (重办) to the same lead department, with a new handling deadline
    (the category's limit from now). An operator or a supervisor."""
    at = c.now(at)
    reason = c.text(reason, "reason", max_length=500)
    with transaction.atomic():
        event = c.locked(event)
        role = c.require_centre(actor, event)
        if event.status != Status.REPLIED:
            raise EventConflict(_("Only an answered event can be reopened."))
        _reopen(event, actor=actor, role=role, reason=reason, at=at)
    return event


def event_close(*, actor: Any, event: Event, resolution: str, at: datetime | None = None) -> Event:
    """Close a replied event (办结) without a callback (an operator: the reporter could not be
    reached, or none is owed)."""
    at = c.now(at)
    resolution = c.text(resolution, "resolution", max_length=500)
    with transaction.atomic():
        event = c.locked(event)
        c.require_operator(actor)
        if event.status != Status.REPLIED:
            raise EventConflict(_("Only an answered event can be closed."))
        close_now(event, actor=actor, role="operator", resolution=resolution, at=at)
    return event
