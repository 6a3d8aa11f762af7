"""Every write of the identity app: roles, applicant profiles and sign-in lockout.

Each function is keyword-only, transactional and appends an audit entry with
``yiwang.core.audit.audit_record``. ``actor=None`` means the system (a
migration, a management command, the demo loader) and skips the permission check.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.identity.masking import mask_resident_id
from yiwang.identity.models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseMember,
    Region,
    Role,
    RoleAssignment,
    User,
)
from yiwang.identity.validators import normalize_resident_id, normalize_uscc, validate_phone

# --- roles and groups -------------------------------------------------------


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
    Locks the user row. Audited as ``identity.role_revoke``.
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
        remaining = RoleAssignment.objects.filter(user=user)
        if not remaining.filter(role=role).exists():
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


def _applicant_role_ensure(*, user: User, role: Role) -> None:
    if not RoleAssignment.objects.filter(user=user, role=role, department=None).exists():
        _role_grant(user=user, role=role, department=None)


# --- applicant profiles -----------------------------------------------------


def citizen_register(
    *, user: User, name: str, resident_id: str, phone: str, address: str = ""
) -> Citizen:
    """Record the natural-person profile (自然人) of ``user`` and give them the citizen role.

    Validates the resident ID (GB 11643) and the phone; one profile per user
    and per resident ID. Audited as ``identity.citizen_register`` with the
    resident ID masked. Raises ``ValidationError`` with field errors.
    """
    if Citizen.objects.filter(user=user).exists():
        raise ValidationError(_("This account already has a citizen profile."), code="exists")
    phone = phone.strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    citizen = Citizen(
        user=user,
        name=name.strip(),
        resident_id=normalize_resident_id(resident_id),
        phone=phone,
        address=address.strip(),
    )
    with transaction.atomic():
        citizen.full_clean()
        citizen.save()
        _applicant_role_ensure(user=user, role=Role.CITIZEN)
        audit_record(
            actor=user,
            action="identity.citizen_register",
            target=citizen,
            data={"resident_id": mask_resident_id(citizen.resident_id)},
        )
    return citizen


def enterprise_register(
    *,
    user: User,
    name: str,
    uscc: str,
    legal_representative: str,
    address: str = "",
    region: Region | None = None,
    is_legal_representative: bool = False,
    authorisation: str = "",
    valid_until: dt.date | None = None,
) -> Enterprise:
    """Record a legal person (法人) and make ``user`` its first agent.

    Validates the unified social credit code (GB 32100), which must be new;
    an agent of an enterprise already registered is added by one of its
    agents with ``enterprise_add_member``. Gives ``user`` the enterprise role.
    Audited as ``identity.enterprise_register``.
    """
    enterprise = Enterprise(
        name=name.strip(),
        uscc=normalize_uscc(uscc),
        legal_representative=legal_representative.strip(),
        address=address.strip(),
        region=region,
    )
    with transaction.atomic():
        enterprise.full_clean()
        enterprise.save()
        EnterpriseMember.objects.create(
            enterprise=enterprise,
            user=user,
            is_legal_representative=is_legal_representative,
            authorisation=authorisation.strip(),
            valid_until=valid_until,
        )
        _applicant_role_ensure(user=user, role=Role.ENTERPRISE)
        audit_record(
            actor=user,
            action="identity.enterprise_register",
            target=enterprise,
            data={"uscc": enterprise.uscc, "agent": user.username},
        )
    return enterprise


def enterprise_add_member(
    *,
    enterprise: Enterprise,
    user: User,
    actor: User | None,
    is_legal_representative: bool = False,
    authorisation: str = "",
    valid_until: dt.date | None = None,
) -> EnterpriseMember:
    """Let ``user`` act for ``enterprise`` too (a user may act for several enterprises).

    The actor is an agent of the enterprise or has ``identity.add_enterprisemember``.
    An agent who is not the legal representative acts under an ``authorisation``
    (the power of attorney, 授权委托书), which is required, until ``valid_until``
    (None: until revoked). Gives ``user`` the enterprise role. Audited as
    ``identity.enterprise_add_member``.
    """
    if (
        actor is not None
        and not actor.has_perm("identity.add_enterprisemember")
        and not EnterpriseMember.objects.filter(enterprise=enterprise, user=actor).exists()
    ):
        raise PermissionDenied(_("Only an agent of this enterprise may add agents."))
    with transaction.atomic():
        if EnterpriseMember.objects.filter(enterprise=enterprise, user=user).exists():
            raise ValidationError(
                _("%(user)s already acts for %(enterprise)s.")
                % {"user": user, "enterprise": enterprise},
                code="exists",
            )
        if not is_legal_representative and not authorisation.strip():
            raise ValidationError(
                {"authorisation": [_("Name the power of attorney the agent acts under.")]}
            )
        member = EnterpriseMember.objects.create(
            enterprise=enterprise,
            user=user,
            is_legal_representative=is_legal_representative,
            authorisation=authorisation.strip(),
            valid_until=valid_until,
        )
        _applicant_role_ensure(user=user, role=Role.ENTERPRISE)
        audit_record(
            actor=actor,
            action="identity.enterprise_add_member",
            target=enterprise,
            data={
                "agent": user.username,
                "is_legal_representative": is_legal_representative,
                "authorisation": member.authorisation,
                "valid_until": valid_until.isoformat() if valid_until else None,
            },
        )
    return member


# --- sign-in lockout ----------------------------------------------------------


def login_max_failures() -> int:
    return int(getattr(settings, "YIWANG_LOGIN_MAX_FAILURES", 5))


def login_lockout_duration() -> dt.timedelta:
    return dt.timedelta(minutes=int(getattr(settings, "YIWANG_LOGIN_LOCKOUT_MINUTES", 15)))


def login_is_locked(user: User, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When ``user``'s lockout ends, or None when they may sign in. Reads the instance only."""
    now = now or timezone.now()
    if user.locked_until is not None and user.locked_until > now:
        return user.locked_until
    return None


