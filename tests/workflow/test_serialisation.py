"""State and events as JSON, and replay: the recorded events rebuild the live state."""

from __future__ import annotations

import json

import pytest

from yiwang.workflow import STANDARD, Event, State, evolve, load_standard, replay

from .helpers import EXPLORE_PATHS, walk


@pytest.mark.parametrize("name", STANDARD)
def test_every_reached_state_round_trips_through_json(name):
    definition = load_standard(name)
    for state, events in walk(definition, EXPLORE_PATHS):
        text = json.dumps(state.to_json())

        assert State.from_json(json.loads(text)) == state
        again = [Event.from_json(json.loads(json.dumps(e.to_json()))) for e in events]
        assert again == events
        assert replay(definition, again) == state


def test_replay_needs_a_started_event():
    definition = load_standard("licensing")
    with pytest.raises(ValueError, match="nothing to replay"):
        replay(definition, [])
    with pytest.raises(ValueError, match="before 'started'"):
        evolve(definition, None, Event("transitioned", None, {}))  # type: ignore[arg-type]


def test_an_unknown_event_type_is_refused():
    definition = load_standard("licensing")
    first, *_ = walk(definition, 1)[0][1]

    with pytest.raises(ValueError, match="unknown event type"):
        replay(definition, [first, Event("teleported", first.at, {})])
