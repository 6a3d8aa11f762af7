"""The engine's fast constructors build ordinary, frozen instances of the model's dataclasses."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from yiwang.workflow import BranchState, ClockState, Event, Outcome, State
from yiwang.workflow.model import (
    iso_moment,
    new_clock,
    new_event,
    new_outcome,
    new_state,
    parse_moment,
)

from .helpers import TZ

AT = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
DUE = datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=TZ)


def test_each_fast_constructor_equals_the_dataclass_init():
    clock_fields = (
        "decision",
        "working_days",
        AT,
        DUE,
        AT,
        "runs",
        None,
        0,
        0,
        0,
        False,
        False,
        True,
    )
    clock = ClockState(*clock_fields)
    state_fields = ("licensing", "under_review", 3, AT, AT, (BranchState("a", "b"),), (clock,))
    state = State(*state_fields)
    event = Event("transitioned", AT, {"to": "under_review"})

    built = [
        (new_clock(*clock_fields), clock),
        (new_state(*state_fields), state),
        (new_event("transitioned", AT, {"to": "under_review"}), event),
        (new_outcome(state, (event,)), Outcome(state, (event,))),
    ]

    for fast, usual in built:
        assert type(fast) is type(usual)
        assert fast == usual
        assert repr(fast) == repr(usual)
        assert dataclasses.replace(fast) == usual
    assert hash(new_clock(*clock_fields)) == hash(clock)


def test_fast_built_instances_are_frozen():
    state = new_state("licensing", "submitted", 0, AT, AT, (), ())

    with pytest.raises(dataclasses.FrozenInstanceError):
        state.status = "approved"  # type: ignore[misc]


def test_remembered_conversions_give_what_the_datetime_methods_give():
    text = DUE.isoformat()

    assert parse_moment(text) == datetime.fromisoformat(text)
    assert repr(parse_moment(text)) == repr(datetime.fromisoformat(text))
    assert parse_moment(text) is parse_moment(text)
    assert iso_moment(DUE) == text
    # An equal instant in another zone keeps its own text.
    assert iso_moment(parse_moment("2026-03-09T15:59:59.999999+00:00")).endswith("+00:00")
