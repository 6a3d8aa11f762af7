"""Who works on a case: claim from the queue, assignment by a supervisor, reassignment."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case
from yiwang.cases.permissions import is_officer_of, is_supervisor_of
from yiwang.cases.services._common import (
    audit,
    lock_case,
    now_or,
    require_open,
    require_text,
    timeline,
)
from yiwang.identity.models import User


def _set_assignee(case: Case, assignee: User, at: datetime) -> None:
    case.assignee = assignee
    case.updated_at = timezone.now()
    case.save(update_fields=["assignee", "updated_at"])


def _require_assignable(case: Case, assignee: User) -> None:
    if not (assignee.is_active and is_officer_of(assignee, case.department_id)):
        raise ValidationError(
            {"assignee": [_("Choose an officer of the department of this case.")]}
        )


def case_claim(*, case: Case, officer: User, at: datetime | None = None) -> Case:
    """Take an unassigned open case from the queue (认领).

    Preconditions: ``officer`` holds an officer role (intake clerk, reviewer,
    approver, handler, supervisor) in the case's department; the case is
    open and unassigned. Side effects: row lock, ``assignee`` saved; internal
    timeline entry ``assigned`` (not shown to the applicant); audit
    ``case.claim``.
    Errors: PermissionDenied; CaseConflict (``already_assigned``, ``closed``).
    """
    at = now_or(at)
    with transaction.atomic():
        locked = lock_case(case)
        if not is_officer_of(officer, locked.department_id):
            raise PermissionDenied(_("You do not act for the department of this case."))
        require_open(locked)
        if locked.assignee_id == officer.pk:
            return locked
        if locked.assignee_id is not None:
            raise CaseConflict(
                _("Someone else has already taken this case."), code="already_assigned"
            )
        _set_assignee(locked, officer, at)
        timeline(locked, "assigned", at, public=False, data={"assignee": officer.pk}, actor=officer)
        audit(officer, "case.claim", locked, assignee=officer.pk)
    return locked


def case_assign(
    *, case: Case, supervisor: User, assignee: User, at: datetime | None = None
) -> Case:
    """A supervisor of the case's department assigns it to one of the department's officers.

    Errors: PermissionDenied (not a supervisor there); ValidationError (field
    ``assignee``) when the assignee holds no officer role there;
    CaseConflict (``closed``). Internal timeline entry; audit ``case.assign``.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = lock_case(case)
        if not is_supervisor_of(supervisor, locked.department_id):
            raise PermissionDenied(_("Only a supervisor of the department may assign cases."))
        require_open(locked)
        _require_assignable(locked, assignee)
        previous = locked.assignee_id
        _set_assignee(locked, assignee, at)
        timeline(
            locked, "assigned", at, public=False,
            data={"assignee": assignee.pk, "previous": previous}, actor=supervisor,
        )  # fmt: skip
        audit(supervisor, "case.assign", locked, assignee=assignee.pk, previous=previous)
    return locked


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
    at = now_or(at)
    require_text(reason=reason)
    with transaction.atomic():
        locked = lock_case(case)
        current = locked.assignee_id is not None and locked.assignee_id == actor.pk
        if not (
            is_supervisor_of(actor, locked.department_id)
            or (current and is_officer_of(actor, locked.department_id))
        ):
            raise PermissionDenied(
                _("Only the assignee or a supervisor of the department may reassign the case.")
            )
        require_open(locked)
        _require_assignable(locked, assignee)
        previous = locked.assignee_id
        _set_assignee(locked, assignee, at)
        timeline(
            locked, "reassigned", at, public=False, detail=reason.strip(),
            data={"assignee": assignee.pk, "previous": previous}, actor=actor,
        )  # fmt: skip
        audit(
            actor, "case.reassign", locked, assignee=assignee.pk, previous=previous, reason=reason
        )
    return locked
