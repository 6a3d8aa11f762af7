"""The GeoReport v2 endpoints under ``/open311/v2/``: parse, call one selector or service, render.

Every refusal is the specification's error list with its HTTP status
(:class:`~yiwang.events.open311.formats.Open311Error`); the events services'
typed errors map onto it in :func:`_refusal`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from django.views.decorators.csrf import csrf_exempt

from yiwang.core.clients import client_address
from yiwang.events.errors import EventError, EventNotAllowed
from yiwang.events.models import IntakeRequest
from yiwang.events.open311 import params
from yiwang.events.open311.documents import (
    definition_document,
    request_document,
    service_document,
    service_notice,
)
from yiwang.events.open311.formats import FORMATS, XML, Open311Error, error_response, respond
from yiwang.events.selectors.open311 import (
    STATUSES,
    open311_request,
    open311_requests,
    open311_service,
    open311_services,
    open311_token,
)
from yiwang.events.services.open311 import (
    RateLimited,
    Submitter,
    open311_address_admit,
    open311_key_admit,
    open311_request_create,
    open311_request_enqueue,
)
from yiwang.events.types import Place

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this interface last changed (the discovery document's changeset).
CHANGESET = datetime(2026, 11, 30, tzinfo=timezone.get_fixed_timezone(8 * 60))
#: The default and longest window of GET requests, and its largest page.
WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000

View = Callable[..., HttpResponse]


def _refusal(exc: EventError) -> Open311Error:
    if isinstance(exc, RateLimited):
        return Open311Error(429, exc.message, retry_after=exc.retry_after)
    if isinstance(exc, EventNotAllowed):
        return Open311Error(403, exc.message)
    return Open311Error(400, exc.message)


def _data(request: HttpRequest) -> QueryDict:
    return request.POST if request.method == "POST" else request.GET


def _check_jurisdiction(data: QueryDict) -> None:
    given = params.optional(data, "jurisdiction_id")
    if given and given.lower() != settings.YIWANG_OPEN311_JURISDICTION.lower():
        raise Open311Error(
            404,
            _("jurisdiction_id %(given)s was not found: this server serves %(ours)s.")
            % {"given": given, "ours": settings.YIWANG_OPEN311_JURISDICTION},
        )


def request_language(request: HttpRequest) -> str:
    """The language of the answer: the first of the request's Accept-Language that the
    site speaks (``en`` → English, ``zh-CN`` → zh-hans), else the site's (zh-hans).

    Only the header counts, never a session or cookie: an integrator's program gets
    what it asks for. Error codes do not depend on it.
    """
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return str(settings.LANGUAGE_CODE)


def open311_view(*methods: str) -> Callable[[View], View]:
    """The frame of every endpoint: the format of the path (``.xml`` or ``.json``), the
    method, ``jurisdiction_id``, an ``api_key`` when one is given (checked and charged
    against its rate; POST requires one), else the client address's rate for a GET,
    the answer's language from Accept-Language, and every refusal as the error list."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            language = request_language(request)
            with translation.override(language):
                response = answer(request, *args, fmt=fmt, **kwargs)
            return _in_language(response, language)

        def answer(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            try:
                if fmt not in FORMATS:
                    raise Open311Error(
                        404, _("Unknown format %(fmt)s: use .xml or .json.") % {"fmt": fmt}
                    )
                if request.method not in methods:
                    response = error_response(
                        fmt,
                        Open311Error(
                            405,
                            _("This method is not allowed here. Allowed: %(methods)s.")
                            % {"methods": ", ".join(methods)},
                        ),
                    )
                    response["Allow"] = ", ".join(methods)
                    return response
                data = _data(request)
                _check_jurisdiction(data)
                raw_key = params.optional(data, "api_key") or params.optional(
                    request.GET, "api_key"
                )
                request.open311_key = (  # type: ignore[attr-defined]
                    open311_key_admit(raw=raw_key) if raw_key or request.method == "POST" else None
                )
                if request.open311_key is None:  # type: ignore[attr-defined]
                    open311_address_admit(address=client_address(request))
                return view(request, *args, fmt=fmt, **kwargs)
            except EventError as exc:
                return error_response(fmt, _refusal(exc))
            except Open311Error as exc:
                return error_response(fmt, exc)

        return wrapped

    return decorate


@open311_view("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """Service discovery: where the GeoReport v2 endpoint is and which formats it speaks."""
    url = request.build_absolute_uri("/open311/v2/")
    document = {
        "changeset": CHANGESET,
        "contact": settings.YIWANG_OPEN311_CONTACT,
        "key_service": _(
            "API keys are issued by the 12345 centre (administration: Open311 API keys)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


@open311_view("GET")
def services(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """GET Service List."""
    return respond(fmt, "services", [service_document(c) for c in open311_services()])


@open311_view("GET")
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    """GET Service Definition: the category's form attributes."""
    category = open311_service(code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    return respond(fmt, "service_definition", definition_document(category))


@csrf_exempt
@open311_view("GET", "POST")
def requests(request: HttpRequest, *, fmt: str) -> HttpResponse:
    """POST Service Request (create) and GET Service Requests (query)."""
    if request.method == "POST":
        return _create(request, fmt)
    return _query(request, fmt)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    code = params.optional(data, "service_code")
    if not code:
        raise Open311Error(400, _("service_code was not provided."))
    category = open311_service(code)
    if category is None:
        raise Open311Error(404, _("service_code %(code)s was not found.") % {"code": code})
    latitude = params.coordinate(data, "lat", 90)
    longitude = params.coordinate(data, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, _("lat and long must be sent together."))
    given = {
        "key": request.open311_key,  # type: ignore[attr-defined]
        "category": category,
        "place": Place(
            latitude=latitude,
            longitude=longitude,
            address=params.optional(data, "address_string"),
        ),
        "address_id": params.optional(data, "address_id"),
        "description": data.get("description") or "",
        "attributes": params.attributes(data),
        "submitter": Submitter(
            first_name=params.optional(data, "first_name")[:50],
            last_name=params.optional(data, "last_name")[:50],
            phone=params.optional(data, "phone"),
            email=params.optional(data, "email"),
            device_id=params.optional(data, "device_id"),
            account_id=params.optional(data, "account_id"),
        ),
        "media_url": params.optional(data, "media_url"),
    }
    account_id = params.optional(data, "account_id") or None
    if settings.YIWANG_OPEN311_ASYNC:
        queued = open311_request_enqueue(**given)
        accepted = {
            "token": queued.token,
            "service_notice": service_notice(category),
            "account_id": account_id,
        }
        return respond(fmt, "service_requests", [accepted], status=202)
    event = open311_request_create(**given)
    created = {
        "service_request_id": event.number,
        "service_notice": request_document(event)["service_notice"],
        "account_id": account_id,
    }
    return respond(fmt, "service_requests", [created], status=201)


def _query(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.GET
    ids = params.csv_values(data, "service_request_id")
    statuses = params.csv_values(data, "status")
    for status in statuses:
        if status not in STATUSES:
            raise Open311Error(
                400, _("status must be open or closed, not %(status)s.") % {"status": status}
            )
    start = params.w3_datetime(data, "start_date")
    end = params.w3_datetime(data, "end_date")
    updated_after = params.w3_datetime(data, "updated_after")
    if start is not None and end is not None and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if not (updated_after is not None and start is None and end is None):
        end = end or timezone.now()
        start = start or end - WINDOW
        if end - start > WINDOW:
            raise Open311Error(400, _("start_date and end_date may not span more than 90 days."))
    page = params.positive_int(data, "page", default=1, maximum=1_000_000)
    size = params.positive_int(data, "page_size", default=MAX_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    extensions = params.optional(data, "extensions").lower() == "true"
    found = open311_requests(
        ids=ids,
        service_codes=params.csv_values(data, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
        updated_after=updated_after,
        offset=(page - 1) * size,
        limit=size,
        with_history=extensions,
    )
    documents = [request_document(e, extensions=extensions) for e in found]
    return respond(fmt, "service_requests", documents)


@open311_view("GET")
def request_detail(request: HttpRequest, number: str, *, fmt: str) -> HttpResponse:
    """GET Service Request: one request, as a list of one (the specification's shape)."""
    extensions = params.optional(request.GET, "extensions").lower() == "true"
    event = open311_request(number, with_history=extensions)
    if event is None:
        raise Open311Error(404, _("service_request_id %(id)s was not found.") % {"id": number})
    return respond(fmt, "service_requests", [request_document(event, extensions=extensions)])


@open311_view("GET")
def token(request: HttpRequest, token: str, *, fmt: str) -> HttpResponse:
    """GET service_request_id from a token (requests accepted asynchronously,
    ``YIWANG_OPEN311_ASYNC``): the token alone while the request waits in the queue, with
    its service_request_id once registered; a request refused at registration answers
    the error list with the status its POST would have had."""
    queued = open311_token(token)
    if queued is None:
        raise Open311Error(404, _("token %(token)s was not found.") % {"token": token})
    if queued.state == IntakeRequest.State.FAILED:
        raise Open311Error(
            queued.error_status or 400,
            _("The request of token %(token)s was refused at registration: %(error)s")
            % {"token": token, "error": queued.error},
        )
    number = queued.event.number if queued.event is not None else None
    return respond(fmt, "service_requests", [{"service_request_id": number, "token": token}])


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /open311/v2/: 404 as the error list (JSON for a .json path)."""
    fmt = "json" if path.endswith(".json") else XML
    language = request_language(request)
    with translation.override(language):
        response = error_response(
            fmt, Open311Error(404, _("Not found: there is no such GeoReport v2 resource."))
        )
    return _in_language(response, language)


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    response["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response
