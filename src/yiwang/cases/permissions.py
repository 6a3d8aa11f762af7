"""Who may do what with a case: officer roles per department, mapped to workflow roles.

A workflow definition names its own roles (``intake_clerk``, ``reviewer``,
``approver``, ``handler``, ``applicant``); an officer acts in the workflow
roles that their identity roles in the case's department map to.
"""

from __future__ import annotations

from yiwang.identity.models import Role, User
from yiwang.identity.selectors import (
    department_officers,
    department_roles,
    officer_department_ids,
)

__all__ = [
    "APPLICANT_ROLE",
    "WORKFLOW_ROLES",
    "department_officers",
    "is_officer_of",
    "is_supervisor_of",
    "officer_department_ids",
    "roles_in_department",
    "workflow_roles_in_department",
]

#: Identity role → the workflow role it acts in.
WORKFLOW_ROLES: dict[str, str] = {
    Role.INTAKE_CLERK: "intake_clerk",
    Role.REVIEWER: "reviewer",
    Role.APPROVER: "approver",
    Role.DEPARTMENT_HANDLER: "handler",
}

APPLICANT_ROLE = "applicant"


# Which departments an officer acts for, and in which roles, is identity's rule (one home):
# re-exported here for the callers that think in cases.
roles_in_department = department_roles


def workflow_roles_in_department(user: User, department_id: int) -> set[str]:
    """The workflow roles ``user`` acts in for the department."""
    return {
        WORKFLOW_ROLES[r] for r in roles_in_department(user, department_id) if r in WORKFLOW_ROLES
    }


def is_officer_of(user: User, department_id: int) -> bool:
    return bool(department_roles(user, department_id))


def is_supervisor_of(user: User, department_id: int) -> bool:
    return Role.SUPERVISOR in department_roles(user, department_id)
