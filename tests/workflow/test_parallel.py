"""Parallel branches: fork to several departments, join when all (or a quorum) have finished."""

from __future__ import annotations

import pytest

from yiwang.workflow import (
    AlreadyDecided,
    Command,
    MissingField,
    WrongState,
    apply,
    load_standard,
    start,
)

from .helpers import CAL, at

REVIEW = load_standard("parallel_review")
AGREE = Command("agree", "department_reviewer")


def forked(definition=REVIEW, **fields):
    state = start(definition, at=at(2026, 3, 2, 9), calendar=CAL).state
    return apply(
        definition,
        state,
        Command("accept", "intake_clerk", fields),
        at=at(2026, 3, 2, 10),
        calendar=CAL,
    )


def agree(state, branch, definition=REVIEW, hour=11):
    command = Command(AGREE.name, AGREE.role, {}, branch)
    return apply(definition, state, command, at=at(2026, 3, 3, hour), calendar=CAL)


def test_acceptance_forks_one_branch_per_department():
    outcome = forked()

    state = outcome.state
    assert state.status == "joint_review"
    assert [(b.name, b.status) for b in state.branches] == [
        ("planning", "department_review"),
        ("fire_safety", "department_review"),
        ("environment", "department_review"),
    ]
    assert outcome.events[-1].type == "forked"


def test_the_join_waits_for_every_branch():
    state = forked().state
    state = agree(state, "planning").state
    state = agree(state, "environment", hour=12).state
    assert state.status == "joint_review"
    assert state.branch("planning").status == "opinions_in"

    outcome = apply(
        REVIEW,
        state,
        Command("object", "department_reviewer", {"reason": "fire exits"}, "fire_safety"),
        at=at(2026, 3, 3, 13),
        calendar=CAL,
    )

    joined = next(e for e in outcome.events if e.type == "joined")
    assert joined.data["finished"] == ["planning", "fire_safety", "environment"]
    assert outcome.state.status == "opinions_in" and outcome.state.branches == ()
    assert outcome.state.clock("decision").started_at == at(2026, 3, 2, 10)  # kept running


def test_a_quorum_joins_early_and_cancels_the_rest():
    definition = load_standard(
        "parallel_review", overrides={"states": {"opinions_in": {"join": {"quorum": 2}}}}
    )
    state = forked(definition).state
    state = agree(state, "planning", definition).state

    outcome = agree(state, "fire_safety", definition, hour=12)

    joined = next(e for e in outcome.events if e.type == "joined")
    assert joined.data["cancelled"] == ["environment"]
    assert outcome.state.status == "opinions_in"


def test_the_departments_can_be_chosen_when_forking():
    state = forked(branches=["planning", "transport"]).state

    assert [b.name for b in state.branches] == ["planning", "transport"]


def test_a_branch_command_must_say_which_branch_when_several_could_take_it():
    state = forked().state

    with pytest.raises(MissingField) as refused:
        apply(REVIEW, state, AGREE, at=at(2026, 3, 3), calendar=CAL)

    assert refused.value.field == "branch"


def test_the_last_open_branch_needs_no_name():
    state = forked(branches=["planning"]).state

    outcome = apply(REVIEW, state, AGREE, at=at(2026, 3, 3), calendar=CAL)

    assert outcome.state.status == "opinions_in"


def test_a_finished_branch_takes_no_more_opinions():
    state = agree(forked().state, "planning").state

    with pytest.raises(AlreadyDecided):
        agree(state, "planning", hour=12)


def test_an_unknown_branch_is_refused():
    with pytest.raises(WrongState, match="no open branch"):
        agree(forked().state, "tourism")


def test_withdrawing_cancels_the_open_branches():
    state = forked().state

    outcome = apply(
        REVIEW, state, Command("withdraw", "applicant"), at=at(2026, 3, 3), calendar=CAL
    )

    assert "branches_cancelled" in [e.type for e in outcome.events]
    assert outcome.state.status == "withdrawn" and outcome.state.branches == ()
    assert outcome.state.clocks == ()


def test_deemed_acceptance_forks_too():
    state = start(REVIEW, at=at(2026, 3, 2, 9), calendar=CAL).state

    outcome = apply(
        REVIEW, state, Command("withdraw", "applicant"), at=at(2026, 3, 20), calendar=CAL
    )

    types = [e.type for e in outcome.events]
    assert (
        types.index("deemed_accepted") < types.index("forked") < types.index("branches_cancelled")
    )
