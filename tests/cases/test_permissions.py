"""Who may reach a case: a deactivated department grants nobody anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import T0, case_world, submitted_case
from tests.snapshots import snapshot
from yiwang.cases.errors import CaseNotFound
from yiwang.cases.permissions import is_officer_of, workflow_roles_in_department
from yiwang.cases.selectors import material_get_for_user

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_officers_of_a_deactivated_department_reach_nothing_of_its_cases(clock):
    # Given: a case of a department, then the department is deactivated
    clock.move_to(T0, tick=False)
    world = case_world()
    case = submitted_case(world)
    clerk = world.clerk
    assert is_officer_of(clerk, case.department_id)
    material = case.application.materials.first()
    case.department.is_active = False
    case.department.save(update_fields=["is_active"])
    before = snapshot(case)
    client = as_user(clerk)

    # When: its former clerk tries the case by number, page, file and command
    answers = {
        "api case": client.get(f"/api/v1/officer/cases/{case.number}").status_code,
        "api file": client.get(f"/api/v1/materials/{material.pk}/file").status_code,
        "api accept": client.post(
            f"/api/v1/officer/cases/{case.number}/commands/accept",
            {"expected_version": case.version},
            "application/json",
        ).status_code,
        "workbench page": client.get(
            reverse("workbench:case", kwargs={"number": case.number})
        ).status_code,
        "workbench file": client.get(
            reverse("workbench:material", kwargs={"material_id": material.pk})
        ).status_code,
        "portal file": client.get(
            reverse("portal:material_download", kwargs={"material_id": material.pk})
        ).status_code,
    }

    # Then: refused everywhere, and nothing changed (no view was even recorded)
    assert all(code in (403, 404) for code in answers.values()), answers
    assert not is_officer_of(clerk, case.department_id)
    assert workflow_roles_in_department(clerk, case.department_id) == set()
    assert snapshot(case) == before
    with pytest.raises(CaseNotFound):
        material_get_for_user(user=clerk, material_id=material.pk)
