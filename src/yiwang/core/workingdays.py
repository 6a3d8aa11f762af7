"""Working days (工作日) over a loaded calendar: plain Python, no Django.

The workflow engine counts statutory periods with this module directly; the
Django side builds a :class:`WorkingCalendar` from the database with
``yiwang.core.calendar.load_calendar()``.

Counting rules (PRC Administrative Licensing Law, art. 82, and the way every
statutory period is counted):

- A working day is a Monday to Friday that is not a statutory holiday, or a
  Saturday or Sunday that the State Council made an adjusted working day
  (调休上班).
- The day on which a period starts is not counted: 5 working days after a
  receipt on Friday 13 Feb 2026 end on Friday 27 Feb 2026.
- A period ends at the end of its last working day, 23:59:59.999999 local
  time (Asia/Shanghai); an act done at that instant is still on time.

Only years whose schedule is known are answered. For a date in any other year
the calendar raises :class:`CalendarYearMissing` (policy ``"error"``), or,
with policy ``"weekdays"``, counts Monday to Friday and logs a warning once
per year and calendar: never a silent guess.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Final, Literal
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

FallbackPolicy = Literal["error", "weekdays"]
FALLBACK_POLICIES: Final[tuple[FallbackPolicy, ...]] = ("error", "weekdays")

CITY_ZONE: Final = ZoneInfo("Asia/Shanghai")
END_OF_DAY: Final = time.max  # 23:59:59.999999

_ONE_DAY: Final = timedelta(days=1)
_SATURDAY: Final = 5


class CalendarYearMissing(LookupError):
    """A date falls in a year whose holiday schedule has not been loaded."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"No working-day calendar for {year}: add the State Council's holiday schedule "
            f"for {year} in the admin (Core › Calendar years), or set "
            f"YIWANG_CALENDAR_FALLBACK=weekdays to count Monday to Friday."
        )


def is_weekend(d: date) -> bool:
    """Saturday or Sunday."""
    return d.weekday() >= _SATURDAY


class WorkingCalendar:
    """Which days are working days, from a year's exceptions to the Monday–Friday week.

    ``holidays`` are statutory holidays (days off that would otherwise be
    working days); ``workdays`` are adjusted working days (weekend days that
    are worked); ``years`` are the years whose schedule is complete. A holiday
    on a weekend or a workday on a weekday changes nothing and is accepted.

    Instances are immutable apart from remembering which missing years were
    already warned about, and safe to share between threads.
    """

    __slots__ = ("_fallback", "_holidays", "_warned", "_workdays", "_years", "tz")

    def __init__(
        self,
        *,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        years: Iterable[int] = (),
        fallback: FallbackPolicy = "error",
        tz: tzinfo = CITY_ZONE,
    ) -> None:
        if fallback not in FALLBACK_POLICIES:
            raise ValueError(f"fallback must be one of {FALLBACK_POLICIES}, not {fallback!r}")
        self._holidays = frozenset(holidays)
        self._workdays = frozenset(workdays)
        self._years = frozenset(years)
        both = self._holidays & self._workdays
        if both:
            raise ValueError(f"dates both holiday and workday: {sorted(both)}")
        outside = {d for d in self._holidays | self._workdays if d.year not in self._years}
        if outside:
            raise ValueError(f"dates outside the covered years {sorted(self._years)}: {outside}")
        self._fallback: FallbackPolicy = fallback
        self._warned: set[int] = set()
        self.tz = tz

    def __repr__(self) -> str:
        return (
            f"WorkingCalendar(years={sorted(self._years)}, holidays={len(self._holidays)}, "
            f"workdays={len(self._workdays)}, fallback={self._fallback!r})"
        )

    @property
    def years(self) -> frozenset[int]:
        """The years whose schedule is known."""
        return self._years

    @property
    def fallback(self) -> FallbackPolicy:
        return self._fallback

    def covers(self, d: date) -> bool:
        """Whether ``d`` falls in a year whose schedule is known."""
        return d.year in self._years

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day. Raises CalendarYearMissing (policy "error")."""
        if d.year not in self._years:
            self._missing(d.year)
            return not is_weekend(d)
        if d in self._holidays:
            return False
        if d in self._workdays:
            return True
        return not is_weekend(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d`` (the same as ``add_working_days(d, 1)``)."""
        return self.add_working_days(d, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start``; ``start`` itself is never counted.

        ``n == 0`` returns ``start`` unchanged (even when it is not a working
        day), so that ``working_days_between(start, add_working_days(start, n))
        == n`` for every ``n >= 0``. A negative ``n`` is an error.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        d = start
        remaining = n
        while remaining:
            d += _ONE_DAY
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days ``d`` with ``a < d <= b``.

        Antisymmetric: ``working_days_between(b, a) == -working_days_between(a, b)``,
        so it is additive for any three dates, and a negative result says how
        many working days ``b`` lies before ``a`` (e.g. days left before a
        deadline when counting from the deadline to today).
        """
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def local_date(self, moment: datetime) -> date:
        """The calendar's local date of an aware datetime."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a naive datetime has no local date: {moment!r}")
        return moment.astimezone(self.tz).date()

    def end_of_day(self, d: date) -> datetime:
        """The last instant of ``d`` in the calendar's zone: 23:59:59.999999 local."""
        return datetime.combine(d, END_OF_DAY, tzinfo=self.tz)

    def deadline(self, start: datetime, n: int) -> datetime:
        """The end of the ``n``-th working day after ``start``'s local date.

        ``start`` must be aware; it is converted to the calendar's zone first,
        so 2026-09-30T17:00Z (01:00 on 1 October in Shanghai) starts counting
        from 1 October. The result is 23:59:59.999999 local time on the last
        working day, aware, in the calendar's zone; a period is overdue at any
        instant strictly after it. ``n == 0`` gives the end of the start's
        own local date.
        """
        return self.end_of_day(self.add_working_days(self.local_date(start), n))

    def _missing(self, year: int) -> None:
        if self._fallback == "error":
            raise CalendarYearMissing(year)
        if year not in self._warned:
            self._warned.add(year)
            logger.warning(
                "No working-day calendar for %s: counting Monday to Friday as working days "
                "(YIWANG_CALENDAR_FALLBACK=weekdays). Add the State Council's schedule for %s.",
                year,
                year,
            )
