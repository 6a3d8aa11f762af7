"""The city events REST API (一网统管), under ``/api/v1/events``.

Behind ``yiwang.integrations.auth`` (session or bearer token). A token's reads
need ``events:read`` and its writes ``events:write``, for citizens and officers
alike (what a role may do is the services'; docs/api.md).

- citizens: ``/events/mine`` — list and read their own reports, report one
  (channel web, dispatched from the directory at once), rate a replied one
  (回访 self-service);
- officers: ``/events`` — the events their roles see, their photos (read, and a
  handler's upload of a result photo through ``services.event_handle``, checked
  by content and size in ``services.photos`` as on the pages), (department, district,
  centre: ``selectors.events_visible_to``), one event with the reporter masked
  as ``selectors.event_reporter_view`` decides (a view in full is recorded:
  ``services.event_reporter_seen``), and one operation per action.

Each handler parses, calls one selector or service and shapes the answer. An
event the caller may not see is a 404 whether or not it exists; what a role
may do is decided by the services, whose typed refusals (``events.errors``)
become 403/409/422 in ``yiwang.api.errors``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, Status, UploadedFile
from pydantic import ConfigDict

from yiwang.core.apitypes import INT_MAX, ApiError, ErrorOut
from yiwang.events import selectors, services
from yiwang.events.downloads import photo_response
from yiwang.events.models import Arbitration, Channel, Event, EventPhoto, Outcome, Satisfaction
from yiwang.events.models import Status as EventStatus
from yiwang.events.selectors.pages import QueueFilters, queue_filter
from yiwang.events.types import Place, Reporter
from yiwang.identity.models import Department, User
from yiwang.integrations.auth import api_auth, user_of
from yiwang.integrations.models import Scope

citizen_router = Router(
    tags=["city events: citizens"],
    auth=api_auth(read=Scope.EVENTS_READ, write=Scope.EVENTS_WRITE),
)
officer_router = Router(
    tags=["city events: officers"],
    auth=api_auth(read=Scope.EVENTS_READ, write=Scope.EVENTS_WRITE),
)

E = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
NUMBER = Path(..., max_length=Event._meta.get_field("number").max_length)
TEXT_MAX = 2000
DepartmentCode = Annotated[str, Field(max_length=50)]


class In(Schema):
    """A request body; a field the endpoint does not take is a 422 naming it."""

    model_config = ConfigDict(extra="forbid")


# --- answers ---------------------------------------------------------------------------------


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
    rows = list(qs[(page - 1) * page_size : page * page_size])
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": max(1, -(-count // page_size)),
        "results": [_summary(e) for e in rows],
    }


def _visible(request: HttpRequest, number: str) -> Event:
    event = selectors.event_get_visible(user=user_of(request), number=number)
    if event is None:
        raise Http404(_("No such event."))
    return event


def _department(code: str, field: str) -> Department:
    department = selectors.department_active(code=code)
    if department is None:
        raise ApiError(422, _("No active department has this code."), field=field)
    return department


def _departments(codes: list[str], field: str) -> list[Department]:
    return [_department(code, f"{field}.{n}") for n, code in enumerate(codes)]


def _state(event: Event, request: HttpRequest) -> dict[str, Any]:
    return _detail(_visible(request, event.number), user_of(request), public_only=False)


# --- citizens --------------------------------------------------------------------------------


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


# --- officers --------------------------------------------------------------------------------


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
    return _detail(_visible(request, number), user_of(request), public_only=False)


class ReasonIn(In):
    reason: str = Field(..., min_length=1, max_length=500)


class SignIn(In):
    department_code: str | None = Field(None, max_length=50, description="When I act for several")


class HandleIn(In):
    note: str = Field(..., min_length=1, max_length=TEXT_MAX)


class ReplyIn(In):
    outcome: Outcome
    result: str = Field(..., min_length=1, max_length=TEXT_MAX, description="What was done")
    reply: str = Field(..., min_length=1, max_length=TEXT_MAX, description="To the citizen")


class ExtensionIn(In):
    days: int = Field(..., ge=1, le=10, description="Working days, at most the category's")
    reason: str = Field(..., min_length=1, max_length=500)


class ArbitrateIn(In):
    lead_department_code: str = Field(..., max_length=50)
    supporting_department_codes: list[DepartmentCode] = Field(default_factory=list, max_length=10)
    fault: Arbitration.Fault
    decision: str = Field(..., min_length=1, max_length=TEXT_MAX)


class SupervisionIn(In):
    note: str = Field(..., min_length=1, max_length=TEXT_MAX)
    department_code: str | None = Field(None, max_length=50, description="Default: the lead")


class ExtensionDecisionIn(In):
    approved: bool
    note: str = Field("", max_length=TEXT_MAX)


class RegisterIn(ReportIn):
    channel: Literal["hotline", "web"] = "hotline"
    reporter_phone: str = Field("", max_length=20)
    reporter_name: str = Field("", max_length=100)
    anonymous: bool = False
    dispatch: bool = Field(False, description="Dispatch from the directory at once")


class DispatchIn(In):
    lead_department_code: str | None = Field(
        None, max_length=50, description="Default: the directory's (a manual choice needs a reason)"
    )
    supporting_department_codes: list[DepartmentCode] = Field(default_factory=list, max_length=10)
    reason: str = Field("", max_length=500)


class MergeIn(In):
    into: str = Field(..., max_length=Event._meta.get_field("number").max_length)


def _action(path: str, summary: str) -> Any:
    return officer_router.post(path, response={200: EventDetailOut, **E}, summary=summary)


@_action("/events/{number}/sign", "Sign for the event (签收)")
def event_sign(request: HttpRequest, payload: SignIn, number: str = NUMBER) -> Any:
    department = (
        _department(payload.department_code, "department_code") if payload.department_code else None
    )
    event = services.event_sign(
        actor=user_of(request), event=_visible(request, number), department=department
    )
    return _state(event, request)


@_action("/events/{number}/return", "Return the event to the centre, with the reason (退单)")
def event_return(request: HttpRequest, payload: ReasonIn, number: str = NUMBER) -> Any:
    event = services.event_return(
        actor=user_of(request), event=_visible(request, number), reason=payload.reason
    )
    return _state(event, request)


@_action("/events/{number}/dispute", "Dispute the dispatch (派单异议); a supervisor arbitrates")
def event_dispute(request: HttpRequest, payload: ReasonIn, number: str = NUMBER) -> Any:
    event = services.event_dispute(
        actor=user_of(request), event=_visible(request, number), reason=payload.reason
    )
    return _state(event, request)


@_action("/events/{number}/handle", "Record a handling note (办理)")
def event_handle(request: HttpRequest, payload: HandleIn, number: str = NUMBER) -> Any:
    event = _visible(request, number)
    services.event_handle(actor=user_of(request), event=event, note=payload.note)
    return _state(event, request)


@_action("/events/{number}/reply", "Reply with the outcome (办理反馈)")
def event_reply(request: HttpRequest, payload: ReplyIn, number: str = NUMBER) -> Any:
    event = services.event_reply(
        actor=user_of(request),
        event=_visible(request, number),
        outcome=payload.outcome,
        result=payload.result,
        reply=payload.reply,
    )
    return _state(event, request)


@_action("/events/{number}/extension", "Ask for the one extension (延期)")
def event_extension_request(
    request: HttpRequest, payload: ExtensionIn, number: str = NUMBER
) -> Any:
    services.event_extend_request(
        actor=user_of(request),
        event=_visible(request, number),
        days=payload.days,
        reason=payload.reason,
    )
    return _state(_visible(request, number), request)


@_action("/events/{number}/extension/decision", "Approve or refuse the pending extension")
def event_extension_decide(
    request: HttpRequest, payload: ExtensionDecisionIn, number: str = NUMBER
) -> Any:
    event = _visible(request, number)
    pending = event.extensions.filter(approved__isnull=True).first()
    if pending is None:
        raise ApiError(409, _("No extension request is pending on this event."))
    services.event_extend_decide(
        actor=user_of(request), request=pending, approved=payload.approved, note=payload.note
    )
    return _state(event, request)


@_action("/events/{number}/arbitration", "Arbitrate a dispute or a second return (仲裁)")
def event_arbitrate(request: HttpRequest, payload: ArbitrateIn, number: str = NUMBER) -> Any:
    event = services.event_arbitrate(
        actor=user_of(request),
        event=_visible(request, number),
        lead=_department(payload.lead_department_code, "lead_department_code"),
        supporting=_departments(payload.supporting_department_codes, "supporting_department_codes"),
        fault=payload.fault,
        decision=payload.decision,
    )
    return _state(event, request)


@_action("/events/{number}/supervision", "Issue a 督办单 to the lead department (or another)")
def event_supervise(request: HttpRequest, payload: SupervisionIn, number: str = NUMBER) -> Any:
    department = (
        _department(payload.department_code, "department_code") if payload.department_code else None
    )
    event = _visible(request, number)
    services.supervision_issue(
        actor=user_of(request), event=event, note=payload.note, department=department
    )
    return _state(event, request)


@officer_router.post(
    "/events",
    response={201: EventDetailOut, **E},
    summary="Register an event from a call (受理), optionally dispatched at once",
)
def event_register(request: HttpRequest, payload: RegisterIn) -> Any:
    category = selectors.category_leaf(code=payload.category_code)
    if category is None:
        raise ApiError(422, _("No active leaf category has this code."), field="category_code")
    event = services.event_register(
        actor=user_of(request),
        channel=payload.channel,
        category=category,
        reporter=Reporter(
            phone=payload.reporter_phone,
            name=payload.reporter_name,
            anonymous=payload.anonymous,
            confidential=payload.confidential,
        ),
        place=Place(
            latitude=payload.latitude, longitude=payload.longitude, address=payload.address
        ),
        description=payload.description,
        auto_dispatch=payload.dispatch,
    )
    return Status(201, _state(event, request))


@_action("/events/{number}/dispatch", "Dispatch (派单): from the directory, or a manual choice")
def event_dispatch(request: HttpRequest, payload: DispatchIn, number: str = NUMBER) -> Any:
    lead = (
        _department(payload.lead_department_code, "lead_department_code")
        if payload.lead_department_code
        else None
    )
    event = services.event_dispatch(
        actor=user_of(request),
        event=_visible(request, number),
        lead=lead,
        supporting=_departments(payload.supporting_department_codes, "supporting_department_codes"),
        reason=payload.reason,
    )
    return _state(event, request)


@_action("/events/{number}/merge", "Merge a duplicate into another event (并单)")
def event_merge(request: HttpRequest, payload: MergeIn, number: str = NUMBER) -> Any:
    into = selectors.event_get_visible(user=user_of(request), number=payload.into)
    if into is None:
        raise ApiError(422, _("No such event."), field="into")
    event = services.event_merge(actor=user_of(request), event=_visible(request, number), into=into)
    return _state(event, request)


# --- photos ----------------------------------------------------------------------------------


class PhotoOut(Schema):
    id: int
    kind: str = Field(description="'report' (of the problem) or 'result' (handling evidence)")
    uploaded_at: datetime
    url: str = Field(
        description="Where to get it: this API's download path, or the report's external link"
    )


def _photo(event: Event, photo: EventPhoto) -> dict[str, Any]:
    url = photo.url
    if photo.file:
        url = reverse("api:event_photo_file", args=[event.number, photo.pk])
    return {"id": photo.pk, "kind": photo.kind, "uploaded_at": photo.uploaded_at, "url": url}


@officer_router.get(
    "/events/{number}/photos",
    response={200: list[PhotoOut], **E},
    summary="The event's photos: reported and result (处置照片), oldest first",
)
def event_photos(request: HttpRequest, number: str = NUMBER) -> Any:
    event = _visible(request, number)
    return [_photo(event, p) for p in selectors.event_photos(event=event)]


@officer_router.post(
    "/events/{number}/photos",
    response={201: list[PhotoOut], **E, 413: ErrorOut},
    summary="Upload a result photo (JPEG or PNG, checked from the content) as a handling note",
    description=(
        "A handler of an assigned department, while the event is being handled: the photo "
        "is checked by content and size as on the pages (`services.photos`) and recorded "
        "with the optional note (`services.event_handle`). Answers the event's photos."
    ),
)
def event_photo_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    number: str = NUMBER,
    note: str = Form("", max_length=TEXT_MAX),
) -> Any:
    event = _visible(request, number)
    services.event_handle(actor=user_of(request), event=event, note=note, photos=[file])
    return Status(201, [_photo(event, p) for p in selectors.event_photos(event=event)])


@officer_router.get(
    "/events/{number}/photos/{photo_id}",
    response={200: None, **E},
    summary="Download one stored photo of the event",
    url_name="event_photo_file",
)
def event_photo_file(
    request: HttpRequest, number: str = NUMBER, photo_id: int = Path(..., ge=1, le=INT_MAX)
) -> Any:
    photo = selectors.event_photo(event=_visible(request, number), photo_id=photo_id)
    if photo is None:
        raise Http404(_("No such photo."))
    return photo_response(photo)
