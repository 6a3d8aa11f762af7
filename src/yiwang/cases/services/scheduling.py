"""The scheduler's use case: record the time-based changes of due cases."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from yiwang.cases.models import Case
from yiwang.cases.services._common import now_or
from yiwang.cases.services.commands import case_sync_from_workflow
from yiwang.processes.selectors import workflow_instances_due
from yiwang.processes.services import workflow_tick


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
