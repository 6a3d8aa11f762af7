"""Queues, lights and the applicant's view: permission in the query, fixed query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    HOUR,
    T0,
    accepted_case,
    case_world,
    officer,
    submitted_case,
)
from yiwang.cases import selectors, services
from yiwang.cases.selectors import CaseFilters
from yiwang.identity.models import Role
from yiwang.identity.services import role_assign

pytestmark = pytest.mark.django_db

# Received Monday 2 March 2026 09:00: acceptance due end of Monday 9 March (5 working days),
# yellow from Friday 6 March (the last 2 working days).
DUE = T0 + timedelta(days=7)


def _numbers(qs):
    return [c.number for c in qs]


def _show(page):
    """Touch what a queue row shows."""
    return [
        (c.service_version.name_zh, c.service_version.item.code, c.department.name_zh,
         c.applicant.citizen.name, c.assignee, c.enterprise, c.light)
        for c in page
    ]  # fmt: skip


def test_the_queue_costs_two_queries_whatever_its_length():
    # The page, then its services (with their items) by the page's ids.
    world = case_world()
    for _ in range(3):
        submitted_case(world)
    with CaptureQueriesContext(connection) as few:
        page = list(selectors.case_list_for_officer(officer=world.clerk, now=T0)[:20])
        _show(page)
    for _ in range(5):
        submitted_case(world)
    with CaptureQueriesContext(connection) as more:
        page = list(selectors.case_list_for_officer(officer=world.clerk, now=T0)[:20])
        _show(page)
    assert len(page) == 8
    assert len(few.captured_queries) == len(more.captured_queries) == 2


def test_lights_in_sql_match_the_clock():
    world = case_world()
    case = submitted_case(world)
    green, yellow, red = T0 + HOUR, T0 + timedelta(days=4, hours=1), DUE + timedelta(days=1)
    for now, light in [(green, "green"), (yellow, "yellow"), (red, "red")]:
        listed = selectors.case_list_for_officer(officer=world.clerk, now=now).get()
        assert listed.light == light == selectors.case_light(case, now)
        assert selectors.case_clock(case, now).light == light
        for f in ("green", "yellow", "red"):
            got = _numbers(selectors.case_list_for_officer(
                officer=world.clerk, filters=CaseFilters(light=f), now=now))  # fmt: skip
            assert got == ([case.number] if f == light else [])
    counts = selectors.case_queue_counts(officer=world.clerk, now=red)
    assert (counts.red, counts.yellow, counts.open) == (1, 0, 1)
    assert selectors.case_queue_counts(officer=world.clerk, now=yellow).yellow == 1


def test_a_paused_clock_keeps_its_light_in_the_queue():
    world = case_world()
    case = accepted_case(world)
    services.supplement_request(
        case=case, actor=world.reviewer, at=T0 + 2 * HOUR,
        items=[{"name": "Floor plan", "reason": "Missing."}],
    )  # fmt: skip
    much_later = T0 + timedelta(days=60)
    listed = selectors.case_list_for_officer(officer=world.reviewer, now=much_later).get()
    assert listed.light == "green"  # suspended: not overdue however long the applicant takes
    clock = selectors.case_clock(listed, much_later)
    assert clock.paused and clock.paused_mode == "suspended"
    assert clock.suspensions[0]["ended_at"] is None
    nxt = selectors.case_next_step(listed)
    assert nxt is not None and nxt.waiting_for_applicant and nxt.due_at is None


def test_queue_filters_and_sorting():
    world = case_world()
    first = submitted_case(world, at=T0)
    second = accepted_case(world, at=T0 + HOUR)
    services.case_claim(case=first, officer=world.clerk, at=T0 + 3 * HOUR)
    q = selectors.case_list_for_officer
    clerk = world.clerk
    assert _numbers(q(officer=clerk, now=T0)) == [first.number, second.number]  # by due
    assert _numbers(q(officer=clerk, filters=CaseFilters(sort="-due"), now=T0))[0] == second.number
    assert _numbers(q(officer=clerk, filters=CaseFilters(step="under_review"))) == [second.number]
    assert _numbers(q(officer=clerk, filters=CaseFilters(assignee="me"))) == [first.number]
    assert _numbers(q(officer=clerk, filters=CaseFilters(assignee="unassigned"))) == [second.number]
    assert _numbers(q(officer=clerk, filters=CaseFilters(assignee=clerk.pk))) == [first.number]
    code = world.service.item.code
    assert len(q(officer=clerk, filters=CaseFilters(service_code=code))) == 2
    assert len(q(officer=clerk, filters=CaseFilters(service_code="nope"))) == 0


def test_the_queue_holds_only_the_officers_departments_and_no_closed_cases():
    world, other = case_world(), case_world()
    mine = submitted_case(world)
    submitted_case(other)
    services.case_withdraw(case=submitted_case(world), applicant=world.applicant, at=T0 + HOUR)
    assert _numbers(selectors.case_list_for_officer(officer=world.clerk, now=T0)) == [mine.number]
    both = officer(world.department, Role.REVIEWER)
    role_assign(user=both, role=Role.REVIEWER, department=other.department, actor=None)
    assert len(selectors.case_list_for_officer(officer=both, now=T0)) == 2
    assert list(selectors.case_list_for_officer(officer=world.applicant, now=T0)) == []
    everything = selectors.case_list_for_officer(
        officer=world.clerk, filters=CaseFilters(include_closed=True), now=T0
    )
    assert len(everything) == 2


def test_the_applicant_sees_their_cases_with_plain_words_and_what_comes_next():
    world = case_world()
    case = accepted_case(world)
    mine = list(selectors.case_list_for_applicant(user=world.applicant))
    assert _numbers(mine) == [case.number]
    assert selectors.case_status_label(case) == "Under review"
    nxt = selectors.case_next_step(case)
    assert nxt is not None and nxt.due_at == case.due_at and not nxt.waiting_for_applicant
    titles = [i.title for i in selectors.case_timeline(case)]
    assert titles == ["Application received", "Application accepted"]


def test_materials_are_readable_by_the_applicant_and_the_departments_officers_only():
    from yiwang.cases.errors import CaseNotFound

    world, other = case_world(), case_world()
    case = submitted_case(world)
    row = selectors.case_materials(case).first()
    assert row is not None
    assert selectors.material_get_for_user(user=world.applicant, material_id=row.pk) == row
    assert selectors.material_get_for_user(user=world.clerk, material_id=row.pk) == row
    for stranger in (other.applicant, other.clerk):
        with pytest.raises(CaseNotFound):
            selectors.material_get_for_user(user=stranger, material_id=row.pk)
