"""Dispatch (派单), sign-for (签收), return (退单), reassignment (改派), dispute and arbitration.

国办函〔2025〕66号: a maintained dispatch directory; when the responsible unit
is unclear the centre fixes a lead and supporting units; streamlined return
and reassignment; a dispute review for dispatch (派单异议审核). 山东省政务服务
热线管理办法: a unit returns a matter outside its remit within 2 working days,
with a reason. After two returns between the same units, or on a dispute, a
supervisor decides and the decision binds. The handling clock runs from
dispatch; the bounce time counts against whoever was wrong
(``yiwang.events.deadlines``, docs/events.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed, WindowClosed
from yiwang.events.models import Arbitration, Assignment, DispatchRule, Event, Status
from yiwang.events.services import _common as c
from yiwang.identity.models import Department

#: The second return of one event (by one unit twice, or by units in turn) goes to a supervisor.
RETURNS_BEFORE_ARBITRATION = 2


class _Unknown:
    """Not looked up yet (as opposed to None: looked up, the directory has no rule)."""


UNKNOWN = _Unknown()


def _assign(
    event: Event,
    *,
    lead: Department,
    supporting: Sequence[Department],
    actor: Any,
    at: datetime,
    reason: str,
    from_directory: bool = False,
    rule: DispatchRule | _Unknown | None = UNKNOWN,
    fresh: bool = False,
) -> list[Department]:
    """End the event's active assignments (none to end when ``fresh``: registered in this
    transaction) and give it to ``lead`` (+ ``supporting``). ``rule``: the directory's
    rule for the event when the caller has it already."""
    helpers = units_check(event, lead=lead, supporting=supporting, rule=rule)
    if not fresh:
        Assignment.objects.filter(event=event, ended_at__isnull=True).update(ended_at=at)
    Assignment.objects.bulk_create(
        assignments_new(
            event,
            lead=lead,
            helpers=helpers,
            actor=actor,
            at=at,
            reason=reason,
            from_directory=from_directory,
        )
    )
    event.lead_department = lead
    return helpers


def units_check(
    event: Event,
    *,
    lead: Department,
    supporting: Sequence[Department],
    rule: DispatchRule | _Unknown | None = UNKNOWN,
) -> list[Department]:
    """Refuse a lead or supporting unit that may not take the event (inactive, or a
    push-down: :func:`_refuse_push_down`); the supporting units without duplicates or the
    lead. No query when ``rule`` is given with its supporting units prefetched."""
    if not lead.is_active:
        raise EventInvalid(_("The lead department is not active."), field="lead")
    _refuse_push_down(event, lead, rule)
    helpers = [d for d in dict.fromkeys(supporting) if d.pk != lead.pk]
    if any(not d.is_active for d in helpers):
        raise EventInvalid(_("A supporting department is not active."), field="supporting")
    return helpers


def assignments_new(
    event: Event,
    *,
    lead: Department,
    helpers: Sequence[Department],
    actor: Any,
    at: datetime,
    reason: str,
    from_directory: bool,
) -> list[Assignment]:
    """The assignment rows of a dispatch to ``lead`` (+ ``helpers``), not saved yet."""
    by = actor if getattr(actor, "pk", None) else None
    return [
        Assignment(
            event=event,
            department=d,
            role=Assignment.Role.LEAD if d.pk == lead.pk else Assignment.Role.SUPPORTING,
            dispatched_at=at,
            dispatched_by=by,
            reason=reason,
            from_directory=from_directory,
        )
        for d in [lead, *helpers]
    ]


def _refuse_push_down(
    event: Event, lead: Department, rule: DispatchRule | _Unknown | None = UNKNOWN
) -> None:
    """A department's matter may not be pushed down to a street office (国办函〔2025〕66号).

    Refuses a street office (街道办事处) as the lead unit when the dispatch
    directory's rule for the event's category and district names a
    municipal or district department, unless that rule lists this street
    office (as lead or supporting). A category the directory does not cover
    has no department's remit to protect: the centre fixes the lead. A street
    office may still support (协办) a department's matter.
    """
    from yiwang.events.selectors import dispatch_rule_for

    if lead.kind != Department.Kind.STREET_OFFICE:
        return
    if isinstance(rule, _Unknown):
        rule = dispatch_rule_for(category=event.category, district=event.district)
    if rule is None or rule.lead.kind == Department.Kind.STREET_OFFICE:
        return
    if rule.lead_id == lead.pk or any(d.pk == lead.pk for d in rule.supporting.all()):
        return
    raise EventInvalid(
        _(
            "%(category)s is a matter for %(department)s: it may not be pushed down to "
            "the street office %(office)s (国办函〔2025〕66号). Dispatch it to the department, "
            "or have the dispatch directory list the street office for this category."
        )
        % {
            "category": event.category.name_zh,
            "department": rule.lead.name_zh,
            "office": lead.name_zh,
        },
        field="lead",
    )


def _announce(event: Event, lead: Department, helpers: list[Department]) -> None:
    c.notify_departments([lead, *helpers], "event_assigned", event, announcement(event))


def announcement(event: Event) -> dict[str, Any]:
    """What the departments of a dispatch are told (``event_assigned``), beside the number."""
    return {"category": event.category.name_zh, "due": event.handle_due_at}


def event_dispatch(
    *,
    actor: Any,
    event: Event,
    lead: Department | None = None,
    supporting: Sequence[Department] = (),
    reason: str = "",
    at: datetime | None = None,
) -> Event:
    """Dispatch a registered event to its lead department (+ supporting) (派单).

    With no ``lead``: from the current dispatch directory by category and
    district (the rule's supporting units too); ``EventInvalid`` when the
    directory has none. A manual ``lead`` overriding the directory needs a
    ``reason``. Starts the handling clock and the sign-for limit
    (``sign_due_at``, ``handle_due_at``). Operators, supervisors, or the
    system (``actor`` None). Departments are notified. Audit ``event.dispatched``.
    """
    from yiwang.events.selectors import dispatch_rule_for

    at = c.now(at)
    reason = (reason or "").strip()
    with transaction.atomic():
        event = c.locked(event)
        role = "system" if actor is None else c.require_centre(actor, event)
        if event.status != Status.REGISTERED:
            raise EventConflict(_("Only a registered event can be dispatched."))
        rule = dispatch_rule_for(category=event.category, district=event.district)
        return dispatch_unchecked(
            event,
            rule=rule,
            lead=lead,
            supporting=supporting,
            role=role,
            actor=actor,
            reason=reason,
            at=at,
        )


@dataclass
class DispatchPlan:
    """A dispatch checked and not written yet (:func:`dispatch_plan`): to whom, and why."""

    rule: DispatchRule | None
    lead: Department
    helpers: list[Department]
    reason: str
    from_directory: bool

    @property
    def command(self) -> dict[str, Any]:
        """The workflow's ``dispatch`` command data."""
        return {"department": self.lead.code}

    def apply(self, event: Event, at: datetime) -> None:
        """Set the event's lead, directory and clocks (from ``at``) as the dispatch does."""
        event.directory = self.rule.directory if self.rule is not None else None
        event.lead_department = self.lead
        c.start_clock(event, dispatched_at=at, clock_start=at)

    def entry_data(self) -> dict[str, Any]:
        """The data of the ``dispatched`` history and audit entries."""
        return {
            "lead": self.lead.code,
            "supporting": [d.code for d in self.helpers],
            "reason": self.reason,
            "from_directory": self.from_directory,
            "directory": self.rule.directory.version if self.rule is not None else None,
        }


def dispatch_plan(
    event: Event,
    *,
    rule: DispatchRule | None,
    lead: Department | None,
    supporting: Sequence[Department],
    reason: str,
) -> DispatchPlan:
    """Check a dispatch of ``event`` and say what it will do: the directory's lead and
    supporting units when no ``lead`` is given (``EventInvalid`` when the directory has no
    rule), a manual lead overriding the directory only with a ``reason``, and the units'
    checks (:func:`units_check`). No query when ``rule``'s supporting units are prefetched
    (``selectors.directory_rules``)."""
    from_directory = lead is None
    if lead is None:
        if rule is None:
            raise EventInvalid(
                _(
                    "The dispatch directory has no unit for this category and district: "
                    "choose the lead department."
                ),
                field="lead",
            )
        lead, supporting = rule.lead, list(rule.supporting.all())
    elif (rule is None or rule.lead_id != lead.pk) and not reason:
        raise EventInvalid(_("Say why the directory is overridden."), field="reason")
    helpers = units_check(event, lead=lead, supporting=supporting, rule=rule)
    return DispatchPlan(rule, lead, helpers, reason, from_directory)


def dispatch_unchecked(
    event: Event,
    *,
    rule: DispatchRule | None,
    lead: Department | None,
    supporting: Sequence[Department],
    role: str,
    actor: Any,
    reason: str,
    at: datetime,
    fresh: bool = False,
) -> Event:
    """The dispatch itself, for ``event_dispatch`` (which locked the event and checked the
    actor and the status) and for ``event_register`` (``fresh``: the event was created in
    this very transaction, so no one else can see it, it holds no assignment, and its rule
    was looked up already). Call inside a transaction. A batch intake writes the same
    with :func:`dispatch_plan` (``services.batch``)."""
    plan = dispatch_plan(event, rule=rule, lead=lead, supporting=supporting, reason=reason)
    event.directory = rule.directory if rule is not None else None
    c.step(event, "dispatch", role, plan.command, actor=actor, at=at)
    if not fresh:
        Assignment.objects.filter(event=event, ended_at__isnull=True).update(ended_at=at)
    Assignment.objects.bulk_create(
        assignments_new(
            event,
            lead=plan.lead,
            helpers=plan.helpers,
            actor=actor,
            at=at,
            reason=reason,
            from_directory=plan.from_directory,
        )
    )
    plan.apply(event, at)
    c.save(event, ["status", "lead_department", "directory", *c.CLOCK_FIELDS], at)
    c.record(
        event,
        "dispatched",
        actor=actor,
        at=at,
        text=plan.lead.name_zh,
        data=plan.entry_data(),
        public=True,
    )
    _announce(event, plan.lead, plan.helpers)
    return event


def event_sign(
    *, actor: Any, event: Event, department: Department | None = None, at: datetime | None = None
) -> Event:
    """Sign for a dispatched event (签收) as a handler of its lead department.

    A supporting department's handler signs its own part (the event's state
    does not change). Late signing is allowed; the red card stays on record.
    """
    at = c.now(at)
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, department, lead_only=False)
        if assignment.signed_at is not None:
            raise EventConflict(_("Your department has signed for this event already."))
        assignment.signed_at = at
        assignment.signed_by = actor
        assignment.save(update_fields=["signed_at", "signed_by"])
        fields = []
        if assignment.role == Assignment.Role.LEAD:
            c.step(event, "sign", "handler", actor=actor, at=at)
            event.signed_at = at
            if event.sign_due_at is not None and at > event.sign_due_at:
                event.sign_card = "red"
            fields = ["status", "signed_at", "sign_card"]
        c.save(event, fields, at)
        c.record(
            event,
            "signed",
            actor=actor,
            at=at,
            department=assignment.department,
            data={"role": assignment.role, "late": bool(event.sign_card == "red")},
            public=assignment.role == Assignment.Role.LEAD,
        )
    return event


