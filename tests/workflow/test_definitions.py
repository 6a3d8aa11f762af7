"""Loading and checking definitions: the shipped four, and broken ones naming line and field."""

from __future__ import annotations

import textwrap

import pytest

from yiwang.workflow import STANDARD, Definition, DefinitionError, load_definition, load_standard
from yiwang.workflow.definition import check
from yiwang.workflow.schema import DEFINITIONS_DIR

MINIMAL = textwrap.dedent(
    """\
    workflow: tiny
    initial: open
    clocks:
      limit:
        working_days: 3
    states:
      open:
        clocks: {limit: runs}
      done:
        final: true
    transitions:
      - command: finish
        from: open
        to: done
        role: clerk
    """
)


def problems_of(text: str, **kwargs) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as error:
        load_definition(text, **kwargs)
    return [(p.line, p.field, p.message) for p in error.value.problems]


@pytest.mark.parametrize("name", STANDARD)
def test_the_shipped_definitions_load_and_check_clean(name):
    definition = load_standard(name)

    assert isinstance(definition, Definition)
    assert definition.name == name
    assert check(definition) == []
    assert load_standard(name) is definition  # cached


def test_the_shipped_files_are_the_standard_ones():
    assert sorted(p.stem for p in DEFINITIONS_DIR.glob("*.yaml")) == sorted(STANDARD)


def test_an_unknown_standard_name_is_a_lookup_error():
    with pytest.raises(LookupError, match="licensing"):
        load_standard("licencing")


def test_a_minimal_definition_loads():
    definition = load_definition(MINIMAL)

    assert definition.initial == "open"
    assert definition.table["open", "finish"].target == "done"


def test_a_definition_loads_from_a_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(MINIMAL, encoding="utf-8")

    assert load_definition(path).name == "tiny"
    assert load_definition(str(path)).name == "tiny"


def test_an_unreachable_state_is_named_with_its_line():
    text = MINIMAL.replace("  done:\n", "  limbo:\n    final: true\n  done:\n")

    [(line, field, message)] = problems_of(text)

    assert (line, field) == (9, "states.limbo")
    assert "unreachable" in message


def test_a_transition_to_an_unknown_state():
    text = MINIMAL.replace("to: done", "to: dnoe")

    problems = problems_of(text)

    assert (14, "transitions[0].to", "transition to unknown state 'dnoe'") in problems


def test_a_join_with_no_fork():
    text = MINIMAL.replace("  done:\n", "  gather:\n    join: {quorum: all}\n  done:\n").replace(
        "    to: done\n", "    to: gather\n"
    ) + ("  - command: close\n    from: gather\n    to: done\n    role: clerk\n")

    problems = problems_of(text)

    assert (10, "states.gather.join", "a join with no fork: no fork names this state") in problems


def test_a_final_state_with_outgoing_transitions():
    text = MINIMAL + "  - command: reopen\n    from: done\n    to: open\n    role: clerk\n"

    problems = problems_of(text)

    assert (
        17,
        "transitions[1].from",
        "final state 'done' cannot have outgoing transitions",
    ) in problems


def test_a_dead_end_that_is_not_final():
    text = MINIMAL.replace("  done:\n    final: true\n", "  done: {}\n")

    problems = problems_of(text)

    assert (9, "states.done", "not final, yet no transition leaves it") in problems


def test_shape_errors_name_the_line_and_the_field():
    text = MINIMAL.replace("working_days: 3", "working_days: three").replace(
        "role: clerk", "role: clerk\n    colour: blue"
    )

    problems = problems_of(text)

    assert any(
        p[:2] == (5, "clocks.limit.working_days") and "whole number" in p[2] for p in problems
    )
    assert any(p[:2] == (16, "transitions[0].colour") and "unknown field" in p[2] for p in problems)


def test_a_missing_required_field_points_at_its_parent():
    text = MINIMAL.replace("    role: clerk\n", "")

    [(line, field, message)] = problems_of(text)

    assert (line, field, message) == (12, "transitions[0].role", "is required")


def test_a_yaml_syntax_error_gives_its_line():
    text = MINIMAL.replace("to: done", "to: [done")

    [(line, _, message)] = problems_of(text)

    assert line is not None and line >= 14
    assert "not valid YAML" in message


def test_a_key_given_twice():
    text = MINIMAL.replace("initial: open\n", "initial: open\ninitial: done\n")

    assert (3, "initial", "appears twice") in problems_of(text)


def test_unknown_clock_and_unused_clock():
    text = MINIMAL.replace("clocks: {limit: runs}", "clocks: {limmit: runs}")

    problems = problems_of(text)

    assert (8, "states.open.clocks", "unknown clock 'limmit'") in problems
    assert (4, "clocks.limit", "no state runs this clock") in problems


def test_a_clock_mode_must_be_known():
    text = MINIMAL.replace("{limit: runs}", "{limit: paused}")

    [(line, field, message)] = problems_of(text)

    assert (line, field) == (8, "states.open.clocks.limit")
    assert "runs, suspended, excluded" in message


def test_every_problem_is_reported_at_once_and_listed_in_the_message():
    text = MINIMAL.replace("to: done", "to: nowhere").replace("initial: open", "initial: closed")

    with pytest.raises(DefinitionError) as error:
        load_definition(text)

    assert len(error.value.problems) == 2
    assert "line 2: initial: unknown state 'closed'" in str(error.value)
    assert "line 14: transitions[0].to: transition to unknown state 'nowhere'" in str(error.value)


def test_overrides_set_the_promised_limit():
    definition = load_standard(
        "licensing", overrides={"clocks": {"decision": {"working_days": 15}}}
    )

    assert definition.clocks["decision"].limit == 15
    assert load_standard("licensing").clocks["decision"].limit == 20


def test_a_bad_override_is_reported_without_a_line():
    problems = problems_of(MINIMAL, overrides={"clocks": {"limit": {"working_days": -1}}})

    assert problems == [
        (None, "clocks.limit.working_days", "must be a whole number of 0 or more, not -1")
    ]


def test_a_clock_of_zero_working_days_is_an_on_the_spot_limit_but_not_of_zero_hours():
    """即办 (decided on the spot): 0 working days is a limit (the same working day); a clock
    of 0 hours would be overdue at once."""
    assert load_definition(MINIMAL.replace("working_days: 3", "working_days: 0"))
    problems = problems_of(MINIMAL.replace("working_days: 3", "hours: 0"))

    assert (5, "clocks.limit.hours", "must be a number greater than 0, not 0") in problems


def test_a_clock_needs_exactly_one_unit():
    text = MINIMAL.replace("working_days: 3", "working_days: 3\n    hours: 4")

    assert (4, "clocks.limit", "give exactly one of: working_days, hours") in problems_of(text)


def test_fork_faults():
    text = textwrap.dedent(
        """\
        workflow: forked
        initial: review
        states:
          review:
            fork: {branches: [a, b], start: dept, join: merged}
          dept: {}
          merged:
            join: {quorum: 3}
          done:
            final: true
        transitions:
          - command: agree
            from: dept
            to: merged
            role: reviewer
          - command: decide
            from: merged
            to: done
            role: approver
        """
    )

    assert problems_of(text) == [
        (8, "states.merged.join.quorum", "quorum 3 exceeds the 2 branches of 'review'")
    ]
    assert load_definition(text.replace("quorum: 3", "quorum: 2")).branch_states == {"dept"}
