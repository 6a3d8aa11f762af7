"""The scheduler records deemed acceptance on the case the applicant follows."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from tests.factories import T0, case_world, submitted_case
from yiwang.cases import selectors, services
from yiwang.cases.models import Case

pytestmark = pytest.mark.django_db


def test_an_application_left_unhandled_is_deemed_accepted_and_the_applicant_sees_it():
    # given a case received on Monday 2 March 2026 that nobody accepts or rejects
    world = case_world()
    case = submitted_case(world)
    other = submitted_case(world, at=T0 + timedelta(days=3))

    # when the scheduler runs the Tuesday after the 5th working day (Monday 9 March)
    changed = services.cases_tick_due(now=T0 + timedelta(days=8))

    # then the first case is under review, with a timeline entry, the second not yet
    assert changed == 1
    case.refresh_from_db()
    assert case.step == "under_review"
    assert any(item.kind == "deemed_accepted" for item in selectors.case_timeline(case))
    other.refresh_from_db()
    assert other.step == "submitted"
    # and the officer's next command is not refused as stale
    approved = services.case_approve(
        case=case, actor=world.approver, expected_version=case.version,
        at=T0 + timedelta(days=8, hours=1),
    )  # fmt: skip
    assert approved.step == "approved"


def test_a_second_run_changes_nothing():
    case = submitted_case()
    later = T0 + timedelta(days=8)
    assert services.cases_tick_due(now=later) == 1
    version = Case.objects.get(pk=case.pk).version
    assert services.cases_tick_due(now=later) == 0
    assert Case.objects.get(pk=case.pk).version == version


def test_the_command_runs_one_round(capsys):
    submitted_case()
    call_command("run_scheduler", "--once", "--now", "2026-03-10T08:00:00+08:00")
    out = capsys.readouterr().out
    assert "1 case(s) updated" in out
    assert "0 task(s) requeued" in out
    with pytest.raises(CommandError, match="time zone"):
        call_command("run_scheduler", "--once", "--now", "2026-03-10T08:00:00")
