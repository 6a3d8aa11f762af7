"""Typed API errors and the one place that maps errors to HTTP responses.

Every error body has the same shape::

    {"detail": "what went wrong", "errors": [{"field": "kind", "message": "…"}]}

``errors`` names the offending fields (empty when no single field is at fault).
A 409 adds ``code`` (why: ``stale``, ``wrong_state``, ``already_rated``…) and,
for a case, ``current_version`` (reload the case and decide again).

=====================================  ======
error                                  status
=====================================  ======
invalid input (ninja, ValidationError,
UploadRejected: field ``file``)        422
no or bad credentials                  401
PermissionDenied, ScopeMissing         403
CaseNotFound, ApplicationNotFound,
ServiceNotFound, Http404               404
CaseConflict, WorkflowConflict         409
UploadTooLarge                         413
=====================================  ======
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from yiwang.api.auth import ScopeMissing
from yiwang.cases.errors import (
    ApplicationNotFound,
    CaseConflict,
    CaseNotFound,
    UploadTooLarge,
    WorkflowConflict,
)
from yiwang.catalog.selectors import ServiceNotFound


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The error body of every endpoint (409 adds ``code`` and ``current_version``)."""

    detail: str
    errors: list[FieldErrorOut]
    code: str | None = None
    current_version: int | None = None


class ApiError(Exception):
    """Raise from an endpoint to answer ``status`` with a JSON error body."""

    def __init__(self, status: int, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field


def _body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _field_of(loc: list[Any]) -> str:
    # ninja locations look like ["query", "kind"] or ["body", "payload", "name"]
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload", "header")]
    return ".".join(parts) or "body"


def _conflict(detail: str, code: str, current_version: int | None) -> dict[str, Any]:
    body = _body(detail)
    body["code"] = code
    if current_version is not None:
        body["current_version"] = current_version
    return body


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        errors = [{"field": exc.field, "message": exc.detail}] if exc.field else []
        return api.create_response(request, _body(exc.detail, errors), status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": _field_of(list(e.get("loc", []))), "message": str(e.get("msg", ""))}
            for e in exc.errors
        ]
        names = ", ".join(sorted({e["field"] for e in errors}))
        return api.create_response(request, _body(f"Invalid input: {names}.", errors), status=422)

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
            request, _body(" ".join(e["message"] for e in errors), errors), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body(str(exc) or "Not found."), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, _body(str(exc) or "You may not do this."), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(request, _body("Authentication required."), status=401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, _body(str(exc)), status=exc.status_code)

    @api.exception_handler(CaseNotFound)
    @api.exception_handler(ApplicationNotFound)
    def case_not_found(request: HttpRequest, exc: LookupError) -> HttpResponse:
        return api.create_response(request, _body(str(exc) or "Not found."), status=404)

    @api.exception_handler(ServiceNotFound)
    def service_not_found(request: HttpRequest, exc: ServiceNotFound) -> HttpResponse:
        detail = f"No published service with code {exc}." if str(exc) else "No such service."
        return api.create_response(
            request, _body(detail, [{"field": "service_code", "message": detail}]), status=404
        )

    @api.exception_handler(ScopeMissing)
    def scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
        return api.create_response(request, _body(str(exc)), status=403)

    @api.exception_handler(CaseConflict)
    def case_conflict(request: HttpRequest, exc: CaseConflict) -> HttpResponse:
        body = _conflict(exc.message, exc.code, getattr(exc, "current_version", None))
        return api.create_response(request, body, status=409)

    @api.exception_handler(WorkflowConflict)
    def stale(request: HttpRequest, exc: WorkflowConflict) -> HttpResponse:
        body = _conflict(
            "The case changed since you read it: reload it and decide again.",
            "stale",
            exc.current_version,
        )
        body["errors"] = [{"field": "expected_version", "message": body["detail"]}]
        return api.create_response(request, body, status=409)

    @api.exception_handler(UploadTooLarge)
    def too_large(request: HttpRequest, exc: UploadTooLarge) -> HttpResponse:
        body = _body(exc.message, [{"field": "file", "message": exc.message}])
        body["limit"] = exc.limit
        return api.create_response(request, body, status=413)
