"""Deadlines through a year whose holiday schedule is not published yet (issue: December 2026).

They are counted on the year's statutory holidays and marked provisional,
never refused; when an administrator enters the schedule, the open cases
whose deadlines count through that year are counted again by a background
job. Dates are hand-counted (see docs/calendar.md); the 2027 schedule entered
here is invented for the test (the real notice is not out), shaped like the
2026 one: 1–3 Jan off; 5–13 Feb off with Sat 20 Feb worked.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import (
    SHANGHAI,
    VALID_FORM,
    UserFactory,
    accepted_case,
    case_world,
    completed_case,
    fan_out,
    submitted_case,
    upload,
)
from yiwang.cases.models import Case, CaseTimelineEntry, RectificationTask
from yiwang.cases.services import cases_reschedule, rating_submit
from yiwang.core.calendar import calendar_changed
from yiwang.core.models import AuditEntry, CalendarDay, CalendarYear
from yiwang.notifications.models import Notification


def local(y: int, m: int, d: int, hh: int = 10) -> datetime:
    return datetime(y, m, d, hh, 0, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.version,
        case.due_at,
        case.due_provisional,
        case.timeline.count(),
        AuditEntry.objects.filter(target_id=str(case.pk), target_type="cases.case").count(),
    )


@pytest.mark.django_db
def test_a_case_accepted_on_21_december_2026_gets_a_provisional_deadline_in_2027():
    world = case_world()  # the decision is promised within 10 working days

    with time_machine.travel(local(2026, 12, 21, 11), tick=False):
        case = accepted_case(world, at=local(2026, 12, 21, 9))
        detail = as_user(world.applicant).get(f"/api/v1/cases/{case.number}")
        officer_view = as_user(world.clerk).get(f"/api/v1/officer/cases/{case.number}")

    # 22–25, 28–31 Dec 2026, (Fri 1 Jan 2027 is New Year's Day), 4, 5 Jan 2027
    assert case.due_at == end_of(2027, 1, 5)
    assert case.due_provisional
    assert case.workflow_instance.provisional
    assert detail.status_code == 200
    assert detail.json()["due_provisional"] is True
    assert detail.json()["next_step"]["due_provisional"] is True
    assert officer_view.json()["clock"]["provisional"] is True
    assert officer_view.json()["due_provisional"] is True


@pytest.mark.django_db
def test_an_acceptance_limit_within_2026_is_not_provisional():
    with time_machine.travel(local(2026, 12, 21), tick=False):
        case = submitted_case(at=local(2026, 12, 21))

    # 5 working days after Mon 21 Dec: 22, 23, 24, 25, 28 Dec, all in the published 2026
    assert case.due_at == end_of(2026, 12, 28)
    assert not case.due_provisional


@pytest.mark.django_db
def test_the_applicant_and_the_officers_see_that_a_date_is_provisional():
    world = case_world()
    with time_machine.travel(local(2026, 12, 21, 11), tick=False):
        case = accepted_case(world, at=local(2026, 12, 21, 9))
        tracker = as_user(world.applicant).get(
            reverse("portal:case_detail", kwargs={"number": case.number}),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        tracker_en = as_user(world.applicant).get(
            reverse("portal:case_detail", kwargs={"number": case.number}), HTTP_ACCEPT_LANGUAGE="en"
        )
        workbench = as_user(world.reviewer).get(
            reverse("workbench:case", kwargs={"number": case.number}), HTTP_ACCEPT_LANGUAGE="en"
        )
        queue = as_user(world.reviewer).get(reverse("workbench:queue"), HTTP_ACCEPT_LANGUAGE="en")

    assert "待公布当年放假安排后确定" in tracker.content.decode()
    assert "预计" in tracker.content.decode()
    assert "provisional until the year's holiday schedule is published" in (
        tracker_en.content.decode()
    )
    assert "2027-01-05" in workbench.content.decode()
    assert "provisional until the year's holiday schedule is published" in (
        workbench.content.decode()
    )
    assert "Expected 2027-01-05" in queue.content.decode()


@pytest.mark.django_db
def test_no_path_answers_500_in_a_year_without_any_schedule():
    # Given: 15 June 2027, a year with no schedule at all
    world = case_world()
    with time_machine.travel(local(2027, 6, 15), tick=False):
        applicant, clerk = as_user(world.applicant), as_user(world.clerk)
        # When: the applicant applies through the API and the clerk accepts
        draft = applicant.post(
            "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
        )
        app_id = draft.json()["id"]
        applicant.patch(
            f"/api/v1/applications/{app_id}", {"form_data": VALID_FORM}, "application/json"
        )
        for material in world.required_materials:
            applicant.post(
                f"/api/v1/applications/{app_id}/materials",
                {"material_id": material.pk, "file": upload()},
            )
        submitted = applicant.post(f"/api/v1/applications/{app_id}/submit")
        number = submitted.json()["number"]
        accepted = clerk.post(
            f"/api/v1/officer/cases/{number}/commands/accept",
            {"expected_version": submitted.json()["version"]},
            "application/json",
        )
        pages = [
            applicant.get(reverse("portal:case_detail", kwargs={"number": number})),
            applicant.get(reverse("portal:case_list")),
            clerk.get(reverse("workbench:queue")),
            clerk.get(reverse("workbench:case", kwargs={"number": number})),
            clerk.get(f"/api/v1/officer/cases/{number}"),
            clerk.get("/api/v1/officer/cases"),
        ]

    # Then: 10 working days after Tue 15 Jun 2027, with Wed 9 Jun's 端午 behind: 16–18,
    # 21–25, 28, 29 Jun — provisional
    assert submitted.status_code == 201, submitted.json()
    assert submitted.json()["due_provisional"] is True
    assert accepted.status_code == 200, accepted.json()
    assert Case.objects.get(number=number).due_at == end_of(2027, 6, 29)
    assert [page.status_code for page in pages] == [200] * len(pages)


def add_2027_in_the_admin(client: Client):
    """Enter the (invented) 2027 schedule as an administrator does: the year and its days."""
    days = [
        ("2027-01-01", "holiday", "元旦"),
        *[(f"2027-02-{d:02d}", "holiday", "春节") for d in (5, 8, 9, 10, 11, 12)],
        ("2027-02-20", "workday", "春节"),
    ]
    data = {
        "year": "2027",
        "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
        "notes": "",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    for i, (day, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": day, f"days-{i}-kind": kind, f"days-{i}-name_zh": name}
    return client.post(reverse("admin:core_calendaryear_add"), data)


def run_worker() -> None:
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", "--interval", "0",
        verbosity=0, stdout=StringIO(),
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_entering_the_2027_schedule_counts_the_open_cases_again():
    # Given: three cases of one service (decision promised within 10 working days)
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 11), tick=False):
        # accepted Mon 1 Feb 2027: 2–4 Feb, (5, 8 Feb off), 9–12, 15–17 Feb → Wed 17 Feb
        february = accepted_case(world, at=local(2027, 2, 1, 9))
        # accepted Mon 21 Dec 2026: … (1 Jan off), 4, 5 Jan → Tue 5 Jan, either way
        december = accepted_case(world, at=local(2026, 12, 21, 9))
        # accepted in March 2026: nothing to do with 2027
        march = accepted_case(world, at=local(2026, 3, 2, 9))
    assert (february.due_at, february.due_provisional) == (end_of(2027, 2, 17), True)
    assert (december.due_at, december.due_provisional) == (end_of(2027, 1, 5), True)
    march_before = snapshot(march)

    # When: an administrator enters the 2027 schedule, the worker runs the job, and the
    # scheduler's relay tells the applicants
    with time_machine.travel(local(2027, 2, 3), tick=False):
        admin = as_user(UserFactory(is_staff=True, is_superuser=True))
        response = add_2027_in_the_admin(admin)
        assert response.status_code == 302, response.context and response.context["errors"]
        run_worker()
        fan_out()

    # Then: the February case moves to Mon 22 Feb (2–4, 15–19 Feb, Sat 20, Mon 22), for sure
    february.refresh_from_db()
    assert (february.due_at, february.due_provisional) == (end_of(2027, 2, 22), False)
    entry = february.timeline.get(kind="deadline_recounted")
    assert entry.public
    assert entry.data["previous_due_at"] == end_of(2027, 2, 17).isoformat()
    notice = Notification.objects.get(user=world.applicant, kind="deadline_changed")
    assert "2027-02-22" in notice.body and "2027-02-17" in notice.body
    assert AuditEntry.objects.filter(
        action="case.deadline_recounted", target_id=str(february.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="workflow.reschedule").count() == 2
    # the December case keeps its date, now definitive, and its applicant is not told twice
    december.refresh_from_db()
    assert (december.due_at, december.due_provisional) == (end_of(2027, 1, 5), False)
    assert (
        december.timeline.filter(kind="deadline_recounted").get().data["due_provisional"] is False
    )
    assert Notification.objects.filter(kind="deadline_changed").count() == 1
    # the March 2026 case is left alone
    assert snapshot(march) == march_before

    # When: the job runs again (a retry, or an operator's command)
    with time_machine.travel(local(2027, 2, 3, 12), tick=False):
        again = cases_reschedule(years=[2027])
        out = StringIO()
        call_command("reschedule_deadlines", "--year", "2027", stdout=out)

    # Then: nothing more changes
    assert again == 0
    assert "0 case(s) changed" in out.getvalue()
    assert CaseTimelineEntry.objects.filter(kind="deadline_recounted").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_rejected_calendar_edit_reschedules_nothing():
    # Given: a provisional case
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 11), tick=False):
        case = accepted_case(world, at=local(2027, 2, 1, 9))
    before = snapshot(case)

    # When: the administrator's form is refused (a holiday on a Saturday)
    with time_machine.travel(local(2027, 2, 3), tick=False):
        admin = as_user(UserFactory(is_staff=True, is_superuser=True))
        response = admin.post(
            reverse("admin:core_calendaryear_add"),
            {
                "year": "2027", "source": "x", "notes": "",
                "days-TOTAL_FORMS": "1", "days-INITIAL_FORMS": "0",
                "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
                "days-0-date": "2027-02-06", "days-0-kind": "holiday", "days-0-name_zh": "春节",
            },
        )  # fmt: skip
        run_worker()

    # Then: no year, no job, the case unchanged
    assert response.status_code == 200
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert snapshot(case) == before


def enter_invented_2027() -> None:
    """The invented 2027 schedule, written as a script would (no admin, so no job)."""
    year = CalendarYear.objects.create(year=2027, source="测试")
    for day in ("01-01", "02-05", "02-08", "02-09", "02-10", "02-11", "02-12"):
        CalendarDay.objects.create(
            calendar_year=year, date=f"2027-{day}", kind="holiday", name_zh="节"
        )
    CalendarDay.objects.create(calendar_year=year, date="2027-02-20", kind="workday", name_zh="节")
    calendar_changed(year=year)


@pytest.mark.django_db
def test_the_scheduler_recounts_a_provisional_case_whose_job_was_lost():
    # Given: a provisional case, and 2027 entered without the recount job
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 11), tick=False):
        case = accepted_case(world, at=local(2027, 2, 1, 9))
    enter_invented_2027()

    # When: the scheduler runs a round
    out = StringIO()
    call_command("run_scheduler", "--once", "--now", "2027-02-03T10:00:00+08:00", stdout=out)

    # Then
    case.refresh_from_db()
    assert (case.due_at, case.due_provisional) == (end_of(2027, 2, 22), False)
    assert "1 case(s) updated" in out.getvalue()


@pytest.mark.django_db
def test_the_reply_limit_of_a_bad_rating_is_provisional_and_counted_again():
    # Given: a case completed and rated 非常不满意 on Mon 1 Feb 2027; the department owes a
    # reply within 5 working days: 2–4 Feb, (5, 8 Feb off), 9, 10 Feb → Wed 10 Feb
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 15), tick=False):
        case = completed_case(world, at=local(2027, 2, 1, 9))
        rating_submit(case=case, applicant=world.applicant, level=1, at=local(2027, 2, 1, 14))
    task = RectificationTask.objects.get(rating__case=case)
    assert (task.due_at, task.due_provisional) == (end_of(2027, 2, 10), True)

    # When: the 2027 schedule is entered (5–13 Feb off) and the job runs
    enter_invented_2027()
    with time_machine.travel(local(2027, 2, 3), tick=False):
        changed = cases_reschedule(years=[2027])

    # Then: 2–4 Feb, 15, 16 Feb → Tue 16 Feb, no longer provisional, and audited
    task.refresh_from_db()
    assert changed == 1
    assert (task.due_at, task.due_provisional) == (end_of(2027, 2, 16), False)
    assert AuditEntry.objects.filter(action="rectification.deadline_recounted").count() == 1


@pytest.mark.django_db
def test_the_scheduler_recounts_a_provisional_reply_limit_whose_job_was_lost():
    # Found in review: the safety net recounted cases only, so a rectification task's
    # reply limit stayed provisional for good if the job was lost.
    # Given: the bad rating of 1 Feb 2027 (reply due Wed 10 Feb, provisional), and 2027
    # entered without the recount job
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 15), tick=False):
        case = completed_case(world, at=local(2027, 2, 1, 9))
        rating_submit(case=case, applicant=world.applicant, level=1, at=local(2027, 2, 1, 14))
    enter_invented_2027()

    # When: the scheduler runs a round
    call_command("run_scheduler", "--once", "--now", "2027-02-03T10:00:00+08:00", stdout=StringIO())

    # Then: 2–4 Feb, 15, 16 Feb → Tue 16 Feb, settled
    task = RectificationTask.objects.get(rating__case=case)
    assert (task.due_at, task.due_provisional) == (end_of(2027, 2, 16), False)
    assert AuditEntry.objects.filter(action="rectification.deadline_recounted").count() == 1


@pytest.mark.django_db
def test_one_case_that_fails_to_recount_does_not_stop_the_others(monkeypatch, caplog):
    # Given: two provisional cases through 2027, and a recount that fails for the first
    world = case_world()
    with time_machine.travel(local(2027, 2, 1, 11), tick=False):
        broken = accepted_case(world, at=local(2027, 2, 1, 9))
        fine = accepted_case(world, at=local(2027, 2, 1, 9))
    enter_invented_2027()
    from yiwang.cases.services import scheduling

    real = scheduling.workflow_reschedule

    def failing_for_one(*, instance_id, **kwargs):
        if instance_id == broken.workflow_instance_id:
            raise RuntimeError("a definition that no longer loads")
        return real(instance_id=instance_id, **kwargs)

    monkeypatch.setattr(scheduling, "workflow_reschedule", failing_for_one)
    before = snapshot(broken)

    # When
    with time_machine.travel(local(2027, 2, 3), tick=False):
        changed = cases_reschedule(years=[2027])

    # Then: the other case is counted again; the broken one is untouched and logged
    assert changed == 1
    fine.refresh_from_db()
    assert (fine.due_at, fine.due_provisional) == (end_of(2027, 2, 22), False)
    assert snapshot(broken) == before
    assert "a definition that no longer loads" in caplog.text
