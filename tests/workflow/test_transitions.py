"""Every transition of every shipped definition: allowed to its role with its fields, else refused.

Who may give each command is pinned here by hand, from DESIGN.md's user table
and the Administrative Licensing Law, not read from the definitions under
test: a wrong role in a YAML file fails these tests.
"""

from __future__ import annotations

import pytest

from yiwang.workflow import (
    STANDARD,
    AlreadyDecided,
    Command,
    FinalState,
    MissingField,
    UnknownCommand,
    WrongRole,
    WrongState,
    apply,
    load_standard,
)

from .helpers import CAL, Situation, command_for, explore

APPLICANT, CLERK, REVIEWER, APPROVER = "applicant", "intake_clerk", "reviewer", "approver"
HANDLER, OPERATOR, SUPERVISOR = "handler", "operator", "supervisor"
CITIZEN, SYSTEM = "citizen", "system"
MERGEABLE = ["registered", "dispatched", "handling", "returned", "arbitration"]
SUPERVISABLE = ["dispatched", "handling", "returned", "arbitration", "replied"]
BEFORE_DECISION = ["submitted", "intake_supplement", "under_review", "review_supplement",
                   "special_procedure"]  # fmt: skip

#: (command, the state it is given in) → who may give it, per definition.
ROLES: dict[str, dict[tuple[str, str], set[str]]] = {
    "licensing": {
        # 受理员: accepts or rejects at intake (art. 32), asks once for everything missing
        ("accept", "submitted"): {CLERK},
        ("reject", "submitted"): {CLERK},
        ("request_supplement", "submitted"): {CLERK},
        # 审核: reviews, asks for supplements in review, holds special procedures (art. 45)
        ("request_supplement", "under_review"): {REVIEWER},
        ("start_special_procedure", "under_review"): {REVIEWER},
        ("finish_special_procedure", "special_procedure"): {REVIEWER},
        # 审批: decides, signs the one extension off (art. 42), issues the certificate (art. 44)
        ("extend", "under_review"): {APPROVER},
        ("extend", "review_supplement"): {APPROVER},
        ("extend", "special_procedure"): {APPROVER},
        ("approve", "under_review"): {APPROVER},
        ("deny", "under_review"): {APPROVER},
        ("issue_certificate", "approved"): {APPROVER},
        ("complete", "certificate_issued"): {APPROVER},
        # the applicant answers supplements, and may withdraw until the decision
        ("answer_supplement", "intake_supplement"): {APPLICANT},
        ("answer_supplement", "review_supplement"): {APPLICANT},
        **{("withdraw", state): {APPLICANT} for state in BEFORE_DECISION},
    },
    "public_service": {
        ("accept", "submitted"): {CLERK},
        ("reject", "submitted"): {CLERK},
        ("request_supplement", "submitted"): {CLERK},
        ("complete", "accepted"): {HANDLER},  # 承办人 handles the accepted service
        ("answer_supplement", "supplement"): {APPLICANT},
        ("withdraw", "submitted"): {APPLICANT},
        ("withdraw", "supplement"): {APPLICANT},
    },
    "parallel_review": {
        ("accept", "submitted"): {CLERK},
        ("reject", "submitted"): {CLERK},
        # each co-reviewing department (会审部门) gives its own opinion
        ("agree", "department_review"): {"department_reviewer"},
        ("object", "department_review"): {"department_reviewer"},
        # the lead department's approver extends and decides
        ("extend", "joint_review"): {APPROVER},
        ("extend", "opinions_in"): {APPROVER},
        ("approve", "opinions_in"): {APPROVER},
        ("deny", "opinions_in"): {APPROVER},
        ("withdraw", "submitted"): {APPLICANT},
        ("withdraw", "joint_review"): {APPLICANT},
        ("withdraw", "opinions_in"): {APPLICANT},
    },
    "city_event": {
        # 话务员: dispatches (the platform too, from the directory), reassigns what comes back,
        # refers the second return to arbitration, merges duplicates, closes after the callback
        ("dispatch", "registered"): {OPERATOR, SUPERVISOR, SYSTEM},
        ("reassign", "returned"): {OPERATOR, SUPERVISOR},
        ("reassign", "dispatched"): {OPERATOR, SUPERVISOR},
        ("reassign", "handling"): {OPERATOR, SUPERVISOR},
        ("escalate", "returned"): {OPERATOR, SYSTEM},
        ("close", "registered"): {OPERATOR, CITIZEN, SYSTEM},
        ("close", "replied"): {OPERATOR, CITIZEN, SYSTEM},
        **{("merge", s): {OPERATOR} for s in MERGEABLE},
        ("split", "merged"): {OPERATOR, SUPERVISOR},
        # 承办人: signs for, returns or disputes what is not theirs, asks for the one extension,
        # answers, answers a supervision order
        ("sign", "dispatched"): {HANDLER},
        ("return", "dispatched"): {HANDLER},
        ("return", "handling"): {HANDLER},
        ("dispute", "dispatched"): {HANDLER},
        ("dispute", "handling"): {HANDLER},
        ("request_extension", "handling"): {HANDLER},
        ("reply", "handling"): {HANDLER},
        **{("answer_supervision", s): {HANDLER} for s in SUPERVISABLE},
        # 督办: arbitrates (binding), approves the extension, issues supervision orders
        ("arbitrate", "arbitration"): {SUPERVISOR},
        ("decide_extension", "handling"): {SUPERVISOR},
        # the platform issues one itself when overdue or unsatisfied after 重办
        **{("supervise", s): {SUPERVISOR, SYSTEM} for s in SUPERVISABLE},
        # 重办 after a bad callback: the operator recording it, the citizen rating, a supervisor
        ("reopen", "replied"): {OPERATOR, CITIZEN, SUPERVISOR, SYSTEM},
    },
}
EVERY_ROLE = {role for table in ROLES.values() for roles in table.values() for role in roles}

