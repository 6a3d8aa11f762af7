"""Officers' reads: the events their roles see (filtered, paged) and one event."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Schema

from yiwang.core.apitypes import INT_MAX
from yiwang.events import selectors
from yiwang.events.api.answers import EventDetailOut, EventPageOut, _officer_detail, _page
from yiwang.events.api.base import NUMBER, E, _visible, officer_router
from yiwang.events.models import Status as EventStatus
from yiwang.events.selectors.pages import QueueFilters, queue_filter
from yiwang.integrations.auth import user_of


class EventQuery(Schema):
    status: EventStatus | None = Field(None, description="One status; default: every open one")
    light: Literal["none", "yellow", "red"] | None = None
    category: str = Field("", max_length=20, description="A category code prefix (a branch)")
    q: str = Field("", max_length=100, description="A number or address fragment")
    page: int = Field(1, ge=1, le=INT_MAX)
    page_size: int = Field(20, ge=1, le=100)


@officer_router.get(
    "/events",
    response={200: EventPageOut, **E},
    summary="The events my roles see (department, district, centre), newest first",
)
def event_list(request: HttpRequest, query: Query[EventQuery]) -> Any:
    filters = QueueFilters(
        status=query.status or "", card=query.light or "", category=query.category, q=query.q
    )
    events = queue_filter(selectors.events_visible_to(user=user_of(request)), filters)
    return _page(events, query.page, query.page_size)


@officer_router.get(
    "/events/{number}",
    response={200: EventDetailOut, **E},
    summary="One event, the reporter masked as my role requires",
)
def event_detail(request: HttpRequest, number: str = NUMBER) -> Any:
    return _officer_detail(_visible(request, number), user_of(request))
