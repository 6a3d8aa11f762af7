"""What an application, a case and an upload look like in the answers, and paging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from yiwang.cases import selectors, services
from yiwang.cases.models import Application, Case, CaseMaterial, CaseNotice
from yiwang.cases.notices import TITLES
from yiwang.core.apitypes import page_slice
from yiwang.identity.masking import mask_name, mask_phone, mask_resident_id, mask_uscc
from yiwang.identity.models import User


def _notice(row: CaseNotice) -> dict[str, Any]:
    """An issued notice as answered, with the link to its PDF."""
    return {
        "id": row.pk,
        "kind": row.kind,
        "title": TITLES[row.kind],
        "number": row.number,
        "issued_at": row.issued_at,
        "size": row.size,
        "sha256": row.sha256,
        "url": f"/api/v1/documents/{row.pk}/file",
    }


def _material(row: CaseMaterial, *, masked: bool = False) -> dict[str, Any]:
    """An upload as answered; ``masked`` (a role that sees the case's personal data
    masked) leaves out what would identify the applicant: the file's own name, and
    the link to a file that role may not open."""
    return {
        "id": row.pk,
        "material_id": row.material_id,
        "original_name": None if masked else row.original_name,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_at": row.uploaded_at,
        "superseded": row.superseded,
        "url": None if masked else f"/api/v1/materials/{row.pk}/file",
    }


def _application(app: Application) -> dict[str, Any]:
    version = app.service_version
    try:
        case_number: str | None = app.case.number
    except ObjectDoesNotExist:
        case_number = None
    return {
        "id": app.pk,
        "status": app.status,
        "service_code": version.item.code,
        "service_version": version.number,
        "service_name_zh": version.name_zh,
        "service_name_en": version.name_en,
        "enterprise_uscc": app.enterprise.uscc if app.enterprise else None,
        "form_data": app.form_data,
        "form_schema": version.form_schema or {},
        "materials": [_material(m) for m in app.materials.filter(superseded=False)],
        "case_number": case_number,
        "created_at": app.created_at,
        "updated_at": app.updated_at,
        "submitted_at": app.submitted_at,
    }


def _summary(case: Case) -> dict[str, Any]:
    version = case.service_version
    light = getattr(case, "light", None)
    return {
        "number": case.number,
        "service_code": version.item.code,
        "service_name_zh": version.name_zh,
        "service_name_en": version.name_en,
        "department": case.department.name_zh,
        "step": case.step,
        "status": selectors.case_status_label(case),
        "light": light if light is not None else selectors.case_light(case),
        "version": case.version,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "closed_at": case.closed_at,
        "url": f"/api/v1/cases/{case.number}",
    }


def _timeline(
    case: Case, *, public_only: bool, entries: list[Any] | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "at": t.at,
            "kind": t.kind,
            "title": t.title,
            "department": t.department,
            "by": t.by,
            "detail": t.detail,
            "data": t.data,
        }
        for t in selectors.case_timeline(case, public_only=public_only, entries=entries)
    ]


def _supplements(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "id": s.pk,
            "requested_at": s.requested_at,
            "answered_at": s.answered_at,
            "items": s.items,
            "note": s.note,
        }
        for s in case.supplement_requests.order_by("requested_at", "id")
    ]


def _decision(case: Case) -> dict[str, Any] | None:
    try:
        d = case.decision
    except ObjectDoesNotExist:
        return None
    return {
        "outcome": d.outcome,
        "reason": d.reason,
        "legal_basis": d.legal_basis,
        "decided_at": d.decided_at,
    }


def _rating(case: Case) -> dict[str, Any] | None:
    try:
        r = case.rating
    except ObjectDoesNotExist:
        return None
    return {"level": r.level, "comment": r.comment, "rated_at": r.rated_at}


def _applicant_detail(case: Case) -> dict[str, Any]:
    return _applicant_detail_of(
        case,
        timeline=_timeline(case, public_only=True),
        supplements=_supplements(case),
        materials=list(selectors.case_materials(case)),
        decision=_decision(case),
        rating=_rating(case),
    )


def _submitted_detail(submission: services.Submission) -> dict[str, Any]:
    """The applicant's view of a case the submission has just created, from what it wrote
    (no read back): instants as the database gives them back (UTC), its timeline and
    uploads, no supplement, decision or rating yet."""
    case = submission.case
    for model_field in case._meta.concrete_fields:
        value = getattr(case, model_field.attname)
        if isinstance(value, datetime):
            setattr(case, model_field.attname, value.astimezone(UTC))
    entries = list(submission.timeline)
    for entry in entries:
        entry.at = entry.at.astimezone(UTC)
    return _applicant_detail_of(
        case,
        timeline=_timeline(case, public_only=True, entries=entries),
        supplements=[],
        materials=list(submission.materials),
        decision=None,
        rating=None,
    )


def _applicant_detail_of(
    case: Case,
    *,
    timeline: list[dict[str, Any]],
    supplements: list[dict[str, Any]],
    materials: list[CaseMaterial],
    decision: dict[str, Any] | None,
    rating: dict[str, Any] | None,
) -> dict[str, Any]:
    next_step = selectors.case_next_step(case)
    return {
        **_summary(case),
        "enterprise_uscc": case.enterprise.uscc if case.enterprise else None,
        "form_data": case.application.form_data,
        "next_step": next_step.__dict__ if next_step else None,
        "timeline": timeline,
        "supplements": supplements,
        "materials": [_material(m) for m in materials],
        "decision": decision,
        "certificate_number": case.certificate_number or None,
        "rating": rating,
    }


def _assignee(case: Case) -> str | None:
    return str(case.assignee) if case.assignee_id and case.assignee else None


def _state(case: Case, officer: User) -> dict[str, Any]:
    return {
        "number": case.number,
        "step": case.step,
        "version": case.version,
        "light": selectors.case_light(case),
        "due_at": case.due_at,
        "due_provisional": case.due_provisional,
        "closed_at": case.closed_at,
        "assignee": _assignee(case),
        "allowed_commands": [
            {
                "name": c.name,
                "title": c.title,
                "fields": list(services.COMMAND_FIELDS.get(c.name, ())),
                "choices": {k: list(v) for k, v in c.choices.items()},
            }
            for c in selectors.case_allowed_commands(case=case, officer=officer)
        ],
    }


def _person(case: Case, *, masked: bool) -> dict[str, Any]:
    applicant = case.applicant
    try:
        citizen = applicant.citizen
    except ObjectDoesNotExist:
        citizen = None
    name = (citizen.name if citizen else "") or str(applicant)
    resident_id = citizen.resident_id if citizen else ""
    phone = (citizen.phone if citizen else "") or applicant.phone
    enterprise = case.enterprise
    if masked:
        name, resident_id, phone = mask_name(name), mask_resident_id(resident_id), mask_phone(phone)
    return {
        "name": name,
        "resident_id": resident_id,
        "phone": phone,
        "enterprise_name": enterprise.name if enterprise else None,
        "enterprise_uscc": (
            (mask_uscc(enterprise.uscc) if masked else enterprise.uscc) if enterprise else None
        ),
        "masked": masked,
    }


def _page(qs: QuerySet[Case], page: int, page_size: int) -> tuple[int, int, list[Case]]:
    count = qs.count()
    pages, rows = page_slice(count, page, page_size)
    return count, pages, list(qs[rows])