def _require_text(value: str, field: str) -> str:
    return c.text(value, field, max_length=500)


def event_return(
    *,
    actor: Any,
    event: Event,
    reason: str,
    department: Department | None = None,
    at: datetime | None = None,
) -> Event:
    """Return the event to the centre, not our remit (退单), within the return window.

    Only the lead department's handler, with a reason, within the category's
    ``return_window_days`` working days of dispatch (else ``WindowClosed``).
    The second return of the event (by the same unit again, or by the units
    in turn) refers it to arbitration (``escalate``) instead of the centre.
    """
    at = c.now(at)
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, department, lead_only=True)
        window_end = c.calendar().deadline(
            assignment.dispatched_at, event.category.return_window_days
        )
        if at > window_end:
            raise WindowClosed(
                _("The return window has passed: dispute the dispatch instead, or handle it.")
            )
        c.step(event, "return", "handler", {"reason": reason}, actor=actor, at=at)
        assignment.returned_at = at
        assignment.return_reason = reason
        assignment.save(update_fields=["returned_at", "return_reason"])
        Assignment.objects.filter(event=event, ended_at__isnull=True).update(ended_at=at)
        c.save(event, ["status"], at)
        c.record(
            event,
            "returned",
            actor=actor,
            at=at,
            text=reason,
            department=assignment.department,
            data={"department": assignment.department.code},
        )
        returns = Assignment.objects.filter(event=event, returned_at__isnull=False).count()
        if returns >= RETURNS_BEFORE_ARBITRATION:
            why = f"returned {returns} times"
            c.step(event, "escalate", "system", {"reason": why}, actor=None, at=at)
            Arbitration.objects.create(
                event=event,
                reason_kind=Arbitration.Reason.RETURNS,
                department=assignment.department,
                reason=reason,
                raised_at=at,
                raised_by=actor,
            )
            c.save(event, ["status"], at)
            c.record(event, "escalated", actor=None, at=at, text=why, data={"returns": returns})
    return event


