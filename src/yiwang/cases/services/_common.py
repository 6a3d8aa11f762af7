"""What every case service does: lock, check the actor, run the workflow, sync, record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict, CaseNotFound
from yiwang.cases.models import Case, CaseTimelineEntry
from yiwang.cases.permissions import (
    APPLICANT_ROLE,
    is_officer_of,
    workflow_roles_in_department,
)
from yiwang.core.audit import audit_record
from yiwang.core.serialize import json_safe
from yiwang.identity.models import User
from yiwang.processes.models import WorkflowInstance
from yiwang.processes.services import workflow_definition, workflow_execute
from yiwang.workflow import ClockState, Command, CommandRefused, Definition, MissingField, State
from yiwang.workflow import clock as workflow_clock

logger = logging.getLogger(__name__)

CASE_FIELDS_SYNCED = [
    "step",
    "version",
    "due_at",
    "warn_at",
    "due_provisional",
    "paused_light",
    "closed_at",
]


def now_or(at: datetime | None) -> datetime:
    return at if at is not None else timezone.now()


def lock_case(case: Case) -> Case:
    """The case row, locked until the transaction ends (``SELECT … FOR UPDATE OF case``),
    with what every command reads: department, service version and item (the webhook's
    payload), workflow instance and applicant (the notification)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "service_version__item", "workflow_instance", "applicant")
        .get(pk=case.pk)
    )


def require_applicant(case: Case, applicant: User) -> None:
    """Another applicant's case does not exist for this user (404, never 403)."""
    if case.applicant_id != applicant.pk or not applicant.is_active:
        raise CaseNotFound(_("No such case."))


def require_open(case: Case) -> None:
    if case.closed_at is not None:
        raise CaseConflict(_("The case is closed."), code="closed")


def require_text(**values: str) -> None:
    """ValidationError naming each empty text field."""
    errors = {
        name: [_("This field is required.")]
        for name, value in values.items()
        if not (isinstance(value, str) and value.strip())
    }
    if errors:
        raise ValidationError(errors)


def definition_of(instance: WorkflowInstance) -> Definition:
    return workflow_definition(instance.definition, instance.overrides)


def officer_workflow_role(case: Case, actor: User, command: str) -> str:
    """The workflow role ``actor`` issues ``command`` in, for the case's department.

    PermissionDenied when the actor is no officer of the department, or none
    of their roles may ever issue the command in this workflow.
    """
    if not is_officer_of(actor, case.department_id):
        raise PermissionDenied(_("You do not act for the department of this case."))
    roles = workflow_roles_in_department(actor, case.department_id)
    definition = definition_of(case.workflow_instance)
    may = set().union(*(t.roles for t in definition.transitions if t.command == command))
    mine = roles & may
    if not mine:
        raise PermissionDenied(_("Your role may not do this."))
    here = definition.table.get((case.step, command))
    if here is not None and here.roles & mine:
        return sorted(here.roles & mine)[0]
    return sorted(mine)[0]


def _refusal_message(code: str, fallback: str) -> str:
    texts = {
        "wrong_state": _("This action is not possible at the case's current step."),
        "unknown_command": _("This action is not possible for this case."),
        "already_decided": _("This was already decided."),
        "final_state": _("The case is closed."),
        "extension_used": _("The time limit was already extended once."),
        "deadline_passed": _("The time limit has passed: it can no longer be extended."),
    }
    return texts.get(code, fallback)


def execute(
    case: Case,
    *,
    actor: User,
    command: str,
    role: str,
    fields: Mapping[str, Any] | None,
    expected_version: int | None,
    at: datetime,
) -> WorkflowInstance:
    """Run ``command`` on the case's workflow and copy the new state into the (locked) case.

    Engine refusals become CaseConflict (409) or, for a missing field,
    ValidationError keyed by the field (422); WorkflowConflict passes through.
    """
    try:
        instance = workflow_execute(
            instance_id=case.workflow_instance_id,
            command=Command(name=command, role=role, fields=dict(fields or {})),
            expected_version=expected_version,
            at=at,
            actor=actor,
        )
    except MissingField as exc:
        raise ValidationError({exc.field: [_("This field is required.")]}) from exc
    except CommandRefused as exc:
        raise CaseConflict(_refusal_message(exc.code, exc.message), code=exc.code) from exc
    case.workflow_instance = instance
    sync_case(case, instance, at)
    return instance


def main_clock(state: State) -> ClockState | None:
    """The clock the light and due date follow: the running one due first, else a paused one."""
    if not state.clocks:
        return None
    return min(state.clocks, key=lambda c: (not c.running, c.deadline))


