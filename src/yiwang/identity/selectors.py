"""Reads about users, their roles and their departments, and how long their sessions last."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from yiwang.identity.models import (
    DEPARTMENT_ROLES,
    Department,
    Enterprise,
    EnterpriseMember,
    Role,
    RoleAssignment,
    User,
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


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


#: Within a request (:func:`roles_cached`): each user's department roles by department id,
#: read once. None outside one: every call asks the database.
_request_roles: ContextVar[dict[int, dict[int, frozenset[str]]] | None] = ContextVar(
    "yiwang_request_roles", default=None
)


#: Within a request: each user's every (role, department id), city-wide roles included
#: (:func:`role_pairs`), read once; the department roles above are derived from them.
_request_role_pairs: ContextVar[dict[int, list[tuple[str, int | None]]] | None] = ContextVar(
    "yiwang_request_role_pairs", default=None
)


@contextmanager
def roles_cached() -> Iterator[None]:
    """Read each user's roles once while this block runs (one request: the
    ``RequestRolesMiddleware``). The role services clear it when they change a role or a
    department (:func:`roles_cache_clear`), so a request reads back what it changed."""
    token = _request_roles.set({})
    pairs_token = _request_role_pairs.set({})
    try:
        yield
    finally:
        _request_role_pairs.reset(pairs_token)
        _request_roles.reset(token)


def roles_cache_clear() -> None:
    """Forget the roles read in this request (after a role or a department changed)."""
    for cache in (_request_roles.get(), _request_role_pairs.get()):
        if cache is not None:
            cache.clear()


def _roles_by_department(
    assignments: Iterable[tuple[str, int | None]],
) -> dict[int, frozenset[str]]:
    by_department: dict[int, set[str]] = {}
    for role, department_id in assignments:
        if department_id is None:
            continue
        by_department.setdefault(department_id, set()).add(role)
    return {d: frozenset(roles) for d, roles in by_department.items()}


def department_roles(user: User, department_id: int) -> set[str]:
    """The department roles ``user`` holds for the department (one query; within a request
    one query for all of the user's departments, read once: :func:`roles_cached`).

    None for an anonymous or inactive user, or an inactive department: a
    deactivated department grants nobody anything.
    """
    if not _active(user):
        return set()
    if _request_roles.get() is None:
        return set(
            _department_assignments(user)
            .filter(department_id=department_id)
            .values_list("role", flat=True)
        )
    return set(roles_by_department(user).get(department_id, ()))


def _department_assignments(user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(
        user_id=user.pk, department__is_active=True, role__in=DEPARTMENT_ROLES
    )


def roles_by_department(user: User) -> dict[int, frozenset[str]]:
    """``user``'s department roles by the (active) department's id (one query, or none
    when this request has read them already: :func:`roles_cached`)."""
    if not _active(user):
        return {}
    cache = _request_roles.get()
    if cache is not None:
        if user.pk not in cache:
            role_pairs(user)  # one query for every role, which fills this cache too
        return cache[user.pk]
    return _roles_by_department(_department_assignments(user).values_list("role", "department_id"))


def officer_assignments(user: User) -> list[RoleAssignment]:
    """``user``'s department roles in active departments, with their departments (one query):
    which departments an officer acts for, and in what. Empty for anyone not an officer.
    Within a request it also answers :func:`department_roles` for ``user`` (no query more)."""
    if not _active(user):
        return []
    held = list(
        RoleAssignment.objects.filter(user_id=user.pk)
        .exclude(department__is_active=False)  # a deactivated department grants nothing
        .select_related("department")
        .order_by("department__code", "role")
    )
    rows = [a for a in held if a.department_id is not None and a.role in DEPARTMENT_ROLES]
    pairs_cache = _request_role_pairs.get()
    if pairs_cache is not None:  # every role of the user: role_pairs needs no query either
        pairs_cache[user.pk] = [(a.role, a.department_id) for a in held]
    cache = _request_roles.get()
    if cache is not None:
        cache[user.pk] = _roles_by_department((a.role, a.department_id) for a in rows)
    return rows


def is_officer(user: User) -> bool:
    """Whether ``user`` acts for some active department (one query; none when this request
    has read their roles already)."""
    if not _active(user):
        return False
    cache = _request_roles.get()
    if cache is not None and user.pk in cache:
        return bool(cache[user.pk])
    return RoleAssignment.objects.filter(
        user_id=user.pk, role__in=DEPARTMENT_ROLES, department__is_active=True
    ).exists()


def role_pairs(user: User) -> list[tuple[str, int | None]]:
    """Every (role, department id) ``user`` holds: city-wide roles (department None) and
    department roles in active departments (one query). Empty for an anonymous or inactive
    user. The same rule as :func:`user_has_role`, for callers that branch on several roles."""
    if not _active(user):
        return []
    cache = _request_role_pairs.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    pairs: list[tuple[str, int | None]] = list(
        RoleAssignment.objects.filter(user_id=user.pk)
        .exclude(department__is_active=False)  # a deactivated department grants nothing
        .values_list("role", "department_id")
    )
    if cache is not None:
        cache[user.pk] = pairs
        departments = _request_roles.get()
        if departments is not None:
            departments[user.pk] = _roles_by_department(
                (role, department_id) for role, department_id in pairs if role in DEPARTMENT_ROLES
            )
    return pairs


def officer_department_ids(
    user: User, roles: frozenset[str] = DEPARTMENT_ROLES
) -> QuerySet[RoleAssignment, int]:
    """A subquery of the active department ids where ``user`` holds one of ``roles`` (lazy):
    which departments an officer acts for, in those roles. The one home of that rule: the
    cases queue, the workbench and the events services and selectors (a department handler's
    events, a supervisor's districts) all ask it. Empty for an anonymous or inactive user;
    ``set(...)`` of it is one query, and it nests in another query as a subquery."""
    if not _active(user):
        return RoleAssignment.objects.none().values_list("department_id", flat=True)
    return RoleAssignment.objects.filter(
        user_id=user.pk, role__in=roles, department__isnull=False, department__is_active=True
    ).values_list("department_id", flat=True)


def department_officers(
    department: Department, roles: frozenset[str] = DEPARTMENT_ROLES
) -> QuerySet[User]:
    """Active users with a department role (of ``roles``, default any) in ``department``
    (none if it is inactive)."""
    return User.objects.filter(
        is_active=True,
        role_assignments__department=department,
        role_assignments__department__is_active=True,
        role_assignments__role__in=roles & DEPARTMENT_ROLES,
    ).distinct()


def enterprises_for_user(user: User, on: dt.date | None = None) -> QuerySet[Enterprise]:
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


def acting_usccs_expression(user_id: int, on: dt.date) -> Subquery:
    """The credit codes of the enterprises user ``user_id`` may act for on the day ``on``
    (the rule of :func:`enterprises_for_user`), comma-joined, as an expression: annotate
    another query with it (``split_usccs`` reads it back) to save a query of its own."""
    from yiwang.core.aggregates import CommaJoined

    codes = (
        EnterpriseMember.objects.filter(user_id=user_id)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by()
        .values("user_id")
        .annotate(codes=CommaJoined("enterprise__uscc"))
        .values("codes")
    )
    return Subquery(codes)


def split_usccs(joined: str | None) -> frozenset[str]:
    """The credit codes of :func:`acting_usccs_expression`'s value."""
    return frozenset(code for code in (joined or "").split(",") if code)


def is_legal_representative_of(
    user: User, enterprise: Enterprise, on: dt.date | None = None
) -> bool:
    """Whether ``user`` is a current legal representative of ``enterprise`` on the day ``on``
    (default today): a member marked so whose ``valid_until`` has not passed. One query."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        EnterpriseMember.objects.filter(
            enterprise_id=enterprise.pk, user_id=user.pk, is_legal_representative=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on or timezone.localdate()))
        .exists()
    )


def user_for_login(username: str) -> User | None:
    """The user a sign-in form's ``username`` names, or None (same lookup as ModelBackend)."""
    try:
        return User._default_manager.get_by_natural_key(username)
    except User.DoesNotExist:
        return None


#: Roles of people who apply (citizens, enterprise agents); every other role works for the city.
APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.ENTERPRISE})


