"""The cases REST API: applicants apply and follow their cases; officers work the queue.

Two routers, both behind ``yiwang.integrations.auth`` (session or bearer token):

- ``applicant_router`` (reads: ``cases:read``; writes: ``applications:write``):
  drafts, uploads, the idempotent submit, "my cases", supplements, rating;
- ``officer_router`` under ``/officer`` (reads: ``cases:read``; writes:
  ``cases:write``): the department queue, the case page, workflow commands,
  claim and assignment.

Handlers parse, call one service or selector and shape the answer; what may
be seen or done is decided by ``yiwang.cases.selectors`` and ``services``,
and their typed errors become HTTP codes in ``yiwang.api.errors``.

Every input is typed and bounded in its schema (strings by the column they
fill, integers by ``INT_MAX``), and each officer command has its own
operation and request schema (``COMMANDS``), so wrongly typed fields are a
422 before the workflow engine runs.

The package: ``schemas`` (request and response models, error responses),
``params`` (path parameters), ``commands`` (one request schema per officer
command, and the ``COMMANDS`` table), ``shaping`` (what an application, a
case or an upload looks like in an answer; paging), ``applicant`` and
``officer`` (the routers and their endpoints).
"""

from yiwang.cases.api.applicant import applicant_router
from yiwang.cases.api.officer import officer_router

__all__ = ["applicant_router", "officer_router"]
