"""Every write to workflow instances: start one, apply a command to one.

The workflow engine decides (``yiwang.workflow``: state + command → new state +
events); these functions persist its answer. Each runs in one transaction
that locks the instance row (``SELECT … FOR UPDATE``), so two officers acting
on the same case at once are serialised: the second one sees the first one's
result and is refused by the engine, or, when it said which version it acted
on, gets :class:`WorkflowConflict`. See docs/decisions/0003-workflow-persistence.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.calendar import WorkingCalendar, load_calendar
from yiwang.core.errors import DomainError
from yiwang.processes.models import WorkflowEventRecord, WorkflowInstance
from yiwang.workflow import (
    Command,
    Definition,
    Event,
    Outcome,
    State,
    apply,
    due_at,
    load_standard,
    reschedule,
    start,
    tick,
)


class WorkflowConflict(DomainError):
    """The instance changed since the caller read it: ``expected_version`` is stale (HTTP 409).

    The caller should reload the instance (now at ``current_version``) and decide again.
    """

    http_status = 409
    code = "stale"
    field = "expected_version"

    def __init__(self, *, instance_id: int, expected_version: int, current_version: int) -> None:
        self.instance_id = instance_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            _(
                "This was changed meanwhile (it is at version %(current)d, not %(expected)d): "
                "reload it and decide again."
            )
            % {"current": current_version, "expected": expected_version}
        )

    def extra(self) -> dict[str, Any]:
        return {"code": self.code, "current_version": self.current_version}


def workflow_definition(name: str, overrides: Mapping[str, Any] | None = None) -> Definition:
    """The standard definition ``name`` with ``overrides`` (the engine caches compiled ones)."""
    return load_standard(name, overrides=overrides or None)


def workflow_start(
    *,
    definition_name: str,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    actor: Any = None,
) -> WorkflowInstance:
    """Start a new instance of the standard workflow ``definition_name`` at ``at`` (default now).

    Side effects: inserts the instance and its first events, appends a
    ``workflow.start`` audit entry. Raises ``LookupError`` for an unknown
    name and ``DefinitionError`` for invalid overrides. A clock that runs into
    a year without a holiday schedule gets a provisional deadline (never an
    error, unless ``YIWANG_CALENDAR_FALLBACK="error"`` was chosen).
    """
    with transaction.atomic(savepoint=False):
        instance, started = workflow_start_unaudited(
            definition_name=definition_name, overrides=overrides, at=at
        )
        audit_record(actor=actor, action="workflow.start", target=instance, data=started)
    return instance


def workflow_start_unaudited(
    *,
    definition_name: str,
    overrides: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> tuple[WorkflowInstance, dict[str, Any]]:
    """:func:`workflow_start` without its audit entry, for a service that audits the start
    in its own entry: the instance, and what ``workflow.start`` would record (the caller
    must put it in its entry). Call inside the caller's transaction."""
    at = at or timezone.now()
    overrides_dict = dict(overrides or {})
    definition = workflow_definition(definition_name, overrides_dict)
    with transaction.atomic(savepoint=False):
        calendar = load_calendar()
        outcome = start(definition, at=at, calendar=calendar)
        state = outcome.state
        instance = WorkflowInstance(
            definition=definition_name,
            overrides=overrides_dict,
            state=state.to_json(),
            version=state.version,
            status=state.status,
            due_at=due_at(state),
            event_count=len(outcome.events),
            created_at=at,
            updated_at=timezone.now(),
        )
        workflow_calendar_columns_set(instance, state, calendar)
        instance.save(force_insert=True)
        _record_events(instance, outcome.events, first_seq=1)
    started = {
        "definition": definition_name,
        "overrides": overrides_dict,
        "status": state.status,
        "version": state.version,
        "events": [e.type for e in outcome.events],
    }
    return instance, started


@dataclass
class PlannedStart:
    """An instance to start, with commands applied to it at once, computed by the engine and
    not written yet (:func:`workflow_plan`); :func:`workflow_insert_many` writes a batch of
    them. ``audits`` are the (actor, action, data) of the entries ``workflow_start`` and
    ``workflow_execute`` would have appended, in order (their target is the instance)."""

    definition_name: str
    overrides: dict[str, Any]
    created_at: datetime
    state: State
    events: list[Event]
    audits: list[tuple[Any, str, dict[str, Any]]]
    instance: WorkflowInstance | None = None

    @property
    def status(self) -> str:
        return self.state.status


