"""Two officers act on one case at the same instant, each on their own database connection.

PostgreSQL only: SQLite has no row locks (``select_for_update`` is a no-op there).
Each thread gets its own connection from Django; the engine call is slowed
down so that the first thread holds the row lock while the second one asks
for it: without the lock both would read the same state and both succeed.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from tests.concurrency import race, slowed
from yiwang.core.models import AuditEntry
from yiwang.processes import selectors, services
from yiwang.processes.models import WorkflowInstance
from yiwang.workflow import AlreadyDecided, Command

pytestmark = [
    pytest.mark.postgres,
    # serialized_rollback: the flush after the test must not lose the calendar's data migration.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ACCEPT = Command("accept", "intake_clerk")


@pytest.fixture
def slow_engine(monkeypatch):
    """The engine's apply, taking 0.3 s: long enough for the other thread to reach the lock."""
    monkeypatch.setattr(services, "apply", slowed(services.apply))


def _race(instance_id, *, expected_version):
    """Run the same ``accept`` in two threads released together; return what each got."""

    def clerk():
        return services.workflow_execute(
            instance_id=instance_id, command=ACCEPT, expected_version=expected_version, at=MONDAY
        )

    return race(clerk, clerk)


def _assert_accepted_once(instance, results, error):
    succeeded = [r for r in results if isinstance(r, WorkflowInstance)]
    failed = [r for r in results if not isinstance(r, WorkflowInstance)]
    assert len(succeeded) == 1, results
    assert len(failed) == 1 and isinstance(failed[0], error), results

    instance.refresh_from_db()
    assert instance.status == "under_review"
    assert instance.version == 1
    transitions = instance.events.filter(type="transitioned")
    assert [e.data["command"] for e in transitions] == ["accept"]
    seqs = list(instance.events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, instance.event_count + 1))
    assert AuditEntry.objects.filter(action="workflow.execute").count() == 1
    assert selectors.workflow_replay_check(instance).ok


def test_two_clerks_accepting_the_same_version_one_gets_a_conflict(slow_engine):
    # given a submitted application both clerks have open at version 0
    instance = services.workflow_start(definition_name="licensing", at=MONDAY)
    assert connection.vendor == "postgresql"

    # when both accept it at the same instant, each saying it acts on version 0
    results = _race(instance.pk, expected_version=0)

    # then one acceptance is recorded, and the other clerk is told the case changed
    _assert_accepted_once(instance, results, services.WorkflowConflict)
    conflict = next(r for r in results if isinstance(r, services.WorkflowConflict))
    assert (conflict.expected_version, conflict.current_version) == (0, 1)


def test_two_clerks_accepting_without_a_version_the_second_is_refused(slow_engine):
    # given a submitted application
    instance = services.workflow_start(definition_name="licensing", at=MONDAY)

    # when both clerks accept it at the same instant without saying which version they saw
    results = _race(instance.pk, expected_version=None)

    # then the second waited for the first one's lock and the engine refused it on the new state
    _assert_accepted_once(instance, results, AlreadyDecided)
