"""Who may do what with a case: officer roles per department, mapped to workflow roles.

A workflow definition names its own roles (``intake_clerk``, ``reviewer``,
``approver``, ``handler``, ``applicant``); an officer acts in the workflow
roles that their identity roles in the case's department map to.
"""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.identity.models import Department, Role, RoleAssignment, User

#: Identity roles that give access to a department's case queue.
OFFICER_ROLES: frozenset[str] = frozenset(
    {
        Role.INTAKE_CLERK,
        Role.REVIEWER,
        Role.APPROVER,
        Role.DEPARTMENT_HANDLER,
        Role.SUPERVISOR,
    }
)

#: Identity role → the workflow role it acts in.
WORKFLOW_ROLES: dict[str, str] = {
    Role.INTAKE_CLERK: "intake_clerk",
    Role.REVIEWER: "reviewer",
    Role.APPROVER: "approver",
    Role.DEPARTMENT_HANDLER: "handler",
}

APPLICANT_ROLE = "applicant"


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def roles_in_department(user: User, department_id: int) -> set[str]:
    """The identity roles ``user`` holds for the department (one query).

    None for an inactive user or an inactive department: a deactivated
    department grants nobody anything, by case number, page or file.
    """
    if not _active(user):
        return set()
    return set(
        RoleAssignment.objects.filter(
            user_id=user.pk, department_id=department_id, department__is_active=True
        ).values_list("role", flat=True)
    )


def workflow_roles_in_department(user: User, department_id: int) -> set[str]:
    """The workflow roles ``user`` acts in for the department."""
    return {
        WORKFLOW_ROLES[r] for r in roles_in_department(user, department_id) if r in WORKFLOW_ROLES
    }


def is_officer_of(user: User, department_id: int) -> bool:
    return bool(roles_in_department(user, department_id) & OFFICER_ROLES)


def is_supervisor_of(user: User, department_id: int) -> bool:
    return Role.SUPERVISOR in roles_in_department(user, department_id)


def officer_department_ids(
    user: User, roles: frozenset[str] = OFFICER_ROLES
) -> QuerySet[RoleAssignment, int]:
    """A subquery of the department ids where ``user`` holds one of ``roles`` (lazy)."""
    if not _active(user):
        return RoleAssignment.objects.none().values_list("department_id", flat=True)
    return RoleAssignment.objects.filter(
        user_id=user.pk, role__in=roles, department__isnull=False, department__is_active=True
    ).values_list("department_id", flat=True)


def department_officers(department: Department) -> QuerySet[User]:
    """Active users with an officer role in ``department``."""
    return User.objects.filter(
        is_active=True,
        role_assignments__department=department,
        role_assignments__department__is_active=True,
        role_assignments__role__in=OFFICER_ROLES,
    ).distinct()
