"""Every write of the cases app: one function per use case (一网通办).

Applicant side
    application_create_draft, application_update_draft, application_prefill,
    material_upload, material_delete, application_submit, supplement_answer,
    case_withdraw, rating_submit, rectification_follow_up
Officer side (workflow commands; each takes ``expected_version``)
    case_accept, case_reject, supplement_request, special_procedure_start,
    special_procedure_finish, site_inspection_record (现场核查), case_review
    (审查意见), case_return_for_review, case_extend, case_approve, case_deny,
    certificate_issue, case_complete, and case_command (dispatch by name)
Assignment and supervision
    case_claim, case_assign, case_reassign, rectification_reply
Views of personal data (recorded)
    case_personal_data_view_record, material_view_record
Upkeep
    case_sync_from_workflow (after the scheduler ticked the instance),
    cases_tick_due (the scheduler: ``manage.py run_scheduler``),
    cases_reschedule (deadlines counted again after a holiday calendar edit),
    cases_reschedule_settled (the scheduler's safety net for it),
    case_event_fan_out (after the commit: a case event's webhooks and notifications),
    case_events_fan_out (the outbox relay the scheduler runs every second)
For bulk loaders that run the same workflow without the per-case services (``generate_history``)
    case_workflow_overrides (a new case's workflow overrides), apply_state (a case's columns
    from its workflow instance), main_clock (the clock its light follows)

The functions live in submodules (drafts, materials, submission; the officer
commands in intake, supplement_requests, review_stage and decisions, each
through the step they share in officer_step, and run by name in dispatch;
applicant_commands, assignment, ratings, access, scheduling); import them
from here.

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
  the applicant is notified when it matters to them: the timeline entry is the
  case event's outbox, and its webhooks and notifications are written after the
  commit by the scheduler's outbox relay (``services/fan_out.py``).

Errors and their HTTP codes: see :mod:`yiwang.cases.errors`.
"""

from yiwang.cases.errors import (
    ApplicationNotFound,
    CaseConflict,
    CaseNotFound,
    UploadRejected,
    UploadTooLarge,
    WorkflowConflict,
)
from yiwang.cases.services._common import apply_state, main_clock
from yiwang.cases.services.access import (
    case_personal_data_view_record,
    material_view_record,
)
from yiwang.cases.services.applicant_commands import case_withdraw, supplement_answer
from yiwang.cases.services.assignment import case_assign, case_claim, case_reassign
from yiwang.cases.services.decisions import (
    case_approve,
    case_complete,
    case_deny,
    certificate_issue,
)
from yiwang.cases.services.dispatch import COMMAND_FIELDS, case_command
from yiwang.cases.services.drafts import (
    application_create_draft,
    application_prefill,
    application_update_draft,
)
from yiwang.cases.services.fan_out import case_event_fan_out, case_events_fan_out
from yiwang.cases.services.intake import case_accept, case_reject
from yiwang.cases.services.materials import material_delete, material_upload
from yiwang.cases.services.notices import NoticePreview, notice_preview
from yiwang.cases.services.ratings import (
    rating_submit,
    rectification_days,
    rectification_follow_up,
    rectification_reply,
)
from yiwang.cases.services.review_stage import (
    case_extend,
    case_return_for_review,
    case_review,
    site_inspection_record,
    special_procedure_finish,
    special_procedure_start,
)
from yiwang.cases.services.scheduling import (
    case_sync_from_workflow,
    cases_reschedule,
    cases_reschedule_settled,
    cases_tick_due,
)
from yiwang.cases.services.submission import (
    Submission,
    application_submit,
    application_submit_outcome,
    case_workflow_overrides,
)
from yiwang.cases.services.supplement_requests import supplement_request

__all__ = [
    "COMMAND_FIELDS",
    "ApplicationNotFound",
    "CaseConflict",
    "CaseNotFound",
    "NoticePreview",
    "Submission",
    "UploadRejected",
    "UploadTooLarge",
    "WorkflowConflict",
    "application_create_draft",
    "application_prefill",
    "application_submit",
    "application_submit_outcome",
    "application_update_draft",
    "apply_state",
    "case_accept",
    "case_approve",
    "case_assign",
    "case_claim",
    "case_command",
    "case_complete",
    "case_deny",
    "case_event_fan_out",
    "case_events_fan_out",
    "case_extend",
    "case_personal_data_view_record",
    "case_reassign",
    "case_reject",
    "case_return_for_review",
    "case_review",
    "case_sync_from_workflow",
    "case_withdraw",
    "case_workflow_overrides",
    "cases_reschedule",
    "cases_reschedule_settled",
    "cases_tick_due",
    "certificate_issue",
    "main_clock",
    "material_delete",
    "material_upload",
    "material_view_record",
    "notice_preview",
    "rating_submit",
    "rectification_days",
    "rectification_follow_up",
    "rectification_reply",
    "site_inspection_record",
    "special_procedure_finish",
    "special_procedure_start",
    "supplement_answer",
    "supplement_request",
]
