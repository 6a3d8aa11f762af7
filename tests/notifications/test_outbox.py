"""The transactional outbox: a task exists if and only if the change committed.

These tests commit for real (``transaction=True``): the rollback and the
commit under test are the outermost transaction, as in a request or a worker.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from tests.clock import NOW
from tests.factories import UserFactory
from yiwang.notifications import services
from yiwang.notifications.models import Notification, NotificationDelivery
from yiwang.notifications.tasks import deliver_notification

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TASK_PATH = "yiwang.notifications.tasks.deliver_notification"


class ChangeFailed(Exception):
    pass


@pytest.fixture
def person():
    return UserFactory(username="lisi", email="lisi@example.org", phone="13912345678")


def _notify(person, number="370100-20260302-000007"):
    return services.notify(user=person, kind="accepted", context={"number": number})


def test_a_change_that_rolls_back_leaves_no_notification_and_no_task(person, run_worker):
    with pytest.raises(ChangeFailed), transaction.atomic():
        _notify(person)
        assert DBTaskResult.objects.count() == 2  # written inside the transaction…
        raise ChangeFailed  # …and the change fails after notify

    assert not Notification.objects.exists()
    assert not NotificationDelivery.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


def test_after_commit_the_tasks_exist_and_the_worker_sends(person, run_worker, caplog):
    with transaction.atomic():
        notification = _notify(person)

    assert DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").count() == 2
    with caplog.at_level(logging.INFO, logger="yiwang.notifications.sms"):
        run_worker()

    assert [m.to for m in mail.outbox] == [["lisi@example.org"]]
    assert mail.outbox[0].subject == notification.title
    assert "370100-20260302-000007" in mail.outbox[0].body
    sms_lines = [r.getMessage() for r in caplog.records if r.name == "yiwang.notifications.sms"]
    assert len(sms_lines) == 1
    assert sms_lines[0].startswith("SMS to 139****5678: ")  # masked in the log
    assert notification.title in sms_lines[0]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    for delivery in NotificationDelivery.objects.all():
        assert delivery.status == NotificationDelivery.Status.SENT
        assert delivery.sent_at is not None
        assert delivery.attempts == 1


def test_a_delivery_run_twice_is_sent_once(person, run_worker):
    notification = _notify(person)
    email = notification.deliveries.get(channel="email")
    deliver_notification.enqueue(email.pk)  # a duplicate task for the same delivery

    run_worker()
    assert deliver_notification.call(email.pk) == "skipped"  # and once more, directly

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.filter(return_value="sent").count() == 2  # e-mail + SMS
    assert DBTaskResult.objects.filter(return_value="skipped").count() == 1


def test_a_failed_send_is_recorded_and_retried_later(person, run_worker, settings):
    settings.YIWANG_SMS_SENDER = "tests.notifications.test_outbox.BrokenSmsSender"
    notification = _notify(person)

    run_worker()

    sms = notification.deliveries.get(channel="sms")
    assert sms.status == NotificationDelivery.Status.PENDING
    assert sms.attempts == 1
    assert sms.last_error == "ConnectionError: gateway down"
    retry = DBTaskResult.objects.get(status="READY", task_path=TASK_PATH)
    assert retry.args_kwargs["args"] == [sms.pk]
    assert retry.run_after == NOW + timedelta(minutes=2)  # the first wait: 120 s by default
    assert notification.deliveries.get(channel="email").status == "sent"


def test_the_last_failed_attempt_marks_the_delivery_failed_and_an_admin_can_retry(
    person, run_worker, settings
):
    settings.YIWANG_SMS_SENDER = "tests.notifications.test_outbox.BrokenSmsSender"
    notification = _notify(person)
    sms = notification.deliveries.get(channel="sms")
    NotificationDelivery.objects.filter(pk=sms.pk).update(
        attempts=services.retry_policy().attempts - 1
    )

    run_worker()
    sms.refresh_from_db()
    assert sms.status == NotificationDelivery.Status.FAILED
    assert not DBTaskResult.objects.filter(status="READY").exists()

    settings.YIWANG_SMS_SENDER = "yiwang.notifications.sms.LogSmsSender"
    assert services.delivery_retry(delivery_id=sms.pk) is True
    run_worker()
    sms.refresh_from_db()
    assert sms.status == NotificationDelivery.Status.SENT


class BrokenSmsSender:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def _claim_like_a_worker(worker_id="worker-that-dies"):
    """What ``db_worker`` does before running a task: lock a ready row, mark it RUNNING, commit."""
    with exclusive_transaction():
        row = DBTaskResult.objects.ready().get_locked()
        row.claim(worker_id)
    return row


def _requeue(older_than="10m"):
    out = StringIO()
    call_command("requeue_stale_tasks", "--older-than", older_than, stdout=out)
    return out.getvalue()


def test_a_job_claimed_by_a_worker_that_died_is_not_lost(person, run_worker, settings, clock):
    # Given one notification by e-mail only, whose task a worker claimed and then died
    person.phone = ""
    person.save()
    _notify(person)
    claimed = _claim_like_a_worker()

    # Then the other workers leave it alone: it is RUNNING, not READY
    run_worker()
    assert mail.outbox == []
    claimed.refresh_from_db()
    assert claimed.status == "RUNNING"
    # and a recent claim is not taken for dead
    assert _requeue("10m").startswith("requeued 0 ")

    # When the claim is older than the threshold (the worker died 11 minutes ago)
    clock.shift(timedelta(minutes=11))
    assert _requeue("10m").startswith("requeued 1 ")

    # Then the next worker runs it, once
    run_worker()
    assert len(mail.outbox) == 1
    claimed.refresh_from_db()
    assert claimed.status == "SUCCESSFUL"
    assert claimed.worker_ids[0] == "worker-that-dies" and len(claimed.worker_ids) == 2


def test_a_worker_that_died_while_sending_is_taken_over(person, run_worker):
    """The delivery itself was claimed (``sending``) when the worker died: a rerun takes over."""
    person.phone = ""
    person.save()
    notification = _notify(person)
    email = notification.deliveries.get()
    NotificationDelivery.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        claimed_at=NOW - services.SENDING_TIMEOUT,
        lease_holder="dead-worker",
        lease_until=NOW,
    )

    run_worker()

    email.refresh_from_db()
    assert email.status == "sent" and email.attempts == 2
    assert len(mail.outbox) == 1


def test_a_rerun_while_another_worker_is_sending_waits_for_its_claim(person, run_worker):
    person.phone = ""
    person.save()
    notification = _notify(person)
    email = notification.deliveries.get()
    claimed_at = NOW
    NotificationDelivery.objects.filter(pk=email.pk).update(
        status="sending",
        attempts=1,
        claimed_at=claimed_at,
        lease_holder="other-worker",
        lease_until=claimed_at + services.SENDING_TIMEOUT,
    )

    run_worker()

    assert mail.outbox == []
    later = DBTaskResult.objects.get(status="READY")
    assert later.args_kwargs["args"] == [email.pk]
    assert later.run_after == claimed_at + services.SENDING_TIMEOUT


def test_a_claim_of_the_previous_release_is_respected_during_an_upgrade(person, run_worker):
    """A worker of the previous release marks the row sending at claimed_at and writes no
    lease: a worker of this release waits for that claim's 10 minutes as for a lease."""
    person.phone = ""
    person.save()
    notification = _notify(person)
    email = notification.deliveries.get()
    claimed_at = NOW - timedelta(minutes=2)
    NotificationDelivery.objects.filter(pk=email.pk).update(
        status="sending", attempts=1, claimed_at=claimed_at
    )

    run_worker()

    assert mail.outbox == []
    later = DBTaskResult.objects.get(status="READY")
    assert later.args_kwargs["args"] == [email.pk]
    assert later.run_after == claimed_at + timedelta(minutes=10)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.lease_holder) == ("sending", 1, "")


def test_requeue_dry_run_changes_nothing(person):
    _notify(person)
    claimed = _claim_like_a_worker()
    DBTaskResult.objects.filter(pk=claimed.pk).update(started_at=NOW - timedelta(hours=1))
    out = StringIO()

    call_command("requeue_stale_tasks", "--older-than", "30m", "--dry-run", stdout=out)

    assert out.getvalue().startswith("would requeue 1 ")
    claimed.refresh_from_db()
    assert claimed.status == "RUNNING"
