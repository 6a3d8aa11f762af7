"""The statutory clock on the real 2026 calendar: worked examples, pauses, extension, light, due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from yiwang.workflow import (
    AlreadyDecided,
    Command,
    Light,
    LimitReached,
    apply,
    deadline_light,
    due_at,
    load_definition,
    load_standard,
    start,
    tick,
)

from .helpers import CAL, at, end_of

LICENSING = load_standard("licensing")
FIVE_DAYS = load_standard("licensing", overrides={"clocks": {"decision": {"working_days": 5}}})
#: An hours clock: the first city_event definition, kept as a test fixture (hours_event.yaml).
EVENT = load_definition(Path(__file__).with_name("hours_event.yaml"))

ACCEPT = Command("accept", "intake_clerk")
SUPPLEMENT = Command("request_supplement", "reviewer", {"missing_materials": ["site plan"]})
ANSWER = Command("answer_supplement", "applicant")
SPECIAL = Command(
    "start_special_procedure", "reviewer", {"procedure": "hearing", "reason": "objections"}
)
SPECIAL_DONE = Command("finish_special_procedure", "reviewer")
EXTEND = Command("extend", "approver", {"reason": "expert review of the site plan"})
REVIEW_DENY = Command("review", "reviewer", {"outcome": "deny", "opinion": "conditions not met"})


def accepted(definition, when: datetime):
    state = start(definition, at=when, calendar=CAL).state
    return apply(definition, state, ACCEPT, at=when + timedelta(minutes=30), calendar=CAL).state


def do(definition, state, command, when):
    return apply(definition, state, command, at=when, calendar=CAL).state


# --- the worked examples of the issue -------------------------------------------------------------


def test_accepted_on_30_september_with_5_working_days_is_due_at_the_end_of_13_october():
    # Given: accepted on Wednesday 30 September 2026 (1–7 October are holidays,
    # Saturday 10 October is worked, Sunday 11 October is not)
    state = accepted(FIVE_DAYS, at(2026, 9, 30, 9))

    # Then: the day of acceptance is not counted: 8, 9, 10, 12, 13 October
    assert state.clock("decision").deadline == end_of(2026, 10, 13)
    assert deadline_light(state, end_of(2026, 10, 13), calendar=CAL) is Light.YELLOW
    assert deadline_light(state, end_of(2026, 10, 13) + timedelta(microseconds=1)) is Light.RED


def test_received_on_13_february_must_be_accepted_by_the_end_of_27_february():
    # Given: received on Friday 13 February 2026 (Saturday 14 is worked, 15–23 are holidays)
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state

    # Then
    assert state.clock("acceptance").deadline == end_of(2026, 2, 27)
    assert due_at(state) == at(2026, 2, 26, 0)  # the warning window: the last 2 working days


def test_acceptance_at_the_last_instant_is_on_time():
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state

    outcome = apply(LICENSING, state, ACCEPT, at=end_of(2026, 2, 27), calendar=CAL)

    stopped = next(e for e in outcome.events if e.type == "clock_stopped")
    assert stopped.data == {
        "clock": "acceptance",
        "deadline": "2026-02-27T23:59:59.999999+08:00",
        "on_time": True,
        "version": 1,
    }
    assert outcome.state.status == "under_review"


def test_a_supplement_from_the_3rd_to_the_8th_working_day_stops_the_clock_for_those_days():
    # Given: accepted on Monday 2 March 2026, due in 20 working days (Monday 30 March)
    state = accepted(LICENSING, at(2026, 3, 2, 9))
    assert state.clock("decision").deadline == end_of(2026, 3, 30)
    third, eighth = (
        CAL.add_working_days(date(2026, 3, 2), 3),
        CAL.add_working_days(date(2026, 3, 2), 8),
    )
    assert (third, eighth) == (date(2026, 3, 5), date(2026, 3, 12))

    # When: supplements are requested on the 3rd working day and answered on the 8th
    state = do(LICENSING, state, SUPPLEMENT, at(2026, 3, 5, 11))
    paused = state.clock("decision")
    state = do(LICENSING, state, ANSWER, at(2026, 3, 12, 15))

    # Then: while open the clock stood still; the 4th to the 8th working day (5) do not count,
    # and the new deadline skips the Qingming holiday (4–6 April)
    assert paused.mode == "suspended" and deadline_light(state, at(2026, 3, 12)) is Light.GREEN
    decision = state.clock("decision")
    assert decision.suspended == 5
    assert decision.deadline == end_of(2026, 4, 7)
    assert CAL.add_working_days(date(2026, 3, 30), 5) == date(2026, 4, 7)


def test_a_special_procedure_is_excluded_from_the_limit():
    state = accepted(LICENSING, at(2026, 3, 2, 9))

    state = do(LICENSING, state, SPECIAL, at(2026, 3, 5, 11))
    assert state.status == "special_procedure" and state.clock("decision").mode == "excluded"
    state = do(LICENSING, state, SPECIAL_DONE, at(2026, 3, 12, 15))

    decision = state.clock("decision")
    assert (decision.excluded, decision.suspended) == (5, 0)
    assert decision.deadline == end_of(2026, 4, 7)


def test_a_pause_on_the_deadline_day_leaves_the_restart_day_to_act():
    # Given: 5 working days from Monday 2 March: due Monday 9 March; supplements asked that day
    state = accepted(FIVE_DAYS, at(2026, 3, 2, 9))
    state = do(FIVE_DAYS, state, SUPPLEMENT, at(2026, 3, 9, 17))

    # When: answered on Saturday 14 March (a day off)
    state = do(FIVE_DAYS, state, ANSWER, at(2026, 3, 14, 10))

    # Then: due at the end of the next working day
    assert state.clock("decision").deadline == end_of(2026, 3, 16)


def test_a_pause_after_the_deadline_leaves_the_case_overdue():
    state = accepted(FIVE_DAYS, at(2026, 3, 2, 9))
    state = do(FIVE_DAYS, state, SUPPLEMENT, at(2026, 3, 11, 9))

    state = do(FIVE_DAYS, state, ANSWER, at(2026, 3, 20, 9))

    assert state.clock("decision").deadline == end_of(2026, 3, 9)
    assert state.clock("decision").overdue
    assert deadline_light(state, at(2026, 3, 20, 10)) is Light.RED


# --- deemed acceptance -------------------------------------------------------------------------


def test_an_application_not_handled_in_time_counts_as_accepted_from_receipt():
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state
    assert tick(LICENSING, state, at=end_of(2026, 2, 27), calendar=CAL).events[0].type == (
        "clock_warning"
    )

    outcome = tick(LICENSING, state, at=at(2026, 3, 2, 8), calendar=CAL)

    types = [e.type for e in outcome.events]
    assert types == [
        "clock_warning",
        "deemed_accepted",
        "clock_stopped",
        "clock_started",
    ]
    deemed = outcome.events[1]
    assert deemed.at == at(2026, 2, 28, 0)  # the first instant after the deadline
    assert deemed.data["effective_at"] == "2026-02-13T16:00:00+08:00"
    assert outcome.state.status == "under_review"
    decision = outcome.state.clock("decision")
    assert decision.started_at == at(2026, 2, 13, 16)
    assert decision.deadline == end_of(2026, 3, 19)  # 20 working days from receipt
    assert outcome.state.version == state.version + 1


def test_a_late_accept_is_refused_as_already_decided_and_the_deemed_acceptance_is_handed_back():
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state

    for command in (ACCEPT, Command("reject", "intake_clerk", {"reason": "late"})):
        with pytest.raises(AlreadyDecided) as refused:
            apply(LICENSING, state, command, at=at(2026, 3, 2, 9), calendar=CAL)

        ticked = refused.value.ticked
        assert ticked is not None
        assert ticked.state.status == "under_review"
        assert any(e.type == "deemed_accepted" for e in ticked.events)


def test_a_command_after_deemed_acceptance_includes_it_in_its_outcome():
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state

    outcome = apply(LICENSING, state, SUPPLEMENT, at=at(2026, 3, 2, 9), calendar=CAL)

    assert [e.type for e in outcome.events][1:3] == ["deemed_accepted", "clock_stopped"]
    assert outcome.state.status == "review_supplement"
    assert outcome.state.version == state.version + 1


def test_intake_supplements_stop_the_acceptance_clock():
    state = start(LICENSING, at=at(2026, 2, 13, 16), calendar=CAL).state
    state = do(
        LICENSING,
        state,
        Command("request_supplement", "intake_clerk", {"missing_materials": ["ID"]}),
        at(2026, 2, 25, 9),
    )
    assert due_at(state) is None  # nothing comes due while the applicant has the case

    state = do(LICENSING, state, ANSWER, at(2026, 3, 4, 9))

    # 25 February was the 3rd working day (14 February was worked); 2 were left,
    # counted from 4 March; 26, 27, 28 (worked), 2, 3, 4 March did not count
    assert state.clock("acceptance").deadline == end_of(2026, 3, 6)
    assert state.clock("acceptance").suspended == 6


# --- extension ---------------------------------------------------------------------------------


def test_one_extension_adds_10_working_days_with_its_reason():
    state = accepted(LICENSING, at(2026, 3, 2, 9))

    outcome = apply(LICENSING, state, EXTEND, at=at(2026, 3, 20, 9), calendar=CAL)

    extended = next(e for e in outcome.events if e.type == "clock_extended")
    assert extended.data["reason"] == "expert review of the site plan"
    assert outcome.state.clock("decision").deadline == end_of(2026, 4, 14)
    assert outcome.state.status == "under_review"


def test_a_second_extension_is_refused():
    state = accepted(LICENSING, at(2026, 3, 2, 9))
    state = do(LICENSING, state, EXTEND, at(2026, 3, 20, 9))

    with pytest.raises(LimitReached) as refused:
        apply(LICENSING, state, EXTEND, at=at(2026, 3, 23, 9), calendar=CAL)

    assert refused.value.code == "extension_used"


def test_an_extension_after_the_deadline_is_refused():
    state = accepted(FIVE_DAYS, at(2026, 3, 2, 9))

    with pytest.raises(LimitReached) as refused:
        apply(FIVE_DAYS, state, EXTEND, at=at(2026, 3, 10, 9), calendar=CAL)

    assert refused.value.code == "deadline_passed"


# --- the light and due_at ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "light"),
    [
        (at(2026, 3, 2, 10), Light.GREEN),
        (end_of(2026, 3, 26), Light.GREEN),
        (at(2026, 3, 27, 0), Light.YELLOW),  # the last 2 working days: Friday 27 and Monday 30
        (at(2026, 3, 28, 12), Light.YELLOW),
        (end_of(2026, 3, 30), Light.YELLOW),
        (at(2026, 3, 31, 0), Light.RED),
    ],
)
def test_the_light_turns_yellow_in_the_warning_window_and_red_when_overdue(moment, light):
    state = accepted(LICENSING, at(2026, 3, 2, 9))

    assert deadline_light(state, moment, calendar=CAL) is light


def test_a_fractional_warning_window():
    definition = load_standard(
        "licensing", overrides={"clocks": {"decision": {"warning": {"fraction": 0.25}}}}
    )
    state = accepted(definition, at(2026, 3, 2, 9))

    # 25% of 20 working days: the last 5, from Tuesday 24 March
    assert state.clock("decision").warn_at == at(2026, 3, 24, 0)


def test_a_paused_clock_shows_the_light_it_had_and_is_never_due():
    state = accepted(LICENSING, at(2026, 3, 2, 9))
    state = do(LICENSING, state, SUPPLEMENT, at(2026, 3, 27, 9))

    assert deadline_light(state, at(2026, 6, 1), calendar=CAL) is Light.YELLOW
    assert due_at(state) is None


def test_due_at_gives_the_warning_then_the_overdue_instant():
    state = accepted(LICENSING, at(2026, 3, 2, 9))
    assert due_at(state) == at(2026, 3, 27, 0)

    state = tick(LICENSING, state, at=at(2026, 3, 27, 0), calendar=CAL).state
    assert due_at(state) == at(2026, 3, 31, 0)

    outcome = tick(LICENSING, state, at=at(2026, 3, 31, 0), calendar=CAL)
    assert [e.type for e in outcome.events] == ["clock_overdue"]
    assert due_at(outcome.state) is None
    assert tick(LICENSING, outcome.state, at=at(2026, 4, 1), calendar=CAL).events == ()


def test_nothing_is_due_in_a_final_state():
    state = accepted(LICENSING, at(2026, 3, 2, 9))
    state = do(LICENSING, state, REVIEW_DENY, at(2026, 3, 3))
    state = do(LICENSING, state, Command("deny", "approver", {"reason": "no"}), at(2026, 3, 3))

    assert state.clocks == () and due_at(state) is None
    assert deadline_light(state, at(2026, 12, 1)) is Light.GREEN


# --- hours: city events ------------------------------------------------------------------------


def dispatched(when: datetime):
    state = start(EVENT, at=when, calendar=CAL).state
    return do(EVENT, state, Command("dispatch", "operator", {"department": "water"}), when)


def test_signing_is_due_within_hours_of_dispatch():
    state = dispatched(at(2026, 3, 7, 10))  # a Saturday: hours run every day

    signing = state.clock("signing")
    assert signing.deadline == at(2026, 3, 7, 12)
    assert signing.warn_at == at(2026, 3, 7, 11, 30)
    assert deadline_light(state, at(2026, 3, 7, 12, 1)) is Light.RED
    overdue = tick(EVENT, state, at=at(2026, 3, 7, 13), calendar=CAL)
    assert [e.type for e in overdue.events] == ["clock_warning", "clock_overdue"]


def test_handling_is_counted_in_working_days_from_signing():
    state = dispatched(at(2026, 3, 6, 10))
    state = do(EVENT, state, Command("sign", "handler"), at(2026, 3, 6, 11))

    assert state.clock("signing") is None
    assert state.clock("handling").deadline == end_of(2026, 3, 13)


def test_reassignment_restarts_the_signing_clock():
    state = dispatched(at(2026, 3, 6, 10))

    state = do(
        EVENT, state, Command("reassign", "supervisor", {"department": "roads"}), at(2026, 3, 6, 11)
    )

    assert state.clock("signing").deadline == at(2026, 3, 6, 13)


def test_urging_changes_no_deadline():
    state = dispatched(at(2026, 3, 6, 10))

    outcome = apply(
        EVENT,
        state,
        Command("urge", "supervisor", {"note": "hurry"}),
        at=at(2026, 3, 6, 11),
        calendar=CAL,
    )

    assert [e.type for e in outcome.events] == ["transitioned"]
    assert outcome.state.clocks == state.clocks


def test_reopening_after_a_bad_callback_restarts_handling():
    state = dispatched(at(2026, 3, 6, 10))
    state = do(EVENT, state, Command("sign", "handler"), at(2026, 3, 6, 11))
    state = do(EVENT, state, Command("reply", "handler", {"reply": "fixed"}), at(2026, 3, 9, 11))
    state = do(
        EVENT,
        state,
        Command("call_back", "operator", {"satisfaction": "very_dissatisfied"}),
        at(2026, 3, 10, 11),
    )

    state = do(
        EVENT,
        state,
        Command("reopen", "supervisor", {"reason": "still leaking"}),
        at(2026, 3, 10, 12),
    )

    assert state.status == "handling"
    assert state.clock("handling").deadline == end_of(2026, 3, 17)


# --- timestamps --------------------------------------------------------------------------------


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError, match="aware"):
        start(LICENSING, at=datetime(2026, 3, 2, 9), calendar=CAL)
    state = start(LICENSING, at=at(2026, 3, 2, 9), calendar=CAL).state
    with pytest.raises(ValueError, match="aware"):
        apply(LICENSING, state, ACCEPT, at=datetime(2026, 3, 2, 10), calendar=CAL)
    with pytest.raises(ValueError, match="aware"):
        deadline_light(state, datetime(2026, 3, 2, 10))


def test_time_does_not_run_backwards():
    state = start(LICENSING, at=at(2026, 3, 2, 9), calendar=CAL).state

    with pytest.raises(ValueError, match="precedes"):
        apply(LICENSING, state, ACCEPT, at=at(2026, 3, 2, 8), calendar=CAL)


ON_THE_SPOT = load_standard(
    "public_service", overrides={"clocks": {"service": {"working_days": 0}}}
)


def test_an_on_the_spot_service_received_on_a_working_day_is_due_at_its_end():
    # Given: 即办 (0 working days), received on Tuesday 3 March 2026 at 10:00
    state = start(ON_THE_SPOT, at=at(2026, 3, 3, 10), calendar=CAL).state

    # Then: due the same day; yellow at once (the warning window is that day)
    assert state.clock("service").deadline == end_of(2026, 3, 3)
    assert deadline_light(state, at(2026, 3, 3, 10), calendar=CAL) is Light.YELLOW


def test_an_on_the_spot_service_received_in_the_spring_festival_is_due_on_the_first_working_day():
    # Given: received on Monday 16 February 2026, inside the 15–23 February holiday
    state = start(ON_THE_SPOT, at=at(2026, 2, 16, 10), calendar=CAL).state

    # Then: Tuesday 24 February is the first working day after the break
    assert state.clock("service").deadline == end_of(2026, 2, 24)
