"""Upgrading marks the deadlines counted through a year without a schedule as provisional
(migrations processes 0002 and cases 0002).

Found in review: the upgrade marked every existing deadline final, though a deployment
that ran with the old ``YIWANG_CALENDAR_FALLBACK=weekdays`` counted a year without a
schedule as plain weekdays. Here 2025 and 2026 are shipped, 2027 has a row without any
holiday (treated as missing) and 2028 none. Expected values are worked by hand from the
clocks written below; pages of 2 rows, so that paging is exercised.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import SHANGHAI, T0, accepted_case, case_world, completed_case, submitted_case
from yiwang.cases.models import Case, RectificationTask
from yiwang.cases.services import rating_submit
from yiwang.core.models import CalendarYear
from yiwang.processes.models import WorkflowInstance

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0001_initial"), ("processes", "0001_initial")]
processes_0002 = importlib.import_module("yiwang.processes.migrations.0002_instance_calendar_span")
cases_0002 = importlib.import_module("yiwang.cases.migrations.0002_provisional_deadlines")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    """Every app's latest migration: going back to ``BEFORE`` also unapplied the apps that
    depend on cases and processes (events, ...), and later tests in the process need them."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def iso(y, m, d, hh=10, mm=0, end=False):
    moment = (
        datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SHANGHAI)
        if end
        else datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)
    )
    return moment.isoformat()


def clock(name, started, deadline, *, unit="working_days", mode="runs"):
    return {
        "name": name,
        "unit": unit,
        "started_at": started,
        "deadline": deadline,
        "warn_at": started,
        "mode": mode,
        "paused_at": None if mode == "runs" else started,
        "suspended": 0,
        "excluded": 0,
        "extensions": 0,
        "warned": False,
        "overdue": False,
    }


CLOCKS = {
    # the decision due in 2027 (a year with a row but no holiday): provisional
    "into_2027": [clock("decision", iso(2026, 12, 21), iso(2027, 1, 5, end=True))],
    # the running clock (the case's) over 2025–2026, both shipped; a paused one reaches 2028
    "paused_into_2028": [
        clock("decision", iso(2025, 12, 29), iso(2026, 1, 12, end=True)),
        clock("special", iso(2026, 12, 28), iso(2028, 2, 1, end=True), mode="suspended"),
    ],
    # an hours clock knows no calendar, whatever the years
    "hours": [clock("sign", iso(2027, 12, 31, 20), iso(2028, 1, 1, 8), unit="hours")],
    # inside 2026 only
    "in_2026": [clock("decision", iso(2026, 3, 2), iso(2026, 3, 16, end=True))],
}


@pytest.fixture
def old_world():
    """Cases made now, then the schema before the migrations, with clocks counted the old way."""
    world = case_world()
    cases = {
        "into_2027": accepted_case(world),
        "paused_into_2028": accepted_case(world),
        "hours": submitted_case(world),
        "in_2026": accepted_case(world),
        "closed_into_2027": completed_case(world),
    }
    tasks = {}
    for name in ("task_into_2027", "task_in_2026", "replied_task_into_2027"):
        case = completed_case(world)
        rating_submit(case=case, applicant=world.applicant, level=1, at=T0.replace(hour=15))
        tasks[name] = RectificationTask.objects.get(rating__case=case).pk
    apps = _migrate(BEFORE)
    yield apps, {name: case.pk for name, case in cases.items()}, tasks
    _migrate(_latest())


def _write_old_clocks(apps, cases, tasks):
    Case_ = apps.get_model("cases", "Case")
    Instance = apps.get_model("processes", "WorkflowInstance")
    Task = apps.get_model("cases", "RectificationTask")
    CalendarYear.objects.create(year=2027, source="started, no day entered yet")
    for name, case_id in cases.items():
        instance = Instance.objects.get(pk=Case_.objects.get(pk=case_id).workflow_instance_id)
        clocks = CLOCKS["into_2027" if name == "closed_into_2027" else name]
        instance.state = {**instance.state, "clocks": clocks}
        instance.save(update_fields=["state"])
    spans = {
        "task_into_2027": ("2026-12-28T15:00", "2027-01-05T23:59:59.999999"),
        "task_in_2026": ("2026-03-02T15:00", "2026-03-09T23:59:59.999999"),
        "replied_task_into_2027": ("2026-12-28T15:00", "2027-01-05T23:59:59.999999"),
    }
    for name, (created, due) in spans.items():
        status = "replied" if name.startswith("replied") else "open"
        Task.objects.filter(pk=tasks[name]).update(
            created_at=datetime.fromisoformat(created).replace(tzinfo=SHANGHAI),
            due_at=datetime.fromisoformat(due).replace(tzinfo=SHANGHAI),
            status=status,
        )


def test_the_upgrade_marks_what_was_counted_through_a_year_without_schedule(old_world, monkeypatch):
    apps, cases, tasks = old_world
    _write_old_clocks(apps, cases, tasks)
    monkeypatch.setattr(processes_0002, "BATCH", 2)
    monkeypatch.setattr(cases_0002, "BATCH", 2)

    _migrate(_latest())

    def instance(name):
        return WorkflowInstance.objects.get(case__pk=cases[name])

    spans = {
        name: (instance(name).counts_from, instance(name).counts_until, instance(name).provisional)
        for name in cases
    }
    assert spans == {
        "into_2027": (date(2026, 12, 21), date(2027, 1, 5), True),
        "paused_into_2028": (date(2025, 12, 29), date(2028, 2, 1), True),
        "hours": (None, None, False),
        "in_2026": (date(2026, 3, 2), date(2026, 3, 16), False),
        "closed_into_2027": (date(2026, 12, 21), date(2027, 1, 5), True),
    }
    # the case follows its main clock (the running one due first); a closed case has no due date
    provisional_cases = {
        name for name, pk in cases.items() if Case.objects.get(pk=pk).due_provisional
    }
    assert provisional_cases == {"into_2027"}
    provisional_tasks = {
        name for name, pk in tasks.items() if RectificationTask.objects.get(pk=pk).due_provisional
    }
    assert provisional_tasks == {"task_into_2027"}
