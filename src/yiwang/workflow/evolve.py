"""Folding events into a state: the only place where a case's state changes.

Live use (:mod:`yiwang.workflow.engine`) and replay run the same code, so
replaying the recorded events gives the live state by construction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yiwang.workflow.definition import Definition
from yiwang.workflow.model import (
    BranchState,
    ClockState,
    Event,
    State,
    new_clock,
    new_state,
    parse_moment,
)


def evolve(definition: Definition, state: State | None, event: Event) -> State:
    """``state`` with ``event`` folded in. The only place where a state changes."""
    data, at = event.data, event.at
    kind = event.type
    if kind == "started":
        return new_state(data["workflow"], data["status"], data.get("version", 0), at, at, (), ())
    if state is None:
        raise ValueError(f"event {kind!r} before 'started'")
    version = data.get("version", state.version)
    # The two commonest kinds first: a move of the main state, and a clock's change.
    if kind == "transitioned" and "branch" not in data:
        return new_state(
            state.workflow,
            data["to"],
            version,
            state.started_at,
            at,
            state.branches,
            state.clocks,
        )
    if kind.startswith("clock_") and kind not in definition.expiry_events:
        return new_state(
            state.workflow,
            state.status,
            version,
            state.started_at,
            at,
            state.branches,
            _evolve_clock(state, kind, at, data),
        )
    status, branches, clocks = state.status, state.branches, state.clocks
    if kind == "transitioned":
        if "branch" in data:
            branches = tuple(
                BranchState(b.name, data["to"]) if b.name == data["branch"] else b for b in branches
            )
        else:
            status = data["to"]
    elif kind in definition.expiry_events:
        status = data["to"]
    elif kind == "forked":
        branches = tuple(BranchState(name, data["start"]) for name in data["branches"])
    elif kind == "joined":
        status = data["state"]
        branches = ()
    elif kind == "branches_cancelled":
        branches = ()
    elif kind.startswith("clock_"):
        clocks = _evolve_clock(state, kind, at, data)
    else:
        raise ValueError(f"unknown event type {kind!r} for workflow {definition.name!r}")
    return new_state(state.workflow, status, version, state.started_at, at, branches, clocks)


def _evolve_clock(
    state: State, kind: str, at: datetime, data: dict[str, Any]
) -> tuple[ClockState, ...]:
    name = data["clock"]
    if kind == "clock_started":
        mode = data["mode"]
        new = new_clock(
            name,
            data["unit"],
            datetime.fromisoformat(data["started_at"]),  # one of a kind: not remembered
            parse_moment(data["deadline"]),
            parse_moment(data["warn_at"]),
            mode,
            None if mode == "runs" else at,
            data.get("suspended", 0),
            data.get("excluded", 0),
            0,
            False,
            False,
        )
        if not state.clocks:
            return (new,)
        return (*[c for c in state.clocks if c.name != name], new)
    if kind == "clock_stopped":
        return tuple([c for c in state.clocks if c.name != name])
    return tuple([_clock_change(c, kind, at, data) if c.name == name else c for c in state.clocks])


def _clock_change(c: ClockState, kind: str, at: datetime, data: dict[str, Any]) -> ClockState:
    deadline, warn_at, mode, paused_at = c.deadline, c.warn_at, c.mode, c.paused_at
    suspended, excluded, extensions = c.suspended, c.excluded, c.extensions
    warned, overdue = c.warned, c.overdue
    if kind == "clock_suspended":
        mode, paused_at = "suspended", at
    elif kind == "clock_excluded":
        mode, paused_at = "excluded", at
    elif kind == "clock_resumed":
        mode, paused_at = "runs", None
        deadline = parse_moment(data["deadline"])
        warn_at = parse_moment(data["warn_at"])
        suspended, excluded = data["suspended"], data["excluded"]
        warned, overdue = data["warned"], data["overdue"]
    elif kind == "clock_extended":
        deadline = parse_moment(data["deadline"])
        warn_at = parse_moment(data["warn_at"])
        extensions += 1
        warned = data["warned"]
    elif kind == "clock_warning":
        warned = True
    elif kind == "clock_overdue":
        warned = overdue = True
    else:
        raise ValueError(f"unknown clock event {kind!r}")
    return new_clock(
        c.name,
        c.unit,
        c.started_at,
        deadline,
        warn_at,
        mode,
        paused_at,
        suspended,
        excluded,
        extensions,
        warned,
        overdue,
    )
