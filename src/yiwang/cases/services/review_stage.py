"""The review stage: special procedures (特别程序), site inspection (现场核查), the review
opinion (审查意见), sending a case back for review and extending its time limit (延期).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case
from yiwang.cases.services._common import lock_case, now_or, require_text
from yiwang.cases.services.officer_step import _officer_step
from yiwang.cases.texts import PROCEDURES, REVIEW_OUTCOMES, SITE_INSPECTION_KIND
from yiwang.identity.models import User


def special_procedure_start(
    *,
    case: Case,
    actor: User,
    procedure: str,
    reason: str,
    expected_days: int,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Start a special procedure (特别程序), excluded from the limit; the applicant is told.

    ``procedure``: hearing, inspection, testing or expert_review;
    ``expected_days`` ≥ 1 (working days, for the applicant's information).
    Role: reviewer. Timeline ``special_procedure_started``; audit; notifies.
    Errors: ValidationError (fields ``procedure``, ``reason``,
    ``expected_days``), PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    errors: dict[str, list[str]] = {}
    if procedure not in PROCEDURES:
        errors["procedure"] = [_("Choose one of the options.")]
    if not (isinstance(reason, str) and reason.strip()):
        errors["reason"] = [_("This field is required.")]
    if isinstance(expected_days, bool) or not isinstance(expected_days, int) or expected_days < 1:
        errors["expected_days"] = [_("Enter a number of at least 1.")]
    if errors:
        raise ValidationError(errors)
    fields = {"procedure": procedure, "reason": reason.strip(), "expected_days": expected_days}
    with transaction.atomic():
        return _officer_step(
            case, actor=actor, command="start_special_procedure", fields=fields,
            expected_version=expected_version, at=at, kind="special_procedure_started",
            detail=reason.strip(), data=fields, notify="special_procedure_started",
        )  # fmt: skip


def special_procedure_finish(
    *,
    case: Case,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """End the special procedure; the decision clock runs again. Role: reviewer.

    Timeline ``special_procedure_finished``; audit; notifies.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="finish_special_procedure",
            fields={"note": note.strip()} if note.strip() else None,
            expected_version=expected_version, at=at, kind="special_procedure_finished",
            detail=note.strip(), notify="special_procedure_finished", due=True,
        )  # fmt: skip
    return locked


def site_inspection_record(
    *,
    case: Case,
    actor: User,
    findings: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Record the site inspection (现场核查, 行政许可法 第三十四条第三款) and its findings; the
    case stays under review. Role: reviewer.

    Timeline ``site_inspected`` (the applicant sees that it happened and what was found);
    audit ``case.record_inspection``.
    Errors: ValidationError (field ``findings``), PermissionDenied, CaseConflict,
    WorkflowConflict.
    """
    at = now_or(at)
    require_text(findings=findings)
    with transaction.atomic():
        return _officer_step(
            case, actor=actor, command="record_inspection",
            fields={"findings": findings.strip()}, expected_version=expected_version, at=at,
            kind=SITE_INSPECTION_KIND, detail=findings.strip(),
        )  # fmt: skip


def _site_inspected(case: Case) -> bool:
    return case.timeline.filter(kind=SITE_INSPECTION_KIND).exists()


def case_review(
    *,
    case: Case,
    actor: User,
    outcome: str,
    opinion: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Record the review opinion (审查意见, 行政许可法 第三十四条) with its proposed outcome
    (``approve`` or ``deny``); the decision step opens (第三十七条、第三十八条). Role: reviewer.

    Where the service's steps include a site inspection (``has_site_inspection``), one must
    have been recorded first (CaseConflict ``inspection_missing``). The opinion is internal:
    timeline ``reviewed`` (not public; the approver reads it on the case page and in the
    API, :func:`yiwang.cases.selectors.case_review_opinion`); audit ``case.review``.
    Errors: ValidationError (fields ``outcome``, ``opinion``), PermissionDenied,
    CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    errors: dict[str, list[str]] = {}
    if outcome not in REVIEW_OUTCOMES:
        errors["outcome"] = [_("Choose one of the options.")]
    if not (isinstance(opinion, str) and opinion.strip()):
        errors["opinion"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    fields = {"outcome": outcome, "opinion": opinion.strip()}
    with transaction.atomic():
        locked = lock_case(case)
        if locked.service_version.has_site_inspection and not _site_inspected(locked):
            raise CaseConflict(
                _("Record the site inspection (现场核查) before the review opinion."),
                code="inspection_missing",
            )
        locked = _officer_step(
            locked, actor=actor, command="review", fields=fields,
            expected_version=expected_version, at=at, kind="reviewed",
            detail=opinion.strip(), public=False,
            data={**fields, "reviewer": actor.display_name or actor.username},
        )  # fmt: skip
    return locked


def case_return_for_review(
    *,
    case: Case,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """The approver sends the case back for further review (退回审查), saying why; the reviewer
    records a new opinion. Role: approver. Timeline ``returned_for_review`` (internal);
    audit ``case.return_for_review``."""
    at = now_or(at)
    require_text(reason=reason)
    with transaction.atomic():
        return _officer_step(
            case, actor=actor, command="return_for_review", fields={"reason": reason.strip()},
            expected_version=expected_version, at=at, kind="returned_for_review",
            detail=reason.strip(), public=False,
        )  # fmt: skip


def case_extend(
    *,
    case: Case,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Extend the decision limit once (延期, +10 working days), with the approver's sign-off.

    Role: approver. Refused (CaseConflict ``extension_used`` /
    ``deadline_passed``) for a second extension or after the deadline.
    Timeline ``extended`` (new due date); audit; notifies (``extended``).
    """
    at = now_or(at)
    require_text(reason=reason)
    with transaction.atomic():
        locked = _officer_step(
            case, actor=actor, command="extend", fields={"reason": reason.strip()},
            expected_version=expected_version, at=at, kind="extended", detail=reason.strip(),
            notify="extended", due=True,
        )  # fmt: skip
    return locked
