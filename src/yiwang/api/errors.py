"""Typed API errors and the one place that maps errors to HTTP responses.

Every error body has the same shape::

    {"detail": "what went wrong", "errors": [{"field": "kind", "message": "…"}]}

``errors`` names the offending fields (empty when no single field is at fault).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


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