def event_reassign(
    *,
    actor: Any,
    event: Event,
    lead: Department,
    supporting: Sequence[Department] = (),
    reason: str,
    at: datetime | None = None,
) -> Event:
    """Reassign the event to another lead department (改派), with a reason.

    Operators or supervisors. The centre's dispatch was wrong: the new unit's
    handling clock starts afresh from this dispatch.
    """
    at = c.now(at)
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        event = c.locked(event)
        role = c.require_centre(actor, event)
        c.step(event, "reassign", role, {"department": lead.code}, actor=actor, at=at)
        helpers = _assign(
            event, lead=lead, supporting=supporting, actor=actor, at=at, reason=reason
        )
        c.start_clock(event, dispatched_at=at, clock_start=at)
        c.save(event, ["status", "lead_department", *c.CLOCK_FIELDS], at)
        c.record(
            event,
            "reassigned",
            actor=actor,
            at=at,
            text=reason,
            data={"lead": lead.code, "supporting": [d.code for d in helpers]},
            public=True,
        )
        _announce(event, lead, helpers)
    return event


def event_dispute(
    *,
    actor: Any,
    event: Event,
    reason: str,
    department: Department | None = None,
    at: datetime | None = None,
) -> Event:
    """Dispute the dispatch (派单异议): the lead department's handler asks for arbitration.

    The event waits for a supervisor; its handling clock keeps running (if the
    dispute fails, the time counts against the department).
    """
    at = c.now(at)
    reason = _require_text(reason, "reason")
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, department, lead_only=True)
        c.step(event, "dispute", "handler", {"reason": reason}, actor=actor, at=at)
        Arbitration.objects.create(
            event=event,
            reason_kind=Arbitration.Reason.DISPUTE,
            department=assignment.department,
            reason=reason,
            raised_at=at,
            raised_by=actor,
        )
        c.save(event, ["status"], at)
        c.record(
            event,
            "disputed",
            actor=actor,
            at=at,
            text=reason,
            department=assignment.department,
            data={"department": assignment.department.code},
        )
    return event