EXPLORED = {name: explore(load_standard(name)) for name in STANDARD}


def _cases() -> list[pytest.param]:
    """One case per (definition, transition, source state)."""
    out = []
    for name in STANDARD:
        definition = load_standard(name)
        for t in definition.transitions:
            for source in t.sources:
                out.append(pytest.param(name, t, source, id=f"{name}-{t.command}-from-{source}"))
    return out


def _where(name: str, source: str) -> tuple[Situation, str | None]:
    """A reached situation in which ``source`` is current, and the branch it is in (if any)."""
    for situation in EXPLORED[name].values():
        state = situation.state
        if state.status == source:
            return situation, None
        for b in state.branches:
            if b.status == source:
                return situation, b.name
    raise AssertionError(f"{source!r} of {name!r} never reached")


def _later(situation: Situation):
    from datetime import timedelta

    return situation.state.updated_at + timedelta(minutes=5)


@pytest.mark.parametrize("name", STANDARD)
def test_every_command_of_every_state_has_its_roles_pinned(name):
    definition = load_standard(name)
    given = {(t.command, source) for t in definition.transitions for source in t.sources}
    assert given == set(ROLES[name])


@pytest.mark.parametrize(("name", "transition", "source"), _cases())
def test_the_transition_is_allowed_with_its_role_and_fields(name, transition, source):
    # Given: a case in the source state
    definition = load_standard(name)
    situation, branch = _where(name, source)

    # When: each role that may give it does, with every required field
    for role in sorted(ROLES[name][(transition.command, source)]):
        command = command_for(transition, branch)
        command = Command(command.name, role, command.fields, branch)
        outcome = apply(definition, situation.state, command, at=_later(situation), calendar=CAL)

        # Then: the case moves to the target (or stays) and the move is recorded
        moved = [e for e in outcome.events if e.type == "transitioned"]
        assert len(moved) == 1
        assert moved[0].data["from"] == source
        assert moved[0].data["to"] == (transition.target or source)
        assert moved[0].data["command"] == transition.command
        assert outcome.state.version == situation.state.version + 1


@pytest.mark.parametrize(("name", "transition", "source"), _cases())
def test_the_transition_is_refused_to_another_role(name, transition, source):
    definition = load_standard(name)
    situation, branch = _where(name, source)
    others = (EVERY_ROLE | {"citizen"}) - ROLES[name][(transition.command, source)]
    for role in sorted(others):
        command = Command(transition.command, role, command_for(transition).fields, branch)

        with pytest.raises(WrongRole) as refused:
            apply(definition, situation.state, command, at=_later(situation), calendar=CAL)

        assert refused.value.code == "wrong_role"
        assert role in refused.value.message


@pytest.mark.parametrize(("name", "transition", "source"), _cases())
def test_the_transition_is_refused_without_each_required_field(name, transition, source):
    definition = load_standard(name)
    situation, branch = _where(name, source)
    for spec in transition.requires:
        for bad in (None, "", [], 12.5 if spec.kind != "number" else "twelve"):
            command = command_for(transition, branch)
            fields = dict(command.fields)
            if bad is None:
                del fields[spec.name]
            else:
                fields[spec.name] = bad
            if spec.kind == "number" and isinstance(bad, int | float):
                continue

            with pytest.raises(MissingField) as refused:
                apply(
                    definition,
                    situation.state,
                    Command(command.name, command.role, fields, branch),
                    at=_later(situation),
                    calendar=CAL,
                )

            assert refused.value.field == spec.name


@pytest.mark.parametrize(("name", "transition", "source"), _cases())
def test_the_transition_is_refused_in_every_other_state(name, transition, source):
    definition = load_standard(name)
    for situation in EXPLORED[name].values():
        state = situation.state
        if any((s, transition.command) in definition.table for s in state.statuses):
            continue  # the same command is allowed here (e.g. a supplement at intake or in review)
        command = command_for(transition)

        with pytest.raises((WrongState, AlreadyDecided)) as refused:
            apply(definition, state, command, at=_later(situation), calendar=CAL)

        if definition.states[state.status].final:
            assert isinstance(refused.value, FinalState)
        elif state.status in definition.decided_after.get(transition.command, ()):
            assert isinstance(refused.value, AlreadyDecided)
        else:
            assert type(refused.value) is WrongState, situation.path


@pytest.mark.parametrize("name", STANDARD)
def test_every_state_is_reached(name):
    assert {s for key in EXPLORED[name] for s in key} == set(load_standard(name).states)


@pytest.mark.parametrize("name", STANDARD)
def test_a_final_state_accepts_no_command(name):
    definition = load_standard(name)
    finals = [s for s in EXPLORED[name].values() if definition.states[s.state.status].final]
    assert finals
    for situation in finals:
        for t in definition.transitions:
            with pytest.raises(FinalState):
                apply(
                    definition, situation.state, command_for(t), at=_later(situation), calendar=CAL
                )


@pytest.mark.parametrize("name", STANDARD)
def test_an_unknown_command_is_refused(name):
    definition = load_standard(name)
    situation = next(iter(EXPLORED[name].values()))

    with pytest.raises(UnknownCommand) as refused:
        apply(
            definition,
            situation.state,
            Command("fly", "applicant"),
            at=_later(situation),
            calendar=CAL,
        )

    assert refused.value.code == "unknown_command"
