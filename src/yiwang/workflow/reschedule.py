"""Counting a case's deadlines again after the working-day calendar changed.

A deadline in working days depends on the calendar it was counted with. When
an administrator enters a year's holiday schedule (a year counted until then
on its statutory holidays, see ``yiwang.core.workingdays``) or corrects one,
the deadlines of the open cases that counted through that year must be
counted again. :func:`reschedule` does it from the case's own history: it
replays the recorded events, and wherever a clock's deadline was computed
(started, resumed after a pause, extended) computes it again with the new
calendar, from the same instants the engine used then. The clocks the case
has now get a ``clock_rescheduled`` event when their deadline, warning
instant, paused working days or provisional mark differ; nothing else of
the history changes (what happened, happened: a deemed acceptance stays).

Plain Python like the rest of the engine; the Django side
(``processes.services.workflow_reschedule``) locks the instance and records
the outcome.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow import clock as clk
from yiwang.workflow.definition import Definition
from yiwang.workflow.engine import _check
from yiwang.workflow.evolve import Draft, draft_of, evolve, fold
from yiwang.workflow.model import ClockState, Event, Outcome, State, iso_moment, new_event
from yiwang.workflow.run import _begin

# Events between an expiry and the clocks it starts: the expired clock's paused time is
# carried into them (moves._expire with ``backdate``), so it stays pending until another
# kind of event arrives.
_AFTER_EXPIRY = frozenset(
    {"clock_started", "clock_stopped", "clock_suspended", "clock_excluded", "branches_cancelled"}
)


def reschedule(
    definition: Definition,
    state: State,
    events: Iterable[Event],
    *,
    at: datetime,
    calendar: WorkingCalendar,
) -> Outcome:
    """``state``'s clocks counted again with ``calendar``, from its recorded ``events``.

    ``events`` are the instance's whole log, from ``started`` on, leading to
    ``state``. One ``clock_rescheduled`` event per clock whose deadline,
    warning instant, paused working days or provisional mark changed (none,
    and the state unchanged, when none did). A clock whose new deadline has
    passed is marked overdue by the next :func:`~yiwang.workflow.tick`; one
    marked overdue or warned whose new instants lie ahead is no longer.
    Raises ValueError when ``events`` do not lead to ``state``'s clocks.
    """
    _check(definition, state, at)
    recounted = {c.name: c for c in recount(definition, events, calendar).clocks}
    if set(recounted) != {c.name for c in state.clocks}:
        raise ValueError("the events do not lead to the state's clocks")
    run = _begin(definition, state, calendar, state.version + 1, at)
    for current in state.clocks:
        new = recounted[current.name]
        if (new.deadline, new.warn_at, new.suspended, new.excluded, new.provisional) == (
            current.deadline,
            current.warn_at,
            current.suspended,
            current.excluded,
            current.provisional,
        ):
            continue
        moment = current.paused_at or at  # a paused clock is judged where it stopped
        data: dict[str, Any] = {
            "clock": current.name,
            "deadline": iso_moment(new.deadline),
            "warn_at": iso_moment(new.warn_at),
            "previous_deadline": iso_moment(current.deadline),
            "suspended": new.suspended,
            "excluded": new.excluded,
            "warned": current.warned and moment >= new.warn_at,
            "overdue": current.overdue and moment > new.deadline,
        }
        if new.provisional:
            data["provisional"] = True
        run.emit("clock_rescheduled", at, data)
    return run.outcome() if run.events else Outcome(state, ())


def recount(definition: Definition, events: Iterable[Event], calendar: WorkingCalendar) -> State:
    """The state ``events`` lead to, every working-day deadline computed with ``calendar``."""
    draft: Draft | None = None
    carried: ClockState | None = None
    for event in events:
        if draft is None:
            draft = draft_of(evolve(definition, None, event))
            continue
        kind = event.type
        if kind in definition.expiry_events:
            expired = draft.clock(event.data["clock"])
            expiry = definition.clocks[event.data["clock"]].on_expiry
            carried = expired if expiry is not None and expiry.backdate else None
        elif kind not in _AFTER_EXPIRY:
            carried = None
        if kind == "clock_rescheduled":
            continue  # an earlier recount: this one starts from the history itself
        fold(definition, draft, _recounted(definition, draft, event, calendar, carried))
    if draft is None:
        raise ValueError("nothing to recount: no events")
    return draft.freeze()


def _recounted(
    definition: Definition,
    draft: Draft,
    event: Event,
    calendar: WorkingCalendar,
    carried: ClockState | None,
) -> Event:
    """``event`` with the instants it computed from the calendar computed again."""
    kind, data = event.type, event.data
    if kind not in ("clock_started", "clock_resumed", "clock_extended"):
        return event
    name = data["clock"]
    cdef = definition.clocks[name]
    if cdef.unit != "working_days":
        return event
    new = dict(data)
    new.pop("provisional", None)
    if kind == "clock_started":
        begin = datetime.fromisoformat(data["started_at"])
        suspended = excluded = 0.0
        if carried is not None and carried.unit == cdef.unit:
            suspended, excluded = carried.suspended, carried.excluded
        elif "suspended" in data:
            suspended, excluded = data["suspended"], data["excluded"]
        deadline, _text, warn, _warn_text, provisional = clk.start_instants(
            cdef, begin, data["started_at"], calendar, suspended + excluded
        )
        if suspended or excluded:
            new["suspended"], new["excluded"] = suspended, excluded
        else:
            new.pop("suspended", None)
            new.pop("excluded", None)
    else:
        current = draft.clock(name)
        if current is None:
            raise ValueError(f"{kind} of clock {name!r}, which is not running")
        if kind == "clock_resumed":
            deadline = clk.resumed_deadline(current, event.at, calendar)
            warn = clk.warn_at(cdef, current.started_at, deadline, current.extensions, calendar)
            amount = clk.paused_amount(current, event.at, calendar)
            new["paused"] = amount
            new["suspended"] = current.suspended + (amount if current.mode == "suspended" else 0)
            new["excluded"] = current.excluded + (amount if current.mode == "excluded" else 0)
        else:
            deadline = clk.extended_deadline(current, cdef, calendar)
            warn = clk.warn_at(cdef, current.started_at, deadline, current.extensions + 1, calendar)
        provisional = clk.is_provisional(cdef.unit, current.started_at, deadline, calendar)
    new["deadline"], new["warn_at"] = iso_moment(deadline), iso_moment(warn)
    if provisional:
        new["provisional"] = True
    return new_event(kind, event.at, new)
