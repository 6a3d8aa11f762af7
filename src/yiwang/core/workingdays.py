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

A year whose schedule is not known (the State Council publishes it only in
November or December) is counted on its **statutory holidays** plus weekends
(policy ``"statutory"``, the default; see :mod:`yiwang.core.holidays.statutory`),
and every answer that reached into such a year is *provisional*
(:meth:`WorkingCalendar.is_provisional`): callers mark the deadlines they
store, and recompute them once the schedule is entered. With policy
``"error"`` (an explicit opt-in for tests and tools) such a date raises
:class:`CalendarYearMissing` instead. Years outside the statutory rule's
range (before 1950, after 2099) raise under either policy.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Final, Literal, TypeVar
from zoneinfo import ZoneInfo

FallbackPolicy = Literal["statutory", "error"]
FALLBACK_POLICIES: Final[tuple[FallbackPolicy, ...]] = ("statutory", "error")
#: The years the statutory rule can count: the lunisolar tables behind it are reliable for
#: 1901–2099, and the People's Republic's holidays begin in 1950.
STATUTORY_YEARS: Final = range(1950, 2100)

CITY_ZONE: Final = ZoneInfo("Asia/Shanghai")
END_OF_DAY: Final = time.max  # 23:59:59.999999

_ONE_DAY: Final = timedelta(days=1)
_SATURDAY: Final = 5
_MAX_ORDINAL: Final = date.max.toordinal()
_CACHE_SIZE: Final = 4096  # answers remembered per calendar and kind, then forgotten at once
# Zones whose utcoffset() is never None: an aware datetime in one needs no further check.
_ALWAYS_AWARE: Final = frozenset({ZoneInfo, timezone})

_K = TypeVar("_K")
_V = TypeVar("_V")


def _weekdays_through(o: int) -> int:
    """How many Mondays to Fridays have an ordinal from 1 to ``o`` (ordinal 1 was a Monday)."""
    weeks, rest = divmod(o, 7)
    return 5 * weeks + (rest if rest < 5 else 5)


def _nth_weekday(t: int) -> int:
    """The ordinal of the ``t``-th Monday to Friday from ordinal 1 on (0 or less for ``t <= 0``)."""
    weeks, rest = divmod(t - 1, 5)
    return 7 * weeks + rest + 1


class CalendarYearMissing(LookupError):
    """A date falls in a year that the calendar cannot count.

    Under policy ``"error"``: any year without a loaded schedule. Under
    ``"statutory"``: only a year outside :data:`STATUTORY_YEARS`.
    """

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"No working-day calendar for {year}: add the State Council's holiday schedule "
            f"for {year} in the admin (Core › Calendar years)"
            + (
                "."
                if year not in STATUTORY_YEARS
                else ", or set YIWANG_CALENDAR_FALLBACK=statutory to count it provisionally "
                "on its statutory holidays."
            )
        )


def _statutory_weekday_holidays(year: int) -> frozenset[date]:
    # Imported here: yiwang.core.holidays imports this module (for shipped_calendar).
    from yiwang.core.holidays.statutory import statutory_weekday_holidays

    return statutory_weekday_holidays(year)


def year_runs(years: Iterable[int]) -> list[tuple[int, int]]:
    """``years`` as runs of consecutive years, ``(first, last)``, in order:
    ``{2025, 2026, 2028}`` → ``[(2025, 2026), (2028, 2028)]``. A count is covered by a
    schedule when its days lie within one run."""
    runs: list[tuple[int, int]] = []
    for year in sorted(set(years)):
        if runs and runs[-1][1] + 1 == year:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def is_weekend(d: date) -> bool:
    """Saturday or Sunday."""
    return d.weekday() >= _SATURDAY


