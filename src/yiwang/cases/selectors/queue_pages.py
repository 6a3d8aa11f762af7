"""Keyset pages of an officer's queue: an opaque cursor on the sort key, never an OFFSET.

A page is read from the position of a row (its sort value and id) in the order of the
sort, so the millionth row costs what the first does: PostgreSQL starts the index scan at
the position (``(due_at, id) > (%s, %s)`` is an index condition on
``cases_case_open_dept_due``; ``received`` sorts use ``cases_case_open_dept_recv``) and
reads ``size + 1`` rows. A sort on a column that may be empty (``due_at``: no deadline)
is read in two segments, the rows with a value in the sort's direction and then the rows
without one by id (the "no deadline last" of :class:`~.officers.CaseFilters`), so each
segment is one ordered index range; a page that crosses from one to the other costs one
more query. docs/performance.md, "Keyset pagination".
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import InvalidCursor
from yiwang.cases.models import Case
from yiwang.cases.selectors.lights import case_light
from yiwang.cases.selectors.officers import (
    QUEUE_COUNT_CAP,
    CaseFilters,
    queue_matching,
    queue_row_columns,
    queue_services,
)
from yiwang.identity.models import User


@dataclass(frozen=True)
class _Sort:
    column: str
    descending: bool
    nullable: bool


#: Every sort the queue offers (``CaseFilters.sort``), as the keyset reads it.
SORTS: dict[str, _Sort] = {
    "due": _Sort("due_at", descending=False, nullable=True),
    "-due": _Sort("due_at", descending=True, nullable=True),
    "received": _Sort("received_at", descending=False, nullable=False),
    "-received": _Sort("received_at", descending=True, nullable=False),
}


@dataclass(frozen=True)
class _Position:
    """Where a cursor points: a row's segment (0: has a value; 1: the empty ones), its sort
    value (None in segment 1) and id; ``before``: the page ends before it (else starts after)."""

    segment: int
    value: datetime | None
    id: int
    before: bool


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue: its rows, and the cursors of the pages after and before it
    (None at either end)."""

    rows: list[Case]
    next: str | None
    previous: str | None


