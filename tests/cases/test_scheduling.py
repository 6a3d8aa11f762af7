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
    reviewed = services.case_review(
        case=case, actor=world.reviewer, outcome="approve", opinion="符合条件",
        expected_version=case.version, at=T0 + timedelta(days=8, hours=1),
    )  # fmt: skip
    assert reviewed.step == "reviewed"


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


def test_a_failing_job_does_not_stop_the_round(capsys, caplog):
    """Found in review: one job raising ended the round (and the scheduler): the cases'
    deadlines, the orphan sweep and the audit log's checkpoints all stopped with it."""
    from yiwang.core.jobs import _jobs, register_periodic

    # Given: a due case, and a job registered before the cases' that raises
    submitted_case()

    def broken(at):
        raise RuntimeError("the broken job")

    saved = dict(_jobs)
    _jobs.clear()
    register_periodic("broken", broken)
    _jobs.update(saved)
    try:
        # When
        with pytest.raises(CommandError, match="broken"):
            call_command("run_scheduler", "--once", "--now", "2026-03-10T08:00:00+08:00")
    finally:
        _jobs.clear()
        _jobs.update(saved)

    # Then: the other jobs and the audit upkeep ran; the failure is in the log
    out = capsys.readouterr().out
    assert "broken FAILED" in out
    assert "1 case(s) updated" in out
    assert "0 task(s) requeued" in out
    assert "audit entry(ies) sequenced" in out
    assert "Periodic job broken failed" in caplog.text
    assert "the broken job" in caplog.text


def test_one_case_that_fails_to_tick_does_not_stop_the_others(monkeypatch, caplog):
    """Found in review: the first due case raising stopped every deadline in the city, at
    every round (it stays first in the due order)."""
    from yiwang.cases.services import scheduling

    # Given: two cases past their acceptance limit, the first of which fails to tick
    broken, fine = submitted_case(), submitted_case()
    real = scheduling.workflow_tick

    def failing_for_one(*, instance_id, **kwargs):
        if instance_id == broken.workflow_instance_id:
            raise RuntimeError("a state that no longer loads")
        return real(instance_id=instance_id, **kwargs)

    monkeypatch.setattr(scheduling, "workflow_tick", failing_for_one)

    # When
    changed = services.cases_tick_due(now=T0 + timedelta(days=8))

    # Then
    assert changed == 1
    assert Case.objects.get(pk=fine.pk).step == "under_review"
    assert Case.objects.get(pk=broken.pk).step == "submitted"
    assert "a state that no longer loads" in caplog.text
