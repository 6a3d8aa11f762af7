"""Reads: a user's departments and roles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import DepartmentFactory, UserFactory
from tests.factories import officer as make_officer
from yiwang.identity.models import Role
from yiwang.identity.selectors import (
    enterprises_for_user,
    is_officer,
    officer_assignments,
    user_has_role,
)
from yiwang.identity.services import role_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = UserFactory()
    first, second, inactive = (
        DepartmentFactory(code="B"),
        DepartmentFactory(code="A"),
        DepartmentFactory(code="C", is_active=False),
    )
    role_assign(user=user, role=Role.INTAKE_CLERK, department=first, actor=None)
    role_assign(user=user, role=Role.REVIEWER, department=first, actor=None)
    role_assign(user=user, role=Role.REVIEWER, department=second, actor=None)
    role_assign(user=user, role=Role.REVIEWER, department=inactive, actor=None)
    role_assign(user=user, role=Role.CITY_LEADER, actor=None)
    user.departments = {"first": first, "second": second, "inactive": inactive}
    return user


def test_user_has_role(officer, django_assert_num_queries):
    first, second = officer.departments["first"], officer.departments["second"]
    with django_assert_num_queries(1):
        assert user_has_role(officer, Role.INTAKE_CLERK, first)
    assert user_has_role(officer, Role.INTAKE_CLERK)
    assert not user_has_role(officer, Role.INTAKE_CLERK, second)
    assert user_has_role(officer, "city_leader")
    assert not user_has_role(officer, Role.APPROVER)
    assert not user_has_role(AnonymousUser(), Role.CITIZEN)


def test_inactive_user_holds_no_role(officer):
    officer.is_active = False
    assert not user_has_role(officer, Role.CITY_LEADER)


def test_enterprises_for_user():
    assert list(enterprises_for_user(UserFactory())) == []


def test_which_departments_an_officer_acts_for_is_one_rule(django_assert_num_queries):
    """Active departments only, department roles only, one query; nobody for the inactive."""
    open_dept, closed_dept = DepartmentFactory(code="OPEN"), DepartmentFactory(code="SHUT")
    clerk = make_officer(open_dept, Role.INTAKE_CLERK)
    role_assign(user=clerk, role=Role.REVIEWER, department=closed_dept, actor=None)
    closed_dept.is_active = False
    closed_dept.save(update_fields=["is_active"])
    citizen_user = UserFactory()

    with django_assert_num_queries(1):
        assignments = officer_assignments(clerk)

    assert [(a.department.code, a.role) for a in assignments] == [("OPEN", Role.INTAKE_CLERK)]
    assert is_officer(clerk)
    assert not is_officer(citizen_user)