class WorkingCalendar:
    """Which days are working days, from a year's exceptions to the Monday–Friday week.

    ``holidays`` are statutory holidays (days off that would otherwise be
    working days); ``workdays`` are adjusted working days (weekend days that
    are worked); ``years`` are the years whose schedule is complete. A holiday
    on a weekend or a workday on a weekday changes nothing and is accepted.
    Any other year in :data:`STATUTORY_YEARS` counts its statutory holidays
    (policy ``"statutory"``) or raises (``"error"``).

    Instances are immutable apart from the answers and instants they
    remember, and safe to share between threads.

    Counting is arithmetic, not a walk: the number of working days up to a
    day is the number of Mondays to Fridays up to it, plus the worked
    weekends and minus the weekday holidays up to it (a bisection in the few
    dozen exceptions a year has). Any span answers in the same time.
    """

    __slots__ = (
        "_adjust_at",
        "_adjust_sum",
        "_adjust_through",
        "_after",
        "_before",
        "_between",
        "_covered_runs",
        "_fallback",
        "_holidays",
        "_mornings",
        "_nights",
        "_provisional_holidays",
        "_tz_aware",
        "_workdays",
        "_years",
        "tz",
    )

    def __init__(
        self,
        *,
        holidays: Iterable[date] = (),
        workdays: Iterable[date] = (),
        years: Iterable[int] = (),
        fallback: FallbackPolicy = "statutory",
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
        # The statutory weekday holidays of every year without a schedule that the rule counts.
        self._provisional_holidays: frozenset[date] = (
            frozenset().union(
                *(_statutory_weekday_holidays(y) for y in STATUTORY_YEARS if y not in self._years)
            )
            if fallback == "statutory"
            else frozenset()
        )
        self.tz = tz
        self._tz_aware = type(tz) in _ALWAYS_AWARE  # its utcoffset() is never None
        self._index()
        # Remembered answers, only those that raised nothing (an error must happen on every
        # call that meets an uncountable year): (ordinal, n) -> day, (a, b) -> count.
        self._after: dict[tuple[int, int], date] = {}
        self._before: dict[tuple[int, int], date] = {}
        self._between: dict[tuple[int, int], int] = {}
        self._nights: dict[date, datetime] = {}
        self._mornings: dict[date, datetime] = {}

    def _index(self) -> None:
        """The exceptions that change a count, in order, and the covered spans of days."""
        changes = sorted(
            [(d.toordinal(), -1) for d in self._holidays if not is_weekend(d)]
            + [(d.toordinal(), -1) for d in self._provisional_holidays]
            + [(d.toordinal(), 1) for d in self._workdays if is_weekend(d)]
        )
        # _adjust_at[k]: the k-th exception's ordinal; _adjust_sum[k]: the exceptions up to
        # and including it; _adjust_through[k]: the working days up to and including it.
        self._adjust_at = [o for o, _ in changes]
        self._adjust_sum: list[int] = []
        self._adjust_through: list[int] = []
        total = 0
        for o, change in changes:
            total += change
            self._adjust_sum.append(total)
            self._adjust_through.append(_weekdays_through(o) + total)
        self._covered_runs = tuple(
            (date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal())
            for first, last in year_runs(self._years)
        )

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

    def uncovered_years(self, first: date, last: date) -> list[int]:
        """The years from ``first``'s to ``last``'s (either order) whose schedule is unknown."""
        low, high = sorted((first.year, last.year))
        return [y for y in range(low, high + 1) if y not in self._years]

    def is_provisional(self, first: date, last: date) -> bool:
        """Whether a count over the days from ``first`` to ``last`` (either order) met a year
        without a schedule: its answer holds only until that year's schedule is entered."""
        low, high = (first, last) if first <= last else (last, first)
        o, p = low.toordinal(), high.toordinal()
        for run_first, run_last in self._covered_runs:
            if run_first <= o and p <= run_last:
                return False
        return True

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day. Raises CalendarYearMissing (see the policies)."""
        if d.year not in self._years:
            self._missing(d.year)
            return not is_weekend(d) and d not in self._provisional_holidays
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
        if not n:
            return start
        if type(start) is not date:  # a datetime: the walk, which keeps its time of day
            return self._walk_forward(start, n)
        key = (start.toordinal(), n)
        due = self._after.get(key)
        if due is None:
            first = key[0]
            found = self._nth_working(self._through(first) + n)
            self._check_years(first + 1, found)
            due = date.fromordinal(found)
            _remember(self._after, key, due)
        return due

    def sub_working_days(self, end: date, n: int) -> date:
        """The ``n``-th working day before ``end``; ``end`` itself is never counted.

        The mirror of :meth:`add_working_days`: ``n == 0`` returns ``end``
        unchanged, and a negative ``n`` is an error.
        """
        if n < 0:
            raise ValueError(f"n must be 0 or more, not {n}")
        if not n:
            return end
        if type(end) is not date:
            return self._walk_back(end, n)
        key = (end.toordinal(), n)
        due = self._before.get(key)
        if due is None:
            last = key[0] - 1
            found = self._nth_working(self._through(last) - n + 1)
            self._check_years(found, last, backwards=True)
            due = date.fromordinal(found)
            _remember(self._before, key, due)
        return due

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days ``d`` with ``a < d <= b``.

        Antisymmetric: ``working_days_between(b, a) == -working_days_between(a, b)``,
        so it is additive for any three dates, and a negative result says how
        many working days ``b`` lies before ``a`` (e.g. days left before a
        deadline when counting from the deadline to today).
        """
        if b < a:
            return -self.working_days_between(b, a)
        if type(a) is not date or type(b) is not date:
            return self._walk_between(a, b)
        key = (a.toordinal(), b.toordinal())
        count = self._between.get(key)
        if count is None:
            first, last = key
            if first == _MAX_ORDINAL:
                raise OverflowError("date value out of range")
            count = self._through(last) - self._through(first)
            if first != last:
                self._check_years(first + 1, last)
            _remember(self._between, key, count)
        return count

    def local_date(self, moment: datetime) -> date:
        """The calendar's local date of an aware datetime."""
        zone = moment.tzinfo
        if zone is self.tz and self._tz_aware:
            # Already local (the usual case for the instant an engine call is made at): its
            # own date, which astimezone() would return after parsing its arguments.
            return moment.date()
        if zone is None or (type(zone) not in _ALWAYS_AWARE and moment.utcoffset() is None):
            raise ValueError(f"a naive datetime has no local date: {moment!r}")
        return moment.astimezone(self.tz).date()

    def end_of_day(self, d: date) -> datetime:
        """The last instant of ``d`` in the calendar's zone: 23:59:59.999999 local."""
        night = self._nights.get(d)
        if night is None:
            night = datetime.combine(d, END_OF_DAY, tzinfo=self.tz)
            _remember(self._nights, d, night)
        return night

    def start_of_day(self, d: date) -> datetime:
        """The first instant of ``d`` in the calendar's zone: 00:00 local."""
        morning = self._mornings.get(d)
        if morning is None:
            morning = datetime.combine(d, time.min, tzinfo=self.tz)
            _remember(self._mornings, d, morning)
        return morning

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

    def deadline_marked(self, start: datetime, n: int) -> tuple[datetime, bool]:
        """:meth:`deadline` and whether it is provisional (:meth:`is_provisional` over the
        days counted): what a stored deadline keeps, to be counted again later."""
        due = self.deadline(start, n)
        return due, self.is_provisional(self.local_date(start), self.local_date(due))

    # --- counting -----------------------------------------------------------------------------

    def _through(self, o: int) -> int:
        """How many working days have an ordinal up to ``o`` (uncovered years: statutory)."""
        k = bisect_right(self._adjust_at, o)
        return _weekdays_through(o) + (self._adjust_sum[k - 1] if k else 0)

    def _nth_working(self, t: int) -> int:
        """The ordinal of the ``t``-th working day, the first day with ``_through(day) == t``."""
        # The first exception with t or more working days up to it bounds the answer; before
        # it (and after the previous one) the days are plain Mondays to Fridays.
        k = bisect_left(self._adjust_through, t)
        found = _nth_weekday(t - (self._adjust_sum[k - 1] if k else 0))
        if k < len(self._adjust_at) and found > self._adjust_at[k]:
            return self._adjust_at[k]
        return found

    def _check_years(self, first: int, last: int, *, backwards: bool = False) -> None:
        """Refuse each year from day ``first`` to day ``last`` that cannot be counted.

        In the order a walk meets them, so the error names the first one met.
        """
        for low, high in self._covered_runs:
            if low <= first and last <= high:
                return
        if first > _MAX_ORDINAL or last < 1:  # the walk's first step leaves the calendar
            raise OverflowError("date value out of range")
        overflow = first < 1 or last > _MAX_ORDINAL
        begin = date.fromordinal(max(first, 1)).year
        end = date.fromordinal(min(last, _MAX_ORDINAL)).year
        years = range(end, begin - 1, -1) if backwards else range(begin, end + 1)
        for year in years:
            if year not in self._years:
                self._missing(year)
        if overflow:
            raise OverflowError("date value out of range")

    # --- walking, for dates that are really datetimes ------------------------------------------

    def _walk_forward(self, start: date, n: int) -> date:
        d = start
        remaining = n
        while remaining:
            d += _ONE_DAY
            if self.is_working_day(d):
                remaining -= 1
        return d

    def _walk_back(self, end: date, n: int) -> date:
        d = end
        remaining = n
        while remaining:
            d -= _ONE_DAY
            if self.is_working_day(d):
                remaining -= 1
        return d

    def _walk_between(self, a: date, b: date) -> int:
        count = 0
        d = a + _ONE_DAY
        while d <= b:
            if self.is_working_day(d):
                count += 1
            d += _ONE_DAY
        return count

    def _missing(self, year: int) -> None:
        """A year without a schedule was met: raise unless the statutory rule counts it."""
        if self._fallback == "error" or year not in STATUTORY_YEARS:
            raise CalendarYearMissing(year)


def _remember(memo: dict[_K, _V], key: _K, value: _V) -> None:
    if len(memo) >= _CACHE_SIZE:
        memo.clear()
    memo[key] = value
