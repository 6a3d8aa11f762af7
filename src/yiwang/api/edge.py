"""The edge: input no view can take is refused first, and every /api/ error is the JSON body.

(An /open311/ path's errors made here are GeoReport v2's error list instead: its clients
parse that; docs/open311.md.)

Two middlewares (see ``MIDDLEWARE`` in settings) and the site's error handlers
(``handler400``… in ``yiwang.urls``):

- the error handlers answer an ``/api/`` path with the JSON error body of
  ``yiwang.api.errors`` (an unknown path's 404, a crash's 500, in
  production as with DEBUG on) without rendering a page, and every other
  path with the site's pages (403 and 404 in the site's layout with a way back, 500 a
  static bilingual page that needs no database);
- :class:`ApiErrorBodyMiddleware`, outermost: any other error of an
  ``/api/`` path that is not JSON (a wrong method's 405 from ninja) is
  replaced by the JSON error body, keeping the status and ``Allow``; an
  exception that escaped even the error handlers becomes a JSON 500.
- :class:`RequestGuardMiddleware`, right after the locale is chosen (so its
  messages are in the reader's language): before any view, refuses a NUL
  character or lone surrogate anywhere (path, query, headers and cookies, form
  fields; JSON bodies of /api/ by the stricter rules of
  ``yiwang.api.inputs``) with 400, a body over Django's limits (and, for
  /api/, one larger than the largest upload allows) with 413, and an
  unreadable form body with 400. For /api/ paths the answer is the JSON error
  body naming the field; elsewhere a plain 400 (or 413) page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template import loader
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views import defaults

from yiwang.api.errors import error_body, status_detail, too_large
from yiwang.api.inputs import BadInput, check_pairs, check_text, load_json
from yiwang.cases.uploads import max_upload_bytes
from yiwang.identity.landing import landing_page

API_PREFIX = "/api/"
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Handler = Callable[[HttpRequest], HttpResponse]


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


OPEN311_PREFIX = "/open311/"


def _open311_error(request: HttpRequest, status: int, detail: str = "") -> HttpResponse | None:
    """An error of an /open311/ path in GeoReport v2's own form (the list of code and
    description, XML unless the path ends in .json), or None for any other path."""
    if not request.path_info.startswith(OPEN311_PREFIX):
        return None
    from yiwang.events.open311.formats import Open311Error, error_response

    fmt = "json" if request.path_info.endswith(".json") else "xml"
    return error_response(fmt, Open311Error(status, detail or status_detail(status)))


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


class ApiErrorBodyMiddleware:
    """Errors of /api/ paths made outside the API's handlers become the JSON error body."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except Exception:
            # Only when an error handler itself failed: Django answers everything else.
            if not is_api(request):
                raise
            response = _api_error(500)
            log_response(
                "Internal Server Error: %s",
                request.path,
                response=response,
                request=request,
                exception=sys.exc_info()[1],
            )
            return response
        if not is_api(request) or response.status_code < 400 or _is_json(response):
            return response
        return _api_error(response.status_code, allow=response.get("Allow"))


def _api_error(status: int, *, allow: str | None = None) -> JsonResponse:
    response = JsonResponse(error_body(status_detail(status, allow=allow)), status=status)
    if allow:
        response["Allow"] = allow
    return response


# --- the site's error handlers (handler400, handler403, handler404, handler500) -----------


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    open311 = _open311_error(request, 400)
    if open311 is not None:
        return open311
    if is_api(request):
        return _api_error(400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    open311 = _open311_error(request, 403)
    if open311 is not None:
        return open311
    if is_api(request):
        return _api_error(403)
    return _error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    open311 = _open311_error(request, 404)
    if open311 is not None:
        return open311
    if is_api(request):
        return _api_error(404)
    return _error_page(request, "404.html", 404)


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """403 and 404 in the site's layout, in the reader's language, with a way back: the home
    page and, for a signed-in user, the page of their own work (``landing_page``). (The 500
    page is static: it must render when the database is down.)"""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context = {"landing": landing_page(user) if signed_in else None}
    return render(request, template, context, status=status)


def server_error(request: HttpRequest) -> HttpResponse:
    open311 = _open311_error(request, 500)
    if open311 is not None:
        return open311
    if is_api(request):
        return _api_error(500)
    return defaults.server_error(request)


class RequestGuardMiddleware:
    """Refuse input no view can take before any view runs (see the module docstring)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _inspect(request)
        except BadInput as exc:
            return _refuse(request, 400, exc.message, exc.field)
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            detail, limit = too_large(exc)
            return _refuse(request, 413, detail, "body", limit=limit)
        except (MultiPartParserError, BadRequest) as exc:
            detail = _("The form data could not be read: %(error)s") % {"error": exc}
            return _refuse(request, 400, detail, "body")
        return self.get_response(request)


def _inspect(request: HttpRequest) -> None:
    """Raise at the first input of ``request`` that no view can take."""
    check_text(request.path_info, field="path")
    check_pairs((key, value) for key, values in request.GET.lists() for value in values)
    check_pairs(request.headers.items())  # cookies included
    if request.method not in BODY_METHODS:
        return
    if is_api(request):
        # Files stream to disk as they arrive: refuse a body no upload could need before
        # reading it. (The portal reads it and says on its page that the file is too large.)
        cap = max_upload_bytes() + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
        if _content_length(request) > cap:
            raise BodyTooLarge(cap)
    if request.content_type in FORM_TYPES:
        if request.method == "POST":
            check_pairs((key, value) for key, values in request.POST.lists() for value in values)
            check_pairs(
                (key, upload.name or "")
                for key, uploads in request.FILES.lists()
                for upload in uploads
            )
    elif is_api(request) and request.body:
        load_json(request.body)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it


class BodyTooLarge(RequestDataTooBig):
    """The whole body is larger than any upload plus its form fields may be."""

    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def _refuse(
    request: HttpRequest, status: int, detail: str, field: str, **extra: Any
) -> HttpResponse:
    open311 = _open311_error(request, status, detail)
    if open311 is not None:
        return open311
    if is_api(request):
        body = error_body(detail, [{"field": field, "message": detail}])
        body.update(extra)
        return JsonResponse(body, status=status)
    page = loader.get_template("400.html").render()
    return HttpResponse(page, status=status)