def login_minutes_left(until: dt.datetime, *, now: dt.datetime | None = None) -> int:
    """Whole minutes until ``until``, rounded up (never less than 1)."""
    seconds = (until - (now or timezone.now())).total_seconds()
    return max(1, math.ceil(seconds / 60))


def login_failure_record(*, user: User, ip: str = "") -> dt.datetime | None:
    """Count a failed password sign-in; lock the account after too many in a row.

    After ``YIWANG_LOGIN_MAX_FAILURES`` failures the account is locked for
    ``YIWANG_LOGIN_LOCKOUT_MINUTES``. Attempts during a lockout do not extend
    it; the first failure after it ends starts a new count. Locks the user row
    (``SELECT … FOR UPDATE``) so concurrent attempts all count. Audits
    ``identity.login_failed`` and, when it locks, ``identity.login_locked``.
    Updates ``user`` in place and returns when the lockout ends (or None).
    """
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        during_lockout = login_is_locked(row, now=now) is not None
        newly_locked = False
        if not during_lockout:
            if row.locked_until is not None:  # the previous lockout is over: count afresh
                row.failed_login_count = 0
                row.locked_until = None
            row.failed_login_count += 1
            if row.failed_login_count >= login_max_failures():
                row.locked_until = now + login_lockout_duration()
                newly_locked = True
            row.save(update_fields=["failed_login_count", "locked_until"])
        audit_record(
            actor=None,
            action="identity.login_failed",
            target=row,
            data={"ip": ip, "failures": row.failed_login_count, "during_lockout": during_lockout},
        )
        if newly_locked:
            audit_record(
                actor=None,
                action="identity.login_locked",
                target=row,
                data={"ip": ip, "until": row.locked_until},
            )
    user.failed_login_count = row.failed_login_count
    user.locked_until = row.locked_until
    return login_is_locked(row, now=now)


def login_success_record(*, user: User) -> None:
    """Reset the failure count after a successful sign-in. Locks the user row; not audited
    (Django records ``last_login``)."""
    if user.failed_login_count == 0 and user.locked_until is None:
        return
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).update(
            failed_login_count=0, locked_until=None
        )
    user.failed_login_count = 0
    user.locked_until = None


def login_unlock(*, user: User, actor: User | None) -> None:
    """Lift a lockout before it ends (an administrator's action). Audited as
    ``identity.login_unlock``; the actor needs ``identity.change_user``."""
    if actor is not None and not actor.has_perm("identity.change_user"):
        raise PermissionDenied(_("You may not unlock accounts."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).update(
            failed_login_count=0, locked_until=None
        )
        audit_record(actor=actor, action="identity.login_unlock", target=user)
    user.failed_login_count = 0
    user.locked_until = None
