"""Reads of workflow instances: what the scheduler must wake, and the replay check.

These are internal reads (scheduler, admin, consistency checks); the pages
that show a case to a person go through the cases app's selectors, which
decide who may see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from yiwang.core.calendar import counted_within_years, counting_through_years
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.processes.services import workflow_definition
from yiwang.workflow import State, replay


def workflow_instances_due(now: datetime) -> QuerySet[WorkflowInstance]:
    """Instances with a time-based change due by ``now`` (``due_at <= now``), soonest first.

    Served by the partial index on ``due_at``: finished instances (no
    ``due_at``) are not in it, so the cost follows the number of due rows.
    """
    return WorkflowInstance.objects.filter(due_at__lte=now).order_by("due_at", "id")


def workflow_instances_counting_through(years: Iterable[int]) -> QuerySet[WorkflowInstance]:
    """Instances whose working-day clocks count over a day of one of ``years``, by id.

    What to reschedule when those years' holiday schedules change. Served by
    the partial index on ``(counts_until, counts_from)``: instances without a
    working-day clock (finished ones among them) are not in it.
    """
    span = counting_through_years(years, start="counts_from", end="counts_until", moments=False)
    return WorkflowInstance.objects.filter(span).order_by("id")


def workflow_instances_provisional_but_covered(
    years: Iterable[int],
) -> QuerySet[WorkflowInstance]:
    """Provisional instances all of whose counted days now lie in ``years`` (the years with a
    schedule): left behind if a recount job was lost; by id.

    Served by the partial index on provisional instances.
    """
    covered = counted_within_years(years, start="counts_from", end="counts_until", moments=False)
    return WorkflowInstance.objects.filter(covered, provisional=True).order_by("id")


@dataclass(frozen=True)
class ReplayCheck:
    """The result of replaying an instance's events: ``ok`` when it gives the stored state."""

    ok: bool
    stored: State
    replayed: State | None
    events: int
    problem: str = ""


def workflow_replay_check(instance: WorkflowInstance) -> ReplayCheck:
    """Replay the instance's stored events through the engine and compare with its stored state.

    States are compared as values (instants, not their written time zone). Also
    checks that ``seq`` runs 1, 2, 3 … without a gap and that the stored
    version and status columns agree with the state.
    """
    stored = State.from_json(instance.state)
    records = list(WorkflowEventRecord.objects.of(instance))
    seqs = [r.seq for r in records]
    if seqs != list(range(1, len(records) + 1)) or len(records) != instance.event_count:
        return ReplayCheck(False, stored, None, len(records), "the event sequence has gaps")
    definition = workflow_definition(instance.definition, instance.overrides)
    events = [r.as_event() for r in records]
    try:
        replayed = replay(definition, events)
    except ValueError as exc:
        return ReplayCheck(False, stored, None, len(events), f"the events do not replay: {exc}")
    if replayed != stored:
        return ReplayCheck(False, stored, replayed, len(events), "replay gives another state")
    if (instance.version, instance.status) != (stored.version, stored.status):
        return ReplayCheck(
            False, stored, replayed, len(events), "the version or status column disagrees"
        )
    return ReplayCheck(True, stored, replayed, len(events))
