"""The calendar services keep the calendar loadable and its edits complete (review findings).

- A year renumbered must keep no day of another year (the calendar would fail to load),
  and the deadlines through the year it was are counted again too.
- No edit leaves a year without a holiday (such a year counts as having no schedule):
  the rule is the services'; the admin's forms and delete pages ask them.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory
from yiwang.core import calendar
from yiwang.core.models import AuditEntry, CalendarDay, CalendarYear
from yiwang.core.services import (
    calendar_day_delete,
    calendar_day_save,
    calendar_year_save,
)

pytestmark = pytest.mark.django_db

Kind = CalendarDay.Kind


def _state():
    """What a refused edit must leave as it was."""
    return (
        list(CalendarYear.objects.order_by("pk").values("pk", "year", "source")),
        list(CalendarDay.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def year_2027():
    """2027 entered with one holiday (Fri 1 January) and one adjusted working day (Sat 2)."""
    return calendar_year_save(
        calendar_year=CalendarYear(year=2027, source="国办发明电〔2026〕号"),
        actor=None,
        days_saved=[
            CalendarDay(date=date(2027, 1, 1), kind=Kind.HOLIDAY, name_zh="元旦"),
            CalendarDay(date=date(2027, 1, 2), kind=Kind.WORKDAY, name_zh="元旦"),
        ],
    )


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- renumbering a year ----------------------------------------------------------------------


def test_a_year_renumbered_with_its_days_recounts_both_years(year_2027):
    # Given: the schedule entered as 2027 was 2028's; its days are replaced in the same save
    year_2027.year = 2028
    old_days = list(year_2027.days.all())

    # When
    calendar_year_save(
        calendar_year=year_2027,
        actor=None,
        changed_fields=["year"],
        days_deleted=old_days,
        days_saved=[CalendarDay(date=date(2028, 1, 3), kind=Kind.HOLIDAY, name_zh="元旦")],
    )

    # Then: the deadlines through 2027 (now without a schedule) and 2028 are counted again
    entry = AuditEntry.objects.get(action="calendar.year.change")
    assert entry.data["years"] == [2027, 2028]
    assert entry.data["previous_year"] == 2027
    assert not calendar.load_calendar().covers(date(2027, 1, 1))
    assert not calendar.is_working_day(date(2028, 1, 3))


def test_a_year_renumbered_past_its_days_is_refused(year_2027):
    before = _state()
    year_2027.year = 2028

    with pytest.raises(ValidationError) as refused:
        calendar_year_save(calendar_year=year_2027, actor=None, changed_fields=["year"])

    assert "2027-01-01, 2027-01-02" in refused.value.message_dict["year"][0]
    assert _state() == before
    calendar.calendar_changed()
    assert not calendar.is_working_day(date(2027, 1, 1))  # the calendar still loads


# --- the last holiday of a year ----------------------------------------------------------------


def test_the_last_holiday_of_a_year_is_not_deleted(year_2027):
    before = _state()

    with pytest.raises(ValidationError) as refused:
        calendar_day_delete(day=CalendarDay.objects.get(date=date(2027, 1, 1)), actor=None)

    assert "2027-01-01: 2027 would have no holiday left" in refused.value.messages[0]
    assert _state() == before


def test_the_last_holiday_of_a_year_is_not_changed_away(year_2027):
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    before = _state()
    # moved to Sunday 3 January as an adjusted working day: no holiday would be left
    day.date, day.kind = date(2027, 1, 3), Kind.WORKDAY

    with pytest.raises(ValidationError) as refused:
        calendar_day_save(day=day, actor=None, changed_fields=["date", "kind"])

    assert "2027 would have no holiday left" in refused.value.message_dict["kind"][0]
    assert _state() == before


def test_a_holiday_that_is_not_the_last_one_is_deleted(year_2027):
    calendar_day_save(
        day=CalendarDay(
            calendar_year=year_2027, date=date(2027, 2, 11), kind=Kind.HOLIDAY, name_zh="春节"
        ),
        actor=None,
    )

    calendar_day_delete(day=CalendarDay.objects.get(date=date(2027, 1, 1)), actor=None)

    assert list(year_2027.days.values_list("date", flat=True)) == [
        date(2027, 1, 2),
        date(2027, 2, 11),
    ]


# --- the admin asks the services -----------------------------------------------------------


def test_the_day_admin_will_not_delete_the_last_holiday(admin_client, year_2027):
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    url = reverse("admin:core_calendarday_delete", args=[day.pk])
    before = _state()

    page = admin_client.get(url).content.decode()
    response = admin_client.post(url, {"post": "yes"})

    assert "2027 would have no holiday left" in page
    assert response.status_code == 200
    assert _state() == before


def test_the_day_list_will_not_delete_a_years_last_holidays_together(admin_client, year_2027):
    calendar_day_save(
        day=CalendarDay(
            calendar_year=year_2027, date=date(2027, 2, 11), kind=Kind.HOLIDAY, name_zh="春节"
        ),
        actor=None,
    )
    holidays = CalendarDay.objects.filter(calendar_year=year_2027, kind=Kind.HOLIDAY)
    before = _state()

    response = admin_client.post(
        reverse("admin:core_calendarday_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(pk) for pk in holidays.values_list("pk", flat=True)],
            "post": "yes",
        },
    )

    assert response.status_code == 200
    assert "2027-01-01, 2027-02-11: 2027 would have no holiday left" in response.content.decode()
    assert _state() == before


def test_the_day_admin_shows_the_refusal_of_a_change_next_to_the_field(admin_client, year_2027):
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    before = _state()

    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {
            "calendar_year": str(year_2027.pk),
            "date": "2027-01-03",
            "kind": "workday",
            "name_zh": "元旦",
            "name_en": "",
        },
    )

    assert response.status_code == 200
    assert "2027 would have no holiday left" in response.content.decode()
    assert _state() == before
