"""A case event is told to the world after its commit: the timeline entry is the outbox,
the scheduler's relay writes the notifications and webhook deliveries
(docs/performance.md, "The submit path")."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory, case_world, draft_application, fan_out
from yiwang.cases import services
from yiwang.cases.models import CaseTimelineEntry
from yiwang.cases.receivers import fan_out_round
from yiwang.identity.models import Role, RoleAssignment, User
from yiwang.integrations.models import EventType, WebhookDelivery
from yiwang.integrations.services import webhook_endpoint_register
from yiwang.notifications.models import Notification, NotificationDelivery

pytestmark = pytest.mark.django_db

DELIVER = "yiwang.notifications.tasks.deliver_notification"


@pytest.fixture
def world():
    """A case world whose applicant has an e-mail address and a mobile number (two
    channels), and an integrator's endpoint subscribed to ``case.submitted``."""
    world = case_world()
    User.objects.filter(pk=world.applicant.pk).update(
        email="zhangsan@example.org", phone="13812345678"
    )
    world.applicant.refresh_from_db()
    integrator = UserFactory()
    RoleAssignment.objects.create(user=integrator, role=Role.INTEGRATOR)
    webhook_endpoint_register(
        owner=integrator, url="https://8.8.8.8/hook", event_types=[EventType.CASE_SUBMITTED]
    )
    return world


def _submit(world):
    draft = draft_application(world)
    return services.application_submit(application=draft, applicant=world.applicant)


def _tasks(path):
    return DBTaskResult.objects.filter(task_path=path).count()


def test_a_submit_writes_only_its_outbox_and_the_relay_fans_it_out_once(world):
    # when the applicant submits
    case = _submit(world)

    # then the transaction wrote the event's outbox and no task, nothing per recipient
    entry = CaseTimelineEntry.objects.get(case=case, kind="submitted")
    assert entry.outbox["notify"]["kind"] == "submitted"
    assert not DBTaskResult.objects.exists()
    assert not Notification.objects.exists()
    assert not WebhookDelivery.objects.exists()

    # when the scheduler wakes (every second) and runs its relays
    call_command("run_scheduler", "--once", stdout=StringIO())

    # then the applicant's notification goes by e-mail and SMS, the endpoint gets the event
    notification = Notification.objects.get(user=world.applicant, case=case)
    assert notification.kind == "submitted"
    assert case.number in notification.body
    channels = NotificationDelivery.objects.filter(notification=notification)
    assert sorted(channels.values_list("channel", flat=True)) == ["email", "sms"]
    assert _tasks(DELIVER) == 2
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.payload["data"]["case"]["number"] == case.number
    entry.refresh_from_db()
    assert entry.outbox is None

    # and running it again (a second scheduler, the next wake-up) creates nothing twice
    assert services.case_event_fan_out(entry_id=entry.pk) is False
    assert fan_out() == 0
    assert Notification.objects.count() == 1
    assert NotificationDelivery.objects.count() == 2
    assert WebhookDelivery.objects.count() == 1
    assert _tasks(DELIVER) == 2


def test_the_relay_says_what_it_told(world):
    # given a submit committed
    case = _submit(world)

    # when the scheduler's relay runs
    told, summary = fan_out_round(None)

    # then the applicant and the endpoint are told all the same
    assert told == 1 and summary == "1 case event(s) fanned out"
    assert Notification.objects.filter(case=case, kind="submitted").count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_a_fan_out_that_fails_half_way_leaves_nothing_and_is_done_again(world, monkeypatch):
    case = _submit(world)
    entry = CaseTimelineEntry.objects.get(case=case, kind="submitted")

    def broken(**kwargs):
        raise ConnectionError("database gone")

    # given the notifications write fails after the webhook delivery was written
    monkeypatch.setattr("yiwang.notifications.services.notify", broken)
    with pytest.raises(ConnectionError):
        services.case_event_fan_out(entry_id=entry.pk)

    # then nothing of it stays, and the entry still holds its outbox
    assert not WebhookDelivery.objects.exists()
    assert not Notification.objects.exists()
    entry.refresh_from_db()
    assert entry.outbox is not None

    # when it runs again, every recipient is told once
    monkeypatch.undo()
    assert fan_out() == 1
    assert Notification.objects.count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_the_scheduler_relays_every_second_between_its_checkpoints(world, monkeypatch, settings):
    # given a scheduler that checkpoints the audit log every 5 s and relays every second
    from yiwang.core.management.commands import run_scheduler

    settings.YIWANG_AUDIT_CHECKPOINT_SECONDS = 5
    settings.YIWANG_OUTBOX_RELAY_SECONDS = 1
    monotonic = [1000.0]  # the scheduler's timer, moved by its naps only
    naps, audits, told = [], [], []

    def audit_round(self, once):
        audits.append(monotonic[0])
        return True

    monkeypatch.setattr(run_scheduler.Command, "_audit_round", audit_round)

    class Stop(Exception):
        pass

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 1:
            _submit(world)  # committed while the scheduler sleeps
        elif len(naps) == 2:
            told.append(Notification.objects.filter(kind="submitted").count())
        elif len(naps) == 6:
            raise Stop
        monotonic[0] += seconds

    monkeypatch.setattr(run_scheduler.time, "sleep", nap)
    monkeypatch.setattr(run_scheduler.time, "monotonic", lambda: monotonic[0])

    with pytest.raises(Stop):
        call_command("run_scheduler", "--interval", "3600", stdout=StringIO())

    # then it woke every second, told the applicant at the first wake-up after the submit,
    # and checkpointed once every five seconds
    assert naps == [1, 1, 1, 1, 1, 1]
    assert told == [1]
    assert audits == [1000.0, 1005.0]
