"""Domain errors: what a service refuses, and the HTTP status each refusal stands for.

An app's typed errors subclass :class:`DomainError` and say their status
(``http_status``), a stable ``code``, and, when one field is at fault, its
name (``field``). The REST API maps every one of them the same way, in one
place (``yiwang.api.errors``); a new app's errors need no new handler. Django's
own ``ValidationError`` (422) and ``PermissionDenied`` (403) keep their meaning.
"""

from __future__ import annotations

from typing import Any


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The JSON error body of every API and JSON endpoint: ``detail`` and the ``errors``
    naming fields (``[{"field": …, "message": …}]``, empty when no single field is at fault)."""
    return {"detail": detail, "errors": errors or []}


class DomainError(Exception):
    """A refusal of a service: ``http_status``, ``code``, a message for people, maybe a field.

    ``extra()`` adds members to the JSON error body (e.g. ``current_version`` of a 409,
    ``limit`` of a 413).
    """

    http_status: int = 400
    code: str = "error"
    field: str | None = None

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def extra(self) -> dict[str, Any]:
        return {}