def event_arbitrate(
    *,
    actor: Any,
    event: Event,
    lead: Department,
    fault: str,
    decision: str,
    supporting: Sequence[Department] = (),
    at: datetime | None = None,
) -> Event:
    """A supervisor decides which unit handles the event; the decision binds (仲裁).

    ``fault`` ``department``: the refusal was wrong, the bounce time counts
    against it (its clock keeps running from its first dispatch); ``centre``:
    the dispatch was wrong, the decided unit's clock starts now.
    """
    at = c.now(at)
    decision = _require_text(decision, "decision")
    if fault not in Arbitration.Fault.values:
        raise EventInvalid(_("Say who was wrong: the department or the centre."), field="fault")
    with transaction.atomic():
        event = c.locked(event)
        if not c.is_supervisor(actor, event):
            raise EventNotAllowed(_("Only a supervisor arbitrates."))
        pending = Arbitration.objects.filter(event=event, decided_at__isnull=True).last()
        first = (
            Assignment.objects.filter(event=event, department=lead)
            .order_by("dispatched_at")
            .values_list("dispatched_at", flat=True)
            .first()
        )
        data = {"department": lead.code, "decision": decision, "fault": fault}
        c.step(event, "arbitrate", "supervisor", data, actor=actor, at=at)
        helpers = _assign(
            event, lead=lead, supporting=supporting, actor=actor, at=at, reason=decision
        )
        clock_start = first if fault == Arbitration.Fault.DEPARTMENT and first else at
        c.start_clock(event, dispatched_at=at, clock_start=clock_start)
        c.save(event, ["status", "lead_department", *c.CLOCK_FIELDS], at)
        if pending is not None:
            pending.decided_at = at
            pending.decided_by = actor
            pending.decided_department = lead
            pending.fault = fault
            pending.decision = decision
            pending.save(
                update_fields=[
                    "decided_at",
                    "decided_by",
                    "decided_department",
                    "fault",
                    "decision",
                ]
            )
        c.record(
            event,
            "arbitrated",
            actor=actor,
            at=at,
            text=decision,
            data={**data, "clock_from": clock_start.isoformat()},
            public=True,
        )
        _announce(event, lead, helpers)
    return event
