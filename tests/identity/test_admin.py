"""The identity admin opens for a superuser and changes roles through the services."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import T0, DepartmentFactory, UserFactory
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Citizen, Enterprise, EnterpriseMember, Role, RoleAssignment
from yiwang.identity.services import role_assign

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.admin = admin
    return client


@pytest.fixture
def sample_data():
    user = UserFactory(phone="13812345678")
    Citizen.objects.create(user=user, name="张三", resident_id="11010519491231002X")
    department = DepartmentFactory()
    role_assign(user=user, role=Role.REVIEWER, department=department, actor=None)
    enterprise = Enterprise.objects.create(
        name="测试公司", uscc="91350100M000100Y43", legal_representative="王五"
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=user)
    return {"user": user, "department": department, "enterprise": enterprise}


MODELS = ["user", "roleassignment", "region", "department", "enterprise"]


@pytest.mark.parametrize("model", MODELS)
def test_changelist_and_add_pages_open(superuser_client, sample_data, model):
    changelist = superuser_client.get(reverse(f"admin:identity_{model}_changelist"))
    assert changelist.status_code == 200
    assert superuser_client.get(reverse(f"admin:identity_{model}_add")).status_code == 200


def test_change_pages_open(superuser_client, sample_data):
    for model, obj in [
        ("user", sample_data["user"]),
        ("department", sample_data["department"]),
        ("enterprise", sample_data["enterprise"]),
        ("roleassignment", RoleAssignment.objects.first()),
    ]:
        url = reverse(f"admin:identity_{model}_change", args=[obj.pk])
        assert superuser_client.get(url).status_code == 200


def test_user_list_masks_resident_ids(superuser_client, sample_data):
    html = superuser_client.get(reverse("admin:identity_user_changelist")).content.decode()
    assert "1101**********002X" in html
    assert "11010519491231002X" not in html
    assert "138****5678" in html


def test_adding_a_role_assignment_goes_through_the_service(superuser_client):
    user = UserFactory()
    response = superuser_client.post(
        reverse("admin:identity_roleassignment_add"),
        {"user": user.pk, "role": Role.CATALOG_ADMIN, "department": ""},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name="catalog_admin").exists()
    assert AuditEntry.objects.get(action="identity.role_assign").actor == superuser_client.admin


def test_admin_rejects_a_department_role_without_department(superuser_client):
    response = superuser_client.post(
        reverse("admin:identity_roleassignment_add"),
        {"user": UserFactory().pk, "role": Role.REVIEWER, "department": ""},
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.exists()


def test_deleting_a_role_assignment_goes_through_the_service(superuser_client, sample_data):
    assignment = RoleAssignment.objects.get()
    response = superuser_client.post(
        reverse("admin:identity_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not sample_data["user"].groups.filter(name="reviewer").exists()
    assert AuditEntry.objects.filter(action="identity.role_revoke").exists()


def test_forgetting_failed_sign_ins_lets_the_account_in_at_once(superuser_client):
    # given zhangsan's account slowed down by guesses from one network, and another's too
    zhangsan = UserFactory(username="zhangsan")
    UserFactory(username="lisi")
    with time_machine.travel(T0, tick=False):
        for username in ("zhangsan", "lisi"):
            for _ in range(5):
                Client().post(
                    reverse("identity:login"),
                    {"username": username, "password": "guess"},
                    REMOTE_ADDR="203.0.113.7",
                )
        # when an administrator forgets zhangsan's failed sign-ins
        response = superuser_client.post(
            reverse("admin:identity_user_changelist"),
            {"action": "forget_failed_signins", "_selected_action": [zhangsan.pk]},
        )
        # then zhangsan signs in at once from that network, and lisi still waits
        assert response.status_code == 302
        for username, expected in (("zhangsan", 302), ("lisi", 200)):
            answer = Client().post(
                reverse("identity:login"),
                {"username": username, "password": "correct-horse-battery"},
                REMOTE_ADDR="203.0.113.7",
            )
            assert answer.status_code == expected
    entry = AuditEntry.objects.get(action="identity.login_throttle_clear")
    assert (entry.actor, entry.target_id) == (superuser_client.admin, str(zhangsan.pk))


def test_the_throttles_are_listed_read_only(superuser_client):
    with time_machine.travel(T0, tick=False):
        Client().post(
            reverse("identity:login"),
            {"username": "nobody", "password": "guess"},
            REMOTE_ADDR="203.0.113.7",
        )
    response = superuser_client.get(reverse("admin:identity_throttle_changelist"))

    assert response.status_code == 200
    assert "nobody|203.0.113.7" in response.content.decode()
    assert superuser_client.get(reverse("admin:identity_throttle_add")).status_code == 403


def _user_change_data(user, roles):
    data = {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "citizen-TOTAL_FORMS": "0",
        "citizen-INITIAL_FORMS": "0",
        "citizen-MIN_NUM_FORMS": "0",
        "citizen-MAX_NUM_FORMS": "1",
    }
    for index, (role, department) in enumerate(roles):
        data[f"role_assignments-{index}-role"] = role
        data[f"role_assignments-{index}-department"] = department.pk if department else ""
        data[f"role_assignments-{index}-user"] = user.pk
    return data


def test_user_form_role_inline_goes_through_the_service(superuser_client):
    user, department = UserFactory(), DepartmentFactory()
    url = reverse("admin:identity_user_change", args=[user.pk])
    response = superuser_client.post(
        url, _user_change_data(user, [(Role.INTAKE_CLERK, department), (Role.CATALOG_ADMIN, None)])
    )
    assert response.status_code == 302, response.context["errors"]
    user.refresh_from_db()
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"intake_clerk", "catalog_admin"}
    assert AuditEntry.objects.filter(action="identity.role_assign").count() == 2


def test_user_form_role_inline_validates_the_department(superuser_client):
    user = UserFactory()
    url = reverse("admin:identity_user_change", args=[user.pk])
    response = superuser_client.post(url, _user_change_data(user, [(Role.REVIEWER, None)]))
    assert response.status_code == 200
    assert "choose the department" in response.content.decode()
    assert not RoleAssignment.objects.exists()


# --- enterprise agents and departments: through the services, audited ----------------------

MEMBERS = "enterprisemember_set"


def _enterprise_change_data(enterprise, rows, *, initial=0):
    """The enterprise's change form with agent ``rows`` (dicts of the inline's fields)."""
    data = {
        "name": enterprise.name,
        "uscc": enterprise.uscc,
        "legal_representative": enterprise.legal_representative,
        "address": enterprise.address,
        "region": "",
        f"{MEMBERS}-TOTAL_FORMS": str(len(rows)),
        f"{MEMBERS}-INITIAL_FORMS": str(initial),
        f"{MEMBERS}-MIN_NUM_FORMS": "0",
        f"{MEMBERS}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{MEMBERS}-{index}-{field}"] = "on"
            else:
                data[f"{MEMBERS}-{index}-{field}"] = "" if value is None else value
        data[f"{MEMBERS}-{index}-enterprise"] = enterprise.pk
    return data


def test_adding_an_agent_in_the_admin_needs_a_power_of_attorney(superuser_client, sample_data):
    enterprise = sample_data["enterprise"]
    member = EnterpriseMember.objects.get()
    agent = UserFactory()
    existing = {"id": member.pk, "user": member.user_id, "is_legal_representative": True}
    url = reverse("admin:identity_enterprise_change", args=[enterprise.pk])
    before = (list(EnterpriseMember.objects.values()), AuditEntry.objects.count())

    response = superuser_client.post(
        url,
        _enterprise_change_data(
            enterprise, [existing, {"user": agent.pk, "authorisation": ""}], initial=1
        ),
    )

    assert response.status_code == 200
    assert "power of attorney" in response.content.decode()
    assert (list(EnterpriseMember.objects.values()), AuditEntry.objects.count()) == before


def test_the_admins_agent_rows_go_through_the_services(superuser_client, sample_data):
    # Given: the sample enterprise, whose one member (an agent without attorney) is made legal
    # representative, and a new agent added, in one save
    enterprise = sample_data["enterprise"]
    member = EnterpriseMember.objects.get()
    agent = UserFactory()
    url = reverse("admin:identity_enterprise_change", args=[enterprise.pk])
    rows = [
        {"id": member.pk, "user": member.user_id, "is_legal_representative": True},
        {"user": agent.pk, "authorisation": "授权委托书 2026-03", "valid_until": "2026-12-31"},
    ]

    response = superuser_client.post(url, _enterprise_change_data(enterprise, rows, initial=1))

    # Then: both written by the services, audited with the administrator as actor
    assert response.status_code == 302
    assert EnterpriseMember.objects.get(pk=member.pk).is_legal_representative
    added = EnterpriseMember.objects.get(user=agent)
    assert (added.authorisation, str(added.valid_until)) == ("授权委托书 2026-03", "2026-12-31")
    actions = {
        entry.action: entry.actor
        for entry in AuditEntry.objects.filter(action__startswith="identity.enterprise_")
    }
    assert actions == {
        "identity.enterprise_member_update": superuser_client.admin,
        "identity.enterprise_add_member": superuser_client.admin,
    }

    # And when the agent's row is deleted, that is audited too
    added_row = {**rows[1], "id": added.pk, "DELETE": True}
    rows = [{**rows[0], "id": member.pk}, added_row]
    response = superuser_client.post(url, _enterprise_change_data(enterprise, rows, initial=2))
    assert response.status_code == 302
    assert not EnterpriseMember.objects.filter(user=agent).exists()
    removed = AuditEntry.objects.get(action="identity.enterprise_member_remove")
    assert (removed.actor, removed.data["agent"]) == (superuser_client.admin, agent.username)


def _department_change_data(department, *, active):
    data = {
        "code": department.code,
        "name_zh": department.name_zh,
        "name_en": department.name_en,
        "short_name_zh": department.short_name_zh,
        "kind": department.kind,
        "region": department.region_id,
        "parent": "",
        "address_zh": "",
        "address_en": "",
        "phone": "",
        "office_hours_zh": "",
        "office_hours_en": "",
    }
    if active:
        data["is_active"] = "on"
    return data


def test_deactivating_and_reactivating_a_department_is_audited(superuser_client, sample_data):
    department = sample_data["department"]
    url = reverse("admin:identity_department_change", args=[department.pk])

    assert (
        superuser_client.post(url, _department_change_data(department, active=False)).status_code
        == 302
    )
    department.refresh_from_db()
    assert not department.is_active
    assert (
        superuser_client.post(url, _department_change_data(department, active=True)).status_code
        == 302
    )

    department.refresh_from_db()
    assert department.is_active
    entries = AuditEntry.objects.filter(action__startswith="identity.department_").order_by("id")
    assert [(e.action, e.actor, e.data["role_assignments"]) for e in entries] == [
        ("identity.department_deactivate", superuser_client.admin, 1),
        ("identity.department_reactivate", superuser_client.admin, 1),
    ]


def test_deactivating_a_user_in_the_admin_goes_through_the_service(superuser_client):
    """The “active” box: audited, and what hangs on the account (webhooks) stops."""
    from yiwang.integrations.models import EventType
    from yiwang.integrations.services import webhook_endpoint_register

    user = UserFactory()
    role_assign(user=user, role=Role.INTEGRATOR, actor=None)
    endpoint = webhook_endpoint_register(
        owner=user, url="https://8.8.8.8/hook", event_types=[EventType.PING]
    ).endpoint
    data = _user_change_data(user, [(Role.INTEGRATOR, None)])
    data["role_assignments-INITIAL_FORMS"] = "1"
    data["role_assignments-0-id"] = RoleAssignment.objects.get(user=user).pk
    del data["is_active"]
    url = reverse("admin:identity_user_change", args=[user.pk])

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    user.refresh_from_db()
    endpoint.refresh_from_db()
    assert not user.is_active
    assert not endpoint.active
    entry = AuditEntry.objects.get(action="identity.user_deactivate")
    assert entry.actor == superuser_client.admin
    assert AuditEntry.objects.filter(
        action="webhook_endpoint.deactivate", actor=superuser_client.admin
    ).exists()


def test_revoking_the_integrator_role_in_the_user_form_stops_the_webhooks(superuser_client):
    from yiwang.integrations.models import EventType
    from yiwang.integrations.services import webhook_endpoint_register

    user = UserFactory()
    role_assign(user=user, role=Role.INTEGRATOR, actor=None)
    endpoint = webhook_endpoint_register(
        owner=user, url="https://8.8.8.8/hook", event_types=[EventType.PING]
    ).endpoint
    url = reverse("admin:identity_user_change", args=[user.pk])
    data = _user_change_data(user, [(Role.INTEGRATOR, None)])
    data.update(
        {
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-0-id": RoleAssignment.objects.get(user=user).pk,
            "role_assignments-0-DELETE": "on",
        }
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(
        action="webhook_endpoint.deactivate", actor=superuser_client.admin
    ).exists()
