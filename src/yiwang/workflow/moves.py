"""What a move does to a case's clocks and branches, and what the passing of time does.

On a move (:func:`_leave` the source state, :func:`_enter` the target) the
clocks start, stop, pause and resume as the definition says, and a fork
opens its branches; a join closes them (:func:`_maybe_join`). A command may
restart or extend a clock (:func:`_restart`, :func:`_extend`). With time,
:func:`_tick` records warnings, overdue marks and expiries (a deemed
acceptance is a move). Each change is an event emitted on the run
(:mod:`yiwang.workflow.run`), which the engine (:mod:`yiwang.workflow.engine`)
drives.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from yiwang.workflow import clock as clk
from yiwang.workflow.definition import ClockChange
from yiwang.workflow.model import ClockMode, ClockState, iso_moment
from yiwang.workflow.run import _Run

_PAUSE_EVENT: dict[ClockMode, str] = {"suspended": "clock_suspended", "excluded": "clock_excluded"}


# --- clocks and branches on a move ---------------------------------------------------------------


def _leave(
    run: _Run,
    source: str,
    target: str,
    at: datetime,
    *,
    effective: datetime | None = None,
    carried: ClockState | None = None,
) -> None:
    """Close the branches ``source`` had open and move the clocks to ``target``'s."""
    if run.branches:
        names = [b.name for b in run.branches]
        run.emit("branches_cancelled", at, {"state": source, "branches": names})
    _move_clocks(run, source, target, at, False, effective, carried)


def _enter(
    run: _Run,
    source: str | None,
    target: str,
    at: datetime,
    *,
    fields: Mapping[str, Any],
) -> None:
    """Open what ``target`` starts: its clocks for a new case, its branches for a fork."""
    if source is None:
        _move_clocks(run, target, target, at, fresh=True)
    fork = run.definition.states[target].fork
    if fork is not None:
        names = fields.get("branches")
        valid = isinstance(names, list) and names and all(isinstance(n, str) for n in names)
        branches = (
            list(dict.fromkeys(names)) if valid and isinstance(names, list) else list(fork.branches)
        )
        run.emit("forked", at, {"state": target, "branches": branches, "start": fork.start})


def _move_clocks(
    run: _Run,
    source: str,
    target: str,
    at: datetime,
    fresh: bool = False,  # not keyword-only: _leave passes them by position (quicker)
    effective: datetime | None = None,
    carried: ClockState | None = None,
) -> None:
    definition = run.definition
    changes: tuple[ClockChange, ...]
    if fresh:
        changes = tuple((n, None, m) for n, m in definition.states[target].clocks.items())
    else:
        changes = definition.clock_changes(source, target)
    for name, _before, after in changes:
        current = None
        for c in run.clocks:  # run.clock(name), without a method call per change
            if c.name == name:
                current = c
                break
        if after is None:
            if current is not None:
                _stop(run, current, at)
        elif current is None:
            _start_clock(run, name, after, at, effective, carried)
        else:
            if current.mode != "runs":  # not current.running: a property is a call
                _resume(run, current, at)
            if after != "runs":
                run.emit(_PAUSE_EVENT[after], at, {"clock": name})


def _start_clock(
    run: _Run,
    name: str,
    mode: ClockMode,
    at: datetime,
    effective: datetime | None = None,  # not keyword-only: passed by position (quicker)
    carried: ClockState | None = None,
) -> None:
    cdef = run.definition.clocks[name]
    begin = effective or at
    suspended = excluded = 0.0
    if carried is not None and carried.unit == cdef.unit:
        suspended, excluded = carried.suspended, carried.excluded
    begin_text = begin.isoformat()
    _deadline, deadline_text, _warn, warn_text, provisional = clk.start_instants(
        cdef, begin, begin_text, run.calendar, suspended + excluded
    )
    data: dict[str, Any] = {
        "clock": name,
        "unit": cdef.unit,
        "started_at": begin_text,
        "deadline": deadline_text,
        "warn_at": warn_text,
        "mode": mode,
    }
    if suspended or excluded:
        data["suspended"], data["excluded"] = suspended, excluded
    if provisional:
        data["provisional"] = True
    run.emit("clock_started", at, data)


def _stop(run: _Run, current: ClockState, at: datetime) -> None:
    moment = current.paused_at or at
    if moment is run.at:
        moment = run.now  # the same instant, quicker to compare with the deadline
    run.emit(
        "clock_stopped",
        at,
        {
            "clock": current.name,
            "deadline": iso_moment(current.deadline),
            "on_time": moment <= current.deadline,
        },
    )


def _resume(run: _Run, current: ClockState, at: datetime) -> None:
    cdef = run.definition.clocks[current.name]
    deadline = clk.resumed_deadline(current, at, run.calendar)
    warn = clk.warn_at(cdef, current.started_at, deadline, current.extensions, run.calendar)
    amount = clk.paused_amount(current, at, run.calendar)
    suspended = current.suspended + (amount if current.mode == "suspended" else 0)
    excluded = current.excluded + (amount if current.mode == "excluded" else 0)
    data: dict[str, Any] = {
        "clock": current.name,
        "deadline": iso_moment(deadline),
        "warn_at": iso_moment(warn),
        "paused": amount,
        "suspended": suspended,
        "excluded": excluded,
        "warned": current.warned and at >= warn,
        "overdue": current.overdue and at > deadline,
    }
    if clk.is_provisional(current.unit, current.started_at, deadline, run.calendar):
        data["provisional"] = True
    run.emit("clock_resumed", at, data)


