"""A year's holiday schedule as the State Council's notice states it, and its expansion.

A notice names periods "放假调休" from a first to a last day (weekends
included) and the weekend days to be worked "上班". The calendar stores only
the exceptions to the Monday–Friday week, so :meth:`Schedule.days` keeps the
Monday-to-Friday days of each period as holidays and the named weekend days as
adjusted working days. Plain Python: the data migration and the tests use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

DayKind = Literal["holiday", "workday"]


@dataclass(frozen=True)
class Period:
    """One item of a notice, e.g. 国庆节: 10月1日至7日放假调休; 9月20日、10月10日上班."""

    name_zh: str
    name_en: str
    first: str  # ISO dates, as easy to compare with the notice as possible
    last: str
    workdays: tuple[str, ...] = ()


@dataclass(frozen=True)
class Day:
    """One exception to the Monday–Friday week (a ``CalendarDay`` row)."""

    date: date
    kind: DayKind
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class Schedule:
    year: int
    source: str
    notes: str
    periods: tuple[Period, ...]

    def days(self) -> list[Day]:
        """The exceptions, sorted by date; raises ValueError if the data contradict themselves."""
        days: dict[date, Day] = {}

        def add(day: Day) -> None:
            if day.date.year != self.year:
                raise ValueError(f"{day.date} is not in {self.year}")
            if day.date in days:
                raise ValueError(f"{day.date} is listed twice")
            days[day.date] = day

        for period in self.periods:
            first, last = date.fromisoformat(period.first), date.fromisoformat(period.last)
            if last < first:
                raise ValueError(f"{period.name_en} ends before it starts")
            d = first
            while d <= last:
                if d.weekday() < 5:  # a weekend day in the period is off anyway
                    add(Day(d, "holiday", period.name_zh, period.name_en))
                d += timedelta(days=1)
            for iso in period.workdays:
                workday = date.fromisoformat(iso)
                if workday.weekday() < 5:
                    raise ValueError(f"{workday} is a weekday: it cannot be an adjusted workday")
                add(Day(workday, "workday", period.name_zh, period.name_en))
        return sorted(days.values(), key=lambda day: day.date)
