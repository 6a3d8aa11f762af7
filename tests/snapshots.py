"""What a refused request must leave exactly as it was.

Take ``before = snapshot(case)``, send the request that is refused (401, 403,
404, 409 or 422), then ``assert snapshot(case) == before``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    CaseNotice,
    CaseTimelineEntry,
    Rating,
    SupplementRequest,
)
from yiwang.core.models import AuditEntry
from yiwang.notifications.models import Notification
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance


def _rows(queryset) -> list[dict[str, Any]]:
    return list(queryset.order_by("pk").values())


def snapshot(*cases: Case, drafts: Iterable[Application] = ()) -> dict[str, Any]:
    """The stored state of ``cases`` and ``drafts``, how many applications and cases exist,
    and every audit entry (so a refusal that appends, rewrites or removes one shows).

    Per case: its row and its application's, its timeline, its workflow
    instance and events, its materials, supplement requests, decision,
    notices, rating and the notifications sent about it. Per draft: its row and its
    materials. Read fresh from the database.
    """
    out: dict[str, Any] = {
        "applications": Application.objects.count(),
        "cases": Case.objects.count(),
        "audit entries": _rows(AuditEntry.objects.all()),
    }
    for draft in drafts:
        out[f"draft {draft.pk}"] = {
            "application": _rows(Application.objects.filter(pk=draft.pk)),
            "materials": _rows(CaseMaterial.objects.filter(application_id=draft.pk)),
        }
    for case in cases:
        row = Case.objects.filter(pk=case.pk).values().get()
        out[case.number] = {
            "case": row,
            "application": _rows(Application.objects.filter(pk=row["application_id"])),
            "timeline": _rows(CaseTimelineEntry.objects.filter(case_id=case.pk)),
            "workflow": _rows(WorkflowInstance.objects.filter(pk=row["workflow_instance_id"])),
            "workflow events": _rows(
                WorkflowEventRecord.objects.filter(instance_id=row["workflow_instance_id"])
            ),
            "materials": _rows(CaseMaterial.objects.filter(application_id=row["application_id"])),
            "supplement requests": _rows(SupplementRequest.objects.filter(case_id=case.pk)),
            "decision": _rows(CaseDecision.objects.filter(case_id=case.pk)),
            "notices": _rows(CaseNotice.objects.filter(case_id=case.pk)),
            "rating": _rows(Rating.objects.filter(case_id=case.pk)),
            "notifications": _rows(Notification.objects.filter(case_id=case.pk)),
        }
    return out
