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


#: The deepest row a numbered page may start at when the count is only a lower bound (a
#: capped count): far past any real queue, far below the databases' 64-bit offsets.
OFFSET_MAX = 2**31 - 1


def page_slice(
    count: int, page: int, page_size: int, *, at_least: bool = False
) -> tuple[int, slice]:
    """The number of pages of ``count`` rows and the slice of ``page`` (from 1): the one rule
    of the APIs' numbered pages. A page past the last is a 422 naming ``page`` (an empty list
    would hide a client's bug; an offset past the database's 64-bit integers would be a 500).
    The first page exists even when there are no rows. With ``at_least`` (``count`` is a
    capped count, the real one may be larger) a page past the last is served, empty if the
    rows end before it, as long as it starts within :data:`OFFSET_MAX` rows."""
    pages = max(1, -(-count // page_size))
    start = (page - 1) * page_size
    if page > pages and not at_least:
        raise ApiError(422, f"Page {page} does not exist; there are {pages}.", field="page")
    if start > OFFSET_MAX:
        raise ApiError(
            422, f"Page {page} is too deep for numbered pages: use the cursor.", field="page"
        )
    return pages, slice(start, start + page_size)
