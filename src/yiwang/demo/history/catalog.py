"""The demo catalog the history runs on: its services, and the officers who act on them
(created when missing).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from yiwang.cases.permissions import WORKFLOW_ROLES
from yiwang.cases.services import case_workflow_overrides
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.demo.history.base import CITIZEN_PREFIX, WORKFLOWS, HistoryRefused
from yiwang.identity.models import Role, RoleAssignment, User


@dataclass
class Catalog:
    """What cases are made of: published versions (with their department, region, required
    materials and workflow overrides) and each department's officers per workflow role."""

    versions: list[ServiceVersion]
    weights: list[float]
    overrides: dict[int, dict[str, Any]]
    materials: dict[int, list[Material]]
    officers: dict[tuple[int, str], list[int]]
    any_officer: dict[int, list[int]]
    region_of: dict[int, str]


_OFFICER_ROLES = {
    "licensing": (Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER),
    "public_service": (Role.INTAKE_CLERK, Role.DEPARTMENT_HANDLER),
}


def officers_ensure(versions: Sequence[ServiceVersion]) -> int:
    """Give each department of ``versions`` an officer in each role its workflows need, when it
    has none (the demo staffs only a few departments): users ``gen-officer-<code>-<role>``,
    through ``role_assign`` (audited). Returns how many were made."""
    from yiwang.identity.services import role_assign

    needed: dict[Any, set[Role]] = defaultdict(set)
    for v in versions:
        needed[v.item.department].update(_OFFICER_ROLES[v.workflow])
    have = set(
        RoleAssignment.objects.filter(department__isnull=False).values_list("department_id", "role")
    )
    made = 0
    for department, roles in needed.items():
        for role in sorted(roles):
            if (department.pk, role.value) in have:
                continue
            user, _created = User.objects.get_or_create(
                username=f"{CITIZEN_PREFIX}officer-{department.code}-{role.value}",
                defaults={"display_name": f"{department.short_name_zh or department.name_zh}"
                          f"·{role.label}", "password": "!generated"},
            )  # fmt: skip
            role_assign(user=user, role=role, department=department, actor=None)
            made += 1
    return made


def load_catalog() -> Catalog:
    """The published demo services the generator can run, with their officers."""
    versions = list(
        ServiceVersion.objects.filter(
            status=ServiceVersion.Status.PUBLISHED, workflow__in=WORKFLOWS
        )
        .select_related("item__department__region")
        .order_by("pk")
    )
    if not versions:
        raise HistoryRefused(
            "No published service to generate cases for: load the demo city first "
            "(manage.py load_demo)."
        )
    rnd = random.Random(7)  # noqa: S311 - made-up data, not secrets; popularity: a few services take most cases
    weights = [rnd.paretovariate(1.2) for _ in versions]
    officers_ensure(versions)
    materials: dict[int, list[Material]] = defaultdict(list)
    for m in Material.objects.filter(
        version__in=versions, requirement=Material.Requirement.REQUIRED
    ).order_by("order", "pk"):
        materials[m.version_id].append(m)
    officers: dict[tuple[int, str], list[int]] = defaultdict(list)
    any_officer: dict[int, list[int]] = defaultdict(list)
    for user_id, role, department_id in RoleAssignment.objects.filter(
        department__isnull=False, user__is_active=True
    ).values_list("user_id", "role", "department_id"):
        any_officer[department_id].append(user_id)
        if role in WORKFLOW_ROLES:
            officers[(department_id, WORKFLOW_ROLES[role])].append(user_id)
    return Catalog(
        versions=versions,
        weights=weights,
        overrides={v.pk: case_workflow_overrides(v) for v in versions},
        materials=materials,
        officers=officers,
        any_officer=any_officer,
        region_of={v.pk: v.item.department.region.code for v in versions},
    )
