"""The city's working-day calendar (工作日历), loaded from the database.

The counting itself is plain Python in :mod:`yiwang.core.workingdays`
(re-exported here); this module builds a :class:`WorkingCalendar` from the
``CalendarYear``/``CalendarDay`` rows that administrators maintain, and offers
module-level shortcuts over it::

    from yiwang.core import calendar

    calendar.add_working_days(date(2026, 9, 30), 5)  # date(2026, 10, 13)
    calendar.deadline_after(received_at, 5)  # end of that day, Asia/Shanghai

The loaded calendar is cached per process. Every call checks a one-query
fingerprint of the tables (see :func:`_fingerprint`) and reloads when it
changed, so an edit made in the admin of any process is seen at once by all.
Code that edits ``CalendarDay`` rows outside the admin should still call
:func:`calendar_changed`, which touches the year and settles any doubt.
Inside :func:`calendar_pinned` (one unit of work, e.g. registering and
dispatching one event) the calendar is checked once and reused.

A year that has no schedule is counted on its statutory holidays, and the
answers through it are provisional (``YIWANG_CALENDAR_FALLBACK="statutory"``,
the default); ``"error"`` makes such dates raise :class:`CalendarYearMissing`
instead, for tests and tools. A ``CalendarYear`` without a single holiday is
treated as missing: every real schedule has weekday holidays, so an empty year
is one an administrator has started but not finished entering.

See docs/calendar.md.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Model, Q, Sum
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from yiwang.core.workingdays import (
    FALLBACK_POLICIES,
    CalendarYearMissing,
    FallbackPolicy,
    WorkingCalendar,
    year_runs,
)

__all__ = [
    "CalendarYearMissing",
    "WorkingCalendar",
    "add_working_days",
    "calendar_changed",
    "calendar_from_database",
    "calendar_pinned",
    "counted_within_years",
    "counting_through_years",
    "deadline_after",
    "is_working_day",
    "load_calendar",
    "next_working_day",
    "schedule_missing_years",
    "working_days_between",
]

logger = logging.getLogger(__name__)

_Fingerprint = tuple[Any, ...]

_lock = threading.Lock()
_cached: tuple[_Fingerprint, WorkingCalendar] | None = None
_checked_at = 0.0  # time.monotonic() of the last fingerprint check that matched
#: Inside ``calendar_pinned``: the calendar loaded first in the block (empty until then).
_pinned: ContextVar[list[WorkingCalendar] | None] = ContextVar("calendar_pinned", default=None)


def _calendar_models() -> tuple[type[Model], type[Model]]:
    # Looked up through the app registry rather than imported so that mypy
    # (strict on this module) does not check models.py, which needs the
    # django-stubs plugin to type-check.
    return apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay")


def fallback_policy() -> FallbackPolicy:
    """The ``YIWANG_CALENDAR_FALLBACK`` setting, checked."""
    value = getattr(settings, "YIWANG_CALENDAR_FALLBACK", "statutory")
    if value not in FALLBACK_POLICIES:
        hint = (
            ' ("weekdays" is gone: it ignored the statutory holidays; "statutory" counts them)'
            if value == "weekdays"
            else ""
        )
        raise ImproperlyConfigured(
            f"YIWANG_CALENDAR_FALLBACK must be one of {', '.join(FALLBACK_POLICIES)}, "
            f"not {value!r}{hint}"
        )
    return cast(FallbackPolicy, value)


def calendar_from_database(fallback: FallbackPolicy | None = None) -> WorkingCalendar:
    """Build a calendar from the database now, bypassing the cache (three queries)."""
    calendar_year, calendar_day = _calendar_models()
    covered = set(
        calendar_year._default_manager.filter(days__kind="holiday")
        .values_list("year", flat=True)
        .distinct()
    )
    unfinished = set(calendar_year._default_manager.values_list("year", flat=True)) - covered
    if unfinished:
        logger.warning(
            "Calendar years without any holiday are treated as missing: %s",
            ", ".join(map(str, sorted(unfinished))),
        )
    holidays: list[date] = []
    workdays: list[date] = []
    rows = calendar_day._default_manager.filter(calendar_year__year__in=covered).values_list(
        "date", "kind"
    )
    for day, kind in rows:
        (holidays if kind == "holiday" else workdays).append(day)
    return WorkingCalendar(
        holidays=holidays,
        workdays=workdays,
        years=covered,
        fallback=fallback or fallback_policy(),
        tz=timezone.get_default_timezone(),
    )


def _fingerprint(fallback: FallbackPolicy) -> _Fingerprint:
    """A one-query summary of the calendar tables that changes whenever their content does.

    Beyond the counts, the newest year update and the highest day id, it sums
    the days' dates (each encoded as one number), overall and for workdays
    only, so that even an in-place edit of a day's date or kind made without
    :func:`calendar_changed` is noticed (short of edits that cancel out).
    """
    calendar_year, _ = _calendar_models()
    day = "days__date"
    encoded = ExtractYear(day) * 512 + ExtractMonth(day) * 32 + ExtractDay(day)
    row = calendar_year._default_manager.aggregate(
        year_count=Count("id", distinct=True),
        last_update=Max("updated_at"),
        day_count=Count("days"),
        last_day=Max("days__id"),
        date_sum=Sum(encoded),
        workday_date_sum=Sum(encoded, filter=Q(days__kind="workday")),
    )
    return (fallback, settings.TIME_ZONE, *sorted(row.items()))


@contextmanager
def calendar_pinned() -> Iterator[None]:
    """Within the block, :func:`load_calendar` checks the calendar once and then returns
    that same calendar: one unit of work (an event registered and dispatched, its workflow
    started and its clocks set) counts on one calendar and pays for one fingerprint check,
    not one per step. Nested blocks share the outer one's calendar. :func:`calendar_changed`
    inside the block unpins it. Per thread and per asyncio task (a ``ContextVar``)."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set([])
    try:
        yield
    finally:
        _pinned.reset(token)


