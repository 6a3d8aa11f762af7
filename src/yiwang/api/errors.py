"""Typed API errors and the one place that maps errors to HTTP responses.

Every error body has the same shape::

    {"detail": "what went wrong", "errors": [{"field": "kind", "message": "…"}]}

``errors`` names the offending fields (empty when no single field is at fault).
A 409 adds ``code`` (why: ``stale``, ``wrong_state``, ``already_rated``…) and,
for a case, ``current_version`` (reload the case and decide again); a 413
adds ``limit``.

=====================================  ======
error                                  status
=====================================  ======
BadInput (``yiwang.api.inputs``: a NUL
character, lone surrogate, not JSON…)  400
invalid input (ninja, ValidationError)  422
no or bad credentials                  401
PermissionDenied, ScopeMissing         403
Http404                                404
a body over Django's DATA_UPLOAD_MAX_*
limits                                 413
any ``yiwang.core.errors.DomainError``  its ``http_status`` (CaseNotFound,
(an app's typed refusal)               ServiceNotFound… 404; CaseConflict,
                                       WorkflowConflict 409; UploadRejected
                                       (``file``), IdempotencyKeyReused
                                       (``Idempotency-Key``) 422;
                                       UploadTooLarge 413), with its
                                       ``field`` and extras (``code``,
                                       ``current_version``, ``limit``)
=====================================  ======

The same body answers errors made outside these handlers (an unknown /api/
path, a wrong method, a crash): ``yiwang.api.edge``. Every operation
of the OpenAPI document lists the statuses the edge may answer for it
(:func:`document_edge_errors`).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yiwang.api.inputs import BadInput
from yiwang.core.apitypes import ApiError
from yiwang.core.errors import DomainError, error_body
from yiwang.integrations.auth import ScopeMissing


def too_large_detail(limit: int) -> str:
    """The 413 message for a request body over ``limit`` bytes."""
    return _("The request is larger than %(limit)s bytes.") % {"limit": limit}


def too_large(exc: Exception) -> tuple[str, int]:
    """The 413 message and limit of a body over one of the limits (``BodyTooLarge`` or one of
    Django's ``DATA_UPLOAD_MAX_*``)."""
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 0
        return _("The request has more than %(n)s fields.") % {"n": limit}, limit
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES or 0
        return _("The request has more than %(n)s files.") % {"n": limit}, limit
    limit = getattr(exc, "limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return too_large_detail(limit), limit


def status_detail(status: int, *, allow: str | None = None) -> str:
    """The ``detail`` of an error answered outside the API's handlers (see the middleware)."""
    if status == 404:
        return _("Not found: there is no such endpoint. See /api/v1/docs.")
    if status == 405:
        return _("This method is not allowed here. Allowed: %(methods)s.") % {
            "methods": allow or "-"
        }
    if status == 413:
        return too_large_detail(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if status >= 500:
        return _("Something went wrong on our side; it was logged. Try again later.")
    try:
        return HTTPStatus(status).phrase + "."
    except ValueError:
        return _("The request failed.")


def _field_of(loc: list[Any]) -> str:
    # ninja locations look like ["query", "kind"] or ["body", "payload", "name"]: the
    # leading source and parameter names go, the rest is the path inside the input.
    parts = [str(p) for p in loc]
    while parts and parts[0] in ("query", "body", "path", "payload", "header", "form", "file"):
        parts.pop(0)
    return ".".join(parts) or "body"


def _conflict(detail: str, code: str, current_version: int | None) -> dict[str, Any]:
    body = error_body(detail)
    body["code"] = code
    if current_version is not None:
        body["current_version"] = current_version
    return body


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(BadInput)
    def bad_input(request: HttpRequest, exc: BadInput) -> HttpResponse:
        body = error_body(exc.message, [{"field": exc.field, "message": exc.message}])
        return api.create_response(request, body, status=400)

    @api.exception_handler(RequestDataTooBig)
    @api.exception_handler(TooManyFieldsSent)
    @api.exception_handler(TooManyFilesSent)
    def body_too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail, limit = too_large(exc)
        body = error_body(detail, [{"field": "body", "message": detail}])
        body["limit"] = limit
        return api.create_response(request, body, status=413)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.detail}] if exc.field else []
        return api.create_response(request, error_body(exc.detail, errors), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(list(e.get("loc", []))), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        names = ", ".join(sorted({e["field"] for e in errors}))
        return api.create_response(
            request, error_body(f"Invalid input: {names}.", errors), status=422
        )

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "body", "message": m} for m in exc.messages]
        return api.create_response(
            request, error_body(" ".join(e["message"] for e in errors), errors), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(str(exc) or "Not found."), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body(str(exc) or "You may not do this."), status=403
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, error_body("Authentication required."), status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)

    @api.exception_handler(ScopeMissing)
    def scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
        return api.create_response(request, error_body(str(exc)), status=403)

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        """Every app's typed refusals: their own status, code, field and extras."""
        detail = exc.message or HTTPStatus(exc.http_status).phrase
        errors = [{"field": exc.field, "message": detail}] if exc.field else []
        body = {**error_body(detail, errors), **exc.extra()}
        return api.create_response(request, body, status=exc.http_status)


def document_edge_errors(openapi: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation the errors any request may get before its handler runs.

    400 (``BadInput``: a NUL character, a lone surrogate, a body that is not
    strict JSON…) for every operation; 422 (invalid parameters or body) for
    those that take any; 413 (a body over the limits) for those with a body.
    Statuses an operation declares itself are kept as they are.
    """
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            statuses = [400]
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.append(422)
            if operation.get("requestBody"):
                statuses.append(413)
            responses = operation.setdefault("responses", {})
            for status in statuses:
                if status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": HTTPStatus(status).phrase,
                        "content": error,
                    }
    return openapi
