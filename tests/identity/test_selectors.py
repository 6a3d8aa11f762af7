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
    officer_department_ids,
    role_pairs,
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


def test_officer_department_ids_with_a_role_filter_and_role_pairs(django_assert_num_queries):
    """The one rule for "which departments an officer acts for", here with the events'
    role filter: a handler's departments are those where they hold the handler role, in an
    active department; the supervisor role elsewhere does not count; a deactivated
    department grants nothing; an inactive user acts for none."""
    cg, hb, shut = (DepartmentFactory(code=c) for c in ("CG", "HB", "SHUT"))
    person = make_officer(cg, Role.DEPARTMENT_HANDLER)
    role_assign(user=person, role=Role.SUPERVISOR, department=hb, actor=None)
    role_assign(user=person, role=Role.DEPARTMENT_HANDLER, department=shut, actor=None)
    role_assign(user=person, role=Role.HOTLINE_OPERATOR, actor=None)
    shut.is_active = False
    shut.save(update_fields=["is_active"])
    handler = frozenset({Role.DEPARTMENT_HANDLER})

    with django_assert_num_queries(1):
        handled = set(officer_department_ids(person, handler))
    with django_assert_num_queries(1):
        pairs = set(role_pairs(person))

    assert handled == {cg.pk}
    assert set(officer_department_ids(person, frozenset({Role.SUPERVISOR}))) == {hb.pk}
    assert set(officer_department_ids(person)) == {cg.pk, hb.pk}
    assert pairs == {
        (Role.DEPARTMENT_HANDLER, cg.pk),
        (Role.SUPERVISOR, hb.pk),
        (Role.HOTLINE_OPERATOR, None),
    }
    person.is_active = False
    assert set(officer_department_ids(person, handler)) == set()
    assert role_pairs(person) == []
    assert role_pairs(AnonymousUser()) == []
