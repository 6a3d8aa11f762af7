"""The working-day calendar: the shipped schedules, counting, deadlines, missing years, caching."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from yiwang.core import calendar
from yiwang.core.calendar import CalendarYearMissing
from yiwang.core.holidays import SHIPPED, shipped_calendar
from yiwang.core.models import CalendarDay, CalendarYear
from yiwang.core.workingdays import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def days_from(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- the pure calendar, from the shipped data -----------------------------------


def test_national_day_2026_five_working_days_after_sep_30_end_on_oct_13():
    # Given: Oct 1–7 off, Sat Oct 10 worked, Sun Oct 11 off
    cal = shipped_calendar()

    # When
    due = cal.add_working_days(date(2026, 9, 30), 5)

    # Then
    assert due == date(2026, 10, 13)
    assert not any(cal.is_working_day(d) for d in days_from(date(2026, 10, 1), date(2026, 10, 7)))
    assert cal.is_working_day(date(2026, 10, 10))
    assert not cal.is_working_day(date(2026, 10, 11))


def test_spring_festival_2026_five_working_days_after_fri_feb_13_end_on_fri_feb_27():
    # Given: Sat Feb 14 worked, Feb 15–23 off
    cal = shipped_calendar()

    # When
    due = cal.add_working_days(date(2026, 2, 13), 5)

    # Then
    assert due == date(2026, 2, 27)
    assert cal.is_working_day(date(2026, 2, 14))
    assert not any(cal.is_working_day(d) for d in days_from(date(2026, 2, 15), date(2026, 2, 23)))
    assert cal.is_working_day(date(2026, 2, 28))  # Saturday, worked


def test_sunday_sep_20_2026_is_an_adjusted_working_day():
    assert date(2026, 9, 20).weekday() == 6
    assert shipped_calendar().is_working_day(date(2026, 9, 20))


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (date(2025, 1, 24), 1, date(2025, 1, 26)),  # Sun Jan 26 worked before 春节
        (date(2025, 1, 27), 1, date(2025, 2, 5)),  # Jan 28–Feb 4 off
        (date(2025, 2, 5), 3, date(2025, 2, 8)),  # Sat Feb 8 worked
        (date(2025, 4, 3), 1, date(2025, 4, 7)),  # 清明 Apr 4–6
        (date(2025, 4, 25), 1, date(2025, 4, 27)),  # Sun Apr 27 worked before 劳动节
        (date(2025, 4, 30), 1, date(2025, 5, 6)),  # May 1–5 off
        (date(2025, 5, 30), 1, date(2025, 6, 3)),  # 端午 May 31–Jun 2
        (date(2025, 9, 26), 1, date(2025, 9, 28)),  # Sun Sep 28 worked
        (date(2025, 9, 30), 3, date(2025, 10, 11)),  # Oct 1–8 off, Sat Oct 11 worked
        (date(2025, 12, 31), 1, date(2026, 1, 4)),  # across the year: Jan 1–3 off, Sun Jan 4 worked
        (date(2026, 4, 30), 3, date(2026, 5, 8)),  # 劳动节 2026 May 1–5
        (date(2026, 5, 8), 1, date(2026, 5, 9)),  # Sat May 9 worked
        (date(2026, 6, 18), 1, date(2026, 6, 22)),  # 端午 Jun 19–21
        (date(2026, 9, 24), 1, date(2026, 9, 28)),  # 中秋 Sep 25–27
    ],
)
def test_add_working_days_over_the_published_holidays(start, n, due):
    assert shipped_calendar().add_working_days(start, n) == due


def test_the_shipped_days_are_the_notices_exceptions_to_the_week():
    # Given: the 2026 notice's 国庆节 period, Oct 1 (Thu) to Oct 7 (Wed)
    days = {day.date: day for day in SHIPPED[2026].days()}

    # Then: only its weekdays are stored as holidays; the named weekends as workdays
    assert [d for d in days_from(date(2026, 10, 1), date(2026, 10, 7)) if d in days] == [
        date(2026, 10, 1),
        date(2026, 10, 2),
        date(2026, 10, 5),
        date(2026, 10, 6),
        date(2026, 10, 7),
    ]
    assert days[date(2026, 9, 20)].kind == "workday"
    assert days[date(2026, 10, 10)].name_zh == "国庆节"
    assert all(
        (day.kind == "holiday") == (day.date.weekday() < 5)
        for schedule in SHIPPED.values()
        for day in schedule.days()
    )


def test_counting_does_not_count_the_start_day():
    # Given: Thursday 8 Jan 2026, an ordinary working day
    cal = shipped_calendar()
    start = date(2026, 1, 8)

    # Then
    assert cal.add_working_days(start, 0) == start
    assert cal.add_working_days(start, 1) == date(2026, 1, 9)
    assert cal.next_working_day(start) == date(2026, 1, 9)
    assert cal.working_days_between(start, start) == 0
    assert cal.working_days_between(start, date(2026, 1, 9)) == 1


def test_add_working_days_from_a_day_off_and_zero_days():
    cal = shipped_calendar()

    assert cal.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert cal.next_working_day(date(2026, 10, 3)) == date(2026, 10, 8)


def test_a_negative_number_of_days_is_an_error():
    with pytest.raises(ValueError, match="0 or more"):
        shipped_calendar().add_working_days(date(2026, 1, 8), -1)


def test_working_days_between_counts_the_end_and_is_antisymmetric():
    cal = shipped_calendar()
    a, b = date(2026, 9, 30), date(2026, 10, 13)

    assert cal.working_days_between(a, b) == 5
    assert cal.working_days_between(b, a) == -5


def test_the_error_policy_refuses_a_year_without_a_schedule_naming_it():
    cal = shipped_calendar(fallback="error")

    with pytest.raises(CalendarYearMissing, match="2027") as excinfo:
        cal.add_working_days(date(2026, 12, 30), 2)

    assert excinfo.value.year == 2027
    assert "YIWANG_CALENDAR_FALLBACK=statutory" in str(excinfo.value)


def test_by_default_a_year_without_a_schedule_counts_its_statutory_holidays():
    # Given: the shipped calendar (2025, 2026) and the default policy
    cal = shipped_calendar()

    # When: Thu 31 Dec 2026 + 2 working days, into 2027 (no schedule yet)
    due = cal.add_working_days(date(2026, 12, 31), 2)

    # Then: Fri 1 Jan 2027 is New Year's Day (statutory), so Mon 4, Tue 5 Jan
    assert due == date(2027, 1, 5)
    assert cal.is_provisional(date(2026, 12, 31), due)
    assert not cal.covers(due)


def test_a_calendar_rejects_contradictory_data():
    with pytest.raises(ValueError, match="both"):
        WorkingCalendar(holidays=[date(2026, 1, 5)], workdays=[date(2026, 1, 5)], years=[2026])
    with pytest.raises(ValueError, match="outside"):
        WorkingCalendar(holidays=[date(2027, 1, 1)], years=[2026])
    with pytest.raises(ValueError, match="fallback"):
        WorkingCalendar(fallback="guess")  # type: ignore[arg-type]


# --- deadlines -------------------------------------------------------------------


def test_deadline_counts_from_the_shanghai_date_of_a_late_utc_timestamp():
    # Given: 16:30 UTC on Fri 13 Feb 2026 is already 00:30 on Sat 14 Feb in Shanghai,
    # and Sat 14 Feb is an adjusted working day
    cal = shipped_calendar()
    late_evening_utc = datetime(2026, 2, 13, 16, 30, tzinfo=UTC)
    earlier_utc = datetime(2026, 2, 13, 15, 59, tzinfo=UTC)  # 23:59 on the 13th locally

    # When
    due = cal.deadline(late_evening_utc, 1)
    due_earlier = cal.deadline(earlier_utc, 1)

    # Then: counted from the 14th, the first working day after it is Tue 24 Feb
    assert due == datetime(2026, 2, 24, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert due.utcoffset() == timedelta(hours=8)
    assert due_earlier == datetime(2026, 2, 14, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_deadline_is_the_last_instant_of_the_last_working_day():
    cal = shipped_calendar()
    received = datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)

    due = cal.deadline(received, 5)

    assert due == datetime(2026, 10, 13, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert due + timedelta(microseconds=1) == datetime(2026, 10, 14, tzinfo=SHANGHAI)


def test_deadline_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        shipped_calendar().deadline(datetime(2026, 9, 30, 10, 0), 5)


# --- the calendar in the database ------------------------------------------------


@pytest.mark.django_db
def test_every_fresh_database_has_the_shipped_years():
    # Given: a database just migrated (the test database)
    for year, schedule in SHIPPED.items():
        calendar_year = CalendarYear.objects.get(year=year)
        rows = list(calendar_year.days.values_list("date", "kind", "name_zh"))

        # Then: its rows are exactly the notice's exceptions
        assert rows == [(d.date, d.kind, d.name_zh) for d in schedule.days()]
        assert calendar_year.source == schedule.source


@pytest.mark.django_db
def test_module_functions_use_the_database_calendar():
    calendar.calendar_changed()

    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    assert calendar.add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert calendar.is_working_day(date(2026, 9, 20))
    assert not calendar.is_working_day(date(2026, 10, 11))
    assert calendar.next_working_day(date(2026, 10, 1)) == date(2026, 10, 8)
    assert calendar.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert calendar.deadline_after(datetime(2026, 2, 13, 16, 30, tzinfo=UTC), 1) == datetime(
        2026, 2, 24, 23, 59, 59, 999999, tzinfo=SHANGHAI
    )


@pytest.mark.django_db
def test_the_database_calendar_equals_the_shipped_one():
    loaded = calendar.calendar_from_database()
    shipped = shipped_calendar()

    assert loaded.years == shipped.years
    for d in days_from(date(2025, 1, 1), date(2026, 12, 31)):
        assert loaded.is_working_day(d) == shipped.is_working_day(d), d


@pytest.mark.django_db
def test_a_missing_year_in_the_database_raises(settings):
    settings.YIWANG_CALENDAR_FALLBACK = "error"

    with pytest.raises(CalendarYearMissing) as excinfo:
        calendar.is_working_day(date(2024, 10, 1))

    assert excinfo.value.year == 2024


@pytest.mark.django_db
def test_by_default_a_missing_year_in_the_database_counts_its_statutory_holidays():
    # 2024 is not in the database: 1 Oct 2024 (a Tuesday) is National Day, 8 Oct a working day
    assert calendar.is_working_day(date(2024, 10, 1)) is False
    assert calendar.is_working_day(date(2024, 10, 8)) is True
    assert calendar.load_calendar().is_provisional(date(2024, 10, 1), date(2024, 10, 8))


@pytest.mark.django_db
def test_an_unknown_fallback_setting_is_a_configuration_error(settings):
    settings.YIWANG_CALENDAR_FALLBACK = "guess"

    with pytest.raises(ImproperlyConfigured, match="YIWANG_CALENDAR_FALLBACK"):
        calendar.is_working_day(date(2026, 1, 8))


@pytest.mark.django_db
def test_the_retired_weekdays_setting_is_refused_with_its_replacement_named(settings):
    settings.YIWANG_CALENDAR_FALLBACK = "weekdays"

    with pytest.raises(ImproperlyConfigured, match="statutory"):
        calendar.is_working_day(date(2026, 1, 8))


@pytest.mark.django_db
def test_a_new_year_is_seen_at_once_and_a_year_without_holidays_counts_as_missing():
    # Given: the calendar has been used
    assert calendar.is_working_day(date(2026, 9, 30))

    # When: an administrator starts 2027 but has not entered a holiday yet
    year_2027 = CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕x号")

    # Then: 2027 is still counted provisionally, on its statutory holidays (Mon 8 Feb
    # 2027 is 正月初三), rather than as a schedule without any holiday
    assert calendar.is_working_day(date(2027, 2, 8)) is False
    assert not calendar.load_calendar().covers(date(2027, 2, 8))

    # When: a holiday is entered
    CalendarDay.objects.create(
        calendar_year=year_2027, date=date(2027, 1, 1), kind="holiday", name_zh="元旦"
    )

    # Then: no explicit invalidation needed for a new row, and the schedule as entered is
    # the authority (it says nothing of 8 Feb: a working day)
    assert calendar.is_working_day(date(2027, 1, 1)) is False
    assert calendar.is_working_day(date(2027, 2, 8)) is True
    assert calendar.load_calendar().covers(date(2027, 2, 8))


@pytest.mark.django_db
def test_an_in_place_edit_is_seen_after_calendar_changed():
    # Given: the calendar is cached; Fri 9 Oct 2026 is a working day
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    day = CalendarDay.objects.get(date=date(2026, 10, 10))

    # When: the Saturday workday is moved to be a holiday on Friday 9 Oct
    day.date = date(2026, 10, 9)
    day.kind = "holiday"
    day.save()
    calendar.calendar_changed(year=day.calendar_year)

    # Then
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 15)


@pytest.mark.django_db
def test_a_cached_calendar_costs_one_query_however_long_the_period(
    django_assert_num_queries,
):
    # Given: a warm cache
    calendar.is_working_day(date(2026, 1, 8))

    # When / Then: 300 working days (into 2026) from the start of 2025
    with django_assert_num_queries(1):
        due = calendar.add_working_days(date(2025, 1, 2), 300)
    assert calendar.working_days_between(date(2025, 1, 2), due) == 300


@pytest.mark.django_db
def test_even_an_in_place_edit_without_calendar_changed_is_noticed():
    # Given: the calendar is cached; Sat 10 Oct 2026 is worked
    assert calendar.is_working_day(date(2026, 10, 10))

    # When: the row's kind is changed behind the admin's back (same row, same count)
    CalendarDay.objects.filter(date=date(2026, 10, 10)).update(kind="holiday")

    # Then
    assert not calendar.is_working_day(date(2026, 10, 10))
