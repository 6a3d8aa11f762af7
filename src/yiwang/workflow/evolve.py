"""Folding events into a state: the only place where a case's state changes.

Live use (:mod:`yiwang.workflow.engine`) and replay run the same code, so
replaying the recorded events gives the live state by construction.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from yiwang.workflow.definition import Definition
from yiwang.workflow.model import BranchState, ClockState, Event, State


def evolve(definition: Definition, state: State | None, event: Event) -> State:
    """``state`` with ``event`` folded in. The only place where a state changes."""
    data, at = event.data, event.at
    kind = event.type
    if kind == "started":
        return State(
            workflow=data["workflow"],
            status=data["status"],
            version=data.get("version", 0),
            started_at=at,
            updated_at=at,
        )
    if state is None:
        raise ValueError(f"event {kind!r} before 'started'")
    changes: dict[str, Any] = {"updated_at": at, "version": data.get("version", state.version)}
    if kind == "transitioned":
        if "branch" in data:
            changes["branches"] = tuple(
                BranchState(b.name, data["to"]) if b.name == data["branch"] else b
                for b in state.branches
            )
        else:
            changes["status"] = data["to"]
    elif kind in definition.expiry_events:
        changes["status"] = data["to"]
    elif kind == "forked":
        changes["branches"] = tuple(BranchState(name, data["start"]) for name in data["branches"])
    elif kind == "joined":
        changes["status"] = data["state"]
        changes["branches"] = ()
    elif kind == "branches_cancelled":
        changes["branches"] = ()
    elif kind.startswith("clock_"):
        changes["clocks"] = _evolve_clock(state, kind, at, data)
    else:
        raise ValueError(f"unknown event type {kind!r} for workflow {definition.name!r}")
    return dataclasses.replace(state, **changes)


def _evolve_clock(
    state: State, kind: str, at: datetime, data: dict[str, Any]
) -> tuple[ClockState, ...]:
    name = data["clock"]
    if kind == "clock_started":
        mode = data["mode"]
        new = ClockState(
            name=name,
            unit=data["unit"],
            started_at=datetime.fromisoformat(data["started_at"]),
            deadline=datetime.fromisoformat(data["deadline"]),
            warn_at=datetime.fromisoformat(data["warn_at"]),
            mode=mode,
            paused_at=None if mode == "runs" else at,
            suspended=data.get("suspended", 0),
            excluded=data.get("excluded", 0),
        )
        return (*(c for c in state.clocks if c.name != name), new)
    if kind == "clock_stopped":
        return tuple(c for c in state.clocks if c.name != name)
    out = []
    for c in state.clocks:
        if c.name == name:
            c = _clock_change(c, kind, at, data)
        out.append(c)
    return tuple(out)


def _clock_change(c: ClockState, kind: str, at: datetime, data: dict[str, Any]) -> ClockState:
    if kind == "clock_suspended":
        return dataclasses.replace(c, mode="suspended", paused_at=at)
    if kind == "clock_excluded":
        return dataclasses.replace(c, mode="excluded", paused_at=at)
    if kind == "clock_resumed":
        return dataclasses.replace(
            c,
            mode="runs",
            paused_at=None,
            deadline=datetime.fromisoformat(data["deadline"]),
            warn_at=datetime.fromisoformat(data["warn_at"]),
            suspended=data["suspended"],
            excluded=data["excluded"],
            warned=data["warned"],
            overdue=data["overdue"],
        )
    if kind == "clock_extended":
        return dataclasses.replace(
            c,
            deadline=datetime.fromisoformat(data["deadline"]),
            warn_at=datetime.fromisoformat(data["warn_at"]),
            extensions=c.extensions + 1,
            warned=data["warned"],
        )
    if kind == "clock_warning":
        return dataclasses.replace(c, warned=True)
    if kind == "clock_overdue":
        return dataclasses.replace(c, warned=True, overdue=True)
    raise ValueError(f"unknown clock event {kind!r}")
