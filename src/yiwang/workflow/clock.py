"""The statutory clock: deadlines in working days or hours, pauses, extension, warning, light.

Conventions (docs/workflow.md, "The clock"):

- A working-day clock started at ``t`` is due at the end of the n-th working
  day after ``t``'s local date (the start day is not counted).
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
from datetime import date, datetime, timedelta

from yiwang.core.workingdays import WorkingCalendar
from yiwang.workflow.definition import ClockDef
from yiwang.workflow.model import ClockState, Light

INSTANT = timedelta(microseconds=1)


def start_of_day(calendar: WorkingCalendar, d: date) -> datetime:
    return calendar.start_of_day(d)


def first_deadline(
    clock: ClockDef, start: datetime, calendar: WorkingCalendar, carried: float = 0
) -> datetime:
    """The deadline of ``clock`` started at ``start``; ``carried`` paused time is added."""
    if clock.unit == "hours":
        return start + timedelta(hours=clock.limit, seconds=carried)
    return calendar.deadline(start, int(clock.limit + carried))


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
    window = clock.warning
    if window.unit == "hours" or (clock.unit == "hours" and window.unit == "fraction"):
        total = clock.limit + extensions * (clock.extension or 0)
        hours = window.amount if window.unit == "hours" else window.amount * total
        moment = deadline - timedelta(hours=hours)
    else:
        if window.unit == "working_days":
            days = window.amount
        else:
            days = window.amount * (clock.limit + extensions * (clock.extension or 0))
        last_day = calendar.local_date(deadline)
        first_day = calendar.sub_working_days(last_day, max(1, math.ceil(days)) - 1)
        moment = calendar.start_of_day(first_day)
    return started_at if started_at > moment else moment  # max(), the first on a tie


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
        calendar.local_date(paused_at), calendar.local_date(deadline)
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
        calendar.add_working_days(calendar.local_date(clock.deadline), int(extra))
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