def load_calendar() -> WorkingCalendar:
    """The calendar as the database has it now: cached per process, one query when unchanged,
    none when this process checked it less than ``YIWANG_CALENDAR_RECHECK_SECONDS`` ago, and
    none after the first inside :func:`calendar_pinned`."""
    pin = _pinned.get()
    if pin:
        return pin[0]
    loaded = _load_calendar()
    if pin is not None:
        pin.append(loaded)
    return loaded


def _load_calendar() -> WorkingCalendar:
    global _cached, _checked_at
    fallback = fallback_policy()
    cached = _cached
    recheck = float(getattr(settings, "YIWANG_CALENDAR_RECHECK_SECONDS", 0) or 0)
    if (
        cached is not None
        and recheck > 0
        and cached[0][0] == fallback
        and time.monotonic() - _checked_at < recheck
    ):
        return cached[1]
    fingerprint = _fingerprint(fallback)
    if cached is not None and cached[0] == fingerprint:
        _checked_at = time.monotonic()
        return cached[1]
    with _lock:
        loaded = calendar_from_database(fallback)
        _cached = (fingerprint, loaded)
        _checked_at = time.monotonic()
    return loaded


def calendar_changed(*, year: Model | None = None) -> None:
    """Record that the calendar was edited: every process reloads it on its next use.

    Touches ``year.updated_at`` (part of the fingerprint every process
    checks) and drops this process's cached calendar. The admin calls it after
    each save and delete; call it after editing ``CalendarDay`` rows directly.
    """
    global _cached
    pin = _pinned.get()
    if pin:
        pin.clear()
    if year is not None and year.pk is not None:
        calendar_year, _ = _calendar_models()
        calendar_year._default_manager.filter(pk=year.pk).update(updated_at=timezone.now())
    with _lock:
        _cached = None


#: From this month on, next year's schedule is awaited (the State Council publishes it in
#: November or December; the notice for 2026 came on 4 November 2025).
NEXT_YEAR_AWAITED_FROM_MONTH = 10


def schedule_missing_years(now: datetime | None = None) -> list[int]:
    """The years whose holiday schedule administrators should enter now, soonest first.

    The current year when it has none (deadlines through it are provisional),
    and from 1 October next year too while it has none. ``now`` is aware
    (default: the current instant); its local date in ``TIME_ZONE`` decides.
    """
    today = timezone.localdate(now or timezone.now())
    covered = load_calendar().years
    wanted = [today.year]
    if today.month >= NEXT_YEAR_AWAITED_FROM_MONTH:
        wanted.append(today.year + 1)
    return [year for year in wanted if year not in covered]


def _bounds(first: int, last: int, *, moments: bool) -> tuple[date | datetime, date | datetime]:
    """The first and last instant (``moments``: aware datetimes) or day of years first…last;
    for moments the upper bound is exclusive (the next year's first instant)."""
    if moments:
        return (
            timezone.make_aware(datetime(first, 1, 1)),
            timezone.make_aware(datetime(last + 1, 1, 1)),
        )
    return date(first, 1, 1), date(last, 12, 31)


def counting_through_years(years: Iterable[int], *, start: str, end: str, moments: bool) -> Q:
    """Rows whose counted span (fields ``start`` … ``end``) overlaps one of ``years``.

    What to count again when those years' holiday schedules change. The fields
    hold dates, or aware datetimes (``moments``). No years: matches nothing.
    """
    span = Q(pk__in=[])
    for first, last in year_runs(years):
        low, high = _bounds(first, last, moments=moments)
        upper = {f"{start}__lt" if moments else f"{start}__lte": high}
        span |= Q(**{f"{end}__gte": low}, **upper)
    return span


def counted_within_years(years: Iterable[int], *, start: str, end: str, moments: bool) -> Q:
    """Rows whose counted span (fields ``start`` … ``end``) lies wholly within consecutive
    ``years`` (the years with a schedule): a provisional count there can be settled now,
    as :meth:`WorkingCalendar.is_provisional` would answer. No years: matches nothing."""
    covered = Q(pk__in=[])
    for first, last in year_runs(years):
        low, high = _bounds(first, last, moments=moments)
        upper = {f"{end}__lt" if moments else f"{end}__lte": high}
        covered |= Q(**{f"{start}__gte": low}, **upper)
    return covered


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day (Mon–Fri minus holidays, plus adjusted workdays)."""
    return load_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day after ``start`` (``start`` not counted; ``n == 0`` → ``start``)."""
    return load_calendar().add_working_days(start, n)


def next_working_day(d: date) -> date:
    """The first working day strictly after ``d``."""
    return load_calendar().next_working_day(d)


def working_days_between(a: date, b: date) -> int:
    """The number of working days ``d`` with ``a < d <= b`` (negative when ``b < a``)."""
    return load_calendar().working_days_between(a, b)


def deadline_after(start_dt: datetime, n: int) -> datetime:
    """The end (23:59:59.999999 local) of the ``n``-th working day after ``start_dt``'s local date.

    ``start_dt`` must be aware; its local date in ``TIME_ZONE`` (Asia/Shanghai)
    is what counts, so a receipt at 20:00 UTC is counted from the next
    Shanghai date.
    """
    return load_calendar().deadline(start_dt, n)
