"""The engine: ``start``, ``apply``, ``tick`` and ``replay`` over plain data.

Every change is first decided (is the command allowed? what do the clocks
do?) and recorded as events; the state is then only ever changed by
:func:`evolve` folding those events in. Live use and replay run the same
``evolve``, so replaying the recorded events gives the same state by
construction, and the events carry every computed deadline so replay needs
no calendar.

Time-based changes (a warning window opening, a deadline passing, deemed
acceptance when intake is late) happen in :func:`tick`, which a scheduler
calls at :func:`due_at`; :func:`apply` ticks first as well, so a late
scheduler never lets a command act on a stale state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow import clock as clk
from yiwang.workflow.definition import ClockChange, Definition, FieldSpec, Transition
from yiwang.workflow.errors import (
    AlreadyDecided,
    CommandRefused,
    FinalState,
    LimitReached,
    MissingField,
    UnknownCommand,
    WrongRole,
    WrongState,
)
from yiwang.workflow.evolve import Draft, draft_of, evolve, fold
from yiwang.workflow.model import (
    ALWAYS_AWARE,
    BranchState,
    ClockMode,
    ClockState,
    Command,
    Event,
    Light,
    Outcome,
    State,
    aware,
    iso_moment,
    new_event,
    new_outcome,
    new_state,
)

_LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
_PAUSE_EVENT: dict[ClockMode, str] = {"suspended": "clock_suspended", "excluded": "clock_excluded"}


class _Run(Draft):
    """One outcome being decided: emits events and folds each into the state at once.

    The run is itself the :class:`Draft` every event is folded into (one object per
    outcome, not a run holding a draft), frozen into a State only for the outcome; built
    by :func:`_begin`. ``at`` is the outcome's instant as the caller gave it, which events
    record; ``now`` the same instant for comparisons with the clocks' instants (see
    _comparable).
    """

    __slots__ = ("at", "calendar", "definition", "events", "next_version", "now")

    definition: Definition
    calendar: WorkingCalendar
    next_version: int
    events: list[Event]
    at: datetime
    now: datetime

    def emit(self, type_: str, at: datetime, data: dict[str, Any]) -> None:
        data["version"] = self.next_version
        event = new_event(type_, at, data)
        fold(self.definition, self, event)
        self.events.append(event)

    def outcome(self) -> Outcome:
        # self.freeze(), inlined: once per outcome.
        state = new_state(
            self.workflow,
            self.status,
            self.version,
            self.started_at,
            self.updated_at,
            self.branches,
            self.clocks,
        )
        return new_outcome(state, tuple(self.events))


def _begin(
    definition: Definition,
    state: State | None,
    calendar: WorkingCalendar,
    version: int,
    at: datetime,
) -> _Run:
    """A run from ``state``: an outcome of ``version`` at ``at`` (no __init__: see Draft).

    Without a state (a new case), the caller folds the "started" event into it first.
    """
    run = _Run()
    run.definition = definition
    run.calendar = calendar
    run.next_version = version
    run.events = []
    run.at = run.now = at
    if state is not None:
        # run.take(state), inlined: once per outcome.
        run.workflow = state.workflow
        run.status = state.status
        run.version = state.version
        run.started_at = state.started_at
        run.updated_at = state.updated_at
        run.branches = state.branches
        run.clocks = state.clocks
    return run


# --- public API -------------------------------------------------------------------------------


def start(definition: Definition, *, at: datetime, calendar: WorkingCalendar) -> Outcome:
    """A new case in the initial state (version 0), its clocks started at ``at``."""
    aware(at)
    first = new_event(
        "started", at, {"workflow": definition.name, "status": definition.initial, "version": 0}
    )
    run = _begin(definition, None, calendar, 0, at)
    fold(definition, run, first)  # "started" sets every field of the state
    run.events.append(first)
    _enter(run, None, definition.initial, at, fields={})
    return run.outcome()


def apply(
    definition: Definition,
    state: State,
    command: Command,
    *,
    at: datetime,
    calendar: WorkingCalendar,
) -> Outcome:
    """Apply ``command`` at ``at``: the new state and the events to record, or CommandRefused.

    Time-based changes due by ``at`` are applied first and are part of the
    outcome; when the command is then refused, the error's ``ticked`` holds
    them (record them anyway).
    """
    _check(definition, state, at)
    run = _begin(definition, state, calendar, state.version + 1, at)
    if state.clocks:
        _tick(run)
    ticked = run.outcome() if run.events else None
    try:
        _command(run, command, at)
    except CommandRefused as exc:
        exc.ticked = ticked
        raise
    return run.outcome()


def tick(
    definition: Definition, state: State, *, at: datetime, calendar: WorkingCalendar
) -> Outcome:
    """Apply the time-based changes due by ``at``: warnings, overdue marks, expiries.

    With nothing due the outcome has no events and the state is unchanged.
    """
    _check(definition, state, at)
    run = _begin(definition, state, calendar, state.version + 1, at)
    _tick(run)
    return run.outcome() if run.events else Outcome(state, ())


def replay(
    definition: Definition, events: Iterable[Event], *, calendar: WorkingCalendar | None = None
) -> State:
    """The state that ``events`` (as recorded, from ``started`` on) lead to.

    ``calendar`` is accepted for symmetry and not needed: events carry their deadlines.
    """
    draft: Draft | None = None
    for event in events:
        if draft is None:
            draft = draft_of(evolve(definition, None, event))
        else:
            fold(definition, draft, event)
    if draft is None:
        raise ValueError("nothing to replay: no events")
    return draft.freeze()


def deadline_light(state: State, at: datetime, *, calendar: WorkingCalendar | None = None) -> Light:
    """Green (on track), yellow (in a warning window) or red (overdue): the worst of the clocks."""
    aware(at)
    worst = Light.GREEN
    for c in state.clocks:
        lit = clk.light(c, at)
        if _LIGHT_ORDER[lit] > _LIGHT_ORDER[worst]:
            worst = lit
    return worst


def due_at(state: State) -> datetime | None:
    """The next instant :func:`tick` has something to do for this case; None when nothing will."""
    earliest = None
    for c in state.clocks:
        moment = clk.next_due(c)
        if moment is not None and (earliest is None or moment < earliest):
            earliest = moment  # strictly earlier: on a tie the first one stays, as with min()
    return earliest


def available(definition: Definition, state: State) -> list[tuple[Transition, str | None]]:
    """The commands possible now (each with the branch it applies to), for menus and tests."""
    out: list[tuple[Transition, str | None]] = [
        (t, None) for (s, _), t in definition.table.items() if s == state.status
    ]
    for b in state.branches:
        out += [(t, b.name) for (s, _), t in definition.table.items() if s == b.status]
    return out


# --- deciding ---------------------------------------------------------------------------------


def _check(definition: Definition, state: State, at: datetime) -> None:
    if type(at) is not datetime or type(at.tzinfo) not in ALWAYS_AWARE:
        aware(at)  # the full check; a datetime in a ZoneInfo or a timezone is aware already
    if state.workflow != definition.name:
        raise ValueError(f"state of workflow {state.workflow!r} given to {definition.name!r}")
    if at < state.updated_at:
        raise ValueError(
            f"at {at.isoformat()} precedes the last change {state.updated_at.isoformat()}"
        )


def _command(run: _Run, command: Command, at: datetime) -> None:
    definition, state = run.definition, run  # the run is the state being decided
    if definition.states[state.status].final:
        raise FinalState(f"the case is {state.status!r}, a final state: it accepts no command")
    if command.name not in definition.commands:
        raise UnknownCommand(f"workflow {definition.name!r} has no command {command.name!r}")
    transition, branch = _find(definition, state, command)
    if command.role not in transition.roles:
        roles = ", ".join(sorted(transition.roles))
        raise WrongRole(f"{command.name!r} may be issued by {roles}, not by {command.role!r}")
    fields: dict[str, Any] = {}
    if transition.requires or command.fields:  # most commands have none: no call for them
        fields = _fields(transition.requires, command.fields)
    if transition.extends is not None:
        _check_extension(run, transition.extends, at)
    source = branch.status if branch is not None else state.status
    target = transition.target or source
    data: dict[str, Any] = {
        "command": command.name,
        "role": command.role,
        "from": source,
        "to": target,
    }
    if branch is not None:
        data["branch"] = branch.name
    if fields:
        data["fields"] = fields
    restarts = transition.restarts
    running_before = {c.name for c in state.clocks} if restarts else ()
    run.emit("transitioned", at, data)
    if branch is not None:
        _maybe_join(run, at)
        return
    if target != source:
        _leave(run, source, target, at)
        _enter(run, source, target, at, fields=fields)
    for name in restarts:
        if name in running_before:  # a clock the move itself started is fresh already
            _restart(run, name, at)
    if transition.extends is not None:
        _extend(run, transition.extends, at, fields.get("reason"))


def _find(
    definition: Definition, state: Draft, command: Command
) -> tuple[Transition, BranchState | None]:
    name = command.name
    if command.branch is not None:
        b = state.branch(command.branch)
        if b is None:
            raise WrongState(f"no open branch {command.branch!r} (open: {_open(state)})")
        t = definition.table.get((b.status, name))
        if t is None:
            if definition.states[b.status].is_join:
                raise AlreadyDecided(f"branch {b.name!r} has already finished")
            raise WrongState(f"{name!r} is not possible in branch {b.name!r}, state {b.status!r}")
        return t, b
    t = definition.table.get((state.status, name))
    if t is not None:
        return t, None
    if state.branches:
        candidates = _branches_for(definition, state.branches, name)
        if len(candidates) == 1:
            return definition.table[candidates[0].status, name], candidates[0]
        if candidates:
            raise MissingField(
                f"{name!r} is possible in several branches: say which one "
                f"({', '.join(b.name for b in candidates)})",
                field="branch",
            )
    if state.status in definition.decided_after.get(name, ()):
        raise AlreadyDecided(f"{name!r} was already decided: the case is now {state.status!r}")
    raise WrongState(f"{name!r} is not possible in state {state.status!r}")


def _branches_for(
    definition: Definition, branches: tuple[BranchState, ...], name: str
) -> list[BranchState]:
    """The open branches where command ``name`` is possible.

    A function of its own: a comprehension in _find would make its variables cells,
    created on every call.
    """
    return [b for b in branches if (b.status, name) in definition.table]


def _open(state: Draft) -> str:
    return ", ".join(b.name for b in state.branches) or "none"


def _fields(specs: tuple[FieldSpec, ...], given: Mapping[str, Any]) -> dict[str, Any]:
    for spec in specs:
        value = given.get(spec.name)
        problem = _field_problem(spec, value)
        if problem is not None:
            raise MissingField(f"field {spec.name!r} {problem}", field=spec.name)
    if not given:
        return {}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in given.items()}


def _field_problem(spec: FieldSpec, value: Any) -> str | None:
    if value is None:
        return "is required"
    if spec.kind == "text" and not (isinstance(value, str) and value.strip()):
        return "must be non-empty text"
    if spec.kind == "list" and not (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(v, str) and v.strip() for v in value)
    ):
        return "must list at least one item, each non-empty text"
    if spec.kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        return "must be a number"
    if spec.kind == "bool" and not isinstance(value, bool):
        return "must be true or false"
    if spec.kind == "choice" and value not in spec.options:
        return f"must be one of {', '.join(spec.options)}"
    return None


def _check_extension(run: _Run, name: str, at: datetime) -> None:
    state_clock = run.clock(name)
    cdef = run.definition.clocks[name]
    if state_clock is None:
        raise WrongState(f"clock {name!r} is not running, there is nothing to extend")
    if state_clock.extensions >= cdef.max_extensions:
        raise LimitReached(
            f"the {cdef.title} can be extended {cdef.max_extensions} time(s); already used",
            code="extension_used",
        )
    moment = state_clock.paused_at or at
    if moment > state_clock.deadline:
        raise LimitReached(
            f"the {cdef.title} expired on {state_clock.deadline.isoformat()}: too late to extend",
            code="deadline_passed",
        )


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
