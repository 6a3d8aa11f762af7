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

Here: the public API and deciding whether a command is allowed. What a move
and the passing of time do to the clocks and branches is
:mod:`yiwang.workflow.moves`; the run an outcome is decided on,
:mod:`yiwang.workflow.run`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow import clock as clk
from yiwang.workflow.definition import Definition, FieldSpec, Transition
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
    Command,
    Event,
    Light,
    Outcome,
    State,
    aware,
    new_event,
)
from yiwang.workflow.moves import _enter, _extend, _leave, _maybe_join, _restart, _tick
from yiwang.workflow.run import _begin, _Run

_LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


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
