"""Reads about users, their roles and their departments."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from yiwang.identity.models import Department, Enterprise, Role, RoleAssignment, User


def departments_for_user(user: User, role: Role | str | None = None) -> QuerySet[Department]:
    """The active departments ``user`` acts for, optionally only in ``role``.

    City-wide roles give no department. One query, ordered by department code.
    """
    assignments = RoleAssignment.objects.filter(user_id=user.pk, department__isnull=False)
    if role is not None:
        assignments = assignments.filter(role=role)
    return (
        Department.objects.filter(is_active=True, pk__in=assignments.values("department_id"))
        .select_related("region")
        .order_by("code")
    )


def user_has_role(user: User, role: Role | str, department: Department | None = None) -> bool:
    """Whether ``user`` holds ``role``: anywhere when ``department`` is None, else for it.

    Anonymous and inactive users hold no role, nor does anyone in a deactivated
    department. One query.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    assignments = RoleAssignment.objects.filter(user_id=user.pk, role=role).exclude(
        department__is_active=False  # a deactivated department grants nothing
    )
    if department is not None:
        assignments = assignments.filter(department_id=department.pk)
    return assignments.exists()


def roles_for_user(user: User) -> QuerySet[RoleAssignment]:
    """The role assignments of ``user`` with their departments, in a fixed order."""
    return (
        RoleAssignment.objects.filter(user_id=user.pk)
        .select_related("department")
        .order_by("role", "department__code")
    )


def enterprises_for_user(user: User, on: date | None = None) -> QuerySet[Enterprise]:
    """The enterprises ``user`` may act for on the day ``on`` (default today) (法人代办), by
    name: as its legal representative, or as an agent whose authorisation has not expired."""
    current = Q(enterprisemember__valid_until__isnull=True) | Q(
        enterprisemember__valid_until__gte=on or timezone.localdate()
    )
    return (
        Enterprise.objects.filter(current, enterprisemember__user_id=user.pk)
        .distinct()
        .order_by("name")
    )


def user_for_login(username: str) -> User | None:
    """The user a sign-in form's ``username`` names, or None (same lookup as ModelBackend)."""
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return None
