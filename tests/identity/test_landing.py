"""Where a user lands: decided from the roles the identity selector reads (``role_pairs``),
so the rule on which roles count (active user, active department) lives in one place and
a request reads them once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory
from yiwang.identity.landing import landing_page
from yiwang.identity.models import Role
from yiwang.identity.selectors import role_pairs, roles_cached
from yiwang.identity.services import role_assign

pytestmark = pytest.mark.django_db


def test_within_a_request_the_landing_reads_no_roles_again(django_assert_num_queries):
    # given a reviewer whose roles the request has already read (the navigation does)
    user = UserFactory()
    role_assign(user=user, role=Role.REVIEWER, department=DepartmentFactory(), actor=None)
    with roles_cached():
        role_pairs(user)

        # then the landing asks the database nothing more
        with django_assert_num_queries(0):
            landing = landing_page(user)

    assert (landing.url, landing.home) == (reverse("workbench:queue"), False)


def test_a_role_in_a_deactivated_department_or_of_an_inactive_user_counts_for_nothing():
    reviewer = UserFactory()
    role_assign(
        user=reviewer,
        role=Role.REVIEWER,
        department=DepartmentFactory(is_active=False),
        actor=None,
    )
    leader = UserFactory(is_active=False)
    role_assign(user=leader, role=Role.CITY_LEADER, actor=None)

    for user in (reviewer, leader, AnonymousUser()):
        landing = landing_page(user)
        assert (landing.url, landing.home) == (reverse("portal:home"), True)
