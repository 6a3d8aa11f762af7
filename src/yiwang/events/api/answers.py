"""What an event looks like in an answer: the response schemas, a page of summaries, one
event in detail (the reporter masked as ``selectors.event_reporter_view`` decides).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from yiwang.core.apitypes import page_slice
from yiwang.events import selectors, services
from yiwang.events.models import Event
from yiwang.identity.models import User
from yiwang.integrations.auth import user_of


class EventSummaryOut(Schema):
    number: str
    status: str
    channel: str
    category_code: str
    category_name_zh: str
    address: str
    district_code: str | None
    lead_department_code: str | None
    created_at: datetime
    handle_due_at: datetime | None
    light: str = Field(description="'', 'yellow' or 'red': the worse of the two cards")


class EventPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[EventSummaryOut]


class ReporterOut(Schema):
    phone: str
    name: str
    resident_id: str


class EntryOut(Schema):
    at: datetime
    kind: str
    text: str
    department_code: str | None


class EventDetailOut(EventSummaryOut):
    description: str
    latitude: float | None
    longitude: float | None
    urgency: str
    reporter: ReporterOut = Field(description="Masked as the caller's role requires")
    outcome: str
    reply: str
    replied_at: datetime | None
    satisfaction: str
    closed_at: datetime | None
    timeline: list[EntryOut]


def _light(event: Event) -> str:
    cards = {event.sign_card, event.handle_card}
    return "red" if "red" in cards else "yellow" if "yellow" in cards else ""


def _summary(event: Event) -> dict[str, Any]:
    return {
        "number": event.number,
        "status": event.status,
        "channel": event.channel,
        "category_code": event.category.code,
        "category_name_zh": event.category.name_zh,
        "address": event.address,
        "district_code": event.district.code if event.district_id else None,
        "lead_department_code": event.lead_department.code if event.lead_department_id else None,
        "created_at": event.created_at,
        "handle_due_at": event.handle_due_at,
        "light": _light(event),
    }


def _detail(event: Event, user: User, *, public_only: bool) -> dict[str, Any]:
    timeline = selectors.event_timeline(event=event, public_only=public_only)
    return {
        **_summary(event),
        "description": event.description,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "urgency": event.urgency,
        "reporter": services.event_reporter_seen(user=user, event=event),
        "outcome": event.outcome,
        "reply": event.reply,
        "replied_at": event.replied_at,
        "satisfaction": event.satisfaction,
        "closed_at": event.closed_at,
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "text": e.text,
                "department_code": e.department.code if e.department_id else None,
            }
            for e in timeline
        ],
    }


def _page(qs: Any, page: int, page_size: int) -> dict[str, Any]:
    count = qs.count()
    pages, rows = page_slice(count, page, page_size)
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "results": [_summary(e) for e in qs[rows]],
    }


def _state(event: Event, request: HttpRequest) -> dict[str, Any]:
    """The event after the caller's action, read afresh. Not looked up again through what the
    caller sees: an action may take the event out of their sight (an operator's dispatch
    takes it out of the centre's queue), and answering 404 to an action that was done would
    tell the client it was not."""
    event.refresh_from_db()
    return _officer_detail(event, user_of(request))


def _officer_detail(event: Event, user: User) -> dict[str, Any]:
    """One event on the officers' endpoints: its whole history to who sees it as an officer,
    its public entries to its reporter (``selectors.event_history_in_full``)."""
    in_full = selectors.event_history_in_full(user=user, event=event)
    return _detail(event, user, public_only=not in_full)