@dataclass(frozen=True)
class SessionLimits:
    """How long a signed-in session lasts: ``idle`` without a request, ``absolute`` in all."""

    kind: str  # "officer" or "citizen"
    idle: dt.timedelta
    absolute: dt.timedelta


def session_kind(user: User) -> str:
    """``"officer"`` for staff, superusers and anyone holding a role other than citizen or
    enterprise agent (they see other people's data); ``"citizen"`` otherwise. One query."""
    if user.is_staff or user.is_superuser:
        return "officer"
    others = RoleAssignment.objects.filter(user_id=user.pk).exclude(role__in=APPLICANT_ROLES)
    return "officer" if others.exists() else "citizen"


def session_limits(kind: str) -> SessionLimits:
    """The limits of a session of ``kind`` (see ``session_kind``), from the settings.

    ``YIWANG_SESSION_IDLE_MINUTES_OFFICER`` (30) or
    ``YIWANG_SESSION_IDLE_MINUTES_CITIZEN`` (120), and
    ``YIWANG_SESSION_MAX_HOURS`` (12) for everyone. Read at call time.
    """
    minutes = (
        settings.YIWANG_SESSION_IDLE_MINUTES_OFFICER
        if kind == "officer"
        else settings.YIWANG_SESSION_IDLE_MINUTES_CITIZEN
    )
    return SessionLimits(
        kind="officer" if kind == "officer" else "citizen",
        idle=dt.timedelta(minutes=int(minutes)),
        absolute=dt.timedelta(hours=int(settings.YIWANG_SESSION_MAX_HOURS)),
    )
