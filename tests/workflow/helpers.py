"""Shared helpers: the real calendar, times in Jinan, reaching every state of a definition."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from yiwang.core.holidays import shipped_calendar
from yiwang.workflow import (
    Command,
    CommandRefused,
    Definition,
    Event,
    State,
    Transition,
    apply,
    available,
    start,
)
from yiwang.workflow.definition import FieldSpec

CAL = shipped_calendar()
TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    """A moment in Jinan."""
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=TZ)


def sample(spec: FieldSpec) -> Any:
    return {
        "text": "a reason",
        "list": ["ID card copy", "site plan"],
        "number": 3,
        "bool": True,
        "choice": spec.options[0] if spec.options else None,
    }[spec.kind]


def valid_fields(t: Transition) -> dict[str, Any]:
    return {spec.name: sample(spec) for spec in t.requires}


def command_for(t: Transition, branch: str | None = None, **overrides: Any) -> Command:
    fields = valid_fields(t)
    fields.update(overrides)
    return Command(t.command, sorted(t.roles)[0], fields, branch)


@dataclass(frozen=True)
class Situation:
    """A state reached from the start, and how (for test ids and failure messages)."""

    state: State
    path: tuple[str, ...]

    @property
    def key(self) -> tuple[str, ...]:
        return self.state.statuses


def explore(
    definition: Definition, *, begin: datetime | None = None
) -> dict[tuple[str, ...], Situation]:
    """Every distinct (status, branch statuses) reachable with valid commands, breadth first."""
    first = start(definition, at=begin or at(2026, 3, 2, 9), calendar=CAL).state
    seen = {first.statuses: Situation(first, ())}
    todo = deque([seen[first.statuses]])
    while todo:
        here = todo.popleft()
        for t, branch in available(definition, here.state):
            when = here.state.updated_at + timedelta(minutes=10)
            new = apply(definition, here.state, command_for(t, branch), at=when, calendar=CAL).state
            if new.statuses not in seen:
                label = f"{t.command}@{branch}" if branch else t.command
                seen[new.statuses] = Situation(new, (*here.path, label))
                todo.append(seen[new.statuses])
    return seen


EXPLORE_PATHS = 40


def walk(definition: Definition, count: int) -> list[tuple[State, list[Event]]]:
    """``count`` walks from the start, each taking the i-th available command at every step."""
    out = []
    for i in range(count):
        outcome = start(definition, at=at(2026, 3, 2, 9), calendar=CAL)
        state, events = outcome.state, list(outcome.events)
        for step in range(12):
            options = available(definition, state)
            if not options:
                break
            t, branch = options[(i + step * 7) % len(options)]
            when = state.updated_at + timedelta(hours=5 * (1 + (i * step) % 5))
            try:
                outcome = apply(definition, state, command_for(t, branch), at=when, calendar=CAL)
            except CommandRefused as refused:  # e.g. a second extension; keep what time did
                if refused.ticked is None:
                    continue
                outcome = refused.ticked
            state = outcome.state
            events.extend(outcome.events)
        out.append((state, events))
    return out
