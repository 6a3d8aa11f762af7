"""Workflow persistence: start and execute store state and events; refusals store nothing."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.factories import UserFactory
from yiwang.core.models import AuditEntry
from yiwang.processes import selectors, services
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.workflow import (
    AlreadyDecided,
    Command,
    MissingField,
    State,
    WrongRole,
    WrongState,
    replay,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a working day, far from holidays

# The licensing path after submission, each step an hour after the previous one.
LICENSING_PATH = [
    Command("accept", "intake_clerk"),
    Command("request_supplement", "reviewer", {"missing_materials": ["floor plan", "lease"]}),
    Command("answer_supplement", "applicant"),
    Command("review", "reviewer", {"outcome": "approve", "opinion": "材料齐全，符合法定条件"}),
    Command("approve", "approver"),
    Command("issue_certificate", "approver", {"certificate_number": "JN-2026-000001"}),
    Command("complete", "approver"),
]


def _submitted(at=MONDAY, **kwargs):
    return services.workflow_start(definition_name="licensing", at=at, **kwargs)


def _snapshot(instance):
    """Everything the services may write about an instance, to compare before and after."""
    instance = WorkflowInstance.objects.get(pk=instance.pk)
    return (
        instance.state,
        instance.version,
        instance.status,
        instance.due_at,
        instance.event_count,
        list(instance.events.order_by("seq").values_list("seq", "type")),
        AuditEntry.objects.count(),
    )


def test_start_persists_the_initial_state_and_its_events():
    # given an intake clerk's colleague who files the application
    actor = UserFactory()

    # when a licensing workflow starts
    instance = _submitted(actor=actor)

    # then the state, its columns and the first events are stored
    instance.refresh_from_db()
    assert instance.definition == "licensing"
    assert instance.status == "submitted"
    assert instance.version == 0
    assert State.from_json(instance.state).status == "submitted"
    assert list(instance.events.values_list("seq", "type")) == [
        (1, "started"),
        (2, "clock_started"),
    ]
    assert instance.event_count == 2
    entry = AuditEntry.objects.get(action="workflow.start")
    assert entry.target_id == str(instance.pk)
    assert entry.actor == actor


def test_execute_persists_each_step_of_the_licensing_path():
    # given a submitted application
    instance = _submitted()

    # when it goes through the whole licensing path
    for step, command in enumerate(LICENSING_PATH, start=1):
        instance = services.workflow_execute(
            instance_id=instance.pk,
            command=command,
            expected_version=instance.version,
            at=MONDAY + timedelta(hours=step),
        )
        # then every step is stored with the next version
        assert instance.version == step

    instance.refresh_from_db()
    assert instance.status == "completed"
    assert instance.due_at is None
    seqs = list(instance.events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, instance.event_count + 1))
    transitions = instance.events.filter(type="transitioned").order_by("seq")
    assert [e.data["command"] for e in transitions] == [c.name for c in LICENSING_PATH]
    assert transitions[1].data["fields"] == {"missing_materials": ["floor plan", "lease"]}
    assert AuditEntry.objects.filter(action="workflow.execute").count() == len(LICENSING_PATH)


def test_replaying_the_stored_events_gives_the_stored_state():
    # given an instance halfway through the path, with a suspended clock
    instance = _submitted()
    for step, command in enumerate(LICENSING_PATH[:2], start=1):
        instance = services.workflow_execute(
            instance_id=instance.pk, command=command, at=MONDAY + timedelta(hours=step)
        )
    instance.refresh_from_db()

    # when its stored events are replayed
    check = selectors.workflow_replay_check(instance)

    # then they give back exactly the stored state
    assert check.ok, check.problem
    assert check.replayed == State.from_json(instance.state)
    assert check.events == instance.event_count
    assert (
        replay(
            services.workflow_definition("licensing"),
            [r.as_event() for r in WorkflowEventRecord.objects.of(instance)],
        )
        == check.stored
    )


def test_the_replay_check_notices_a_tampered_state():
    # given an instance whose stored state was edited behind the services' back
    instance = _submitted()
    services.workflow_execute(instance_id=instance.pk, command=LICENSING_PATH[0], at=MONDAY)
    instance.refresh_from_db()
    instance.state = {**instance.state, "status": "approved"}

    # when it is checked, then the replay disagrees
    check = selectors.workflow_replay_check(instance)
    assert not check.ok
    assert check.replayed is not None and check.replayed.status == "under_review"


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (Command("approve", "approver"), WrongState),  # not yet accepted
        (Command("accept", "applicant"), WrongRole),
        (Command("reject", "intake_clerk"), MissingField),  # no reason given
    ],
)
def test_a_refused_command_writes_nothing(command, error):
    # given a submitted application
    instance = _submitted()
    before = _snapshot(instance)

    # when a command the engine refuses is executed, then its typed error comes out
    with pytest.raises(error):
        services.workflow_execute(
            instance_id=instance.pk, command=command, at=MONDAY + timedelta(hours=1)
        )

    # and nothing was written: no state change, no event, no audit entry
    assert _snapshot(instance) == before


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing():
    # given an application a clerk has just accepted (version 0 → 1)
    instance = _submitted()
    services.workflow_execute(
        instance_id=instance.pk, command=LICENSING_PATH[0], expected_version=0, at=MONDAY
    )
    before = _snapshot(instance)

    # when a second clerk, who read version 0, rejects it
    with pytest.raises(services.WorkflowConflict) as caught:
        services.workflow_execute(
            instance_id=instance.pk,
            command=Command("reject", "intake_clerk", {"reason": "incomplete"}),
            expected_version=0,
            at=MONDAY + timedelta(minutes=5),
        )

    # then the conflict tells the current version, and nothing was written
    assert caught.value.current_version == 1
    assert caught.value.expected_version == 0
    assert caught.value.code == "stale"
    assert _snapshot(instance) == before


def test_without_expected_version_the_engine_refuses_a_repeated_decision():
    # given an accepted application
    instance = _submitted()
    services.workflow_execute(instance_id=instance.pk, command=LICENSING_PATH[0], at=MONDAY)
    before = _snapshot(instance)

    # when it is accepted again, then the engine refuses and nothing is written
    with pytest.raises(AlreadyDecided):
        services.workflow_execute(instance_id=instance.pk, command=LICENSING_PATH[0], at=MONDAY)
    assert _snapshot(instance) == before


def test_due_at_is_persisted_and_only_due_instances_are_woken():
    # given three applications: two submitted on different days, one already completed
    early = _submitted(at=MONDAY)
    late = _submitted(at=MONDAY + timedelta(days=7))
    done = _submitted(at=MONDAY)
    for step, command in enumerate(LICENSING_PATH, start=1):
        services.workflow_execute(
            instance_id=done.pk, command=command, at=MONDAY + timedelta(hours=step)
        )
    for instance in (early, late, done):
        instance.refresh_from_db()

    # then the acceptance clock's warning instant is stored as due_at, and none for a final state
    assert early.due_at == State.from_json(early.state).clock("acceptance").warn_at
    assert late.due_at > early.due_at
    assert done.due_at is None

    # when the scheduler asks at various moments, it finds only the instances due by then
    assert list(selectors.workflow_instances_due(early.due_at - timedelta(seconds=1))) == []
    assert list(selectors.workflow_instances_due(early.due_at)) == [early]
    assert list(selectors.workflow_instances_due(late.due_at + timedelta(days=30))) == [
        early,
        late,
    ]


def test_overrides_are_stored_and_used_on_every_command():
    # given a service whose promised decision limit is 3 working days, not 20
    overrides = {"clocks": {"decision": {"working_days": 3}}}
    instance = services.workflow_start(definition_name="licensing", overrides=overrides, at=MONDAY)

    # when it is accepted on Monday
    instance = services.workflow_execute(
        instance_id=instance.pk, command=LICENSING_PATH[0], at=MONDAY
    )

    # then the decision clock counts 3 working days: due by the end of Thursday
    instance.refresh_from_db()
    assert instance.overrides == overrides
    decision = State.from_json(instance.state).clock("decision")
    assert decision.deadline.astimezone(SHANGHAI).date() == datetime(2026, 3, 5).date()
    assert WorkflowEventRecord.objects.filter(instance=instance).count() == instance.event_count
