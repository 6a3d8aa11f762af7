"""The lease helper (``yiwang.core.leases``) on its own, on notification deliveries.

Two claimers one after the other (any database), two at once on two
PostgreSQL connections, a stale holder's completion, and the migration that
carries a claim made before leases over to one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from tests.clock import NOW
from tests.concurrency import race, slowed
from tests.factories import UserFactory
from yiwang.core.leases import (
    lease_claim,
    lease_complete,
    lease_end,
    lease_free_before,
    lease_held_until,
    lease_lock_held,
)
from yiwang.notifications import services
from yiwang.notifications.models import NotificationDelivery

TEN_MINUTES = timedelta(minutes=10)


def _delivery() -> NotificationDelivery:
    person = UserFactory(username="wangwu", email="wangwu@example.org", phone="")
    notification = services.notify(
        user=person, kind="decided", context={"number": "N", "outcome": "approved"}
    )
    return notification.deliveries.get()


def _claim(pk, at, eligible=lambda row: True):
    with transaction.atomic():
        return lease_claim(
            NotificationDelivery.objects, pk=pk, at=at, length=TEN_MINUTES, eligible=eligible
        )


def _lease_columns(pk):
    return NotificationDelivery.objects.values_list("lease_holder", "lease_until").get(pk=pk)


@pytest.mark.django_db
def test_a_second_claimer_is_refused_while_the_lease_holds_and_takes_over_after():
    delivery = _delivery()

    first = _claim(delivery.pk, NOW)
    assert first.lease is not None and first.lease.until == NOW + TEN_MINUTES
    assert _lease_columns(delivery.pk) == (first.lease.holder, NOW + TEN_MINUTES)

    # 9 min 59 s later the lease still holds: refused, told when it ends, nothing written.
    second = _claim(delivery.pk, NOW + timedelta(minutes=9, seconds=59))
    assert second.lease is None and second.held_until == NOW + TEN_MINUTES
    assert _lease_columns(delivery.pk) == (first.lease.holder, NOW + TEN_MINUTES)

    # At the instant it ends the row is free: the second claimer takes it over.
    third = _claim(delivery.pk, NOW + TEN_MINUTES)
    assert third.lease is not None and third.held_until is None
    assert third.lease.holder != first.lease.holder
    assert _lease_columns(delivery.pk) == (third.lease.holder, NOW + 2 * TEN_MINUTES)


@pytest.mark.django_db
def test_an_ineligible_row_is_not_claimed_and_a_missing_one_is_reported():
    delivery = _delivery()

    claim = _claim(delivery.pk, NOW, eligible=lambda row: False)

    assert claim.row == delivery and claim.lease is None and claim.held_until is None
    assert _lease_columns(delivery.pk) == ("", None)
    assert _claim(delivery.pk + 1000, NOW).row is None


@pytest.mark.django_db
def test_a_stale_holders_completion_is_refused_and_the_new_holders_applies():
    delivery = _delivery()
    stale = _claim(delivery.pk, NOW).lease
    fresh = _claim(delivery.pk, NOW + timedelta(minutes=11)).lease  # after the stale one expired

    assert not lease_complete(NotificationDelivery.objects, stale, status="sent", last_error="x")
    with transaction.atomic():
        assert lease_lock_held(NotificationDelivery.objects, stale) is None
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.last_error == ""
    assert _lease_columns(delivery.pk) == (fresh.holder, NOW + timedelta(minutes=21))

    assert lease_complete(NotificationDelivery.objects, fresh, status="sent")
    delivery.refresh_from_db()
    assert delivery.status == "sent" and _lease_columns(delivery.pk) == ("", None)


@pytest.mark.django_db
def test_an_expired_lease_no_one_took_over_still_completes():
    delivery = _delivery()
    lease = _claim(delivery.pk, NOW).lease

    with transaction.atomic():
        row = lease_lock_held(NotificationDelivery.objects, lease)
        assert row is not None
        row.last_error = "late but alone"
        row.save(update_fields=["last_error", *lease_end(row)])

    assert NotificationDelivery.objects.get(pk=delivery.pk).last_error == "late but alone"
    assert _lease_columns(delivery.pk) == ("", None)


@pytest.mark.django_db
def test_when_a_row_is_free_again():
    delivery = _delivery()

    def free_before(cutoff):
        return list(NotificationDelivery.objects.filter(lease_free_before(cutoff)))

    assert free_before(NOW + TEN_MINUTES) == [delivery]  # never leased

    _claim(delivery.pk, NOW)
    delivery.refresh_from_db()

    assert lease_held_until(delivery, at=NOW) == NOW + TEN_MINUTES
    assert lease_held_until(delivery, at=NOW + TEN_MINUTES) is None
    assert free_before(NOW + TEN_MINUTES) == []  # the lease ends at the cutoff, not before
    assert free_before(NOW + TEN_MINUTES + timedelta(seconds=1)) == [delivery]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_claimers_at_once_on_two_connections_one_gets_the_lease():
    delivery = _delivery()
    # The first claimer to lock the row decides slowly, so the other reaches the lock.
    eligible = slowed(lambda row: True)

    results = race(
        lambda: _claim(delivery.pk, NOW, eligible),
        lambda: _claim(delivery.pk, NOW, eligible),
    )

    assert all(not isinstance(r, Exception) for r in results), results
    won = [r for r in results if r.lease is not None]
    refused = [r for r in results if r.lease is None]
    assert len(won) == 1 and len(refused) == 1
    assert refused[0].held_until == NOW + TEN_MINUTES
    assert _lease_columns(delivery.pk) == (won[0].lease.holder, NOW + TEN_MINUTES)


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_a_claim_made_before_leases_over():
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0002_notification_to_a_phone")])
    try:
        apps = executor.loader.project_state(("notifications", "0002_notification_to_a_phone")).apps
        Notification = apps.get_model("notifications", "Notification")
        Delivery = apps.get_model("notifications", "NotificationDelivery")
        notification = Notification.objects.create(kind="decided", title="t", body="b")
        sending = Delivery.objects.create(
            notification=notification, channel="email", address="a@example.org",
            status="sending", attempts=1, claimed_at=NOW,
        )  # fmt: skip
        pending = Delivery.objects.create(
            notification=notification, channel="sms", address="13800000000", status="pending"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    # In flight when migrated: held until claimed_at + the 10 minutes its claimer was promised.
    holder, until = _lease_columns(sending.pk)
    assert holder != "" and until == NOW + TEN_MINUTES
    assert _lease_columns(pending.pk) == ("", None)
