"""What every REST router needs from the API, without depending on the API's assembly.

The routers live in their apps (``cases/api/``, ``catalog/api.py``…), and
``yiwang.api`` assembles them and maps errors to responses; the routers take
their error body, their error exception and their input bounds from here, so
that no app imports the ``api`` app.
"""

from __future__ import annotations

from ninja import Field, Schema

from yiwang.core.ids import INT_MAX as INT_MAX  # re-exported: the routers' input bounds
from yiwang.core.ids import INT_MIN as INT_MIN


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """The error body of every endpoint (409 adds ``code`` and ``current_version``, 413
    ``limit``)."""

    detail: str
    errors: list[FieldErrorOut]
    code: str | None = None
    current_version: int | None = None
    limit: int | None = Field(None, description="413: the limit passed, in bytes or items")


class ApiError(Exception):
    """Raise from an endpoint to answer ``status`` with a JSON error body."""

    def __init__(self, status: int, detail: str, *, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field
