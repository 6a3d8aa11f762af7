"""Every write of the cases app: one function per use case (一网通办).

Applicant side
    application_create_draft, application_update_draft, application_prefill,
    material_upload, material_delete, application_submit, supplement_answer,
    case_withdraw, rating_submit, rectification_follow_up
Officer side (workflow commands; each takes ``expected_version``)
    case_accept, case_reject, supplement_request, special_procedure_start,
    special_procedure_finish, case_extend, case_approve, case_deny,
    certificate_issue, case_complete, and case_command (dispatch by name)
Assignment and supervision
    case_claim, case_assign, case_reassign, rectification_reply
Upkeep
    case_sync_from_workflow (after the scheduler ticked the instance)

Conventions shared by every function:

- keyword-only arguments; ``at`` (aware datetime, default now) is the moment
  the action happens, so tests freeze time by passing it;
- one ``transaction.atomic()``; the case row is locked (``SELECT … FOR
  UPDATE``) before anything is checked, then the workflow instance row by
  ``yiwang.processes.services.workflow_execute``;
- the actor is checked first: ``PermissionDenied`` (403) for an officer
  without the needed role in the case's department, :class:`CaseNotFound`
  (404) for an applicant acting on someone else's case;
- officer commands run the workflow with the workflow role the officer holds
  in the case's department (intake_clerk, reviewer, approver, handler);
  ``expected_version`` (the ``Case.version`` the officer saw) is passed on,
  so of two officers acting at once one wins and the other gets
  ``WorkflowConflict`` (409); a command the workflow refuses in the current
  step raises :class:`CaseConflict` (409), a missing or empty field a
  ``ValidationError`` keyed by the field (422);
- after the workflow moved, the case's denormalised columns (``step``,
  ``due_at``, ``warn_at``, ``paused_light``, ``version``, ``closed_at``) are
  saved with ``update_fields``, a timeline entry and an audit entry
  (``yiwang.core.audit.audit_record``, action ``case.<verb>``) are appended, and
  the applicant is notified (``yiwang.notifications.services.notify``, enqueued
  in the same transaction) when it matters to them.

Errors and their HTTP codes: see :mod:`yiwang.cases.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import File

from yiwang.cases.errors import (  # noqa: F401  (re-exported for callers)
    ApplicationNotFound,
    CaseConflict,
    CaseNotFound,
    UploadRejected,
    UploadTooLarge,
    WorkflowConflict,
)
from yiwang.cases.models import (
    Application,
    Case,
    CaseMaterial,
    Rating,
    RectificationTask,
    SupplementRequest,
)
from yiwang.identity.models import Enterprise, User

# --- applying ---------------------------------------------------------------------------------


def application_create_draft(
    *,
    applicant: User,
    service_code: str,
    enterprise: Enterprise | None = None,
    at: datetime | None = None,
) -> Application:
    """Start a draft application for the published service ``service_code``.

    Preconditions: ``applicant`` is an active signed-in user; the service is
    published and can be applied for online; with ``enterprise``, the user
    may act for it (``identity.selectors.enterprises_for_user``) and the
    service is for legal persons (or both); without it, the service is for
    natural persons (or both).
    Side effects: creates the Application (status draft) pinned to the
    current published version, with ``form_data`` prefilled by
    :func:`application_prefill`; audit ``application.create``.
    Errors: ``catalog.selectors.ServiceNotFound`` (404) for an unknown or
    unpublished code; ``PermissionDenied`` for an enterprise the user does not
    act for; ``ValidationError`` (field ``enterprise``) when the service is
    not for that kind of applicant or not available online.
    """
    raise NotImplementedError


def application_update_draft(
    *,
    application: Application,
    applicant: User,
    form_data: Mapping[str, Any],
    at: datetime | None = None,
) -> Application:
    """Save the form answers of a draft, validated against the version's JSON Schema.

    Preconditions: ``application`` is ``applicant``'s and still a draft.
    Validation: JSON Schema Draft 2020-12 (``yiwang.cases.forms_schema``);
    every problem is reported, keyed by the dotted field path
    (``"address.city"``, ``"members.0.name"``; ``"__all__"`` for the form).
    Side effects: saves ``form_data`` and ``updated_at`` (row locked); no audit
    entry (drafts are the applicant's scratch pad).
    Errors: ``ApplicationNotFound`` (404) for another user's application;
    ``CaseConflict`` (409, code ``not_draft``) once submitted;
    ``ValidationError({field: [message, …]})`` (422) — nothing is saved then.
    A draft may be incomplete: ``required`` is *not* enforced here, only by
    :func:`application_submit`.
    """
    raise NotImplementedError


def application_prefill(
    *,
    applicant: User,
    service_version: Any,
    enterprise: Enterprise | None = None,
) -> dict[str, Any]:
    """Answers known from the applicant's profile, for the top-level properties the schema has.

    Reads only. Matches common property names (``name``/``applicant_name``,
    ``resident_id``/``id_number``, ``phone``/``mobile``, ``address``,
    ``enterprise_name``/``company_name``, ``uscc``/``credit_code``,
    ``legal_representative``/``legal_person``) with the Citizen profile, the
    User and the Enterprise; only string properties present in
    ``service_version.form_schema["properties"]`` are returned.
    """
    raise NotImplementedError


def material_upload(
    *,
    actor: User,
    file: File[Any],
    material_id: int | None,
    application: Application | None = None,
    case: Case | None = None,
    name: str = "",
    at: datetime | None = None,
) -> CaseMaterial:
    """Upload one file for a material of a draft application, or of a case (for supplements).

    Give exactly one of ``application`` (a draft of ``actor``) or ``case``
    (``actor``'s case with an open supplement request). ``material_id`` is a
    ``catalog.Material`` of the pinned version, or None for an "other"
    document (then ``name`` says what it is).
    Checks: size ≤ ``settings.YIWANG_UPLOAD_MAX_BYTES`` (default 20 MiB);
    type sniffed from the first bytes (PDF ``%PDF-``, JPEG ``FF D8 FF``, PNG
    signature, OFD = ZIP with ``OFD.xml``), never from the name, and must be
    one of the material's ``formats``.
    Side effects: stores the file through the default storage under
    ``cases/<yyyy>/<mm>/`` with its SHA-256 (computed while streaming);
    earlier uploads for the same material are marked ``superseded`` (on a
    case: only when answering the open supplement request, to which the new
    row is linked); audit ``material.upload``. A stored file is deleted again
    if the transaction rolls back.
    Errors: ``UploadTooLarge`` (413); ``UploadRejected`` (422, field
    ``file``); ``ValidationError`` (field ``material_id``) for a material of
    another version; ``ApplicationNotFound``/``CaseNotFound`` (404);
    ``CaseConflict`` (409) for a submitted application or a case with no open
    supplement request.
    """
    raise NotImplementedError


def material_delete(*, material: CaseMaterial, actor: User) -> None:
    """Remove an upload from a draft application (the file is deleted after commit).

    Errors: ``ApplicationNotFound`` (404) when not the actor's;
    ``CaseConflict`` (409) once the application is submitted (case materials
    are evidence and are never deleted, only superseded).
    """
    raise NotImplementedError


def application_submit(
    *,
    application: Application,
    applicant: User,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Case:
    """Submit a draft: it becomes a case with a number, received at ``at``, its workflow started.

    Idempotent: re-submitting a submitted application, or submitting with an
    ``idempotency_key`` this applicant already used, returns the existing
    case and changes nothing (never a second case).
    Preconditions: the form validates against the schema including
    ``required``; every *required* catalog material has a current upload
    (conditional ones are not enforced); the pinned version is still
    published (if it was superseded the draft must be restarted).
    Side effects: locks the application row; sets status ``submitted``,
    ``submitted_at`` and ``idempotency_key``; takes the next case number
    (``numbering.case_number_next``, row lock on the day's sequence); starts
    the workflow ``service_version.workflow`` with the promised limit as an
    override (``processes.services.workflow_start``); creates the Case, links
    the uploads to it; timeline ``submitted``; audit ``case.submit``;
    notifies the applicant (``submitted``).
    Errors: ``ApplicationNotFound`` (404); ``ValidationError`` (422) with
    field messages, and ``materials`` listing missing materials by name;
    ``CaseConflict`` (409, code ``version_withdrawn``).
    """
    raise NotImplementedError


# --- officer commands -------------------------------------------------------------------------


def case_accept(
    *, case: Case, actor: User, expected_version: int | None = None, at: datetime | None = None
) -> Case:
    """Accept the application (受理); the decision clock starts.

    Role: intake clerk of the case's department. Timeline ``accepted``;
    audit ``case.accept``; notifies the applicant (``accepted``).
    Errors: PermissionDenied, CaseConflict, WorkflowConflict.
    """
    raise NotImplementedError


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
    timeline ``rejected``; audit ``case.reject``; notifies (``rejected``).
    Errors: ValidationError (field ``reason``), PermissionDenied,
    CaseConflict, WorkflowConflict.
    """
    raise NotImplementedError


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
    (``supplement_requested``).
    Errors: ValidationError (field ``items``, with per-item messages),
    PermissionDenied, CaseConflict, WorkflowConflict.
    """
    raise NotImplementedError


def supplement_answer(*, case: Case, applicant: User, at: datetime | None = None) -> Case:
    """The applicant hands in the supplements (补正提交); the clock restarts.

    Preconditions: ``applicant``'s case with an open supplement request, and
    for every listed material (``material_id`` set) a new upload linked to
    the request (:func:`material_upload` with ``case=``). Items listed by name
    only need at least one upload linked to the request when no listed item
    has a material.
    Side effects: marks the request answered; timeline ``supplement_answered``;
    audit ``case.supplement_answer``.
    Errors: CaseNotFound (404), ValidationError (field ``materials``, naming
    what is still missing), CaseConflict.
    """
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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
    raise NotImplementedError


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

    Timeline ``approved``; audit; notifies (``decided``).
    """
    raise NotImplementedError


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

    Creates the CaseDecision ``denied``; timeline ``denied``; audit; notifies
    (``decided``). Errors: ValidationError (fields ``reason``,
    ``legal_basis``), PermissionDenied, CaseConflict, WorkflowConflict.
    """
    raise NotImplementedError


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
    """
    raise NotImplementedError


def case_complete(
    *, case: Case, actor: User, expected_version: int | None = None, at: datetime | None = None
) -> Case:
    """Complete the case (办结); it closes and can be rated. Role: approver (licensing) or
    handler (public service).

    Timeline ``completed``; audit; notifies (``completed``).
    """
    raise NotImplementedError


def case_withdraw(
    *, case: Case, applicant: User, reason: str = "", at: datetime | None = None
) -> Case:
    """The applicant withdraws the application (撤回) before a decision; the case closes.

    Errors: CaseNotFound (404), CaseConflict (409) once decided.
    """
    raise NotImplementedError


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
    finish_special_procedure, extend, approve, deny, issue_certificate,
    complete), passing the fields it takes; unknown fields are ignored.
    Errors: those of the service; ValidationError (field ``command``) for an
    unknown command name.
    """
    raise NotImplementedError


# --- assignment -------------------------------------------------------------------------------


def case_claim(*, case: Case, officer: User, at: datetime | None = None) -> Case:
    """Take an unassigned open case from the queue (认领).

    Preconditions: ``officer`` holds an officer role (intake clerk, reviewer,
    approver, handler, supervisor) in the case's department; the case is
    open and unassigned. Side effects: row lock, ``assignee`` saved; internal
    timeline entry ``assigned`` (not shown to the applicant); audit
    ``case.claim``.
    Errors: PermissionDenied; CaseConflict (``already_assigned``, ``closed``).
    """
    raise NotImplementedError


def case_assign(
    *, case: Case, supervisor: User, assignee: User, at: datetime | None = None
) -> Case:
    """A supervisor of the case's department assigns it to one of the department's officers.

    Errors: PermissionDenied (not a supervisor there); ValidationError (field
    ``assignee``) when the assignee holds no officer role there;
    CaseConflict (``closed``). Internal timeline entry; audit ``case.assign``.
    """
    raise NotImplementedError


def case_reassign(
    *,
    case: Case,
    actor: User,
    assignee: User,
    reason: str,
    at: datetime | None = None,
) -> Case:
    """Hand an assigned case to another officer of the department, with a reason (转办).

    Allowed to the department's supervisors and to the current assignee.
    Errors: PermissionDenied; ValidationError (``assignee``, ``reason``);
    CaseConflict (``closed``). Internal timeline entry; audit ``case.reassign``.
    """
    raise NotImplementedError


def case_sync_from_workflow(*, case: Case) -> Case:
    """Copy the workflow instance's state into the case's denormalised columns.

    For the scheduler, after ``processes`` ticked the instance (deemed
    acceptance, warnings): keeps ``step``, ``due_at``, ``warn_at``,
    ``paused_light``, ``version`` and ``closed_at`` in line; adds a timeline
    entry ``deemed_accepted`` when that happened. Idempotent; locks the case row.
    """
    raise NotImplementedError


# --- ratings ----------------------------------------------------------------------------------


def rating_submit(
    *,
    case: Case,
    applicant: User,
    level: int,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """Rate a closed case (好差评): 5 非常满意 … 1 非常不满意; once per case.

    A rating of 2 (不满意) or 1 (非常不满意) opens a RectificationTask for the
    department, due ``settings.YIWANG_RECTIFICATION_DAYS`` (default 5)
    working days later. Timeline ``rated``; audit ``case.rate``.
    Errors: CaseNotFound (404); ValidationError (``level`` not 1–5);
    CaseConflict (``not_closed``, ``already_rated``).
    """
    raise NotImplementedError


def rectification_reply(
    *, task: RectificationTask, supervisor: User, reply: str, at: datetime | None = None
) -> RectificationTask:
    """The department's supervisor replies to a bad rating (整改答复); the applicant sees it.

    Errors: PermissionDenied (not a supervisor of the task's department);
    ValidationError (``reply``); CaseConflict (``not_open``). Timeline
    ``rectification_replied``; audit; notifies (``rectification_replied``).
    """
    raise NotImplementedError


def rectification_follow_up(
    *,
    task: RectificationTask,
    applicant: User,
    level: int,
    at: datetime | None = None,
) -> RectificationTask:
    """The applicant rates the reply (回访评价); the task closes.

    Errors: CaseNotFound (404) for another applicant; ValidationError
    (``level``); CaseConflict (``not_replied``). Timeline; audit.
    """
    raise NotImplementedError
