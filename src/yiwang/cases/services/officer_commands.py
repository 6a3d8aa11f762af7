"""Officers' workflow commands, one service each (受理 … 办结), the step they share (lock the
case, check the officer's role, run the workflow, then timeline, audit and notify), and
running one by name for the workbench and the API (case_command, COMMAND_FIELDS)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, CaseDecision, CaseNotice, SupplementRequest
from yiwang.cases.numbering import certificate_number_for
from yiwang.cases.services._common import (
    audit,
    execute,
    lock_case,
    now_or,
    officer_workflow_role,
    require_text,
    timeline,
)
from yiwang.cases.services.notices import notice_issue
from yiwang.cases.texts import PROCEDURES, REVIEW_OUTCOMES
from yiwang.catalog.models import Material
from yiwang.core.storage import discard_on_error
from yiwang.identity.models import User


def _officer_step(
    case: Case,
    *,
    actor: User,
    command: str,
    fields: Mapping[str, Any] | None = None,
    expected_version: int | None,
    at: datetime,
    kind: str,
    detail: str = "",
    data: Mapping[str, Any] | None = None,
    notify: str | None = None,
    due: bool = False,
    public: bool = True,
) -> Case:
    """Lock, check the role, execute, then timeline (with the new due date when ``due``) +
    audit + notify. Caller holds the atomic."""
    locked = lock_case(case)
    role = officer_workflow_role(locked, actor, command)
    execute(
        locked,
        actor=actor,
        command=command,
        role=role,
        fields=fields,
        expected_version=expected_version,
        at=at,
    )
    timeline(
        locked, kind, at, detail=detail, data=data, due=due, public=public, actor=actor,
        notify=notify, notify_context=data,
    )  # fmt: skip
    audit(actor, f"case.{command}", locked, role=role, **dict(fields or {}))
    return locked


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


def _supplement_items(case: Case, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise ValidationError({"items": [_("List at least one missing or faulty material.")]})
    materials = {m.pk: m for m in Material.objects.filter(version_id=case.service_version_id)}
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[int] = set()
    for n, item in enumerate(items, start=1):
        reason = str(item.get("reason") or "").strip()
        raw_id = item.get("material_id")
        name = str(item.get("name") or "").strip()
        material: Material | None = None
        if raw_id not in (None, ""):
            try:
                material = materials.get(int(raw_id))
            except (TypeError, ValueError):
                material = None
            if material is None:
                problems.append(
                    _("Item %(n)d: this material is not part of the service.") % {"n": n}
                )
                continue
            if material.pk in seen:
                problems.append(_("Item %(n)d: this material is listed twice.") % {"n": n})
                continue
            seen.add(material.pk)
            name = material.name_zh
        elif not name:
            problems.append(_("Item %(n)d: choose a material or name the document.") % {"n": n})
            continue
        if not reason:
            problems.append(_("Item %(n)d: say what is missing or wrong.") % {"n": n})
            continue
        out.append(
            {"material_id": material.pk if material else None, "name": name, "reason": reason}
        )
    if problems:
        raise ValidationError({"items": problems})
    return out


def supplement_request(
    *,
    case: Case,
    actor: User,
    items: Sequence[Mapping[str, Any]],
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> SupplementRequest:
    """Ask for supplements, everything at once (一次性告知补正); the clock stops.

    ``items``: at least one ``{"material_id": int}`` (a material of the case's
    version) or ``{"name": str}`` (something else), each with a non-empty
    ``"reason"``; a material may be listed once. At intake (step
    ``submitted``) by an intake clerk, in review (``under_review``) by a
    reviewer. Only one request can be open at a time (the workflow enforces it).
    Side effects: creates the SupplementRequest (items normalised to
    ``{"material_id", "name", "reason"}``); timeline ``supplement_requested``
    (the list is in ``data``); audit ``case.supplement_request``; notifies
    (``supplement_requested``); issues the one-time supplement notice listing every
    item (一次性告知书).
    Errors: ValidationError (field ``items``, with per-item messages),
    PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    with discard_on_error(), transaction.atomic():
        locked = lock_case(case)
        normalised = _supplement_items(locked, items)
        stage = locked.step
        locked = _officer_step(
            locked, actor=actor, command="request_supplement",
            fields={"missing_materials": [f"{i['name']}: {i['reason']}" for i in normalised]},
            expected_version=expected_version, at=at, kind="supplement_requested",
            detail=note.strip(), data={"items": normalised}, notify="supplement_requested",
        )  # fmt: skip
        request = SupplementRequest.objects.create(
            case=locked,
            stage=stage,
            items=normalised,
            note=note.strip(),
            requested_by=actor,
            requested_at=at,
        )
        notice_issue(
            case=locked, kind=CaseNotice.Kind.SUPPLEMENT, actor=actor, at=at,
            context={"items": normalised, "note": note.strip()},
        )  # fmt: skip
    return request


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
            kind="site_inspected", detail=findings.strip(),
        )  # fmt: skip


def _site_inspected(case: Case) -> bool:
    return case.timeline.filter(kind="site_inspected").exists()


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


_DISPATCH: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "accept": (case_accept, ()),
    "reject": (case_reject, ("reason", "legal_basis")),
    "request_supplement": (supplement_request, ("items", "note")),
    "start_special_procedure": (special_procedure_start, ("procedure", "reason", "expected_days")),
    "finish_special_procedure": (special_procedure_finish, ("note",)),
    "record_inspection": (site_inspection_record, ("findings",)),
    "review": (case_review, ("outcome", "opinion")),
    "return_for_review": (case_return_for_review, ("reason",)),
    "extend": (case_extend, ("reason",)),
    "approve": (case_approve, ("reason", "legal_basis")),
    "deny": (case_deny, ("reason", "legal_basis")),
    "issue_certificate": (certificate_issue, ("certificate_number",)),
    "complete": (case_complete, ()),
}

#: Fields each officer command takes (for forms and the API schema).
COMMAND_FIELDS: dict[str, tuple[str, ...]] = {name: f for name, (_fn, f) in _DISPATCH.items()}

_DEFAULTS: dict[str, Any] = {"items": [], "expected_days": 0, "certificate_number": None}


def case_command(
    *,
    case: Case,
    actor: User,
    command: str,
    fields: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Run the officer command ``command`` by name with ``fields`` (for the workbench and API).

    Dispatches to the service above of the same workflow command (accept,
    reject, request_supplement, start_special_procedure,
    finish_special_procedure, record_inspection, review, return_for_review,
    extend, approve, deny, issue_certificate, complete), passing the fields it
    takes; unknown fields are ignored.
    Errors: those of the service; ValidationError (field ``command``) for an
    unknown command name.
    """
    entry = _DISPATCH.get(command)
    if entry is None:
        raise ValidationError({"command": [_("Unknown action.")]})
    service, names = entry
    given = dict(fields or {})
    kwargs: dict[str, Any] = {n: given.get(n, _DEFAULTS.get(n, "")) for n in names}
    result = service(case=case, actor=actor, expected_version=expected_version, at=at, **kwargs)
    if isinstance(result, SupplementRequest):
        return Case.objects.select_related("department", "service_version").get(pk=result.case_id)
    assert isinstance(result, Case)
    return result
