"""The arithmetic calendar against a day-by-day walk: same answers, same errors.

``WorkingCalendar`` counts with bisection over its exceptions and remembers
answers; the oracle here walks one day at a time, as the calendar once did,
over the shipped years, random ones, and the years around them where the
fallback policy decides (their statutory holidays, or an error).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.core.holidays import shipped_calendar
from yiwang.core.holidays.statutory import statutory_weekday_holidays
from yiwang.core.workingdays import CITY_ZONE, CalendarYearMissing, WorkingCalendar, is_weekend

ONE_DAY = timedelta(days=1)
SETTINGS = settings(max_examples=300, deadline=None)

# 2024 and 2027 lie outside the shipped years (2025–2026): the fallback policy answers there.
days = st.dates(min_value=date(2024, 7, 1), max_value=date(2027, 6, 30))
counts = st.integers(min_value=0, max_value=300)
policies = st.sampled_from(["error", "statutory"])


def oracle_is_working_day(cal: WorkingCalendar, d: date, policy: str) -> bool:
    if d.year not in cal.years:
        if policy == "error":
            raise CalendarYearMissing(d.year)
        return not is_weekend(d) and d not in statutory_weekday_holidays(d.year)
    return cal.is_working_day(d)  # a covered year: the calendar's sets decide, nothing counted


def oracle_add(cal: WorkingCalendar, start: date, n: int, policy: str) -> date:
    d = start
    while n:
        d += ONE_DAY
        if oracle_is_working_day(cal, d, policy):
            n -= 1
    return d


def oracle_sub(cal: WorkingCalendar, end: date, n: int, policy: str) -> date:
    d = end
    while n:
        d -= ONE_DAY
        if oracle_is_working_day(cal, d, policy):
            n -= 1
    return d


def oracle_between(cal: WorkingCalendar, a: date, b: date, policy: str) -> int:
    if b < a:
        return -oracle_between(cal, b, a, policy)
    count, d = 0, a + ONE_DAY
    while d <= b:
        count += oracle_is_working_day(cal, d, policy)
        d += ONE_DAY
    return count


def outcome(f, *args):
    try:
        return f(*args)
    except CalendarYearMissing as missing:
        return ("missing", missing.year)


@st.composite
def random_calendars(draw: st.DrawFn) -> WorkingCalendar:
    """Covered years with gaps between them, random holidays and worked weekends."""
    years = draw(st.sets(st.sampled_from([2029, 2030, 2032]), min_size=1))
    dates = st.dates(min_value=date(2029, 1, 1), max_value=date(2032, 12, 31)).filter(
        lambda d: d.year in years
    )
    holidays = draw(st.sets(dates, max_size=60))
    workdays = draw(st.sets(dates, max_size=20)) - holidays
    policy = draw(policies)
    return WorkingCalendar(holidays=holidays, workdays=workdays, years=years, fallback=policy)


@SETTINGS
@given(start=days, n=counts, policy=policies)
def test_adding_working_days_matches_the_walk(start, n, policy):
    cal = shipped_calendar(fallback=policy)

    expected = outcome(oracle_add, cal, start, n, policy)

    assert outcome(cal.add_working_days, start, n) == expected
    assert outcome(cal.add_working_days, start, n) == expected  # remembered, still the same


@SETTINGS
@given(end=days, n=counts, policy=policies)
def test_counting_back_matches_the_walk(end, n, policy):
    cal = shipped_calendar(fallback=policy)

    expected = outcome(oracle_sub, cal, end, n, policy)

    assert outcome(cal.sub_working_days, end, n) == expected
    assert outcome(cal.sub_working_days, end, n) == expected


@SETTINGS
@given(a=days, b=days, policy=policies)
def test_working_days_between_matches_the_walk(a, b, policy):
    cal = shipped_calendar(fallback=policy)

    expected = outcome(oracle_between, cal, a, b, policy)

    assert outcome(cal.working_days_between, a, b) == expected
    assert outcome(cal.working_days_between, a, b) == expected


@SETTINGS
@given(
    cal=random_calendars(),
    start=st.dates(min_value=date(2028, 6, 1), max_value=date(2033, 6, 30)),
    n=counts,
    span=st.integers(min_value=-400, max_value=400),
)
def test_random_calendars_with_gaps_match_the_walk(cal, start, n, span):
    policy = cal.fallback
    other = start + timedelta(days=span)

    assert outcome(cal.add_working_days, start, n) == outcome(oracle_add, cal, start, n, policy)
    assert outcome(cal.sub_working_days, start, n) == outcome(oracle_sub, cal, start, n, policy)
    assert outcome(cal.working_days_between, start, other) == outcome(
        oracle_between, cal, start, other, policy
    )


def test_the_error_names_the_first_missing_year_the_walk_meets():
    cal = WorkingCalendar(years=[2026, 2028], fallback="error")

    with pytest.raises(CalendarYearMissing) as forward:
        cal.add_working_days(date(2026, 12, 1), 500)  # 2027 before 2029
    with pytest.raises(CalendarYearMissing) as backward:
        cal.sub_working_days(date(2028, 2, 1), 500)  # 2027 before 2025

    assert forward.value.year == 2027
    assert backward.value.year == 2027


def test_an_answer_in_a_missing_year_is_the_same_again_and_provisional():
    cal = shipped_calendar(fallback="statutory")

    first = cal.add_working_days(date(2026, 12, 20), 10)
    second = cal.add_working_days(date(2026, 12, 20), 10)

    # Hand-counted: 21–24, 25, 28–31 Dec 2026 (9), 1 Jan 2027 is New Year's Day, 4 Jan.
    assert first == second == date(2027, 1, 4)
    assert cal.is_provisional(date(2026, 12, 20), first)
    assert not cal.is_provisional(date(2026, 12, 1), date(2026, 12, 31))


def test_an_error_is_raised_again_on_every_call():
    cal = shipped_calendar(fallback="error")

    for _ in range(2):
        with pytest.raises(CalendarYearMissing):
            cal.add_working_days(date(2026, 12, 20), 10)


def test_end_and_start_of_day_are_the_same_instants_as_before():
    cal = shipped_calendar()
    d = date(2026, 10, 8)

    assert cal.end_of_day(d) == datetime(2026, 10, 8, 23, 59, 59, 999999, tzinfo=CITY_ZONE)
    assert cal.end_of_day(d) is cal.end_of_day(d)
    assert cal.start_of_day(d) == datetime(2026, 10, 8, tzinfo=CITY_ZONE)


def test_years_beyond_the_statutory_rule_raise_under_either_policy():
    cal = shipped_calendar(fallback="statutory")

    with pytest.raises(CalendarYearMissing) as late:
        cal.is_working_day(date(2100, 1, 4))
    with pytest.raises(CalendarYearMissing) as early:
        cal.working_days_between(date(1949, 12, 1), date(1950, 1, 10))

    assert (late.value.year, early.value.year) == (2100, 1949)


def test_the_edges_of_the_date_range_overflow_as_a_walk_would():
    cal = WorkingCalendar(years=[1, 9999], fallback="error")  # counted: no holiday at all

    with pytest.raises(OverflowError):
        cal.add_working_days(date.max, 1)
    with pytest.raises(OverflowError):
        cal.sub_working_days(date.min, 1)


def test_years_group_into_runs_of_consecutive_years():
    from yiwang.core.workingdays import year_runs

    assert year_runs({2028, 2025, 2026}) == [(2025, 2026), (2028, 2028)]
    assert year_runs([]) == []
    assert year_runs([2026, 2026, 2027]) == [(2026, 2027)]