def workflow_plan(
    *,
    definition_name: str,
    at: datetime,
    calendar: WorkingCalendar,
    actor: Any = None,
    overrides: Mapping[str, Any] | None = None,
) -> PlannedStart:
    """What :func:`workflow_start` would write at ``at``, computed and not written: for a
    caller that starts many instances at once (a batch intake) with one calendar read.
    No query."""
    overrides_dict = dict(overrides or {})
    definition = workflow_definition(definition_name, overrides_dict)
    outcome = start(definition, at=at, calendar=calendar)
    started = {
        "definition": definition_name,
        "overrides": overrides_dict,
        "status": outcome.state.status,
        "version": outcome.state.version,
        "events": [e.type for e in outcome.events],
    }
    return PlannedStart(
        definition_name=definition_name,
        overrides=overrides_dict,
        created_at=at,
        state=outcome.state,
        events=list(outcome.events),
        audits=[(actor, "workflow.start", started)],
    )


def workflow_plan_execute(
    planned: PlannedStart,
    *,
    command: Command,
    at: datetime,
    calendar: WorkingCalendar,
    actor: Any = None,
) -> None:
    """Apply ``command`` to the planned instance as :func:`workflow_execute` would (the
    engine's refusals propagate unchanged, and nothing of the plan changes then). No query."""
    definition = workflow_definition(planned.definition_name, planned.overrides)
    before = planned.state
    outcome = apply(definition, before, command, at=at, calendar=calendar)
    planned.state = outcome.state
    planned.events.extend(outcome.events)
    planned.audits.append(
        (
            actor,
            "workflow.execute",
            _execute_data(command, before, outcome),
        )
    )


def workflow_insert_many(planned: list[PlannedStart], calendar: WorkingCalendar) -> None:
    """Write the planned instances and their events, one INSERT per table for the batch;
    sets each plan's ``instance``. The audit entries (``audits``) are the caller's to
    append, in its own batch. Call inside the caller's transaction."""
    if not planned:
        return
    instances = []
    for plan in planned:
        instance = WorkflowInstance(
            definition=plan.definition_name,
            overrides=plan.overrides,
            state=plan.state.to_json(),
            version=plan.state.version,
            status=plan.state.status,
            due_at=due_at(plan.state),
            event_count=len(plan.events),
            created_at=plan.created_at,
            updated_at=timezone.now(),
        )
        workflow_calendar_columns_set(instance, plan.state, calendar)
        instances.append(instance)
    WorkflowInstance.objects.bulk_create(instances)
    for plan, instance in zip(planned, instances, strict=True):
        plan.instance = instance
    WorkflowEventRecord.objects.bulk_create(
        WorkflowEventRecord(instance=plan.instance, seq=seq, type=e.type, at=e.at, data=e.data)
        for plan in planned
        for seq, e in enumerate(plan.events, start=1)
    )


def workflow_execute(
    *,
    instance_id: int,
    command: Command,
    expected_version: int | None = None,
    at: datetime | None = None,
    actor: Any = None,
) -> WorkflowInstance:
    """Apply ``command`` to the instance at ``at`` (default now) and persist the outcome.

    Locks the instance row until the transaction ends. With ``expected_version``
    (the version the caller's decision was based on), a different stored
    version raises :class:`WorkflowConflict`. The engine's refusals
    (``CommandRefused`` subclasses: ``WrongState``, ``WrongRole``,
    ``MissingField``…) propagate unchanged. In both cases nothing is written;
    time-based changes the engine noticed on the way (``CommandRefused.ticked``)
    are recorded by the next accepted command or by the scheduler instead,
    which reach the same state since the engine ticks before every command.

    Side effects: updates the instance's state columns, inserts the new events
    with consecutive ``seq``, appends a ``workflow.execute`` audit entry.
    """
    at = at or timezone.now()
    with transaction.atomic():
        instance, definition, before, calendar = _locked(instance_id)
        if expected_version is not None and expected_version != instance.version:
            raise WorkflowConflict(
                instance_id=instance.pk,
                expected_version=expected_version,
                current_version=instance.version,
            )
        outcome = apply(definition, before, command, at=at, calendar=calendar)
        _persist(
            instance,
            before,
            outcome,
            calendar,
            actor=actor,
            action="workflow.execute",
            data={"command": command.name, "role": command.role, "branch": command.branch},
        )
    return instance


def workflow_tick(*, instance_id: int, at: datetime | None = None) -> list[Event]:
    """Record the time-based changes due on the instance by ``at`` (default now).

    What the scheduler calls for each instance ``workflow_instances_due`` finds:
    deemed acceptance after the acceptance limit, warnings, overdue marks. Locks
    the row; returns the events recorded (none when nothing was due, e.g.
    because an officer acted meanwhile). Side effects as ``workflow_execute``,
    with the audit action ``workflow.tick`` and the system as the actor.
    """
    at = at or timezone.now()
    with transaction.atomic():
        instance, definition, before, calendar = _locked(instance_id)
        outcome = tick(definition, before, at=at, calendar=calendar)
        if outcome.events:
            _persist(
                instance, before, outcome, calendar, actor=None, action="workflow.tick", data={}
            )
        return list(outcome.events)


