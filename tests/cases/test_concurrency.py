"""Two clerks accept the same case at once, each on their own connection: one wins, one gets 409.

PostgreSQL only (SQLite has no row locks).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests.factories import HOUR, T0, case_world, submitted_case
from yiwang.cases import services
from yiwang.cases.errors import WorkflowConflict
from yiwang.cases.models import Case, CaseTimelineEntry
from yiwang.identity.models import Role, RoleAssignment

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_officers_acting_on_the_same_version_one_wins_one_conflicts():
    world = case_world()
    case = submitted_case(world)
    second_clerk = world.reviewer
    RoleAssignment.objects.create(
        user=second_clerk, role=Role.INTAKE_CLERK, department=world.department
    )
    barrier = threading.Barrier(2, timeout=10)
    results: list[object] = []
    lock = threading.Lock()

    def act(actor):
        try:
            barrier.wait()
            outcome: object = services.case_accept(
                case=case, actor=actor, expected_version=case.version, at=T0 + HOUR
            )
        except Exception as exc:  # collected and asserted on
            outcome = exc
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=act, args=(u,)) for u in (world.clerk, second_clerk)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, WorkflowConflict)]
    assert (len(wins), len(conflicts)) == (1, 1), results
    assert Case.objects.get(pk=case.pk).step == "under_review"
    assert CaseTimelineEntry.objects.filter(case=case, kind="accepted").count() == 1
