"""Properties of working-day counting, over the shipped calendar and over random ones."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yiwang.core.holidays import shipped_calendar
from yiwang.core.workingdays import WorkingCalendar, is_weekend

SHIPPED = shipped_calendar()

# Starts and counts that keep every answer inside the shipped years (2025–2026).
starts = st.dates(min_value=date(2024, 12, 31), max_value=date(2026, 6, 30))
counts = st.integers(min_value=0, max_value=120)
shipped_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def random_calendars(draw: st.DrawFn) -> WorkingCalendar:
    """A calendar for 2030–2031 with random holidays on weekdays and random worked weekends."""
    days = st.dates(min_value=date(2030, 1, 1), max_value=date(2031, 12, 31))
    holidays = draw(st.sets(days.filter(lambda d: not is_weekend(d)), max_size=60))
    workdays = draw(st.sets(days.filter(is_weekend), max_size=20))
    return WorkingCalendar(holidays=holidays, workdays=workdays, years=[2030, 2031])


@given(start=starts, n=counts)
def test_counting_back_what_was_added_gives_n(start, n):
    # When
    due = SHIPPED.add_working_days(start, n)

    # Then
    assert SHIPPED.working_days_between(start, due) == n


@given(start=starts, n=counts.filter(lambda n: n >= 1))
def test_the_result_is_always_a_working_day_after_the_start(start, n):
    due = SHIPPED.add_working_days(start, n)

    assert due > start
    assert SHIPPED.is_working_day(due)


@given(start=starts, n=counts, more=st.integers(min_value=1, max_value=20))
def test_more_working_days_end_strictly_later(start, n, more):
    assert SHIPPED.add_working_days(start, n) < SHIPPED.add_working_days(start, n + more)


@given(start=starts, n=counts.filter(lambda n: n >= 1))
def test_no_working_day_is_skipped(start, n):
    # Given: the (n-1)-th and n-th working days after start
    previous = SHIPPED.add_working_days(start, n - 1)
    due = SHIPPED.add_working_days(start, n)

    # Then: nothing between them is a working day
    d = previous + timedelta(days=1)
    while d < due:
        assert not SHIPPED.is_working_day(d)
        d += timedelta(days=1)


@given(start=starts, m=st.integers(0, 60), n=st.integers(0, 60))
def test_adding_in_two_steps_is_adding_once(start, m, n):
    halfway = SHIPPED.add_working_days(start, m)

    assert SHIPPED.add_working_days(halfway, n) == SHIPPED.add_working_days(start, m + n)


@given(a=shipped_dates, b=shipped_dates, c=shipped_dates)
def test_working_days_between_is_additive(a, b, c):
    ab = SHIPPED.working_days_between(a, b)
    bc = SHIPPED.working_days_between(b, c)

    assert ab + bc == SHIPPED.working_days_between(a, c)


@given(a=shipped_dates, b=shipped_dates)
def test_working_days_between_counts_working_days(a, b):
    lo, hi = sorted((a, b))
    expected = sum(
        SHIPPED.is_working_day(lo + timedelta(days=i)) for i in range(1, (hi - lo).days + 1)
    )

    assert SHIPPED.working_days_between(lo, hi) == expected


@given(
    cal=random_calendars(),
    start=st.dates(min_value=date(2030, 1, 1), max_value=date(2031, 3, 31)),
    n=st.integers(min_value=0, max_value=150),
)
def test_any_calendar_round_trips_and_lands_on_working_days(cal, start, n):
    due = cal.add_working_days(start, n)

    assert cal.working_days_between(start, due) == n
    assert n == 0 or cal.is_working_day(due)


@given(
    holidays=st.sets(st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 12, 31))),
    workdays=st.sets(st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 12, 31))),
    d=st.dates(min_value=date(2030, 1, 1), max_value=date(2030, 12, 31)),
)
def test_a_working_day_is_a_worked_day_or_a_weekday_that_is_no_holiday(holidays, workdays, d):
    # Given: any exceptions, even pointless ones (a holiday on a Sunday)
    holidays -= workdays
    cal = WorkingCalendar(holidays=holidays, workdays=workdays, years=[2030])

    # Then
    expected = d in workdays or (not is_weekend(d) and d not in holidays)
    assert cal.is_working_day(d) == expected
