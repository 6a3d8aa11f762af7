"""The State Council's published holiday schedules shipped with yiwang, one module per year.

The data migrations load them into ``CalendarYear``/``CalendarDay``; from then
on the database is the truth and administrators edit it in the admin. To ship
a new year: add ``y<year>.py`` here, list it in ``SHIPPED``, and add a data
migration that loads that year (see docs/calendar.md).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from yiwang.core.holidays import y2025, y2026
from yiwang.core.holidays.schedule import Day, Period, Schedule
from yiwang.core.workingdays import FallbackPolicy, WorkingCalendar

SHIPPED: Final = MappingProxyType({s.year: s for s in (y2025.SCHEDULE, y2026.SCHEDULE)})

__all__ = ["SHIPPED", "Day", "Period", "Schedule", "shipped_calendar"]


def shipped_calendar(fallback: FallbackPolicy = "statutory") -> WorkingCalendar:
    """A calendar of the shipped years straight from this package, without a database.

    For the workflow engine's tests and for tools; the product uses
    ``yiwang.core.calendar.load_calendar()``, which reflects administrators' edits.
    """
    days = [day for schedule in SHIPPED.values() for day in schedule.days()]
    return WorkingCalendar(
        holidays=[d.date for d in days if d.kind == "holiday"],
        workdays=[d.date for d in days if d.kind == "workday"],
        years=SHIPPED.keys(),
        fallback=fallback,
    )
