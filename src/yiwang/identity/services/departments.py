"""Departments: switching one off and on, which takes away or gives back its officers' access."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.identity.models import Department, RoleAssignment, User
from yiwang.identity.services.activation import is_active_switch


def department_set_active(*, department: Department, active: bool, actor: User | None) -> bool:
    """Deactivate (``active=False``) or reactivate a department; True when it changed.

    A deactivated department grants nothing: its officers' roles there stop
    giving access to its cases and queues (``selectors``), until it is
    reactivated, when they give it back. The actor needs
    ``identity.change_department`` (``None``: the system). Locks the row;
    audited as ``identity.department_deactivate`` / ``identity.department_reactivate``
    with the number of role assignments it affects (nothing is written when the
    department already is so).
    """
    if actor is not None and not actor.has_perm("identity.change_department"):
        raise PermissionDenied(_("You may not change departments."))
    with transaction.atomic():
        locked = is_active_switch(department, active)
        if locked is None:
            return False
        audit_record(
            actor=actor,
            action="identity.department_reactivate" if active else "identity.department_deactivate",
            target=locked,
            data={
                "code": locked.code,
                "role_assignments": RoleAssignment.objects.filter(department=locked).count(),
            },
        )
    return True
