"""What a refused request must leave exactly as it was.

Take ``before = snapshot(case)`` (``event_snapshot(event)`` for a city event), send the
request that is refused (401, 403, 404, 409 or 422), then ``assert snapshot(case) ==
before``.
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


def event_snapshot(*events: Any) -> dict[str, Any]:
    """The stored state of city ``events`` (一网统管), how many events exist, the knowledge
    base, every notification and every audit entry (so a refusal that appends, rewrites or
    removes one shows).

    Per event: its row, its history (timeline), its workflow instance and events, its
    assignments, photos, extension requests, arbitrations, supervision orders and rating
    links. Read fresh from the database.
    """
    from yiwang.events.models import (
        Arbitration,
        Assignment,
        Event,
        EventEntry,
        EventPhoto,
        ExtensionRequest,
        KnowledgeArticle,
        RatingLink,
        SupervisionOrder,
    )

    out: dict[str, Any] = {
        "events": Event.objects.count(),
        "knowledge base": _rows(KnowledgeArticle.objects.all()),
        "notifications": _rows(Notification.objects.all()),
        "audit entries": _rows(AuditEntry.objects.all()),
    }
    for event in events:
        row = Event.objects.filter(pk=event.pk).values().get()
        out[event.number] = {
            "event": row,
            "timeline": _rows(EventEntry.objects.filter(event_id=event.pk)),
            "workflow": _rows(WorkflowInstance.objects.filter(pk=row["workflow_id"])),
            "workflow events": _rows(
                WorkflowEventRecord.objects.filter(instance_id=row["workflow_id"])
            ),
            **{
                name: _rows(model.objects.filter(event_id=event.pk))
                for name, model in (
                    ("assignments", Assignment),
                    ("photos", EventPhoto),
                    ("extension requests", ExtensionRequest),
                    ("arbitrations", Arbitration),
                    ("supervision orders", SupervisionOrder),
                    ("rating links", RatingLink),
                )
            },
        }
    return out