def workflow_reschedule(
    *, instance_id: int, at: datetime | None = None, actor: Any = None, reason: str = ""
) -> list[Event]:
    """Count the instance's working-day deadlines again on the calendar as it is now.

    What follows an edit of the holiday calendar (a year's schedule entered,
    corrected or removed): ``yiwang.workflow.reschedule`` recounts every
    clock from the instance's recorded events; a clock whose deadline,
    warning instant or provisional mark changed gets a ``clock_rescheduled``
    event. Locks the row; returns the events recorded (none when nothing
    changed, so running it twice changes nothing the second time). Side
    effects as ``workflow_execute``, with the audit action
    ``workflow.reschedule`` (``reason`` in its data).
    """
    at = at or timezone.now()
    with transaction.atomic():
        instance, definition, before, calendar = _locked(instance_id)
        history = [r.as_event() for r in WorkflowEventRecord.objects.of(instance)]
        moment = max(at, before.updated_at)  # the engine acts no earlier than the last change
        outcome = reschedule(definition, before, history, at=moment, calendar=calendar)
        if outcome.events:
            _persist(
                instance,
                before,
                outcome,
                calendar,
                actor=actor,
                action="workflow.reschedule",
                data={"reason": reason},
            )
        elif workflow_calendar_columns_set(instance, before, calendar):
            instance.save(update_fields=_CALENDAR_COLUMNS)
        return list(outcome.events)


def _locked(
    instance_id: int,
) -> tuple[WorkflowInstance, Definition, State, WorkingCalendar]:
    """The instance row, locked until the transaction ends, with what acting on it needs."""
    instance = WorkflowInstance.objects.select_for_update().get(pk=instance_id)
    definition = workflow_definition(instance.definition, instance.overrides)
    return instance, definition, State.from_json(instance.state), load_calendar()


_CALENDAR_COLUMNS = ["provisional", "counts_from", "counts_until"]


def workflow_calendar_columns_set(
    instance: WorkflowInstance, state: State, calendar: WorkingCalendar
) -> bool:
    """Set the span of days the state's working-day clocks count over and the provisional
    mark (any of their deadlines provisional); True when a value changed."""
    first: date | None = None
    last: date | None = None
    for c in state.clocks:
        if c.unit != "working_days":
            continue
        begin, end = calendar.local_date(c.started_at), calendar.local_date(c.deadline)
        first = begin if first is None or begin < first else first
        last = end if last is None or end > last else last
    values = (any(c.provisional for c in state.clocks), first, last)
    if values == (instance.provisional, instance.counts_from, instance.counts_until):
        return False
    instance.provisional, instance.counts_from, instance.counts_until = values
    return True


def _persist(
    instance: WorkflowInstance,
    before: State,
    outcome: Outcome,
    calendar: WorkingCalendar,
    *,
    actor: Any,
    action: str,
    data: dict[str, Any],
) -> None:
    """Save the outcome on the locked ``instance``; append its events and the audit entry."""
    state = outcome.state
    first_seq = instance.event_count + 1
    instance.state = state.to_json()
    instance.version = state.version
    instance.status = state.status
    instance.due_at = due_at(state)
    instance.event_count += len(outcome.events)
    instance.updated_at = timezone.now()
    workflow_calendar_columns_set(instance, state, calendar)
    instance.save(
        update_fields=[
            "state",
            "version",
            "status",
            "due_at",
            "event_count",
            "updated_at",
            *_CALENDAR_COLUMNS,
        ]
    )
    _record_events(instance, outcome.events, first_seq=first_seq)
    audit_record(
        actor=actor, action=action, target=instance, data=_change_data(data, before, outcome)
    )


def _execute_data(command: Command, before: State, outcome: Outcome) -> dict[str, Any]:
    """The audit data of ``workflow.execute``."""
    given = {"command": command.name, "role": command.role, "branch": command.branch}
    return _change_data(given, before, outcome)


def _change_data(data: dict[str, Any], before: State, outcome: Outcome) -> dict[str, Any]:
    state = outcome.state
    return {
        **data,
        "from": {"status": before.status, "version": before.version},
        "to": {"status": state.status, "version": state.version},
        "events": [e.type for e in outcome.events],
    }


def _record_events(instance: WorkflowInstance, events: Iterable[Event], *, first_seq: int) -> None:
    WorkflowEventRecord.objects.bulk_create(
        WorkflowEventRecord(instance=instance, seq=seq, type=e.type, at=e.at, data=e.data)
        for seq, e in enumerate(events, start=first_seq)
    )