def _restart(run: _Run, name: str, at: datetime) -> None:
    current = run.clock(name)
    if current is None:
        return
    mode = current.mode
    _stop(run, current, at)
    _start_clock(run, name, mode, at)


def _extend(run: _Run, name: str, at: datetime, reason: Any) -> None:
    current = run.clock(name)
    assert current is not None
    cdef = run.definition.clocks[name]
    deadline = clk.extended_deadline(current, cdef, run.calendar)
    warn = clk.warn_at(cdef, current.started_at, deadline, current.extensions + 1, run.calendar)
    moment = current.paused_at or at
    data: dict[str, Any] = {
        "clock": name,
        "deadline": iso_moment(deadline),
        "warn_at": iso_moment(warn),
        "by": cdef.extension,
        "reason": reason,
        "warned": current.warned and moment >= warn,
    }
    if clk.is_provisional(current.unit, current.started_at, deadline, run.calendar):
        data["provisional"] = True
    run.emit("clock_extended", at, data)


def _maybe_join(run: _Run, at: datetime) -> None:
    state, definition = run, run.definition  # the run is the state being decided
    fork = definition.states[state.status].fork
    assert fork is not None
    finished = [b.name for b in state.branches if b.status == fork.join]
    quorum = min(definition.states[fork.join].quorum or len(state.branches), len(state.branches))
    if len(finished) < quorum:
        return
    cancelled = [b.name for b in state.branches if b.status != fork.join]
    run.emit("joined", at, {"state": fork.join, "finished": finished, "cancelled": cancelled})
    _move_clocks(run, state.status, fork.join, at)


# --- time -------------------------------------------------------------------------------------


def _tick(run: _Run) -> None:
    """Apply the time-based changes due by the run's instant, each as of when it fell due."""
    now = run.now = _comparable(run.at, run.clocks)
    for _ in range(64):  # each round settles one clock event; a case has a handful at most
        if not _anything_due(run.clocks, now):
            return
        # The clock due first (the first one on a tie, as min() would), in a plain loop: a
        # comprehension here would make ``now`` a cell, created on every call.
        found: tuple[datetime, ClockState] | None = None
        for c in run.clocks:
            m = clk.next_due(c)
            if m is not None and m <= now and (found is None or m < found[0]):
                found = (m, c)
        if found is None:
            return
        moment, current = found
        when = max(moment, run.updated_at)
        cdef = run.definition.clocks[current.name]
        if moment <= current.deadline:
            run.emit(
                "clock_warning",
                when,
                {"clock": current.name, "deadline": iso_moment(current.deadline)},
            )
        elif cdef.on_expiry is not None:
            _expire(run, current, when)
        else:
            run.emit(
                "clock_overdue",
                when,
                {"clock": current.name, "deadline": iso_moment(current.deadline)},
            )
    raise RuntimeError("clock events do not settle; is a clock's limit zero?")  # pragma: no cover


def _comparable(at: datetime, clocks: tuple[ClockState, ...]) -> datetime:
    """``at`` in the zone of the first running clock's deadline, to compare with the clocks.

    Instants read from ISO text share one fixed-offset tzinfo object per offset
    (model.parse_moment). Two datetimes with the same tzinfo object compare by their fields
    alone; any other pair first calls utcoffset() on both, several times slower. A caller's
    ``at`` is usually in a ZoneInfo: converted once per outcome, it compares quickly with
    every deadline and warning instant in that offset. It is the same instant, so every
    comparison answers the same (a fixed offset has no folds); it is never recorded, the
    events keep the caller's ``at``. With no running clock there is nothing to compare.
    """
    for c in clocks:
        if c.mode == "runs":
            zone = c.deadline.tzinfo
            if at.tzinfo is not zone and type(zone) is timezone:
                return at.astimezone(zone)
            return at
    return at


def _anything_due(clocks: tuple[ClockState, ...], at: datetime) -> bool:
    """Whether ``next_due(c) <= at`` for some clock: the common "no" without building instants.

    ``deadline + INSTANT <= at`` is ``deadline < at`` in a fixed-offset zone, which is what
    states hold (read from ISO text); a clock in another zone takes the exact test.
    """
    for c in clocks:
        if c.mode != "runs" or c.overdue:
            continue
        if not c.warned and c.warn_at <= at:
            return True
        deadline = c.deadline
        if type(deadline.tzinfo) is timezone:
            if deadline < at:
                return True
        elif deadline + clk.INSTANT <= at:
            return True
    return False


def _expire(run: _Run, current: ClockState, when: datetime) -> None:
    cdef = run.definition.clocks[current.name]
    expiry = cdef.on_expiry
    assert expiry is not None
    source = run.status
    effective = current.started_at if expiry.backdate else when
    run.emit(
        expiry.event,
        when,
        {
            "clock": current.name,
            "from": source,
            "to": expiry.to,
            "deadline": iso_moment(current.deadline),
            "effective_at": effective.isoformat(),
        },
    )
    # Clocks the move starts count from the effective instant, with the intake's paused time.
    carried = current if expiry.backdate else None
    _leave(run, source, expiry.to, when, effective=effective, carried=carried)
    _enter(run, source, expiry.to, when, fields={})