def sync_case(case: Case, instance: WorkflowInstance, at: datetime) -> None:
    """Set the case's denormalised columns from the instance's state and save them."""
    apply_state(case, instance, at)
    case.updated_at = timezone.now()
    if case.pk:
        case.save(update_fields=[*CASE_FIELDS_SYNCED, "updated_at"])


def apply_state(case: Case, instance: WorkflowInstance, at: datetime) -> None:
    """Set (without saving) step, version, due/warn instants and whether the due date is
    provisional, paused light and closed_at."""
    state = State.from_json(instance.state)
    definition = definition_of(instance)
    case.step = state.status
    case.version = state.version
    if definition.states[state.status].final:
        case.closed_at = case.closed_at or at
        case.due_at = case.warn_at = None
        case.due_provisional = False
        case.paused_light = ""
        return
    case.closed_at = None
    clock = main_clock(state)
    if clock is None:
        case.due_at = case.warn_at = None
        case.due_provisional = False
        case.paused_light = ""
        return
    case.due_at = clock.deadline
    case.warn_at = clock.warn_at
    case.due_provisional = clock.provisional
    case.paused_light = "" if clock.running else str(workflow_clock.light(clock, at))


#: The case's columns a case event reports as they were when it happened (the webhook
#: payload, ``integrations.services.case_event_payload``); the rest does not change.
CASE_EVENT_COLUMNS = (
    "step",
    "version",
    "received_at",
    "due_at",
    "due_provisional",
    "closed_at",
    "certificate_number",
)


def case_event_snapshot(case: Case) -> dict[str, Any]:
    """The columns of :data:`CASE_EVENT_COLUMNS` as JSON (datetimes as ISO strings)."""
    out: dict[str, Any] = {}
    for name in CASE_EVENT_COLUMNS:
        value = getattr(case, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def timeline(
    case: Case,
    kind: str,
    at: datetime,
    *,
    detail: str = "",
    data: Mapping[str, Any] | None = None,
    public: bool = True,
    due: bool = False,
    actor: User | None = None,
    notify: str | None = None,
    notify_context: Mapping[str, Any] | None = None,
    rectification: int | None = None,
) -> CaseTimelineEntry:
    """Write a timeline entry: the case's event, told to the world after the commit.

    ``actor``: who did it (the applicant or an officer); None for what the clock
    does by itself (deemed acceptance, a recount).

    With ``due``, the entry carries the case's due date as it is now (call it
    after the case's columns were synced), and whether it is provisional: the
    tracker shows it. With ``notify``, the applicant gets a notification of that
    kind (context: the case's number and step, and ``notify_context``); with
    ``rectification`` (a task id), the department's supervisors are told of it.

    The transactional outbox: the entry itself records what is to be announced
    (``outbox``), in the caller's transaction (not for an internal entry that notifies
    no one: webhooks publish public entries only), and nothing else is written for it;
    after the commit the scheduler's relay (every second) announces ``case.timeline``
    (webhooks), ``case.notify`` and ``case.rectification_opened`` (notifications)
    from it (:func:`yiwang.cases.services.fan_out.case_events_fan_out`). A rolled-back
    change tells nobody; a crash after the commit loses nothing.
    """

    payload = dict(data or {})
    if due and case.due_at is not None:
        payload["due_at"] = timezone.localtime(case.due_at).isoformat()
        if case.due_provisional:
            payload["due_provisional"] = True
    # An internal entry (public=False) that tells no one has nothing to fan out: no task.
    told = public or bool(notify) or rectification is not None
    outbox: dict[str, Any] | None = {"case": case_event_snapshot(case)} if told else None
    if outbox is not None and notify:
        outbox["notify"] = {
            "kind": notify,
            "context": json_safe(
                {"number": case.number, "step": case.step, **dict(notify_context or {})}
            ),
        }
    if outbox is not None and rectification is not None:
        outbox["rectification"] = rectification
    entry = CaseTimelineEntry.objects.create(
        case=case,
        at=at,
        kind=kind,
        department_id=case.department_id,
        actor=actor,
        detail=detail,
        data=payload,
        public=public,
        outbox=outbox,
    )
    if Case.department.is_cached(case):  # the entry shows its department without a read
        entry.department = case.department
    return entry


def audit(actor: User | None, action: str, case: Case, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=case,
        data={"number": case.number, "step": case.step, "version": case.version, **data},
    )


def applicant_role() -> str:
    return APPLICANT_ROLE
