"""Roles and their groups: ``roles_sync_groups``, ``role_assign``, ``role_revoke``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.events import announce
from yiwang.identity.models import Department, Role, RoleAssignment, User
from yiwang.identity.selectors import roles_cache_clear


@dataclass(frozen=True)
class Grant:
    """Model permissions of one app: ``model=None`` means every model of the app."""

    app_label: str
    model: str | None
    actions: tuple[str, ...]


_OFFICER_GRANTS = (
    Grant("identity", "department", ("view",)),
    Grant("identity", "region", ("view",)),
    Grant("catalog", None, ("view",)),
)

#: The baseline Django permissions of each role's group. Apps that add models
#: (cases, events, …) extend this table; a missing app or model is skipped.
ROLE_PERMISSIONS: dict[Role, tuple[Grant, ...]] = {
    Role.CITIZEN: (),
    Role.ENTERPRISE: (),
    Role.INTAKE_CLERK: _OFFICER_GRANTS,
    Role.REVIEWER: _OFFICER_GRANTS,
    Role.APPROVER: _OFFICER_GRANTS,
    Role.HOTLINE_OPERATOR: _OFFICER_GRANTS,
    Role.DEPARTMENT_HANDLER: _OFFICER_GRANTS,
    Role.SUPERVISOR: _OFFICER_GRANTS,
    Role.CATALOG_ADMIN: (
        Grant("catalog", None, ("add", "change", "view")),
        Grant("core", "calendaryear", ("add", "change", "view")),
        Grant("core", "calendarday", ("add", "change", "delete", "view")),
        Grant("identity", "department", ("add", "change", "view")),
        Grant("identity", "region", ("view",)),
    ),
    Role.CITY_LEADER: _OFFICER_GRANTS,
    Role.INTEGRATOR: (Grant("identity", "department", ("view",)),),
}

#: Roles whose holders use the Django admin (is_staff).
STAFF_ROLES = frozenset({Role.CATALOG_ADMIN})


class RoleAssignmentError(ValidationError):
    """A role cannot be assigned or revoked as asked."""


def _permissions_for(grants: tuple[Grant, ...], using: str) -> list[Permission]:
    if not grants:
        return []
    query = Q()
    for grant in grants:
        actions = Q()
        for action in grant.actions:
            actions |= Q(codename__startswith=f"{action}_")
        condition = Q(content_type__app_label=grant.app_label) & actions
        if grant.model is not None:
            condition &= Q(content_type__model=grant.model)
        query |= condition
    return list(Permission.objects.using(using).filter(query))


def roles_sync_groups(*, using: str = DEFAULT_DB_ALIAS) -> list[Group]:
    """Create one Group per Role (named by the role's value) with its baseline permissions.

    Idempotent. Adds permissions and never removes one, so what an administrator
    granted a group by hand survives. Runs after every ``migrate`` (see apps.py).
    """
    groups = []
    with transaction.atomic(using=using):
        for role in Role:
            group, _created = Group.objects.using(using).get_or_create(name=role.value)
            permissions = _permissions_for(ROLE_PERMISSIONS.get(role, ()), using)
            if permissions:
                group.permissions.add(*permissions)
            groups.append(group)
    return groups


def _check_actor(actor: User | None, permission: str) -> None:
    if actor is not None and not actor.has_perm(permission):
        raise PermissionDenied(_("You may not change roles."))


def _role_grant(*, user: User, role: Role, department: Department | None) -> RoleAssignment:
    """Create the assignment, join the group, set is_staff. No permission check, no audit."""
    assignment = RoleAssignment(user=user, role=role, department=department)
    assignment.full_clean(validate_unique=False, validate_constraints=False)
    duplicate = RoleAssignment.objects.filter(user=user, role=role, department=department)
    if duplicate.exists():
        raise RoleAssignmentError(
            _("%(user)s already holds the role “%(role)s” there.")
            % {"user": user, "role": role.label},
            code="duplicate",
        )
    assignment.save()
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return assignment


def _as_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise RoleAssignmentError(
            _("“%(role)s” is not a role.") % {"role": role}, code="unknown_role"
        ) from None


def role_assign(
    *,
    user: User,
    role: Role | str,
    department: Department | None = None,
    actor: User | None,
) -> RoleAssignment:
    """Give ``user`` a role: for ``department`` (officer roles) or city-wide (all others).

    The actor needs ``identity.add_roleassignment``. Adds the user to the role's
    group; a catalog administrator also becomes staff (may use the admin).
    Locks the user row. Audited as ``identity.role_assign``.
    Raises ``RoleAssignmentError``/``ValidationError`` and ``PermissionDenied``.
    """
    role = _as_role(role)
    _check_actor(actor, "identity.add_roleassignment")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        assignment = _role_grant(user=user, role=role, department=department)
        roles_cache_clear()
        audit_record(
            actor=actor,
            action="identity.role_assign",
            target=user,
            data={"role": role.value, "department": department.code if department else None},
        )
    return assignment


def role_revoke(
    *,
    user: User,
    role: Role | str,
    department: Department | None = None,
    actor: User | None,
) -> None:
    """Take a role away from ``user`` (for ``department``, or the city-wide one).

    The actor needs ``identity.delete_roleassignment``. The user leaves the
    role's group when they no longer hold the role anywhere, and stops being
    staff when they hold no staff role any more (superusers stay staff).
    Locks the user row. Audited as ``identity.role_revoke``. When the user no
    longer holds the role anywhere, announces ``identity.role_lost`` (``user``,
    ``role``, ``actor``) in the transaction (an integrator's webhooks stop).
    """
    role = _as_role(role)
    _check_actor(actor, "identity.delete_roleassignment")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        deleted, _detail = RoleAssignment.objects.filter(
            user=user, role=role, department=department
        ).delete()
        if not deleted:
            raise RoleAssignmentError(
                _("%(user)s does not hold the role “%(role)s” there.")
                % {"user": user, "role": role.label},
                code="not_held",
            )
        roles_cache_clear()
        remaining = RoleAssignment.objects.filter(user=user)
        role_lost = not remaining.filter(role=role).exists()
        if role_lost:
            user.groups.remove(*Group.objects.filter(name=role.value))
        if (
            role in STAFF_ROLES
            and user.is_staff
            and not user.is_superuser
            and not remaining.filter(role__in=STAFF_ROLES).exists()
        ):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
        audit_record(
            actor=actor,
            action="identity.role_revoke",
            target=user,
            data={"role": role.value, "department": department.code if department else None},
        )
        if role_lost:
            announce("identity.role_lost", user=user, role=role, actor=actor)


def applicant_role_ensure(*, user: User, role: Role) -> None:
    if not RoleAssignment.objects.filter(user=user, role=role, department=None).exists():
        _role_grant(user=user, role=role, department=None)