def _encode(sort: str, case: Case, *, before: bool) -> str:
    spec = SORTS[sort]
    value = getattr(case, spec.column)
    payload = {
        "s": sort,
        "g": 0 if value is not None else 1,
        "v": value.isoformat() if value is not None else None,
        "i": case.pk,
        "b": before,
    }
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> _Position:
    """The position ``cursor`` names, or InvalidCursor (400, field ``cursor``)."""
    bad = InvalidCursor(_("This cursor is not valid for this list; start from the first page."))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        value = data["v"]
        position = _Position(
            segment=int(data["g"]),
            value=datetime.fromisoformat(value) if value is not None else None,
            id=int(data["i"]),
            before=bool(data["b"]),
        )
        cursor_sort = data["s"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        raise bad from exc
    if cursor_sort != sort or position.segment not in (0, 1):
        raise bad
    if (position.segment == 0) != (position.value is not None) or (
        position.value is not None and position.value.tzinfo is None
    ):
        raise bad
    if position.segment == 1 and not SORTS[sort].nullable:
        raise bad
    return position


def _segment(
    qs: QuerySet[Case], spec: _Sort, segment: int, after: _Position | None, *, reverse: bool
) -> QuerySet[Case]:
    """The rows of ``segment`` in the sort's order (``reverse``: backwards), past ``after``."""
    descending = spec.descending != reverse
    if segment == 1:
        qs = qs.filter(**{f"{spec.column}__isnull": True})
        if after is not None:
            qs = qs.filter(id__lt=after.id) if descending else qs.filter(id__gt=after.id)
        # Ordered by the (empty) column too, so the planner reads the index whose order it
        # is (department, due_at, id), not the primary key past every case of the city.
        if descending:
            return qs.order_by(F(spec.column).desc(), "-id")
        return qs.order_by(spec.column, "id")
    if spec.nullable:
        qs = qs.filter(**{f"{spec.column}__isnull": False})
    if after is not None:
        lookup = TupleLessThan if descending else TupleGreaterThan
        qs = qs.filter(lookup(Tuple(F(spec.column), F("id")), (after.value, after.id)))
    if descending:
        return qs.order_by(F(spec.column).desc(), "-id")
    return qs.order_by(spec.column, "id")


def _read(
    qs: QuerySet[Case],
    spec: _Sort,
    start: _Position | None,
    size: int,
    *,
    reverse: bool,
    now: datetime,
) -> list[Case]:
    """Up to ``size`` rows from ``start`` (exclusive) onwards, or backwards when ``reverse``."""
    segments: Sequence[int] = (0, 1) if spec.nullable else (0,)
    if reverse:
        segments = tuple(reversed(segments))
    if start is not None:
        segments = segments[segments.index(start.segment) :]
    rows: list[Case] = []
    for segment in segments:
        after = start if start is not None and segment == start.segment else None
        ordered = _segment(qs, spec, segment, after, reverse=reverse)
        # The page's ids first (the cases table alone, in index order), then their rows with
        # what they show: a filter the planner misjudges (a light) otherwise joins every
        # matching case before the top-N sort (docs/performance.md). Still one query.
        page_ids = ordered.values("id")[: size - len(rows)]
        rows += _rows(page_ids, spec.column, spec.descending != reverse, now)
        if len(rows) >= size:
            break
    return rows


#: Stands for the ids in the compiled SQL of :func:`_read_compiled` (never sent).
_IDS = "SELECT 'yiwang-queue-ids'"
#: Per thread: the compiled reads of :func:`_read_compiled`, by database and key.
_compiled = threading.local()


def _read_compiled(
    db: str,
    key: tuple[Any, ...],
    build: Callable[[RawSQL], QuerySet[Any]],
    ids_sql: str,
    params: Sequence[Any],
) -> list[Any]:
    """The rows of ``build(ids)`` (a query filtered ``id__in=ids``) for the ids ``ids_sql``
    selects (an SQL subquery or list, with ``params``), as Django would read them: the query
    is built and compiled once per thread, database and ``key``, and only the ids change.

    Building and compiling a queue page's eight-table query cost more Python than the rest
    of the page (docs/performance.md, "The queue API's Python"). The rows become model
    instances, with the related ones ``build`` selects, as Django's ``ModelIterable`` makes
    them (``from_db`` and the related populators; no annotations: ``build`` has none)."""
    cache: dict[tuple[Any, ...], tuple[SQLCompiler, str]] = _compiled.__dict__.setdefault(
        "reads", {}
    )
    if (db, *key) not in cache:
        # A constant, never sent: replaced by the ids' SQL below.
        compiler = build(RawSQL(_IDS, ())).query.get_compiler(using=db)  # noqa: S611
        sql, own = compiler.as_sql()
        # No value of its own: the ids bring every parameter.
        assert not own and sql.count(_IDS) == 1 and not compiler.annotation_col_map, sql
        cache[(db, *key)] = (compiler, sql)
    compiler, sql = cache[(db, *key)]
    with connections[db].cursor() as cursor:
        cursor.execute(sql.replace(_IDS, ids_sql), params)
        fetched = cursor.fetchall()
    klass_info, select = compiler.klass_info, compiler.select
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    names = [column_of[0].target.attname for column_of in select[start:end]]
    # Django 5.2's signature (the stubs have Django 6's fetch_mode).
    related = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]
    model = klass_info["model"]
    out = []
    for row in compiler.results_iter([fetched]):
        instance = model.from_db(db, names, row[start:end])
        for populator in related:
            populator.populate(row, instance)
        out.append(instance)
    return out


def _rows(
    page_ids: QuerySet[Case, Any], column: str, descending: bool, now: datetime
) -> list[Case]:
    """The cases ``page_ids`` (a ``values("id")`` query) selects, as a page shows them
    (:func:`~.officers.queue_row_columns`, as every queue read), in the sort's order, each
    with its ``light`` at ``now``: one query, whose rows part is compiled once
    (:func:`_read_compiled`); the light is the Python form of the queue's rule
    (``lights.case_light``), not the SQL expression (which would bring values of its own)."""
    db = page_ids.db
    try:
        ids_sql, params = page_ids.query.get_compiler(using=db).as_sql()
    except EmptyResultSet:
        return []
    order = (F(column).desc(), "-id") if descending else (column, "id")
    cases: list[Case] = _read_compiled(
        db,
        ("rows", column, descending),
        lambda ids: queue_row_columns(Case.objects.filter(id__in=ids)).order_by(*order),
        ids_sql,
        params,
    )
    for case in cases:
        case.light = case_light(case, now)  # type: ignore[attr-defined]
    return cases


