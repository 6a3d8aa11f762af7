"""Publishing events: one delivery per subscribed endpoint, and the events of a case's
timeline (which entry kinds are published, and what they say about the case)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction

from yiwang.core.serialize import json_safe
from yiwang.integrations.models import EventType, WebhookDelivery, WebhookEndpoint
from yiwang.integrations.services._common import _now
from yiwang.integrations.services.deliveries import _enqueue

if TYPE_CHECKING:
    from yiwang.cases.models import Case, CaseTimelineEntry

#: Case timeline entry kind → webhook event type. Internal entries (assignment)
#: and kinds not listed here are not published.
CASE_EVENTS: dict[str, str] = {
    "submitted": EventType.CASE_SUBMITTED,
    "accepted": EventType.CASE_ACCEPTED,
    "deemed_accepted": EventType.CASE_ACCEPTED,
    "rejected": EventType.CASE_REJECTED,
    "supplement_requested": EventType.CASE_SUPPLEMENT_REQUESTED,
    "supplement_answered": EventType.CASE_SUPPLEMENT_ANSWERED,
    "special_procedure_started": EventType.CASE_SPECIAL_PROCEDURE_STARTED,
    "special_procedure_finished": EventType.CASE_SPECIAL_PROCEDURE_FINISHED,
    "extended": EventType.CASE_EXTENDED,
    "deadline_recounted": EventType.CASE_DEADLINE_CHANGED,
    "approved": EventType.CASE_DECIDED,
    "denied": EventType.CASE_DECIDED,
    "certificate_issued": EventType.CASE_CERTIFICATE_ISSUED,
    "completed": EventType.CASE_COMPLETED,
    "withdrawn": EventType.CASE_WITHDRAWN,
    "rated": EventType.CASE_RATED,
}


def webhook_event_publish(
    *, type: str, payload: Mapping[str, Any], at: datetime | None = None
) -> list[WebhookDelivery]:
    """Publish an event: one delivery per active endpoint subscribed to ``type``.

    The event is ``{"id", "type", "created_at", "data": payload}`` (the same
    id for every endpoint). Call it inside the transaction of the change:
    deliveries and their tasks are written in that transaction, so they exist
    exactly when the change does. Returns the deliveries (none when nobody
    subscribed).
    """
    at = _now(at)
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if e.wants(type)]
    if not endpoints:
        return []
    event_id = uuid.uuid4()
    event = json_safe(
        {"id": str(event_id), "type": type, "created_at": at.isoformat(), "data": payload}
    )
    out: list[WebhookDelivery] = []
    with transaction.atomic(savepoint=False):
        for endpoint in endpoints:
            delivery = WebhookDelivery.objects.create(
                endpoint=endpoint,
                event_id=event_id,
                event_type=type,
                payload=event,
                next_attempt_at=at,
                created_at=at,
            )
            _enqueue(delivery)
            out.append(delivery)
    return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_event_payload(case: Case) -> dict[str, Any]:
    """What a case event says about the case: no personal data (numbers, codes, dates)."""
    version = case.service_version
    return {
        "number": case.number,
        "service_code": version.item.code,
        "service_version": version.number,
        "department_code": case.department.code,
        "step": case.step,
        "version": case.version,
        "received_at": _iso(case.received_at),
        "due_at": _iso(case.due_at),
        "due_provisional": case.due_provisional,
        "closed_at": _iso(case.closed_at),
        "certificate_number": case.certificate_number or None,
        "url": f"/api/v1/cases/{case.number}",
    }


def case_event_publish(*, entry: CaseTimelineEntry) -> list[WebhookDelivery]:
    """Publish the webhook event of a case timeline entry (see :data:`CASE_EVENTS`).

    Called for every new entry after the case's change committed, in the
    transaction of its fan-out (the receiver in ``receivers.py``; ``entry.case``
    carries the case's columns as they were at the event). Internal entries and unmapped kinds
    publish nothing. ``data`` is ``{"case": …, "kind": …, "detail": entry.data}``
    (e.g. the outcome of a decision, the items of a supplement request, the
    level of a rating; never free text written by the applicant).
    """
    event_type = CASE_EVENTS.get(entry.kind)
    if event_type is None or not entry.public:
        return []
    return webhook_event_publish(
        type=event_type,
        payload={
            "case": case_event_payload(entry.case),
            "kind": entry.kind,
            "detail": dict(entry.data or {}),
        },
        at=entry.at,
    )
