"""Typed errors of the cases app, and the HTTP status each one stands for.

- ``django.core.exceptions.ValidationError`` (``message_dict`` keyed by field):
  400/422, invalid input (form answers, command fields, missing materials);
- :class:`UploadRejected` (field ``file``): 422, the file's type is not
  accepted for this material, or it is empty;
- :class:`UploadTooLarge`: 413, larger than ``YIWANG_UPLOAD_MAX_BYTES``;
- ``django.core.exceptions.PermissionDenied``: 403, the actor may not do
  this (wrong role, another department);
- :class:`CaseNotFound`, :class:`ApplicationNotFound`: 404, no such case, or
  another applicant's (never reveal that it exists);
- :class:`IdempotencyKeyReused` (field ``Idempotency-Key``, the service's
  argument ``idempotency_key``): 422, the key was already used to submit
  another application;
- :class:`CaseConflict`: 409, the command does not apply to the case as it is now;
- ``yiwang.processes.services.WorkflowConflict``: 409, ``expected_version``
  is stale, someone acted first.
"""

from __future__ import annotations

from typing import Any

from yiwang.core.errors import DomainError
from yiwang.processes.services import WorkflowConflict

__all__ = [
    "ApplicationNotFound",
    "CaseConflict",
    "CaseNotFound",
    "IdempotencyKeyReused",
    "InvalidCursor",
    "UploadRejected",
    "UploadTooLarge",
    "WorkflowConflict",
]


class CaseNotFound(DomainError, LookupError):
    """No case with that number that this user may see (HTTP 404)."""

    http_status = 404
    code = "not_found"


class ApplicationNotFound(DomainError, LookupError):
    """No application with that id that this user owns (HTTP 404)."""

    http_status = 404
    code = "not_found"


class CaseConflict(DomainError):
    """The command does not apply to the case now (wrong step, already decided, used up): 409.

    ``code`` is the workflow engine's refusal code (``wrong_state``,
    ``already_decided``, ``final_state``, ``extension_used``, ``deadline_passed``…)
    or one of this app's (``already_rated``, ``not_completed``, ``closed``…);
    ``message`` is for people.
    """

    http_status = 409
    #: The case's version now, when the caller knows it (the API adds it: reload, decide again).
    current_version: int | None = None

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message, code=code)

    def extra(self) -> dict[str, Any]:
        if self.current_version is None:
            return {"code": self.code}
        return {"code": self.code, "current_version": self.current_version}


class UploadTooLarge(DomainError):
    """The uploaded file is larger than the limit (HTTP 413)."""

    http_status = 413
    code = "too_large"
    field = "file"

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message)
        self.limit = limit

    def extra(self) -> dict[str, Any]:
        return {"limit": self.limit}


class _InputRefused(DomainError):
    """Input refused on one field (HTTP 422), read like a ValidationError by the forms that
    show it: ``messages`` and ``message_dict`` keyed by the service's ``argument``."""

    http_status = 422
    #: The name of the refused input among the service's arguments (a form's field).
    argument = ""

    @property
    def messages(self) -> list[str]:
        return [self.message]

    @property
    def message_dict(self) -> dict[str, list[str]]:
        return {self.argument: [self.message]}


class UploadRejected(_InputRefused):
    """The file's content is not an accepted format of the material, or it is empty
    (HTTP 422, field ``file``; ``code`` ``wrong_type`` or ``empty``)."""

    code = "wrong_type"
    field = argument = "file"


class IdempotencyKeyReused(_InputRefused):
    """The Idempotency-Key was already used to submit another application (HTTP 422, field
    ``Idempotency-Key``, the header; the service's argument ``idempotency_key``).

    A key stands for one submission: repeating it returns that submission's
    case, so it cannot also stand for a different application.
    """

    code = "idempotency_key_reused"
    field = "Idempotency-Key"
    argument = "idempotency_key"


class InvalidCursor(DomainError):
    """A queue cursor that this server did not issue for this sort, or that is damaged (400)."""

    http_status = 400
    code = "invalid_cursor"
    field = "cursor"
