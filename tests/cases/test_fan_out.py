"""A case event is told to the world after its commit: the timeline entry is the outbox,
the ``fan_out_case_event`` task writes the notifications and webhook deliveries
(docs/performance.md, "The submit path")."""

from __future__ import annotations

import pytest
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

FAN_OUT = "yiwang.cases.tasks.fan_out_case_event"
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


def test_a_submit_writes_one_task_and_the_worker_fans_it_out_once(world):
    # when the applicant submits
    case = _submit(world)

    # then the transaction wrote the event's outbox and one task, nothing per recipient
    entry = CaseTimelineEntry.objects.get(case=case, kind="submitted")
    assert entry.outbox["notify"]["kind"] == "submitted"
    assert _tasks(FAN_OUT) == 1
    assert not Notification.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert _tasks(DELIVER) == 0

    # when the worker runs the task
    task = DBTaskResult.objects.get(task_path=FAN_OUT)
    assert services.case_event_fan_out(entry_id=task.args_kwargs["args"][0]) is True

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

    # and running it again (a retried task, the scheduler's sweep) creates nothing twice
    assert services.case_event_fan_out(entry_id=entry.pk) is False
    assert fan_out() == 0
    assert Notification.objects.count() == 1
    assert NotificationDelivery.objects.count() == 2
    assert WebhookDelivery.objects.count() == 1
    assert _tasks(DELIVER) == 2


def test_a_task_lost_after_the_commit_is_fanned_out_by_the_scheduler(world):
    # given a submit whose fan-out task was lost (the worker's queue emptied by a crash)
    case = _submit(world)
    DBTaskResult.objects.filter(task_path=FAN_OUT).delete()

    # when the scheduler's round runs
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
