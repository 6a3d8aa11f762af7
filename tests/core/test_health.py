"""The liveness (/healthz) and readiness (/readyz) probes, and the notice of a missing
holiday schedule (readyz, ``check --deploy``, the workbench and the admin home)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory, officer
from yiwang.core.models import CalendarDay, CalendarYear
from yiwang.identity.models import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The shipped calendar has 2025 and 2026: in June 2026 nothing is missing yet.
MID_2026 = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)


def test_healthz_answers_ok_without_touching_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
@time_machine.travel(MID_2026, tick=False)
def test_readyz_is_ok_when_the_database_answers_and_every_migration_is_applied(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok"},
    }


@pytest.mark.django_db
def test_readyz_is_unavailable_while_a_migration_is_pending(client):
    # Given: the database no longer records core's latest migration as applied,
    # exactly what a deploy that skipped `migrate` looks like to Django. (The
    # row is removed inside the test's transaction, so it comes back afterwards;
    # unapplying the migration for real would depend on every later migration
    # in the project being reversible.)
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="core").order_by("-name").first()
    assert latest is not None
    latest.delete()

    # When
    response = client.get("/readyz")

    # Then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert "pending" in body["checks"]["migrations"]


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("database is down")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "error: ConnectionRefusedError"},
    }


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_accept_only_get(client, path):
    assert client.post(path).status_code == 405


# --- the holiday schedule of next year --------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "missing"),
    [
        (datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI), None),  # before October: not yet
        (datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI), "2027"),  # from 1 October
        (datetime(2026, 12, 31, 12, 0, tzinfo=SHANGHAI), "2027"),
        (datetime(2027, 3, 1, 9, 0, tzinfo=SHANGHAI), "2027"),  # still missing in its own year
    ],
)
def test_readyz_warns_while_a_schedule_is_missing_and_stays_ready(client, moment, missing):
    with time_machine.travel(moment, tick=False):
        response = client.get("/readyz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    if missing is None:
        assert "warnings" not in body
    else:
        assert f"no holiday schedule entered for {missing}" in body["warnings"]["calendar"]


@pytest.mark.django_db
def test_the_notice_goes_once_the_year_is_entered(client):
    year = CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕…号")
    CalendarDay.objects.create(
        calendar_year=year, date="2027-01-01", kind="holiday", name_zh="元旦"
    )

    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        response = client.get("/readyz")

    assert "warnings" not in response.json()


@pytest.mark.django_db
def test_check_deploy_warns_from_october(capsys):
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        call_command("check", "--deploy", "--tag", "yiwang_calendar")
    before = capsys.readouterr()
    with time_machine.travel(datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI), tick=False):
        call_command("check", "--deploy", "--tag", "yiwang_calendar")
    after = capsys.readouterr()

    assert "yiwang.W001" in before.err + before.out
    assert "No holiday schedule is entered for 2027" in before.err + before.out
    assert "yiwang.W001" not in after.err + after.out


@pytest.mark.django_db
def test_the_workbench_and_the_admin_home_show_the_notice_from_october(client):
    department = DepartmentFactory()
    clerk = officer(department, Role.INTAKE_CLERK)
    admin = UserFactory(is_staff=True, is_superuser=True)

    def pages(moment: datetime) -> list[str]:
        with time_machine.travel(moment, tick=False):
            client.force_login(clerk)
            workbench = client.get(reverse("workbench:queue"), HTTP_ACCEPT_LANGUAGE="en")
            client.force_login(admin)
            admin_home = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
        assert workbench.status_code == admin_home.status_code == 200
        return [workbench.content.decode(), admin_home.content.decode()]

    october = pages(datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI))
    september = pages(datetime(2026, 9, 30, 9, 0, tzinfo=SHANGHAI))

    for page in october:
        assert "The holiday schedule for 2027 is not entered yet." in page
    assert reverse("admin:core_calendaryear_add") in october[1]  # a link for the admin
    for page in september:
        assert "is not entered yet" not in page