def _with_services(cases: list[Case]) -> list[Case]:
    """``cases`` with their services and items, as ``_queue_prefetch`` reads them (one query,
    compiled once: :func:`_read_compiled`; none for no cases)."""
    if not cases:
        return cases
    ids = sorted({case.service_version_id for case in cases})
    services = {
        service.pk: service
        for service in _read_compiled(
            cases[0]._state.db or "default",
            ("services",),
            lambda wanted: queue_services().filter(pk__in=wanted),
            ", ".join(["%s"] * len(ids)),
            ids,
        )
    }
    for case in cases:
        case.service_version = services[case.service_version_id]
    return cases


def case_queue_count(
    *,
    officer: User,
    filters: CaseFilters | None = None,
    cap: int = QUEUE_COUNT_CAP,
    now: datetime | None = None,
    department_ids: Sequence[int] | None = None,
) -> int:
    """How many cases :func:`case_queue_page` pages through, counted up to ``cap`` + 1
    (one query that stops reading after ``cap`` + 1 rows; above ``cap``: "more than")."""
    qs = queue_matching(
        officer=officer,
        filters=filters or CaseFilters(),
        now=now or timezone.now(),
        department_ids=department_ids,
    )
    return qs.values("id")[: cap + 1].count()


def case_queue_page(
    *,
    officer: User,
    filters: CaseFilters | None = None,
    cursor: str | None = None,
    size: int = 20,
    now: datetime | None = None,
    department_ids: Sequence[int] | None = None,
) -> QueuePage:
    """A keyset page of :func:`~.officers.case_list_for_officer` (the same rows, filters
    and permission), from ``cursor`` (an opaque ``next`` or ``previous`` of an earlier page,
    for the same sort) or from the start.

    Costs two queries (the page, its services), one more when the page crosses from the
    cases with a deadline to those without, whatever the depth. A ``previous`` cursor that
    leads to less than a full page (rows closed since) gives the first page. Errors:
    InvalidCursor (400, field ``cursor``) for a cursor not issued for this sort.
    """
    now = now or timezone.now()
    f = filters or CaseFilters()
    spec = SORTS.get(f.sort, SORTS["due"])
    sort = f.sort if f.sort in SORTS else "due"
    position = _decode(cursor, sort) if cursor else None
    qs = queue_matching(officer=officer, filters=f, now=now, department_ids=department_ids)
    if position is not None and position.before:
        rows = _read(qs, spec, position, size + 1, reverse=True, now=now)
        if len(rows) <= size:
            position = None  # back at the start: the first page, full
        else:
            page = list(reversed(rows[:size]))
            _with_services(page)
            return QueuePage(
                rows=page,
                next=_encode(sort, page[-1], before=False),
                previous=_encode(sort, page[0], before=True),
            )
    rows = _read(qs, spec, position, size + 1, reverse=False, now=now)
    page = _with_services(rows[:size])
    return QueuePage(
        rows=page,
        next=_encode(sort, page[-1], before=False) if len(rows) > size else None,
        previous=_encode(sort, page[0], before=True) if position is not None and page else None,
    )


@dataclass(frozen=True)
class QueueNeighbours:
    """The cases around one case in its queue's order: the one before it (None at the
    start) and up to ``after`` after it, for the officer's next and previous case keys."""

    previous: Case | None
    following: list[Case]


def case_queue_neighbours(
    *,
    officer: User,
    case: Case,
    filters: CaseFilters | None = None,
    after: int = 10,
    now: datetime | None = None,
    department_ids: Sequence[int] | None = None,
) -> QueueNeighbours:
    """The cases before and after ``case`` in the officer's queue (filters and sort as
    :func:`case_queue_page`), read from ``case``'s own position: two queries, whether or
    not ``case`` is still in the queue (claimed by another, closed just now)."""
    now = now or timezone.now()
    f = filters or CaseFilters()
    sort = f.sort if f.sort in SORTS else "due"
    spec = SORTS[sort]
    value = getattr(case, spec.column)
    qs = queue_matching(officer=officer, filters=f, now=now, department_ids=department_ids)
    here = _Position(segment=0 if value is not None else 1, value=value, id=case.pk, before=False)
    if here.segment == 1 and not spec.nullable:  # pragma: no cover - received_at is required
        return QueueNeighbours(previous=None, following=[])
    previous = _read(qs, spec, here, 1, reverse=True, now=now)
    return QueueNeighbours(
        previous=previous[0] if previous else None,
        following=_read(qs, spec, here, after, reverse=False, now=now),
    )
