"""Roles ↔ groups, role assignment and applicant profiles."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import DepartmentFactory, UserFactory
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Citizen, EnterpriseMember, Role, RoleAssignment
from yiwang.identity.services import (
    RoleAssignmentError,
    citizen_register,
    department_set_active,
    enterprise_add_member,
    enterprise_register,
    role_assign,
    role_revoke,
    roles_sync_groups,
)

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
VALID_USCC = "91350100M000100Y43"


def _perms(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


# --- groups ----------------------------------------------------------------------


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {r.value for r in Role}


def test_roles_sync_groups_is_idempotent():
    roles_sync_groups()
    counts = (Group.objects.count(), Group.permissions.through.objects.count())
    roles_sync_groups()
    assert (Group.objects.count(), Group.permissions.through.objects.count()) == counts


def test_roles_sync_groups_recreates_a_deleted_group():
    Group.objects.filter(name=Role.REVIEWER).delete()
    roles_sync_groups()
    assert "identity.view_department" in _perms(Role.REVIEWER)


def test_catalog_admin_permissions():
    perms = _perms(Role.CATALOG_ADMIN)
    assert {
        "catalog.add_serviceitem",
        "catalog.change_serviceversion",
        "catalog.view_material",
        "core.add_calendarday",
        "core.change_calendaryear",
        "identity.change_department",
    } <= perms
    assert "core.view_auditentry" not in perms
    assert "catalog.delete_serviceitem" not in perms


def test_officers_view_departments_and_applicants_have_nothing():
    assert "identity.view_department" in _perms(Role.INTAKE_CLERK)
    assert "identity.change_department" not in _perms(Role.INTAKE_CLERK)
    assert _perms(Role.CITIZEN) == set()


def test_roles_sync_groups_keeps_permissions_granted_by_hand():
    group = Group.objects.get(name=Role.CITIZEN)
    from django.contrib.auth.models import Permission

    group.permissions.add(Permission.objects.get(codename="view_region"))
    roles_sync_groups()
    assert _perms(Role.CITIZEN) == {"identity.view_region"}


# --- role_assign / role_revoke -----------------------------------------------------------


@pytest.fixture
def admin_user():
    return UserFactory(is_superuser=True, is_staff=True)


def test_role_assign_department_role(admin_user):
    # given an officer and a department
    user, department = UserFactory(), DepartmentFactory()
    # when the admin assigns the intake clerk role there
    assignment = role_assign(
        user=user, role=Role.INTAKE_CLERK, department=department, actor=admin_user
    )
    # then the assignment exists, the user is in the group, and it is audited
    assert assignment.department == department
    assert user.groups.filter(name="intake_clerk").exists()
    assert not user.is_staff
    entry = AuditEntry.objects.get(action="identity.role_assign")
    assert entry.actor == admin_user
    assert entry.target_id == str(user.pk)
    assert entry.data == {"role": "intake_clerk", "department": department.code}


def test_department_role_needs_a_department(admin_user):
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=UserFactory(), role=Role.REVIEWER, actor=admin_user)
    assert "choose the department" in str(excinfo.value)
    assert not RoleAssignment.objects.exists()


@pytest.mark.parametrize("role", [Role.CATALOG_ADMIN, Role.CITIZEN, Role.ENTERPRISE])
def test_city_wide_role_must_not_have_a_department(admin_user, role):
    with pytest.raises(ValidationError) as excinfo:
        role_assign(user=UserFactory(), role=role, department=DepartmentFactory(), actor=admin_user)
    assert "city-wide" in str(excinfo.value)


def test_unknown_role_is_refused(admin_user):
    with pytest.raises(RoleAssignmentError):
        role_assign(user=UserFactory(), role="mayor", actor=admin_user)


def test_role_assign_twice_is_refused(admin_user):
    user = UserFactory()
    role_assign(user=user, role=Role.CITY_LEADER, actor=admin_user)
    with pytest.raises(RoleAssignmentError) as excinfo:
        role_assign(user=user, role=Role.CITY_LEADER, actor=admin_user)
    assert "already holds" in str(excinfo.value)


def test_actor_without_permission_is_refused():
    with pytest.raises(PermissionDenied):
        role_assign(user=UserFactory(), role=Role.CITY_LEADER, actor=UserFactory())
    assert not RoleAssignment.objects.exists()


def test_catalog_admin_becomes_staff_and_stops_being_staff(admin_user):
    user = UserFactory()
    role_assign(user=user, role=Role.CATALOG_ADMIN, actor=admin_user)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("catalog.add_serviceitem")

    role_revoke(user=user, role=Role.CATALOG_ADMIN, actor=admin_user)
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.filter(name="catalog_admin").exists()
    assert AuditEntry.objects.filter(action="identity.role_revoke").count() == 1


def test_revoking_one_department_keeps_the_group_while_another_remains(admin_user):
    user, first, second = UserFactory(), DepartmentFactory(), DepartmentFactory()
    role_assign(user=user, role=Role.REVIEWER, department=first, actor=admin_user)
    role_assign(user=user, role=Role.REVIEWER, department=second, actor=admin_user)

    role_revoke(user=user, role=Role.REVIEWER, department=first, actor=admin_user)
    assert user.groups.filter(name="reviewer").exists()

    role_revoke(user=user, role=Role.REVIEWER, department=second, actor=admin_user)
    assert not user.groups.filter(name="reviewer").exists()


def test_revoking_a_role_not_held(admin_user):
    with pytest.raises(RoleAssignmentError) as excinfo:
        role_revoke(user=UserFactory(), role=Role.CITY_LEADER, actor=admin_user)
    assert "does not hold" in str(excinfo.value)


def test_system_actor_needs_no_permission():
    role_assign(user=UserFactory(), role=Role.INTEGRATOR, actor=None)
    assert AuditEntry.objects.get(action="identity.role_assign").actor_label == "system"


# --- applicant profiles --------------------------------------------------------------


def test_citizen_register():
    user = UserFactory()
    citizen = citizen_register(
        user=user, name=" 张三 ", resident_id="11010519491231002x", phone="13812345678"
    )
    citizen.refresh_from_db()
    assert citizen.name == "张三"
    assert citizen.resident_id == VALID_ID  # normalized: upper-case X
    assert RoleAssignment.objects.filter(user=user, role=Role.CITIZEN).exists()
    entry = AuditEntry.objects.get(action="identity.citizen_register")
    assert entry.actor == user
    assert entry.data == {"resident_id": "1101**********002X"}


def test_citizen_register_rejects_a_bad_resident_id_with_field_errors():
    with pytest.raises(ValidationError) as excinfo:
        citizen_register(
            user=UserFactory(), name="张三", resident_id="110105194912310021", phone=""
        )
    assert "resident_id" in excinfo.value.message_dict
    assert "check character" in excinfo.value.message_dict["resident_id"][0]
    assert not Citizen.objects.exists()
    assert not AuditEntry.objects.exists()


def test_citizen_register_rejects_a_taken_resident_id_in_any_case():
    citizen_register(user=UserFactory(), name="张三", resident_id=VALID_ID, phone="")
    with pytest.raises(ValidationError) as excinfo:
        citizen_register(user=UserFactory(), name="李四", resident_id=VALID_ID.lower(), phone="")
    assert "resident_id" in excinfo.value.message_dict


def test_citizen_register_twice_for_one_user():
    user = UserFactory()
    citizen_register(user=user, name="张三", resident_id=VALID_ID, phone="")
    with pytest.raises(ValidationError):
        citizen_register(user=user, name="张三", resident_id="440524188001010014", phone="")


def test_citizen_register_rejects_a_bad_phone():
    with pytest.raises(ValidationError) as excinfo:
        citizen_register(user=UserFactory(), name="张三", resident_id=VALID_ID, phone="12")
    assert "phone" in excinfo.value.message_dict


def test_enterprise_register_and_members():
    # given an agent who registers an enterprise
    agent = UserFactory()
    enterprise = enterprise_register(
        user=agent,
        name="济南测试有限公司",
        uscc=VALID_USCC.lower(),
        legal_representative="王五",
        is_legal_representative=True,
    )
    assert enterprise.uscc == VALID_USCC
    assert EnterpriseMember.objects.get(enterprise=enterprise, user=agent).is_legal_representative
    assert RoleAssignment.objects.filter(user=agent, role=Role.ENTERPRISE).exists()

    # when the agent adds a colleague who already acts for another enterprise
    colleague = UserFactory()
    enterprise_register(
        user=colleague, name="另一家公司", uscc="914403001922038216", legal_representative="赵六"
    )
    enterprise_add_member(
        enterprise=enterprise, user=colleague, actor=agent, authorisation="授权委托书 2026-01"
    )

    # then the colleague acts for both, holding one enterprise role
    assert colleague.enterprises.count() == 2
    assert RoleAssignment.objects.filter(user=colleague, role=Role.ENTERPRISE).count() == 1
    assert AuditEntry.objects.filter(action="identity.enterprise_add_member").count() == 1


def test_enterprise_register_rejects_a_bad_or_taken_uscc():
    with pytest.raises(ValidationError) as excinfo:
        enterprise_register(
            user=UserFactory(), name="X", uscc="91350100M000100Y44", legal_representative="王五"
        )
    assert "uscc" in excinfo.value.message_dict
    enterprise_register(user=UserFactory(), name="X", uscc=VALID_USCC, legal_representative="王五")
    with pytest.raises(ValidationError):
        enterprise_register(
            user=UserFactory(), name="Y", uscc=VALID_USCC, legal_representative="王五"
        )


def test_only_an_agent_may_add_members():
    enterprise = enterprise_register(
        user=UserFactory(), name="X", uscc=VALID_USCC, legal_representative="王五"
    )
    with pytest.raises(PermissionDenied):
        enterprise_add_member(enterprise=enterprise, user=UserFactory(), actor=UserFactory())


def test_adding_a_member_twice_is_refused():
    agent = UserFactory()
    enterprise = enterprise_register(
        user=agent, name="X", uscc=VALID_USCC, legal_representative="王五",
        is_legal_representative=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        enterprise_add_member(enterprise=enterprise, user=agent, actor=agent)
    assert "already acts for" in str(excinfo.value)


def test_only_who_may_change_departments_switches_one_off():
    department = DepartmentFactory()

    with pytest.raises(PermissionDenied):
        department_set_active(department=department, active=False, actor=UserFactory())

    department.refresh_from_db()
    assert department.is_active
    assert not AuditEntry.objects.filter(action__startswith="identity.department_").exists()
    # the system may; switching it to what it is already records nothing
    assert department_set_active(department=department, active=False, actor=None)
    assert not department_set_active(department=department, active=False, actor=None)
    assert AuditEntry.objects.filter(action="identity.department_deactivate").count() == 1
