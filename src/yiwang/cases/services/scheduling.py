"""The scheduler's use cases: record the time-based changes of due cases (and bring each
case in line with its ticked workflow instance), and count deadlines again after the
holiday calendar changed."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiwang.cases.models import Case, RectificationTask
from yiwang.cases.services._common import (
    audit,
    lock_case,
    now_or,
    sync_case,
    timeline,
)
from yiwang.core.audit import audit_record
from yiwang.core.calendar import counted_within_years, counting_through_years, load_calendar
from yiwang.processes.models import WorkflowInstance
from yiwang.processes.selectors import (
    workflow_instances_counting_through,
    workflow_instances_due,
    workflow_instances_provisional_but_covered,
)
from yiwang.processes.services import workflow_reschedule, workflow_tick

logger = logging.getLogger(__name__)


def _each_on_its_own(ids: Iterable[int], act: Callable[[int], bool], what: str) -> int:
    """``act(id)`` for each id, each in its own transaction (``act`` opens it); returns how
    many changed. One that raises (a bug, a definition that no longer loads) is logged
    with its traceback and skipped: the others go on, and the next run tries it again.
    A city's deadlines must not all stop behind one broken case."""
    changed = failed = 0
    for row_id in ids:
        try:
            changed += bool(act(row_id))
        except Exception:
            failed += 1
            logger.exception("%s %s failed; skipped until the next run", what, row_id)
    if failed:
        logger.error("%d %s(s) failed and were skipped (see above)", failed, what)
    return changed


def case_sync_from_workflow(*, case: Case, at: datetime | None = None) -> Case:
    """Copy the workflow instance's state into the case's denormalised columns.

    For the scheduler, after ``processes`` ticked the instance (deemed
    acceptance, warnings): keeps ``step``, ``due_at``, ``warn_at``,
    ``paused_light``, ``version`` and ``closed_at`` in line; adds a timeline
    entry ``deemed_accepted`` when that happened. Idempotent; locks the case row.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = lock_case(case)
        instance = WorkflowInstance.objects.get(pk=locked.workflow_instance_id)
        if instance.version == locked.version:
            return locked
        before = locked.step
        locked.workflow_instance = instance
        sync_case(locked, instance, at)
        if before == "submitted" and locked.step == "under_review":
            timeline(locked, "deemed_accepted", at, due=True, notify="accepted")
            audit(None, "case.deemed_accepted", locked)
    return locked


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
    due_ids = list(workflow_instances_due(now).values_list("id", flat=True)[:limit])

    def tick(instance_id: int) -> bool:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(workflow_instance_id=instance_id)
                .first()
            )
            if case is None:
                if not Case.objects.filter(workflow_instance_id=instance_id).exists():
                    workflow_tick(instance_id=instance_id, at=now)  # an instance of no case
                return False
            if workflow_tick(instance_id=instance_id, at=now):
                case_sync_from_workflow(case=case, at=now)
                return True
            return False

    return _each_on_its_own(due_ids, tick, "workflow instance")


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
    The reply limits of open rectification tasks (差评整改) are counted again
    too (audited as ``rectification.deadline_recounted``). Idempotent: run
    again, it changes nothing and returns 0. A case that fails is logged and
    skipped (the others go on). Each case is recounted at ``at``, or at the
    moment its turn comes (the job may run for minutes over a city's cases).
    Returns the number of cases (and instances of no case, and tasks) that changed.
    """
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
            break
        after = ids[-1]
        changed += _each_on_its_own(
            ids,
            lambda instance_id: _reschedule_one(instance_id, years=years, at=now_or(at)),
            "workflow instance",
        )
    tasks = _open_tasks(
        counting_through_years(years, start="created_at", end="due_at", moments=True)
    )
    return changed + _each_on_its_own(
        tasks, lambda task_id: _reschedule_task(task_id, years=years), "rectification task"
    )


def cases_reschedule_settled(*, at: datetime | None = None, limit: int = 500) -> int:
    """Recount the cases still marked provisional whose years all have a schedule now.

    The scheduler's safety net behind ``cases_reschedule``: should the job
    enqueued by a calendar edit be lost or fail, no deadline stays
    provisional once its years are entered; rectification tasks' reply limits
    alike. Nothing to do (two indexed queries) in the usual case. Returns the
    number of cases and tasks that changed.
    """
    at = now_or(at)
    years = sorted(load_calendar().years)
    ids = list(
        workflow_instances_provisional_but_covered(years).values_list("id", flat=True)[:limit]
    )
    changed = _each_on_its_own(
        ids,
        lambda instance_id: _reschedule_one(instance_id, years=years, at=at),
        "workflow instance",
    )
    covered = counted_within_years(years, start="created_at", end="due_at", moments=True)
    covered &= Q(due_provisional=True)
    tasks = _open_tasks(covered, limit)
    return changed + _each_on_its_own(
        tasks, lambda task_id: _reschedule_task(task_id, years=years), "rectification task"
    )


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
            told = moved and case.closed_at is None
            timeline(
                case, "deadline_recounted", at, data=details,
                notify="deadline_changed" if told else None, notify_context=details,
            )  # fmt: skip
            audit(None, "case.deadline_recounted", case, **details)
        return True


def _iso(moment: datetime | None) -> str | None:
    """In the city's time, as the other timeline entries write due dates."""
    return None if moment is None else timezone.localtime(moment).isoformat()


def _open_tasks(span: Q, limit: int | None = None) -> list[int]:
    """The open rectification tasks matching ``span``, by id (the first ``limit``). A task
    counts its reply limit from ``created_at`` to ``due_at``."""
    open_tasks = RectificationTask.objects.filter(span, status=RectificationTask.Status.OPEN)
    return list(open_tasks.order_by("id").values_list("id", flat=True)[:limit])


def _reschedule_task(task_id: int, *, years: list[int]) -> bool:
    """The reply limit of a bad rating's rectification task (差评整改), counted again."""
    with transaction.atomic():
        task = (
            RectificationTask.objects.select_for_update(of=("self",))
            .select_related("rating__case")
            .get(pk=task_id)
        )
        due, provisional = load_calendar().deadline_marked(task.created_at, task.limit_days)
        if (due, provisional) == (task.due_at, task.due_provisional):
            return False
        previous = task.due_at
        task.due_at, task.due_provisional = due, provisional
        task.save(update_fields=["due_at", "due_provisional"])
        audit_record(
            actor=None,
            action="rectification.deadline_recounted",
            target=task,
            data={
                "case": task.rating.case.number,
                "due_at": _iso(due),
                "due_provisional": provisional,
                "previous_due_at": _iso(previous),
                "years": years,
            },
        )
        return True
