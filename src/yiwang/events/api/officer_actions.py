"""Officers' actions on an event, one operation each with its request schema: sign, return,
dispute, handle, reply, extension, arbitration, supervision, register, dispatch, merge.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Status

from yiwang.core.apitypes import ApiError
from yiwang.events import selectors, services
from yiwang.events.api.answers import EventDetailOut, _state
from yiwang.events.api.base import (
    NUMBER,
    TEXT_MAX,
    DepartmentCode,
    E,
    In,
    _department,
    _departments,
    _visible,
    officer_router,
)
from yiwang.events.api.citizen import ReportIn
from yiwang.events.models import Arbitration, Event, Outcome
from yiwang.events.types import Place, Reporter
from yiwang.integrations.auth import user_of


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
    # the event first: who may not see it learns nothing of the other number (404)
    event = _visible(request, number)
    into = selectors.event_get_visible(user=user_of(request), number=payload.into)
    if into is None:
        raise ApiError(422, _("No such event."), field="into")
    event = services.event_merge(actor=user_of(request), event=event, into=into)
    return _state(event, request)
