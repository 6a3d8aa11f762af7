"""The run: one outcome being decided, the draft state every event is folded into at once.

:func:`_begin` builds it from a state; the engine (:mod:`yiwang.workflow.engine`)
decides a command on it, :mod:`yiwang.workflow.moves` moves its clocks and
branches, and :mod:`yiwang.workflow.reschedule` counts its deadlines again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow.definition import Definition
from yiwang.workflow.evolve import Draft, fold
from yiwang.workflow.model import (
    Event,
    Outcome,
    State,
    new_event,
    new_outcome,
    new_state,
)


class _Run(Draft):
    """One outcome being decided: emits events and folds each into the state at once.

    The run is itself the :class:`Draft` every event is folded into (one object per
    outcome, not a run holding a draft), frozen into a State only for the outcome; built
    by :func:`_begin`. ``at`` is the outcome's instant as the caller gave it, which events
    record; ``now`` the same instant for comparisons with the clocks' instants (see
    moves._comparable).
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
