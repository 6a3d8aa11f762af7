"""An event's deadlines and cards (黄牌/红牌), counted on the working calendar.

- **Sign-for (签收)** within the category's limit in *working hours*: the hours
  of the office day (:data:`OFFICE_OPENS`–:data:`OFFICE_CLOSES`, local time) of
  working days only. A dispatch at 16:00 on a Friday with a 2-hour limit is due
  at 10:00 on the next working day.
- **Handling (办理)** within the category's limit in *working days* counted
  from dispatch, not from signing (the day of dispatch is not counted, the
  period ends at the end of its last working day), plus an approved extension.
- **Cards**: yellow 1 working day before a deadline (from the start of the
  deadline's own working day, when one working day is left), red from the
  first overdue day. A sign-for limit is hours, not days: its card turns
  yellow when half the limit is used.

Pure functions over :class:`~yiwang.core.workingdays.WorkingCalendar`; the
services store the results on the event.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from yiwang.core.workingdays import WorkingCalendar

#: The office day that working hours count in (local time).
OFFICE_OPENS = time(9, 0)
OFFICE_CLOSES = time(17, 0)

YELLOW = "yellow"
RED = "red"
NONE = ""


def _opens(calendar: WorkingCalendar, d: date) -> datetime:
    return datetime.combine(d, OFFICE_OPENS, tzinfo=calendar.tz)


def _closes(calendar: WorkingCalendar, d: date) -> datetime:
    return datetime.combine(d, OFFICE_CLOSES, tzinfo=calendar.tz)


def add_working_hours(
    calendar: WorkingCalendar, start: datetime, hours: Decimal | float
) -> datetime:
    """The instant ``hours`` office hours of working days after ``start``.

    Time outside the office day (nights, weekends, holidays) is not counted: a
    start outside it counts from the next opening.
    """
    remaining = timedelta(hours=float(hours))
    moment = start.astimezone(calendar.tz)
    day = moment.date()
    while True:
        if calendar.is_working_day(day) and moment < _closes(calendar, day):
            moment = max(moment, _opens(calendar, day))
            available = _closes(calendar, day) - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        day = calendar.next_working_day(day)
        moment = _opens(calendar, day)


def sign_due(
    calendar: WorkingCalendar, dispatched_at: datetime, hours: Decimal | float
) -> datetime:
    """When signing for a dispatch made at ``dispatched_at`` is due."""
    return add_working_hours(calendar, dispatched_at, hours)


def sign_yellow_at(
    calendar: WorkingCalendar, dispatched_at: datetime, hours: Decimal | float
) -> datetime:
    """When a sign-for card turns yellow: half the limit used."""
    return add_working_hours(calendar, dispatched_at, float(hours) / 2)


def handle_due(calendar: WorkingCalendar, clock_start: datetime, days: int) -> datetime:
    """The end of the ``days``-th working day after the day the handling clock started."""
    return calendar.deadline(clock_start, days)


def handle_yellow_at(calendar: WorkingCalendar, due: datetime) -> datetime:
    """1 working day before ``due``: the start of the deadline's own day (one day is left)."""
    return calendar.start_of_day(calendar.local_date(due))


def card(at: datetime, *, yellow_at: datetime, due: datetime) -> str:
    """``red`` strictly after ``due``, ``yellow`` from ``yellow_at``, else ``""``."""
    if at > due:
        return RED
    if at >= yellow_at:
        return YELLOW
    return NONE


def extend(calendar: WorkingCalendar, due: datetime, days: int) -> datetime:
    """A deadline moved by ``days`` working days (an approved extension)."""
    return calendar.end_of_day(calendar.add_working_days(calendar.local_date(due), days))
