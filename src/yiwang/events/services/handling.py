"""Handling (办理), reply (反馈), the one extension (延期) and supervision orders (督办单)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.events import deadlines
from yiwang.events.errors import EventConflict, EventInvalid, EventNotAllowed, WindowClosed
from yiwang.events.models import (
    CallbackChannel,
    Event,
    EventEntry,
    EventPhoto,
    ExtensionRequest,
    Outcome,
    Status,
    SupervisionOrder,
)
from yiwang.events.services import _common as c
from yiwang.events.services.photos import photos_store
from yiwang.identity.models import Department
from yiwang.identity.selectors import officer_department_ids

SUPERVISABLE = (
    Status.DISPATCHED,
    Status.HANDLING,
    Status.RETURNED,
    Status.ARBITRATION,
    Status.REPLIED,
)
#: A 督办单 is answered within 1 working day.
SUPERVISION_ANSWER_DAYS = 1


def event_handle(
    *,
    actor: Any,
    event: Event,
    note: str = "",
    photos: Sequence[Any] = (),
    at: datetime | None = None,
) -> EventEntry:
    """Record handling progress: a note and/or result photos, by a handler of a
    department assigned to the event (lead or supporting)."""
    at = c.now(at)
    note = (note or "").strip()
    if not note and not photos:
        raise EventInvalid(_("Write a note or add a photo."), field="note")
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, None, lead_only=False)
        if event.status not in (Status.DISPATCHED, Status.HANDLING):
            raise EventConflict(_("The event is not being handled."))
        photos_store(
            event=event, items=list(photos), kind=EventPhoto.Kind.RESULT, actor=actor, at=at
        )
        c.save(event, [], at)
        return c.record(
            event,
            "note",
            actor=actor,
            at=at,
            text=note,
            department=assignment.department,
            data={"photos": len(photos)},
        )


def event_reply(
    *,
    actor: Any,
    event: Event,
    outcome: str,
    result: str,
    reply: str,
    photos: Sequence[Any] = (),
    at: datetime | None = None,
) -> Event:
    """Finish handling and answer the citizen (办理反馈), as the lead department's handler.

    ``outcome``: ``resolved``, ``explained`` (not resolvable) or ``forwarded``
    (not our remit, forwarded). Closing needs evidence: a result photo (now
    or earlier) or a written ``result``. The reporter (and every merged
    reporter) is notified; an event that owes no callback (anonymous, or a
    category without one) closes here.
    """
    at = c.now(at)
    if outcome not in Outcome.values:
        raise EventInvalid(_("Choose the outcome."), field="outcome")
    reply = c.text(reply, "reply")
    result = (result or "").strip()
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, None, lead_only=True)
        has_photo = bool(photos) or event.photos.filter(kind=EventPhoto.Kind.RESULT).exists()
        if not result and not has_photo:
            raise EventInvalid(
                _("Closing needs evidence: a photo of the result or a written result."),
                field="result",
            )
        c.step(event, "reply", "handler", {"reply": reply, "outcome": outcome}, actor=actor, at=at)
        photos_store(
            event=event, items=list(photos), kind=EventPhoto.Kind.RESULT, actor=actor, at=at
        )
        event.outcome = outcome
        event.result = result
        event.reply = reply
        event.replied_at = at
        fields = ["status", "outcome", "result", "reply", "replied_at"]
        if event.handle_due_at is not None and at > event.handle_due_at:
            event.handle_card = "red"
            fields.append("handle_card")
        c.save(event, fields, at)
        c.record(
            event,
            "replied",
            actor=actor,
            at=at,
            text=reply,
            department=assignment.department,
            data={
                "outcome": outcome,
                "result": result[:500],
                "on_time": event.handle_card != "red",
            },
            public=True,
        )
        c.notify_reporters(event, "event_replied", {"reply": reply})
        if event.anonymous or not event.category.callback_required:
            from yiwang.events.services.callback import close_now

            close_now(event, actor=None, role="system", resolution="no callback owed", at=at)
        elif event.category.callback_channel == CallbackChannel.LINK:
            from yiwang.events.services.rating import rating_links_issue

            rating_links_issue(event, at=at)
    return event


def event_extend_request(
    *, actor: Any, event: Event, days: int, reason: str, at: datetime | None = None
) -> ExtensionRequest:
    """Ask for the one extension (延期), at most the category's maximum (≤ 10 working days).

    The lead department's handler, while handling; one extension per event
    (a second request after an approval is refused with ``WindowClosed``).
    """
    at = c.now(at)
    reason = c.text(reason, "reason", max_length=1000)
    with transaction.atomic():
        event = c.locked(event)
        assignment = c.acting_assignment(actor, event, None, lead_only=True)
        limit = event.category.extension_max_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= limit:
            raise EventInvalid(
                _("An extension is 1 to %(max)d working days.") % {"max": limit}, field="days"
            )
        if event.extension_days or event.extensions.filter(approved=True).exists():
            raise WindowClosed(_("The one extension has been used."))
        if event.extensions.filter(approved__isnull=True).exists():
            raise EventConflict(_("An extension request is waiting for a decision."))
        c.step(
            event,
            "request_extension",
            "handler",
            {"reason": reason, "days": days},
            actor=actor,
            at=at,
        )
        request = ExtensionRequest.objects.create(
            event=event,
            department=assignment.department,
            days=days,
            reason=reason,
            requested_at=at,
            requested_by=actor,
        )
        c.save(event, [], at)
        c.record(
            event,
            "extension_requested",
            actor=actor,
            at=at,
            text=reason,
            department=assignment.department,
            data={"days": days},
        )
    return request


def event_extend_decide(
    *,
    actor: Any,
    request: ExtensionRequest,
    approved: bool,
    note: str = "",
    at: datetime | None = None,
) -> ExtensionRequest:
    """A supervisor approves (the handling deadline moves by its days) or refuses it."""
    at = c.now(at)
    with transaction.atomic():
        event = c.locked(request.event)
        if not c.is_supervisor(actor, event):
            raise EventNotAllowed(_("Only a supervisor decides an extension."))
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.approved is not None:
            raise EventConflict(_("This request has been decided."))
        c.step(event, "decide_extension", "supervisor", {"approved": approved}, actor=actor, at=at)
        request.approved = approved
        request.decided_at = at
        request.decided_by = actor
        request.decision_note = note.strip()
        request.save(update_fields=["approved", "decided_at", "decided_by", "decision_note"])
        fields: list[str] = []
        if approved and event.handle_due_at is not None:
            event.extension_days = request.days
            event.handle_due_at = deadlines.extend(c.calendar(), event.handle_due_at, request.days)
            event.handle_card = ""
            fields = ["extension_days", "handle_due_at", "handle_card"]
        c.save(event, fields, at)
        c.record(
            event,
            "extension_approved" if approved else "extension_refused",
            actor=actor,
            at=at,
            text=request.decision_note,
            data={"days": request.days, "due": event.handle_due_at},
            public=approved,
        )
        c.notify_department(
            request.department,
            "event_extension_decided",
            event,
            {"approved": approved, "due": event.handle_due_at},
        )
    return request


def supervision_issue(
    *,
    actor: Any,
    event: Event,
    note: str,
    department: Department | None = None,
    trigger: str = "manual",
    at: datetime | None = None,
) -> SupervisionOrder:
    """Issue a 督办单 to the event's lead department (or ``department``): notified, must answer.

    ``actor`` a supervisor, or None for the platform (overdue, or a second
    failure after 重办). The answer is due within 1 working day.
    """
    at = c.now(at)
    note = c.text(note, "note", max_length=2000)
    if trigger not in SupervisionOrder.Trigger.values:
        raise EventInvalid(_("Unknown trigger."), field="trigger")
    with transaction.atomic():
        event = c.locked(event)
        if actor is not None and not c.is_supervisor(actor, event):
            raise EventNotAllowed(_("Only a supervisor issues a supervision order."))
        target = department or event.lead_department
        if target is None:
            raise EventInvalid(_("The event has no department to supervise."), field="department")
        if event.status not in SUPERVISABLE:
            raise EventConflict(_("Only an open, dispatched event can be supervised."))
        role = "supervisor" if actor is not None else "system"
        c.step(event, "supervise", role, {"note": note}, actor=actor, at=at)
        order = SupervisionOrder.objects.create(
            event=event,
            department=target,
            trigger=trigger,
            note=note,
            issued_at=at,
            issued_by=actor,
            answer_due_at=c.calendar().deadline(at, SUPERVISION_ANSWER_DAYS),
        )
        c.save(event, [], at)
        c.record(
            event,
            "supervision_issued",
            actor=actor,
            at=at,
            text=note,
            department=target,
            data={"order": order.pk, "trigger": trigger},
        )
        c.notify_department(
            target, "event_supervision", event, {"note": note, "due": order.answer_due_at}
        )
    return order


def supervision_answer(
    *, actor: Any, order: SupervisionOrder, answer: str, at: datetime | None = None
) -> SupervisionOrder:
    """The department's handler answers the 督办单 (once)."""
    at = c.now(at)
    answer = c.text(answer, "answer", max_length=2000)
    with transaction.atomic():
        event = c.locked(order.event)
        order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
        if order.department_id not in set(officer_department_ids(actor, c.HANDLERS)):
            raise EventNotAllowed(_("Only the supervised department answers."))
        if order.answered_at is not None:
            raise EventConflict(_("This supervision order has been answered."))
        if event.status in SUPERVISABLE:
            c.step(event, "answer_supervision", "handler", {"answer": answer}, actor=actor, at=at)
        order.answer = answer
        order.answered_at = at
        order.answered_by = actor
        order.save(update_fields=["answer", "answered_at", "answered_by"])
        c.save(event, [], at)
        c.record(
            event,
            "supervision_answered",
            actor=actor,
            at=at,
            text=answer,
            department=order.department,
            data={"order": order.pk},
        )
    return order
