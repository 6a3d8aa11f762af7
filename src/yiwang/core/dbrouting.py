"""Reads from a streaming replica, every write to the primary (docs/scaling.md).

With ``YIWANG_DATABASE_REPLICA_URL`` set, the database alias ``replica`` is a
PostgreSQL hot standby of ``default``. Only the reads of the views marked
``@replica_reads`` (lists, search, the cockpit: pages whose rows may be a second
old) go there, and only when nothing makes them unsafe:

- **Writes** always go to the primary, and so does every read of a request
  once it has written (``db_for_write`` was asked), so a view reads back what
  it wrote.
- **Transactions** are pinned to the primary: inside ``transaction.atomic()``
  on ``default`` every read goes there (a locked row, a row the transaction
  wrote, a consistent snapshot).
- **Read-your-writes** for the acting user: after a request with an unsafe
  method (POST, PUT, PATCH, DELETE: where a user's writes happen) the
  response sets the cookie ``yiwang_primary`` for
  ``YIWANG_DATABASE_REPLICA_PIN_SECONDS`` (10 s); while it is valid, that
  browser's (or API client's) reads go to the primary. The cookie only sends
  its holder to the primary, so a forged one costs nothing but speed.
  Writes made during a GET (an access-log entry) do not set it: the user
  never reads those back.

Everything else (sessions, sign-in, permissions, detail pages, the workers,
the scheduler, management commands) reads from the primary as before.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
#: The cookie that sends a user's reads to the primary until the time it holds.
PIN_COOKIE = "yiwang_primary"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_replica_allowed: ContextVar[bool] = ContextVar("yiwang_replica_allowed", default=False)
_pinned: ContextVar[bool] = ContextVar("yiwang_replica_pinned", default=False)
_wrote: ContextVar[bool] = ContextVar("yiwang_replica_wrote", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def replica_enabled() -> bool:
    """Whether reads may go to a replica at all (``YIWANG_DATABASE_REPLICA_URL`` is set)."""
    return bool(getattr(settings, "YIWANG_DATABASE_REPLICA_READS", False)) and (
        REPLICA in settings.DATABASES
    )


def reads_from_replica() -> bool:
    """Where a read asked now goes: the replica only inside ``replica_reads``, with the
    replica configured, no write in this request, no pin cookie and no transaction."""
    return (
        _replica_allowed.get()
        and not _pinned.get()
        and not _wrote.get()
        and replica_enabled()
        and not connections[PRIMARY].in_atomic_block
    )


@contextmanager
def replica_scope() -> Iterator[None]:
    """Reads in this block may be served by the replica (a second or so old)."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


def replica_reads(view: F) -> F:
    """Mark a view whose reads may be a second old: a list, a search, the cockpit.

    The view must not need what the user just wrote, beyond what the pin cookie
    and the rules above ensure; its writes (and reads after them) go to the primary.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_scope():
            return view(*args, **kwargs)

    # django-ninja reads the parameters' types from the signature, resolving string
    # annotations in the wrapper's module: hand it the view's, resolved in the view's.
    # (A NameError: an annotation only imported for type checkers; Django does not care.)
    with suppress(NameError):
        wrapped.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Django's database router for the rules of this module (``DATABASE_ROUTERS``)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        # Explicit, never None: Django would fall back to the database an instance came
        # from, and a row read from the replica would send its related reads there.
        return REPLICA if reads_from_replica() else PRIMARY

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        _wrote.set(True)
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


def _pinned_until(request: HttpRequest) -> float:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0"))
    except ValueError:
        return 0.0


class ReplicaPinMiddleware:
    """Read-your-writes across requests: pins a user's reads to the primary for
    ``YIWANG_DATABASE_REPLICA_PIN_SECONDS`` after a request with an unsafe method."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = time.time()
        unsafe = request.method in UNSAFE_METHODS
        pinned = _pinned.set(unsafe or _pinned_until(request) > now)
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(pinned)
            _wrote.reset(wrote)
        if unsafe and replica_enabled():
            seconds = int(settings.YIWANG_DATABASE_REPLICA_PIN_SECONDS)
            response.set_cookie(
                PIN_COOKIE,
                f"{now + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=bool(settings.SESSION_COOKIE_SECURE),
            )
        return response
