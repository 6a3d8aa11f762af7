"""Core administration through the real Django admin, as a superuser would use it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from yiwang.core import calendar
from yiwang.core.audit import audit_record
from yiwang.core.models import AuditEntry, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # assert on the English texts
    return client


def year_form(calendar_year: CalendarYear, *, extra: list[dict] | None = None, **changes) -> dict:
    """The change form of a year as the browser posts it, with its days inline.

    ``changes`` maps an ISO date of an existing day to the fields to change
    (``{"DELETE": "on"}`` deletes it); ``extra`` adds new days.
    """
    days = list(calendar_year.days.order_by("date"))
    extra = extra or []
    data = {
        "year": str(calendar_year.year),
        "source": calendar_year.source,
        "notes": calendar_year.notes,
        "days-TOTAL_FORMS": str(len(days) + len(extra)),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
    }
    rows = [
        {
            "id": str(day.pk),
            "calendar_year": str(calendar_year.pk),
            "date": day.date.isoformat(),
            "kind": day.kind,
            "name_zh": day.name_zh,
            "name_en": day.name_en,
            **changes.get(day.date.isoformat().replace("-", "_"), {}),
        }
        for day in days
    ]
    rows += [{"calendar_year": str(calendar_year.pk), **row} for row in extra]
    for i, row in enumerate(rows):
        for field, value in row.items():
            data[f"days-{i}-{field}"] = value
    return data


def change_url(calendar_year: CalendarYear) -> str:
    return reverse("admin:core_calendaryear_change", args=[calendar_year.pk])


def test_the_year_page_lists_its_days_with_their_weekdays(admin_client):
    response = admin_client.get(change_url(CalendarYear.objects.get(year=2026)))

    assert response.status_code == 200
    page = response.content.decode()
    assert "2026-10-10" in page
    assert "Saturday" in page
    assert "国办发明电〔2025〕7号" in page


def test_adding_a_holiday_in_the_admin_moves_the_deadline(admin_client):
    # Given: 5 working days after 30 Sep 2026 end on 13 Oct; the calendar is cached
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)
    year_2026 = CalendarYear.objects.get(year=2026)

    # When: the administrator adds Friday 9 Oct as a holiday
    response = admin_client.post(
        change_url(year_2026),
        year_form(
            year_2026,
            extra=[{"date": "2026-10-09", "kind": "holiday", "name_zh": "国庆节", "name_en": "x"}],
        ),
    )

    # Then
    assert response.status_code == 302, response.context and response.context["errors"]
    assert calendar.add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 14)


def test_editing_a_day_in_the_admin_changes_the_result_and_is_audited(admin_client):
    # Given: Sun 20 Sep 2026 is an adjusted working day
    assert calendar.is_working_day(date(2026, 9, 20))
    year_2026 = CalendarYear.objects.get(year=2026)

    # When: the administrator deletes that row
    response = admin_client.post(
        change_url(year_2026), year_form(year_2026, **{"2026_09_20": {"DELETE": "on"}})
    )

    # Then
    assert response.status_code == 302
    assert not calendar.is_working_day(date(2026, 9, 20))
    entry = AuditEntry.objects.get(action="calendar.year.change")
    assert entry.target_label == "2026"
    assert entry.data["days_deleted"] == ["2026-09-20"]


@pytest.mark.parametrize(
    ("new_day", "message"),
    [
        (
            {"date": "2027-01-01", "kind": "holiday", "name_zh": "元旦"},
            "2027-01-01 is not in 2026",
        ),
        (
            {"date": "2026-10-03", "kind": "holiday", "name_zh": "国庆节"},
            "2026-10-03 is a Saturday, a day off anyway",
        ),
        (
            {"date": "2026-10-09", "kind": "workday", "name_zh": "国庆节"},
            "2026-10-09 is a Friday, a working day anyway",
        ),
        (
            {"date": "2026-10-01", "kind": "holiday", "name_zh": "国庆节"},
            "Calendar day with this Date already exists",
        ),
    ],
)
def test_the_admin_rejects_a_pointless_or_misplaced_day(admin_client, new_day, message):
    # Given
    year_2026 = CalendarYear.objects.get(year=2026)
    days_before = CalendarDay.objects.count()

    # When
    response = admin_client.post(change_url(year_2026), year_form(year_2026, extra=[new_day]))

    # Then: the form comes back with a clear message and nothing changed
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CalendarDay.objects.count() == days_before


def test_the_admin_rejects_a_year_without_holidays(admin_client):
    # When: a new year is saved with only a workday
    response = admin_client.post(
        reverse("admin:core_calendaryear_add"),
        {
            "year": "2027",
            "source": "国办发明电〔2026〕号",
            "notes": "",
            "days-TOTAL_FORMS": "1",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-03",
            "days-0-kind": "workday",
            "days-0-name_zh": "元旦",
        },
    )

    # Then
    assert response.status_code == 200
    assert "Enter the year&#x27;s holidays" in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_administrator_adds_next_year(admin_client):
    # When
    response = admin_client.post(
        reverse("admin:core_calendaryear_add"),
        {
            "year": "2027",
            "source": "国办发明电〔2026〕号",
            "notes": "",
            "days-TOTAL_FORMS": "2",
            "days-INITIAL_FORMS": "0",
            "days-MIN_NUM_FORMS": "0",
            "days-MAX_NUM_FORMS": "1000",
            "days-0-date": "2027-01-01",
            "days-0-kind": "holiday",
            "days-0-name_zh": "元旦",
            "days-1-date": "2027-01-03",
            "days-1-kind": "workday",
            "days-1-name_zh": "元旦",
        },
    )

    # Then: 2027 is known at once
    assert response.status_code == 302
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 1, 3))
    assert AuditEntry.objects.filter(action="calendar.year.add").count() == 1


def test_changing_a_year_number_checks_its_days(admin_client):
    year_2026 = CalendarYear.objects.get(year=2026)
    data = year_form(year_2026)
    data["year"] = "2028"

    response = admin_client.post(change_url(year_2026), data)

    assert response.status_code == 200
    assert "is not in 2028" in response.content.decode()


def test_editing_a_single_day_changes_the_result(admin_client):
    # Given: Sat 10 Oct 2026 is worked
    assert calendar.is_working_day(date(2026, 10, 10))
    day = CalendarDay.objects.get(date=date(2026, 10, 10))

    # When: its date is corrected to Sun 11 Oct in the day's own admin
    response = admin_client.post(
        reverse("admin:core_calendarday_change", args=[day.pk]),
        {
            "calendar_year": str(day.calendar_year_id),
            "date": "2026-10-11",
            "kind": "workday",
            "name_zh": day.name_zh,
            "name_en": day.name_en,
        },
    )

    # Then
    assert response.status_code == 302
    assert not calendar.is_working_day(date(2026, 10, 10))
    assert calendar.is_working_day(date(2026, 10, 11))


def test_deleting_a_year_makes_it_missing(admin_client):
    # Mon 3 Feb 2025 was a day off by the notice (调休), not by the statutory rule
    assert not calendar.is_working_day(date(2025, 2, 3))
    year_2025 = CalendarYear.objects.get(year=2025)

    response = admin_client.post(
        reverse("admin:core_calendaryear_delete", args=[year_2025.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not calendar.load_calendar().covers(date(2025, 2, 3))
    assert calendar.is_working_day(date(2025, 2, 3))  # counted on the statutory days only


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("admin:core_calendaryear_changelist", {"q": "国庆"}),
        ("admin:core_calendaryear_changelist", {"q": "2026"}),
        ("admin:core_calendaryear_changelist", {"schedule": "empty"}),
        ("admin:core_calendaryear_changelist", {"schedule": "complete"}),
        ("admin:core_calendarday_changelist", {"q": "春节", "kind__exact": "workday"}),
        ("admin:core_calendarday_changelist", {"date__year": "2026"}),
        ("admin:core_auditentry_changelist", {"q": "calendar"}),
    ],
)
def test_lists_search_and_filter(admin_client, url, query):
    response = admin_client.get(reverse(url), query)

    assert response.status_code == 200


def test_the_day_list_finds_the_workdays_of_spring_festival(admin_client):
    response = admin_client.get(
        reverse("admin:core_calendarday_changelist"), {"q": "春节", "kind__exact": "workday"}
    )

    assert [day.date for day in response.context["cl"].result_list] == [
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2026, 2, 14),
        date(2026, 2, 28),
    ]


def test_the_audit_log_is_read_only_even_for_a_superuser(admin_client):
    # Given
    entry = audit_record(actor=None, action="test.something", data={"a": 1})

    # Then: it can be listed and viewed
    assert admin_client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    detail = admin_client.get(reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content

    # But not added, changed or deleted
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:core_auditentry_change", args=[entry.pk]), {"action": "forged"}
        ).status_code
        == 403
    )
    assert (
        admin_client.post(
            reverse("admin:core_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "test.something"
