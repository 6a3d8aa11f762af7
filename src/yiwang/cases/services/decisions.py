"""The decision and its aftermath: approve (准予许可), deny (不予许可), issue the certificate,
complete the case (办结).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.models import Case, CaseDecision, CaseNotice
from yiwang.cases.numbering import certificate_number_for
from yiwang.cases.services._common import lock_case, now_or, require_text
from yiwang.cases.services.notices import notice_issue
from yiwang.cases.services.officer_step import _officer_step
from yiwang.core.storage import discard_on_error
from yiwang.identity.models import User


def _decide(
    case: Case, outcome: str, actor: User, at: datetime, reason: str, legal_basis: str
) -> None:
    CaseDecision.objects.create(
        case=case,
        outcome=outcome,
        reason=reason,
        legal_basis=legal_basis,
        decided_by=actor,
        decided_at=at,
    )


def case_approve(
    *,
    case: Case,
    actor: User,
    reason: str = "",
    legal_basis: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Approve (准予许可). Role: approver. Creates the CaseDecision ``approved``.

    Timeline ``approved``; audit; issues the approval decision (准予行政许可决定书);
    notifies (``decided``).
    """
    at = now_or(at)
    with discard_on_error(), transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="approve", expected_version=expected_version, at=at,
            kind="approved", detail=reason.strip(), notify="decided",
            data={"outcome": CaseDecision.Outcome.APPROVED.value},
        )  # fmt: skip
        _decide(
            locked, CaseDecision.Outcome.APPROVED, actor, at, reason.strip(), legal_basis.strip()
        )
        notice_issue(
            case=locked, kind=CaseNotice.Kind.APPROVAL, actor=actor, at=at,
            context={"reason": reason.strip(), "legal_basis": legal_basis.strip()},
        )  # fmt: skip
    return locked


def case_deny(
    *,
    case: Case,
    actor: User,
    reason: str,
    legal_basis: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Deny with reasons and the legal basis (不予许可); the case closes. Role: approver.

    Creates the CaseDecision ``denied``; timeline ``denied``; audit; issues the denial
    decision with the reasons and the remedies (不予行政许可决定书); notifies
    (``decided``). Errors: ValidationError (fields ``reason``,
    ``legal_basis``), PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    require_text(reason=reason, legal_basis=legal_basis)
    with discard_on_error(), transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="deny", fields={"reason": reason.strip()},
            expected_version=expected_version, at=at, kind="denied", detail=reason.strip(),
            notify="decided",
            data={
                "outcome": CaseDecision.Outcome.DENIED.value,
                "reason": reason.strip(),
                "legal_basis": legal_basis.strip(),
            },
        )  # fmt: skip
        _decide(locked, CaseDecision.Outcome.DENIED, actor, at, reason.strip(), legal_basis.strip())
        notice_issue(
            case=locked, kind=CaseNotice.Kind.DENIAL, actor=actor, at=at,
            context={"reason": reason.strip(), "legal_basis": legal_basis.strip()},
        )  # fmt: skip
    return locked


def certificate_issue(
    *,
    case: Case,
    actor: User,
    certificate_number: str | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Issue the certificate (发证) of an approved case. Role: approver.

    Without ``certificate_number`` one is generated
    (``<region>-<yyyymmdd>-<case sequence>-C``, see ``numbering``); it is
    stored on ``Case.certificate_number``. (The certificates app will take
    over rendering and signing.) Timeline ``certificate_issued``; audit;
    notifies (``certificate_ready``).
    Errors: ValidationError (field ``certificate_number``, longer than the
    column holds), PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    longest = Case._meta.get_field("certificate_number").max_length or 0
    if len((certificate_number or "").strip()) > longest:
        raise ValidationError(
            {
                "certificate_number": [
                    _("Enter at most %(n)d characters.") % {"n": longest},
                ]
            }
        )
    with transaction.atomic():
        locked = lock_case(case)
        number = (certificate_number or "").strip() or certificate_number_for(locked.number)
        locked = _officer_step(
            locked, actor=actor, command="issue_certificate",
            fields={"certificate_number": number}, expected_version=expected_version, at=at,
            kind="certificate_issued", data={"certificate_number": number},
            notify="certificate_ready",
        )  # fmt: skip
        locked.certificate_number = number
        locked.save(update_fields=["certificate_number"])
    return locked


def case_complete(
    *, case: Case, actor: User, expected_version: int | None = None, at: datetime | None = None
) -> Case:
    """Complete the case (办结); it closes and can be rated. Role: approver (licensing) or
    handler (public service).

    Timeline ``completed``; audit; notifies (``completed``).
    """
    at = now_or(at)
    with transaction.atomic():
        return _officer_step(
            case, actor=actor, command="complete", expected_version=expected_version, at=at,
            kind="completed", notify="completed",
        )  # fmt: skip
