"""Citizens' endpoints under ``/events/mine``: their reports, reporting one, rating a
replied one (回访 self-service).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Status

from yiwang.core.apitypes import INT_MAX, ApiError
from yiwang.events import selectors, services
from yiwang.events.api.answers import EventDetailOut, EventPageOut, _detail, _page
from yiwang.events.api.base import NUMBER, TEXT_MAX, E, In, citizen_router
from yiwang.events.models import Channel, Satisfaction
from yiwang.events.types import Place, Reporter
from yiwang.integrations.auth import user_of


class ReportIn(In):
    category_code: str = Field(..., max_length=20, description="A leaf category's code")
    description: str = Field(..., min_length=1, max_length=TEXT_MAX)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    address: str = Field("", max_length=200)
    confidential: bool = Field(False, description="保密: the identity is shown to the centre only")


class EventRatingIn(In):
    satisfaction: Satisfaction
    resolved: bool
    note: str = Field("", max_length=TEXT_MAX)


@citizen_router.get("/events/mine", response={200: EventPageOut, **E}, summary="My reports")
def my_reports(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=INT_MAX),
    page_size: int = Query(20, ge=1, le=100),
) -> Any:
    return _page(selectors.events_for_citizen(user=user_of(request)), page, page_size)


@citizen_router.get(
    "/events/mine/{number}", response={200: EventDetailOut, **E}, summary="One of my reports"
)
def my_report(request: HttpRequest, number: str = NUMBER) -> Any:
    user = user_of(request)
    event = selectors.event_get_for_citizen(user=user, number=number)
    if event is None:
        raise Http404(_("No such event."))
    return _detail(event, user, public_only=True)


@citizen_router.post(
    "/events/mine",
    response={201: EventDetailOut, **E},
    summary="Report a city problem (web channel); dispatched from the directory at once",
)
def report(request: HttpRequest, payload: ReportIn) -> Any:
    user = user_of(request)
    category = selectors.category_leaf(code=payload.category_code)
    if category is None:
        raise ApiError(422, _("No active leaf category has this code."), field="category_code")
    profile = getattr(user, "citizen", None)
    event = services.event_register(
        actor=user,
        channel=Channel.WEB,
        category=category,
        reporter=Reporter(
            phone=getattr(profile, "phone", "") or user.phone,
            name=getattr(profile, "name", "") or str(user),
            confidential=payload.confidential,
            citizen=user,
        ),
        place=Place(
            latitude=payload.latitude, longitude=payload.longitude, address=payload.address
        ),
        description=payload.description,
        auto_dispatch=True,
    )
    return Status(201, _detail(event, user, public_only=True))


@citizen_router.post(
    "/events/mine/{number}/rating",
    response={200: EventDetailOut, **E},
    summary="Rate the reply to my report (回访): satisfied and resolved closes it, else 重办",
)
def rate(request: HttpRequest, payload: EventRatingIn, number: str = NUMBER) -> Any:
    user = user_of(request)
    event = selectors.event_get_for_citizen(user=user, number=number)
    if event is None:
        raise Http404(_("No such event."))
    event = services.event_callback(
        actor=user,
        event=event,
        satisfaction=payload.satisfaction,
        resolved=payload.resolved,
        note=payload.note,
    )
    return _detail(event, user, public_only=True)
