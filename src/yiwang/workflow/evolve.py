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
    if state is None:
        if event.type != "started":
            raise ValueError(f"event {event.type!r} before 'started'")
        data, at = event.data, event.at
        return new_state(data["workflow"], data["status"], data.get("version", 0), at, at, (), ())
    draft = draft_of(state)
    fold(definition, draft, event)
    return draft.freeze()


class Draft:
    """A state while events are folded into it: the fields of :class:`State`, mutable.

    An outcome has several events; folding each into a frozen State would build a
    State per event. The engine and :func:`replay` fold them all into one Draft and
    freeze it once; :func:`evolve` is the same fold on a Draft of one event.

    No ``__init__``: calling a class whose ``__init__`` is written in Python takes a slow
    path, and the engine builds one (its run is a Draft) per outcome. Build one with
    :func:`draft_of`, or call it and then :meth:`take`.
    """

    __slots__ = ("branches", "clocks", "started_at", "status", "updated_at", "version", "workflow")

    workflow: str
    status: str
    version: int
    started_at: datetime
    updated_at: datetime
    branches: tuple[BranchState, ...]
    clocks: tuple[ClockState, ...]

    def take(self, state: State) -> None:
        """Stand for ``state``: take its fields."""
        self.workflow = state.workflow
        self.status = state.status
        self.version = state.version
        self.started_at = state.started_at
        self.updated_at = state.updated_at
        self.branches = state.branches
        self.clocks = state.clocks

    def freeze(self) -> State:
        """The State this draft stands for now."""
        return new_state(
            self.workflow,
            self.status,
            self.version,
            self.started_at,
            self.updated_at,
            self.branches,
            self.clocks,
        )

    def clock(self, name: str) -> ClockState | None:
        for c in self.clocks:
            if c.name == name:
                return c
        return None

    def branch(self, name: str) -> BranchState | None:
        for b in self.branches:
            if b.name == name:
                return b
        return None


def draft_of(state: State) -> Draft:
    """A Draft standing for ``state``."""
    draft = Draft()
    draft.take(state)
    return draft


def fold(definition: Definition, draft: Draft, event: Event) -> None:
    """Fold ``event`` into ``draft``: what :func:`evolve` does, in place.

    On an unknown event the draft is left as it was and ValueError is raised.
    """
    data, at = event.data, event.at
    kind = event.type
    # The two commonest kinds first: a move of the main state, and a clock's change (a set
    # lookup: a str method call costs more; any other "clock_..." kind is refused below).
    if kind == "transitioned" and "branch" not in data:
        draft.status = data["to"]
    elif kind in _CLOCK_KINDS and kind not in definition.expiry_events:
        draft.clocks = _evolve_clock(draft.clocks, kind, at, data)
    elif kind == "transitioned":
        draft.branches = _moved(draft.branches, data["branch"], data["to"])
    elif kind in definition.expiry_events:
        draft.status = data["to"]
    elif kind == "forked":
        draft.branches = _forked(data["branches"], data["start"])
    elif kind == "joined":
        draft.status = data["state"]
        draft.branches = ()
    elif kind == "branches_cancelled":
        draft.branches = ()
    elif kind == "started":
        draft.workflow, draft.status = data["workflow"], data["status"]
        draft.version = data.get("version", 0)
        draft.started_at = draft.updated_at = at
        draft.branches = draft.clocks = ()
        return
    elif kind.startswith("clock_") and kind not in definition.expiry_events:
        draft.clocks = _evolve_clock(draft.clocks, kind, at, data)  # raises: unknown
    else:
        raise ValueError(f"unknown event type {kind!r} for workflow {definition.name!r}")
    if "version" in data:  # as data.get("version", draft.version), without a method call
        draft.version = data["version"]
    draft.updated_at = at


_CLOCK_KINDS = frozenset(
    {
        "clock_started",
        "clock_stopped",
        "clock_suspended",
        "clock_excluded",
        "clock_resumed",
        "clock_extended",
        "clock_warning",
        "clock_overdue",
        "clock_rescheduled",
    }
)


# The comprehensions that build branches are functions of their own: in fold, they would
# make ``data`` a cell, created on every call (the same holds for the loops below).


def _moved(branches: tuple[BranchState, ...], name: str, to: str) -> tuple[BranchState, ...]:
    return tuple(BranchState(b.name, to) if b.name == name else b for b in branches)


def _forked(names: list[str], start: str) -> tuple[BranchState, ...]:
    return tuple(BranchState(name, start) for name in names)


def _evolve_clock(
    clocks: tuple[ClockState, ...], kind: str, at: datetime, data: dict[str, Any]
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
            data.get("provisional") is True,
        )
        if not clocks:
            return (new,)
        return (*_without(clocks, name), new)
    if kind == "clock_stopped":
        return tuple(_without(clocks, name))
    changed: list[ClockState] = []
    for c in clocks:  # a plain loop: see _moved
        changed.append(_clock_change(c, kind, at, data) if c.name == name else c)
    return tuple(changed)


def _without(clocks: tuple[ClockState, ...], name: str) -> list[ClockState]:
    kept: list[ClockState] = []
    for c in clocks:  # a plain loop: see _moved
        if c.name != name:
            kept.append(c)
    return kept


def _clock_change(c: ClockState, kind: str, at: datetime, data: dict[str, Any]) -> ClockState:
    deadline, warn_at, mode, paused_at = c.deadline, c.warn_at, c.mode, c.paused_at
    suspended, excluded, extensions = c.suspended, c.excluded, c.extensions
    warned, overdue, provisional = c.warned, c.overdue, c.provisional
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
        provisional = data.get("provisional") is True
    elif kind == "clock_extended":
        deadline = parse_moment(data["deadline"])
        warn_at = parse_moment(data["warn_at"])
        extensions += 1
        warned = data["warned"]
        provisional = data.get("provisional") is True
    elif kind == "clock_rescheduled":  # counted again on a changed calendar
        deadline = parse_moment(data["deadline"])
        warn_at = parse_moment(data["warn_at"])
        suspended, excluded = data["suspended"], data["excluded"]
        warned, overdue = data["warned"], data["overdue"]
        provisional = data.get("provisional") is True
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
        provisional,
    )
