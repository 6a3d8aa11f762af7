"""The scheduler's use cases: record the time-based changes of due cases, and count
deadlines again after the holiday calendar changed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from yiwang.cases.models import Case
from yiwang.cases.services._common import audit, notify_applicant, now_or, sync_case, timeline
from yiwang.cases.services.commands import case_sync_from_workflow
from yiwang.processes.models import WorkflowInstance
from yiwang.processes.selectors import (
    workflow_instances_counting_through,
    workflow_instances_due,
)
from yiwang.processes.services import workflow_reschedule, workflow_tick


def cases_tick_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Tick every workflow instance due by ``now`` and bring its case in line.

    Records deemed acceptance (an application not handled within 5 working
    days counts as accepted from receipt), warnings and overdue marks, then
    copies the new state into the case (``case_sync_from_workflow``), which
    adds the timeline entry and notifies the applicant. One transaction per
    case; the case row is locked before the instance row, in the same order
    as officers' commands, so the scheduler never deadlocks with them. A
    case an officer holds locked right now is skipped (``SKIP LOCKED``) and
    picked up on the next run. Returns the number of cases that changed.
    """
    now = now_or(now)
    changed = 0
    due_ids = list(workflow_instances_due(now).values_list("id", flat=True)[:limit])
    for instance_id in due_ids:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(workflow_instance_id=instance_id)
                .first()
            )
            if case is None:
                if not Case.objects.filter(workflow_instance_id=instance_id).exists():
                    workflow_tick(instance_id=instance_id, at=now)  # an instance of no case
                continue
            if workflow_tick(instance_id=instance_id, at=now):
                case_sync_from_workflow(case=case, at=now)
                changed += 1
    return changed


def cases_reschedule(
    *, years: Iterable[int], at: datetime | None = None, batch_size: int = 500
) -> int:
    """Count again the deadlines of every case whose clocks count through one of ``years``.

    Run (as a background job, ``tasks.deadlines_reschedule``) after the
    holiday schedule of those years was entered, corrected or removed. Each
    workflow instance spanning one of the years is recounted on the calendar
    as it is now (``processes.services.workflow_reschedule``), one
    transaction per case, the case row locked before the instance row as
    every case service does. For a case whose deadline or provisional mark
    changed: its columns are synced, a timeline entry ``deadline_recounted``
    is added (public: the applicant sees the new date, and whether it is
    still provisional), the change is audited (``case.deadline_recounted``,
    by the system), and the applicant is notified when the date moved.
    Idempotent: run again, it changes nothing and returns 0. Returns the
    number of cases (and instances of no case) that changed.
    """
    at = now_or(at)
    years = sorted(set(years))
    changed = 0
    after = 0
    while True:
        ids = list(
            workflow_instances_counting_through(years)
            .filter(id__gt=after)
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return changed
        after = ids[-1]
        for instance_id in ids:
            changed += _reschedule_one(instance_id, years=years, at=at)


def _reschedule_one(instance_id: int, *, years: list[int], at: datetime) -> bool:
    reason = f"calendar edited: {', '.join(map(str, years))}"
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("applicant")
            .filter(workflow_instance_id=instance_id)
            .first()
        )
        if case is None:  # an instance of no case
            return bool(workflow_reschedule(instance_id=instance_id, at=at, reason=reason))
        previous_due, previously_provisional = case.due_at, case.due_provisional
        if not workflow_reschedule(instance_id=instance_id, at=at, reason=reason):
            return False
        instance = WorkflowInstance.objects.get(pk=instance_id)
        case.workflow_instance = instance
        sync_case(case, instance, at)
        moved = case.due_at != previous_due
        if moved or case.due_provisional != previously_provisional:
            details = {
                "due_at": _iso(case.due_at),
                "due_provisional": case.due_provisional,
                "previous_due_at": _iso(previous_due),
                "years": years,
            }
            timeline(case, "deadline_recounted", at, data=details)
            audit(None, "case.deadline_recounted", case, **details)
            if moved and case.closed_at is None:
                notify_applicant(case, "deadline_changed", details)
        return True


def _iso(moment: datetime | None) -> str | None:
    """In the city's time, as the other timeline entries write due dates."""
    return None if moment is None else timezone.localtime(moment).isoformat()
