"""What every city-operations page shares: who the user is in 一网统管, finding an event the
user may see, and turning a service's refusal into a form error or an HTTP status."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from yiwang.core.errors import error_body
from yiwang.events.errors import EventError, EventNotAllowed
from yiwang.events.models import Event
from yiwang.events.selectors import event_visible_to
from yiwang.identity.models import Role
from yiwang.identity.selectors import role_pairs

View = Callable[..., HttpResponse]

#: The centre (中心): hotline operators and supervisors.
CENTRE = frozenset({Role.HOTLINE_OPERATOR, Role.SUPERVISOR})
#: Everyone who works on events (the knowledge base and the map are theirs).
STAFF = frozenset(
    {Role.HOTLINE_OPERATOR, Role.SUPERVISOR, Role.DEPARTMENT_HANDLER, Role.CITY_LEADER}
)


def city_roles(request: HttpRequest) -> set[str]:
    """The roles the signed-in user holds (one query, kept on the request)."""
    cached = getattr(request, "_city_roles", None)
    if cached is None:
        cached = {role for role, _ in role_pairs(request.user)}
        request._city_roles = cached  # type: ignore[attr-defined]
    return cached


def role_required(
    allowed: frozenset[str] | set[str], *, json: bool = False
) -> Callable[[View], View]:
    """Signed in (else the login page) and holding one of ``allowed`` (else 403; as JSON for
    the console's small endpoints)."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not city_roles(request) & set(allowed):
                if json:
                    return json_error(_("You may not use this."), status=403)
                raise PermissionDenied(_("This page is for the city's 12345 staff."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def json_error(detail: str, *, status: int, field: str = "") -> JsonResponse:
    """The platform's JSON error body (``core.errors.error_body``, as the API answers)."""
    errors = [{"field": field, "message": detail}] if field else []
    return JsonResponse(error_body(detail, errors), status=status)


def event_for(request: HttpRequest, number: str) -> Event:
    """The event numbered ``number`` if the user may see it; 404 otherwise (whether it exists
    is nobody else's business)."""
    event = (
        Event.objects.select_related("category", "district", "lead_department", "merged_into")
        .filter(number=number)
        .first()
    )
    if event is None or not event_visible_to(user=request.user, event=event):
        raise Http404(_("No such event."))
    return event


def refusal_to_form(form: Form, error: EventError) -> int:
    """Put a service's refusal on ``form`` (on its field when the form has it) and return the
    HTTP status to answer with; a refusal of the actor is a 403."""
    if isinstance(error, EventNotAllowed):
        raise PermissionDenied(str(error))
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))
    return error.http_status
