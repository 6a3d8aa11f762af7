"""Webhooks do not outlive their owner's right to them. Found by an audit: an integrator
whose role was revoked, or whose account was switched off, kept receiving every event
their endpoints subscribed to."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.clock import NOW
from tests.factories import UserFactory
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role, RoleAssignment
from yiwang.identity.services import role_assign, role_revoke, user_set_active
from yiwang.integrations.models import EventType, WebhookDelivery, WebhookEndpoint
from yiwang.integrations.services import (
    webhook_deliver,
    webhook_endpoint_register,
    webhook_event_publish,
)

pytestmark = pytest.mark.django_db

PUBLIC = "https://8.8.8.8/hooks/yiwang"  # a public address: no DNS needed in the test


@pytest.fixture
def administrator():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def integrator():
    user = UserFactory()
    role_assign(user=user, role=Role.INTEGRATOR, actor=None)
    return user


@pytest.fixture
def pending(integrator):
    """Two endpoints of the integrator, each with a pending delivery."""
    for path in ("a", "b"):
        webhook_endpoint_register(
            owner=integrator, url=f"{PUBLIC}/{path}", event_types=[EventType.PING]
        )
    return webhook_event_publish(type=EventType.PING, payload={"n": 1})


def _stopped(integrator, actor, cancelled_by_deactivation=(1, 1)):
    """The owner's endpoints are all inactive, every delivery cancelled, and each endpoint's
    deactivation audited by ``actor`` with the deliveries it cancelled."""
    assert not WebhookEndpoint.objects.filter(owner=integrator, active=True).exists()
    statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == {WebhookDelivery.Status.CANCELLED}
    entries = AuditEntry.objects.filter(action="webhook_endpoint.deactivate")
    assert sorted((e.actor_id, e.data["deliveries_cancelled"]) for e in entries) == [
        (actor.pk if actor else None, count) for count in cancelled_by_deactivation
    ]
    return True


def test_revoking_the_integrator_role_stops_the_owners_webhooks(integrator, pending, administrator):
    role_revoke(user=integrator, role=Role.INTEGRATOR, actor=administrator)

    assert _stopped(integrator, administrator)
    assert AuditEntry.objects.filter(action="identity.role_revoke", actor=administrator).exists()
    assert webhook_deliver(delivery_id=pending[0].pk, at=NOW) is None


def test_revoking_another_role_leaves_the_webhooks(integrator, pending, administrator):
    role_assign(user=integrator, role=Role.CITIZEN, actor=None)

    role_revoke(user=integrator, role=Role.CITIZEN, actor=administrator)

    assert WebhookEndpoint.objects.filter(owner=integrator, active=True).count() == 2
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        WebhookDelivery.Status.PENDING
    }
    assert not AuditEntry.objects.filter(action="webhook_endpoint.deactivate").exists()


def test_deactivating_the_owners_account_stops_the_webhooks(integrator, pending, administrator):
    assert user_set_active(user=integrator, active=False, actor=administrator)

    integrator.refresh_from_db()
    assert not integrator.is_active
    assert _stopped(integrator, administrator)
    entry = AuditEntry.objects.get(action="identity.user_deactivate")
    assert (entry.actor, entry.data["username"]) == (administrator, integrator.username)


def test_reactivating_an_account_does_not_restart_its_webhooks(integrator, pending, administrator):
    user_set_active(user=integrator, active=False, actor=administrator)

    assert user_set_active(user=integrator, active=True, actor=administrator)

    assert not WebhookEndpoint.objects.filter(active=True).exists()
    assert AuditEntry.objects.filter(action="identity.user_reactivate").count() == 1


def test_setting_an_account_as_it_is_changes_nothing(integrator, pending, administrator):
    before = AuditEntry.objects.count()

    assert not user_set_active(user=integrator, active=True, actor=administrator)

    assert AuditEntry.objects.count() == before
    assert WebhookEndpoint.objects.filter(active=True).count() == 2


def test_only_who_may_change_users_deactivates_an_account(integrator, pending):
    stranger = UserFactory()
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        user_set_active(user=integrator, active=False, actor=stranger)

    integrator.refresh_from_db()
    assert integrator.is_active
    assert AuditEntry.objects.count() == before
    assert WebhookEndpoint.objects.filter(active=True).count() == 2


@pytest.mark.parametrize("lost", ["role deleted", "account switched off"])
def test_a_delivery_for_an_owner_who_lost_the_right_by_another_path_is_not_sent(
    integrator, pending, monkeypatch, lost
):
    """A path that skips the services (a raw edit, a cascade): the claim checks the owner."""
    if lost == "role deleted":
        RoleAssignment.objects.filter(user=integrator, role=Role.INTEGRATOR).delete()
    else:
        type(integrator).objects.filter(pk=integrator.pk).update(is_active=False)
    calls = []
    monkeypatch.setattr(
        "yiwang.integrations.services.deliveries._post", lambda *args, **kwargs: calls.append(args)
    )

    assert webhook_deliver(delivery_id=pending[0].pk, at=NOW) is None

    # Then: nothing sent; the claimed delivery cancelled by the claim, the other endpoint's
    # by the deactivation that followed, done by the system
    assert calls == []
    assert _stopped(integrator, None, cancelled_by_deactivation=(0, 1))
