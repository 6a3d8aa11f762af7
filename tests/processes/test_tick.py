"""The scheduler's side: due instances are ticked, and only they."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from yiwang.processes import selectors, services
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.workflow import Command

pytestmark = pytest.mark.django_db


def tick_due(now):
    """What the scheduler does (cases.services.cases_tick_due, without the cases): tick each
    due instance; the ids of those that changed."""
    due = list(selectors.workflow_instances_due(now).values_list("id", flat=True))
    return [i for i in due if services.workflow_tick(instance_id=i, at=now)]


SHANGHAI = ZoneInfo("Asia/Shanghai")
# Received on Friday 13 February 2026: acceptance is due by the end of Friday 27 February
# (Saturday 14 February is a working day, 15–23 February are the Spring Festival holiday).
RECEIVED = datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)


def test_an_application_not_handled_in_time_is_deemed_accepted_by_the_scheduler():
    # given an application nobody handles, and one accepted in time
    idle = services.workflow_start(definition_name="licensing", at=RECEIVED)
    handled = services.workflow_start(definition_name="licensing", at=RECEIVED)
    services.workflow_execute(
        instance_id=handled.pk,
        command=Command("accept", "intake_clerk"),
        at=datetime(2026, 2, 24, 9, 0, tzinfo=SHANGHAI),
    )

    # when the scheduler runs on the morning after the acceptance limit
    after_limit = datetime(2026, 2, 28, 8, 0, tzinfo=SHANGHAI)
    changed = tick_due(after_limit)

    # then the idle one is under review, deemed accepted, and the handled one untouched
    idle.refresh_from_db()
    assert idle.pk in changed
    assert idle.status == "under_review"
    types = list(WorkflowEventRecord.objects.filter(instance=idle).values_list("type", flat=True))
    assert "deemed_accepted" in types
    handled.refresh_from_db()
    assert handled.status == "under_review"
    assert not WorkflowEventRecord.objects.filter(instance=handled, type="deemed_accepted").exists()
    # and the replayed events still give the stored state
    assert selectors.workflow_replay_check(idle).ok


def test_the_acceptance_limit_ends_at_the_end_of_friday_27_february():
    instance = services.workflow_start(definition_name="licensing", at=RECEIVED)

    services.workflow_tick(
        instance_id=instance.pk, at=datetime(2026, 2, 27, 23, 59, tzinfo=SHANGHAI)
    )
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "submitted"

    services.workflow_tick(
        instance_id=instance.pk, at=datetime(2026, 2, 28, 0, 0, 1, tzinfo=SHANGHAI)
    )
    assert WorkflowInstance.objects.get(pk=instance.pk).status == "under_review"


def test_ticking_twice_records_nothing_the_second_time():
    instance = services.workflow_start(definition_name="licensing", at=RECEIVED)
    later = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    assert services.workflow_tick(instance_id=instance.pk, at=later)
    count = WorkflowEventRecord.objects.filter(instance=instance).count()
    assert services.workflow_tick(instance_id=instance.pk, at=later) == []
    assert WorkflowEventRecord.objects.filter(instance=instance).count() == count


def test_instances_not_yet_due_are_not_touched():
    instance = services.workflow_start(definition_name="licensing", at=RECEIVED)
    before = WorkflowInstance.objects.get(pk=instance.pk).version
    assert tick_due(datetime(2026, 2, 14, 9, 0, tzinfo=SHANGHAI)) == []
    assert WorkflowInstance.objects.get(pk=instance.pk).version == before
