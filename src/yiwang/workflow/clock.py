"""The statutory clock: deadlines in working days or hours, pauses, extension, warning, light.

Conventions (docs/workflow.md, "The clock"):

- A working-day clock started at ``t`` is due at the end of the n-th working
  day after ``t``'s local date (the start day is not counted). A clock of 0
  working days (即办, decided on the spot) is due at the end of ``t``'s local
  date, or of the next working day when ``t`` falls on a day off.
- A pause (suspension for supplements, or a special procedure) freezes the
  working days still left on the day it opens; on the day the clock restarts
  those days count again from the day after (the restart day is not counted,
  like any start). With none left, the clock is due at the end of the restart
  day, or of the next working day when it restarts on a day off. A pause
  opened after the deadline changes nothing: an overdue case stays overdue.
- An hours clock counts wall-clock hours; a pause adds its duration.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow.definition import ClockDef
from yiwang.workflow.model import ClockState, Light, iso_moment

INSTANT = timedelta(microseconds=1)

# A working-day clock started on a given local day always gets the same deadline and the
# same warning window, whatever the time of day: both instants and their texts are
# remembered per (calendar, clock, day, carried time), up to _MEMO entries, then afresh.
# Only the comparison with the start instant itself (the warning is never before the start)
# is made on every call. The clock definition is keyed by identity and held in the entry,
# so its id stays its own. A calendar that refuses an uncovered year raises before
# anything is remembered; one that counts it on its statutory holidays answers the same
# every time, so remembering changes nothing it does.
_MEMO = 4096
_STARTS: dict[
    tuple[WorkingCalendar, int, date, float],
    tuple[ClockDef, datetime, str, datetime, str, bool],
] = {}


def deadline_date(calendar: WorkingCalendar, deadline: datetime) -> date:
    """``calendar.local_date(deadline)``, remembered for deadlines in a fixed offset.

    Deadlines and warning instants read from ISO text have a fixed offset and recur (every
    case due that day shares one); converting one into the calendar's ZoneInfo is costly.
    Two equal datetimes in fixed offsets are the same instant (no folds), so the key is
    exact. Only for such recurring instants: an ``at`` would only fill the memo.
    """
    if type(deadline.tzinfo) is not timezone:
        return calendar.local_date(deadline)
    key = (calendar, deadline)
    day = _DATES.get(key)
    if day is None:
        day = calendar.local_date(deadline)
        if len(_DATES) >= _MEMO:
            _DATES.clear()
        _DATES[key] = day
    return day


_DATES: dict[tuple[WorkingCalendar, datetime], date] = {}


def start_of_day(calendar: WorkingCalendar, d: date) -> datetime:
    return calendar.start_of_day(d)


def first_deadline(
    clock: ClockDef, start: datetime, calendar: WorkingCalendar, carried: float = 0
) -> datetime:
    """The deadline of ``clock`` started at ``start``; ``carried`` paused time is added."""
    if clock.unit == "hours":
        return start + timedelta(hours=clock.limit, seconds=carried)
    days = int(clock.limit + carried)
    if days == 0:  # 即办: the day of receipt, or the next working day when it is a day off
        day = calendar.local_date(start)
        return calendar.end_of_day(
            day if calendar.is_working_day(day) else calendar.next_working_day(day)
        )
    return calendar.deadline(start, days)


def is_provisional(
    unit: str, started_at: datetime, deadline: datetime, calendar: WorkingCalendar
) -> bool:
    """Whether a deadline was counted through a year without a published holiday schedule.

    Only working days depend on the schedule; an hours clock never is. The count covers the
    days from the clock's start to its deadline (pauses and extensions included).
    """
    if unit == "hours":
        return False
    return calendar.is_provisional(
        calendar.local_date(started_at), deadline_date(calendar, deadline)
    )


def start_instants(
    clock: ClockDef,
    start: datetime,
    start_text: str,
    calendar: WorkingCalendar,
    carried: float = 0,
) -> tuple[datetime, str, datetime, str, bool]:
    """The deadline and warning instant of ``clock`` started at ``start``, with their ISO
    texts and whether the deadline is provisional: ``first_deadline``, ``warn_at`` (no
    extension yet) and ``is_provisional`` in one step.

    ``start_text`` is ``start.isoformat()``, the warning's text when it is the start itself.
    """
    if clock.unit == "hours":
        deadline = first_deadline(clock, start, calendar, carried)
        warn = warn_at(clock, start, deadline, 0, calendar)
        return deadline, iso_moment(deadline), warn, iso_moment(warn), False
    day = calendar.local_date(start)
    key = (calendar, id(clock), day, carried)
    hit = _STARTS.get(key)
    if hit is None or hit[0] is not clock:
        deadline = first_deadline(clock, start, calendar, carried)
        window = _window_start(clock, deadline, 0, calendar)
        provisional = calendar.is_provisional(day, deadline_date(calendar, deadline))
        hit = (clock, deadline, iso_moment(deadline), window, iso_moment(window), provisional)
        if len(_STARTS) >= _MEMO:
            _STARTS.clear()
        _STARTS[key] = hit
    _clock, deadline, deadline_text, window, window_text, provisional = hit
    if start > window:  # as warn_at: max(), the window's start on a tie
        return deadline, deadline_text, start, start_text, provisional
    return deadline, deadline_text, window, window_text, provisional


def warn_at(
    clock: ClockDef,
    started_at: datetime,
    deadline: datetime,
    extensions: int,
    calendar: WorkingCalendar,
) -> datetime:
    """When ``clock`` turns yellow: the start of its warning window, never before its start.

    A window of n working days opens at the start of the n-th working day counted back
    from the deadline's day, that day included.
    """
    moment = _window_start(clock, deadline, extensions, calendar)
    return started_at if started_at > moment else moment  # max(), the first on a tie


def _window_start(
    clock: ClockDef, deadline: datetime, extensions: int, calendar: WorkingCalendar
) -> datetime:
    """Where the warning window before ``deadline`` opens, before the start is considered."""
    window = clock.warning
    if window.unit == "hours" or (clock.unit == "hours" and window.unit == "fraction"):
        total = clock.limit + extensions * (clock.extension or 0)
        hours = window.amount if window.unit == "hours" else window.amount * total
        return deadline - timedelta(hours=hours)
    if window.unit == "working_days":
        days = window.amount
    else:
        days = window.amount * (clock.limit + extensions * (clock.extension or 0))
    last_day = deadline_date(calendar, deadline)
    first_day = calendar.sub_working_days(last_day, max(1, math.ceil(days)) - 1)
    return calendar.start_of_day(first_day)


def paused_amount(clock: ClockState, at: datetime, calendar: WorkingCalendar) -> float:
    """How much time the pause that ends at ``at`` took out: working days, or seconds."""
    assert clock.paused_at is not None
    if clock.unit == "hours":
        return (at - clock.paused_at).total_seconds()
    return calendar.working_days_between(
        calendar.local_date(clock.paused_at), calendar.local_date(at)
    )


def resumed_deadline(clock: ClockState, at: datetime, calendar: WorkingCalendar) -> datetime:
    """The deadline of a paused clock that restarts at ``at`` (see the module's conventions)."""
    paused_at, deadline = clock.paused_at, clock.deadline
    assert paused_at is not None
    if paused_at > deadline:
        return deadline
    if clock.unit == "hours":
        return deadline + (at - paused_at)
    left = calendar.working_days_between(
        calendar.local_date(paused_at), deadline_date(calendar, deadline)
    )
    restart = calendar.local_date(at)
    if left > 0:
        due = calendar.add_working_days(restart, left)
    elif calendar.is_working_day(restart):
        due = restart
    else:
        due = calendar.next_working_day(restart)
    return max(deadline, calendar.end_of_day(due))


def extended_deadline(
    clock: ClockState, definition: ClockDef, calendar: WorkingCalendar
) -> datetime:
    """The deadline after one more extension of ``definition.extension``."""
    extra = definition.extension or 0
    if clock.unit == "hours":
        return clock.deadline + timedelta(hours=extra)
    return calendar.end_of_day(
        calendar.add_working_days(deadline_date(calendar, clock.deadline), int(extra))
    )


def light(clock: ClockState, at: datetime) -> Light:
    """The clock's light at ``at``; a paused clock shows the light it had when it paused."""
    moment = clock.paused_at if clock.paused_at is not None and at > clock.paused_at else at
    if moment > clock.deadline:
        return Light.RED
    if moment >= clock.warn_at:
        return Light.YELLOW
    return Light.GREEN


def next_due(clock: ClockState) -> datetime | None:
    """The next instant ``clock`` needs attention: its warning, then its overdue instant."""
    if clock.mode != "runs" or clock.overdue:
        return None
    if not clock.warned:
        return min(clock.warn_at, clock.deadline + INSTANT)
    return clock.deadline + INSTANT
