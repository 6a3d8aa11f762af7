"""What every events endpoint shares: the two routers, their error responses, the event
number path parameter, the request base that refuses unknown fields, and the lookups that
turn a number or a department code into a row (404 / 422).
"""

from __future__ import annotations

from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema
from pydantic import ConfigDict

from yiwang.core.apitypes import ApiError, ErrorOut
from yiwang.events import selectors
from yiwang.events.models import Event
from yiwang.identity.models import Department
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
