"""Intake of a submitted application: accept it (受理) or refuse it (不予受理)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from yiwang.cases.models import Case, CaseDecision, CaseNotice
from yiwang.cases.services._common import now_or, require_text
from yiwang.cases.services.decisions import _decide
from yiwang.cases.services.notices import notice_issue
from yiwang.cases.services.officer_step import _officer_step
from yiwang.core.storage import discard_on_error
from yiwang.identity.models import User


def case_accept(
    *, case: Case, actor: User, expected_version: int | None = None, at: datetime | None = None
) -> Case:
    """Accept the application (受理); the decision clock starts.

    Role: intake clerk of the case's department. Timeline ``accepted``;
    audit ``case.accept``; issues the acceptance notice (受理通知书, ``notice_issue``);
    notifies the applicant (``accepted``).
    Errors: PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    with discard_on_error(), transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="accept", expected_version=expected_version, at=at,
            kind="accepted", notify="accepted", due=True,
        )  # fmt: skip
        notice_issue(case=locked, kind=CaseNotice.Kind.ACCEPTANCE, actor=actor, at=at)
    return locked


def case_reject(
    *,
    case: Case,
    actor: User,
    reason: str,
    legal_basis: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Reject at intake (不予受理), with a reason; the case closes.

    Role: intake clerk. Creates the CaseDecision (``rejected_at_intake``);
    timeline ``rejected``; audit ``case.reject``; issues the refusal-to-accept notice
    with the reason and the remedies (不予受理决定书); notifies (``rejected``).
    Errors: ValidationError (field ``reason``), PermissionDenied,
    CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    require_text(reason=reason)
    with discard_on_error(), transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="reject", fields={"reason": reason.strip()},
            expected_version=expected_version, at=at, kind="rejected", detail=reason.strip(),
            notify="rejected", data={"reason": reason.strip()},
        )  # fmt: skip
        _decide(
            locked, CaseDecision.Outcome.REJECTED_AT_INTAKE, actor, at, reason.strip(), legal_basis
        )
        notice_issue(
            case=locked, kind=CaseNotice.Kind.REFUSAL_TO_ACCEPT, actor=actor, at=at,
            context={"reason": reason.strip(), "legal_basis": legal_basis.strip()},
        )  # fmt: skip
    return locked
