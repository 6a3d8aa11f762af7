"""Counting deadlines again when a year's holiday schedule is entered (engine, no database).

Calendar A is the shipped one (2025 and 2026 published): 2027 is counted on
its statutory holidays, provisionally. Calendar B adds a 2027 schedule as an
administrator would enter it; it is invented for these tests (the real notice
is not out), shaped like the 2026 one: 1–3 Jan off; 5–13 Feb off for the
Spring Festival with Sat 20 Feb worked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from yiwang.core.holidays import SHIPPED
from yiwang.core.holidays.schedule import Period, Schedule
from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow import (
    Command,
    CommandRefused,
    Event,
    State,
    apply,
    available,
    load_standard,
    replay,
    reschedule,
    start,
)

from .helpers import CAL, TZ, at, command_for, end_of

INVENTED_2027 = Schedule(
    year=2027,
    source="a schedule invented for the tests",
    notes="",
    periods=(
        Period("元旦", "New Year's Day", "2027-01-01", "2027-01-03"),
        Period("春节", "Spring Festival", "2027-02-05", "2027-02-13", ("2027-02-20",)),
    ),
)


def with_2027() -> WorkingCalendar:
    days = [d for s in (*SHIPPED.values(), INVENTED_2027) for d in s.days()]
    return WorkingCalendar(
        holidays=[d.date for d in days if d.kind == "holiday"],
        workdays=[d.date for d in days if d.kind == "workday"],
        years=[*SHIPPED, 2027],
    )


A, B = CAL, with_2027()
# A service promising a decision within 10 working days (承诺时限).
LICENSING = load_standard("licensing", overrides={"clocks": {"decision": {"working_days": 10}}})


def accepted_on(day: datetime, calendar: WorkingCalendar) -> tuple[State, list[Event]]:
    outcome = start(LICENSING, at=day, calendar=calendar)
    events = list(outcome.events)
    outcome = apply(
        LICENSING,
        outcome.state,
        Command("accept", "intake_clerk"),
        at=day + timedelta(hours=1),
        calendar=calendar,
    )
    return outcome.state, events + list(outcome.events)


def test_a_deadline_counted_on_the_statutory_days_is_counted_again_on_the_schedule():
    # Given: accepted Mon 1 Feb 2027 under A: 2–4 Feb, (5 and 8 Feb statutory days off),
    # 9–12, 15–17 Feb: the 10th working day is Wed 17 Feb, provisional
    state, events = accepted_on(at(2027, 2, 1, 9), A)
    decision = state.clock("decision")
    assert decision.deadline == end_of(2027, 2, 17)
    assert decision.provisional

    # When: counted again on B (5–13 Feb off, Sat 20 Feb worked)
    outcome = reschedule(LICENSING, state, events, at=at(2027, 2, 3), calendar=B)

    # Then: 2–4 Feb, 15–19 Feb, Sat 20, Mon 22 Feb; no longer provisional
    (rescheduled,) = outcome.events
    assert rescheduled.type == "clock_rescheduled"
    assert rescheduled.data["previous_deadline"] == end_of(2027, 2, 17).isoformat()
    new = outcome.state.clock("decision")
    assert new.deadline == end_of(2027, 2, 22)
    assert not new.provisional
    assert outcome.state.version == state.version + 1
    assert replay(LICENSING, [*events, *outcome.events]) == outcome.state


def test_counting_again_on_the_same_calendar_changes_nothing():
    state, events = accepted_on(at(2027, 2, 1, 9), A)

    outcome = reschedule(LICENSING, state, events, at=at(2027, 2, 3), calendar=A)

    assert outcome.events == ()
    assert outcome.state is state


def test_a_case_that_does_not_reach_the_new_year_is_left_alone():
    state, events = accepted_on(at(2026, 3, 2, 9), A)

    assert reschedule(LICENSING, state, events, at=at(2026, 3, 3), calendar=B).events == ()


def test_a_deadline_that_now_lies_ahead_is_no_longer_overdue():
    # Given: accepted 1 Feb 2027 under A, due 17 Feb; supplements requested on 18 Feb, so
    # the tick before the request marks the clock overdue and the pause keeps it so
    state, events = accepted_on(at(2027, 2, 1, 9), A)
    outcome = apply(
        LICENSING,
        state,
        Command("request_supplement", "reviewer", {"missing_materials": ["site plan"]}),
        at=at(2027, 2, 18),
        calendar=A,
    )
    state, events = outcome.state, events + list(outcome.events)
    assert state.clock("decision").overdue

    # When: counted again on B, the deadline (22 Feb) lies after the pause (18 Feb)
    outcome = reschedule(LICENSING, state, events, at=at(2027, 2, 19), calendar=B)

    # Then
    clock = outcome.state.clock("decision")
    assert clock.deadline == end_of(2027, 2, 22)
    assert not clock.overdue
    assert clock.paused_at == at(2027, 2, 18)


def test_events_of_another_case_are_refused():
    state, _events = accepted_on(at(2027, 2, 1, 9), A)
    _other, other_events = accepted_on(at(2027, 2, 1, 9), A)
    outcome = start(LICENSING, at=at(2027, 2, 1, 9), calendar=A)  # no decision clock yet

    with pytest.raises(ValueError, match="clocks"):
        reschedule(LICENSING, state, list(outcome.events), at=at(2027, 2, 3), calendar=B)
    assert reschedule(LICENSING, state, other_events, at=at(2027, 2, 3), calendar=B).events


# --- the property: counting again on B gives what living under B would have given -------------

starts = st.datetimes(
    min_value=datetime(2026, 11, 20), max_value=datetime(2027, 3, 15), timezones=st.just(TZ)
)
gaps = st.integers(min_value=1, max_value=10 * 24 * 60).map(lambda m: timedelta(minutes=m))
steps = st.lists(st.tuples(st.integers(min_value=0, max_value=99), gaps), max_size=10)
# Warnings and overdue marks come at other instants on another calendar; they move no deadline.
_TIMING_ONLY = {"clock_warning", "clock_overdue"}


@dataclass
class Run:
    state: State
    events: list[Event]
    commands: list[tuple[Command, datetime]]

    @property
    def shape(self) -> list[tuple[str, str]]:
        return [
            (e.type, str(e.data.get("to", e.data.get("clock", ""))))
            for e in self.events
            if e.type not in _TIMING_ONLY
        ]


def live(name: str, begin: datetime, commands, calendar: WorkingCalendar) -> Run | None:
    """Run ``commands`` (chosen, or given as (Command, at)) on ``calendar``; None if refused."""
    definition = load_standard(name)
    outcome = start(definition, at=begin, calendar=calendar)
    run = Run(outcome.state, list(outcome.events), [])
    for step in commands:
        if isinstance(step[0], Command):
            command, when = step
        else:
            options = available(definition, run.state)
            if not options:
                break
            t, branch = options[step[0] % len(options)]
            command, when = command_for(t, branch), run.state.updated_at + step[1]
        try:
            outcome = apply(definition, run.state, command, at=when, calendar=calendar)
        except CommandRefused:
            if not isinstance(step[0], Command):
                continue  # e.g. a second extension: the walk tries another step
            return None
        run.state = outcome.state
        run.events += outcome.events
        run.commands.append((command, when))
    return run


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(name=st.sampled_from(["licensing", "public_service"]), begin=starts, walk=steps)
def test_counting_again_gives_the_clocks_of_a_life_on_the_new_calendar(name, begin, walk):
    lived_a = live(name, begin, walk, A)
    assert lived_a is not None
    lived_b = live(name, begin, lived_a.commands, B)
    same_history = lived_b is not None and lived_b.shape == lived_a.shape
    event("same history on both calendars" if same_history else "histories diverge")
    assume(same_history)  # e.g. acceptance deemed on one calendar only: nothing to compare

    definition = load_standard(name)
    when = lived_a.state.updated_at + timedelta(minutes=1)
    outcome = reschedule(definition, lived_a.state, lived_a.events, at=when, calendar=B)
    recounted = outcome.state
    for state_event in outcome.events:
        assert state_event.type == "clock_rescheduled"
    event(f"{len(outcome.events)} clock(s) rescheduled")

    def values(state: State) -> dict[str, tuple]:
        return {
            c.name: (c.deadline, c.warn_at, c.suspended, c.excluded, c.provisional)
            for c in state.clocks
        }

    assert values(recounted) == values(lived_b.state)
    history = [*lived_a.events, *outcome.events]
    assert replay(definition, history) == recounted
    assert reschedule(definition, recounted, history, at=when, calendar=B).events == ()
