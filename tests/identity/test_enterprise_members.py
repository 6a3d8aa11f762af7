"""Who may act for an enterprise (法人代办), and who may say so: the membership services.

Found in review: the admin wrote agent rows around the services (no audit, no
power of attorney), any agent could add agents, and an agent could make anyone
(themselves included) a legal representative. Only a current legal
representative adds agents; only an administrator records a legal representative.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import UserFactory, uscc
from yiwang.core.models import AuditEntry
from yiwang.identity.models import EnterpriseMember
from yiwang.identity.services import (
    enterprise_add_member,
    enterprise_member_remove,
    enterprise_member_update,
    enterprise_register,
)

pytestmark = pytest.mark.django_db

ATTORNEY = "授权委托书 2026-03-01"


def _members(enterprise):
    return list(
        EnterpriseMember.objects.filter(enterprise=enterprise)
        .order_by("pk")
        .values("user_id", "is_legal_representative", "authorisation", "valid_until")
    )


def _state(enterprise):
    return (_members(enterprise), AuditEntry.objects.count())


@pytest.fixture
def firm():
    """An enterprise with its legal representative (registered so) and one agent."""
    rep = UserFactory()
    enterprise = enterprise_register(
        user=rep, name="济南泉城味道餐饮有限公司", uscc=uscc(), legal_representative="李华",
        is_legal_representative=True,
    )  # fmt: skip
    agent = UserFactory()
    enterprise_add_member(enterprise=enterprise, user=agent, actor=rep, authorisation=ATTORNEY)
    return enterprise, rep, agent


def administrator(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="identity", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def test_an_agent_may_not_add_agents(firm):
    enterprise, _rep, agent = firm
    before = _state(enterprise)

    with pytest.raises(PermissionDenied):
        enterprise_add_member(
            enterprise=enterprise, user=UserFactory(), actor=agent, authorisation=ATTORNEY
        )

    assert _state(enterprise) == before


def test_a_legal_representative_whose_term_ended_may_not_add_agents(firm, clock):
    # Given: the legal representative's membership ended yesterday (the clock is 3 March 2026)
    enterprise, rep, _agent = firm
    EnterpriseMember.objects.filter(user=rep).update(valid_until=date(2026, 3, 2))
    before = _state(enterprise)

    with pytest.raises(PermissionDenied):
        enterprise_add_member(
            enterprise=enterprise, user=UserFactory(), actor=rep, authorisation=ATTORNEY
        )

    assert _state(enterprise) == before


@pytest.mark.parametrize("who", ["agent", "rep"])
def test_nobody_but_an_administrator_makes_a_legal_representative(firm, who):
    enterprise, rep, agent = firm
    actor = {"agent": agent, "rep": rep}[who]
    before = _state(enterprise)

    with pytest.raises(PermissionDenied):
        enterprise_add_member(
            enterprise=enterprise, user=UserFactory(), actor=actor, is_legal_representative=True
        )

    assert _state(enterprise) == before


def test_an_agent_cannot_promote_themselves(firm):
    enterprise, _rep, agent = firm
    member = EnterpriseMember.objects.get(user=agent)
    before = _state(enterprise)

    with pytest.raises(PermissionDenied):
        enterprise_member_update(
            member=member, actor=agent, is_legal_representative=True, authorisation="",
            valid_until=None,
        )  # fmt: skip

    assert _state(enterprise) == before


def test_an_administrator_records_a_legal_representative(firm):
    enterprise, _rep, _agent = firm
    admin = administrator("add_enterprisemember")
    new_rep = UserFactory()

    enterprise_add_member(
        enterprise=enterprise, user=new_rep, actor=admin, is_legal_representative=True
    )

    assert EnterpriseMember.objects.get(user=new_rep).is_legal_representative
    entry = AuditEntry.objects.filter(action="identity.enterprise_add_member").latest("id")
    assert (entry.actor, entry.data["is_legal_representative"]) == (admin, True)


def test_the_legal_representative_extends_and_removes_an_agent_audited(firm):
    _enterprise, rep, agent = firm
    member = EnterpriseMember.objects.get(user=agent)

    enterprise_member_update(
        member=member, actor=rep, is_legal_representative=False, authorisation=ATTORNEY,
        valid_until=date(2026, 12, 31),
    )  # fmt: skip
    enterprise_member_remove(member=member, actor=rep)

    assert not EnterpriseMember.objects.filter(user=agent).exists()
    update, remove = (
        AuditEntry.objects.get(action="identity.enterprise_member_update"),
        AuditEntry.objects.get(action="identity.enterprise_member_remove"),
    )
    assert update.data["before"]["valid_until"] is None
    assert update.data["after"]["valid_until"] == "2026-12-31"
    assert (remove.actor, remove.data["agent"]) == (rep, agent.username)


def test_an_update_keeps_the_power_of_attorney_rule(firm):
    enterprise, rep, agent = firm
    member = EnterpriseMember.objects.get(user=agent)
    before = _state(enterprise)

    with pytest.raises(ValidationError) as refused:
        enterprise_member_update(
            member=member, actor=rep, is_legal_representative=False, authorisation=" ",
            valid_until=None,
        )  # fmt: skip

    assert "authorisation" in refused.value.message_dict
    assert _state(enterprise) == before


def test_the_legal_representative_cannot_remove_another_legal_representative(firm):
    enterprise, rep, _agent = firm
    other_rep = UserFactory()
    enterprise_add_member(
        enterprise=enterprise, user=other_rep, actor=None, is_legal_representative=True
    )
    before = _state(enterprise)

    with pytest.raises(PermissionDenied):
        enterprise_member_remove(member=EnterpriseMember.objects.get(user=other_rep), actor=rep)

    assert _state(enterprise) == before
