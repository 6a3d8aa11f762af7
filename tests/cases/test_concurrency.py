"""Two officers act on one case at the same instant, each on their own database connection.

PostgreSQL only (SQLite has no row locks: ``select_for_update`` is a no-op there).
Each test slows down a step that runs while the first officer holds the row
locks, so the second officer reaches them for sure while the first is still
inside its transaction; without the locks both would read the same state and
both would succeed.

Which lock each race needs: accepting takes the case row (``lock_case``) and
then the workflow instance row (``workflow_execute``), and either lock alone
keeps a second acceptance out; claiming takes only the case row.
"""

from __future__ import annotations

import pytest

from tests.concurrency import race, slowed
from tests.factories import HOUR, T0, case_world, fan_out, officer, submitted_case
from yiwang.cases import services
from yiwang.cases.errors import CaseConflict, WorkflowConflict
from yiwang.cases.models import Case, CaseTimelineEntry
from yiwang.cases.services import assignment
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role
from yiwang.notifications.models import Notification
from yiwang.processes import services as process_services

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def slow_engine(monkeypatch):
    """The workflow engine's apply, run while both row locks of an officer's command are held."""
    monkeypatch.setattr(process_services, "apply", slowed(process_services.apply))


@pytest.fixture
def slow_claim(monkeypatch):
    """The claim's permission check, run while the case row is locked and before it is written."""
    monkeypatch.setattr(assignment, "is_officer_of", slowed(assignment.is_officer_of))


def two_clerks():
    world = case_world()
    case = submitted_case(world)
    second_clerk = officer(world.department, Role.INTAKE_CLERK)
    return world, case, second_clerk


def assert_accepted_once(case: Case, results: list[object], refusal: type[Exception]) -> None:
    wins = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if not isinstance(r, Case)]
    assert len(wins) == 1, results
    assert len(refused) == 1 and isinstance(refused[0], refusal), results
    case.refresh_from_db()
    assert case.step == "under_review"
    assert case.version == wins[0].version
    assert CaseTimelineEntry.objects.filter(case=case, kind="accepted").count() == 1
    assert AuditEntry.objects.filter(action="case.accept").count() == 1
    fan_out()  # the worker, after both commits
    assert Notification.objects.filter(case=case, kind="accepted").count() == 1


def test_two_clerks_accepting_the_same_version_one_wins_one_is_told_it_changed(slow_engine):
    # given a submitted case that two clerks of its department have open at the same version
    world, case, second_clerk = two_clerks()
    seen = case.version

    # when both accept it at the same instant, each saying which version they saw
    results = race(
        *[
            lambda clerk=clerk: services.case_accept(
                case=case, actor=clerk, expected_version=seen, at=T0 + HOUR
            )
            for clerk in (world.clerk, second_clerk)
        ]
    )

    # then one acceptance is recorded, and the other clerk learns the case moved on
    assert_accepted_once(case, results, WorkflowConflict)
    conflict = next(r for r in results if isinstance(r, WorkflowConflict))
    assert (conflict.expected_version, conflict.current_version) == (seen, case.version)


def test_two_clerks_accepting_without_a_version_the_second_is_refused(slow_engine):
    # given a submitted case
    world, case, second_clerk = two_clerks()

    # when both clerks accept it at the same instant without saying which version they saw
    results = race(
        *[
            lambda clerk=clerk: services.case_accept(case=case, actor=clerk, at=T0 + HOUR)
            for clerk in (world.clerk, second_clerk)
        ]
    )

    # then the second waited for the first and was refused on the accepted case
    assert_accepted_once(case, results, CaseConflict)
    refusal = next(r for r in results if isinstance(r, CaseConflict))
    assert refusal.code == "already_decided"


def test_two_officers_claiming_one_case_one_gets_it_the_other_is_told(slow_claim):
    # given an unassigned case in the queue of two clerks
    world, case, second_clerk = two_clerks()

    # when both claim it at the same instant
    results = race(
        *[
            lambda clerk=clerk: services.case_claim(case=case, officer=clerk, at=T0 + HOUR)
            for clerk in (world.clerk, second_clerk)
        ]
    )

    # then one holds it, and the other is told someone else has it (not that they have it)
    wins = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, CaseConflict)]
    assert (len(wins), len(refused)) == (1, 1), results
    assert refused[0].code == "already_assigned"
    case.refresh_from_db()
    assert case.assignee_id == wins[0].assignee_id
    assert CaseTimelineEntry.objects.filter(case=case, kind="assigned").count() == 1
    assert AuditEntry.objects.filter(action="case.claim").count() == 1
