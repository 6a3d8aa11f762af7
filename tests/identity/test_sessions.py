"""How long a signed-in session lasts: 30 idle minutes for officers, 2 idle hours for citizens,
12 hours in all for everyone. Times are Shanghai's, on Monday 2 March 2026."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory, citizen, officer
from tests.identity.helpers import PASSWORD, attempt, signed_in
from yiwang.identity.services import role_assign

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MY_CASES = reverse("portal:case_list")
LOGIN = reverse("identity:login")


def at(hour, minute, second=0):
    return datetime(2026, 3, 2, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(at(9, 0), tick=False) as traveller:
        yield traveller


def visit(client, url=MY_CASES):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def still_signed_in(client) -> bool:
    return visit(client).status_code == 200


def sign_in(user):
    client = Client()
    assert signed_in(attempt(client, PASSWORD, username=user.username), client)
    return client


def test_an_officer_is_signed_out_after_30_idle_minutes(clock):
    clerk = sign_in(officer(DepartmentFactory(), "intake_clerk", username="clerk"))

    clock.move_to(at(9, 29))
    assert still_signed_in(clerk)  # 29 minutes idle, and the clock starts again
    clock.move_to(at(9, 58))
    assert still_signed_in(clerk)  # 29 minutes again
    clock.move_to(at(10, 28, 1))  # 30 minutes and 1 second after the last request

    response = visit(clerk)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    page = visit(clerk, response.url).content.decode()
    assert "You were signed out because the site was not used for 30 minutes." in page


def test_a_citizen_may_stay_idle_for_two_hours(clock):
    zhangsan = sign_in(citizen(username="zhangsan"))

    clock.move_to(at(11, 0))
    assert still_signed_in(zhangsan)  # exactly 120 minutes idle
    clock.move_to(at(13, 0, 1))
    assert not still_signed_in(zhangsan)


def test_an_administrator_counts_as_an_officer(clock):
    admin = sign_in(UserFactory(username="root", is_staff=True, is_superuser=True))

    clock.move_to(at(9, 30, 1))

    assert not still_signed_in(admin)


def test_no_session_lasts_more_than_12_hours(clock):
    zhangsan = sign_in(citizen(username="zhangsan"))
    for hour in range(10, 21):  # busy all day, never idle for long
        clock.move_to(at(hour, 0))
        assert still_signed_in(zhangsan)
    clock.move_to(at(21, 0))
    assert still_signed_in(zhangsan)  # 12 hours exactly

    clock.move_to(at(21, 0, 1))
    response = visit(zhangsan)

    assert response.status_code == 302
    page = visit(zhangsan, response.url).content.decode()
    assert "You were signed out because a session lasts at most 12 hours." in page


def test_the_limits_come_from_the_settings(clock, settings):
    settings.YIWANG_SESSION_IDLE_MINUTES_CITIZEN = 10
    zhangsan = sign_in(citizen(username="zhangsan"))

    clock.move_to(at(9, 10, 1))

    assert not still_signed_in(zhangsan)


def test_the_idle_limit_is_the_one_of_the_sign_in(clock):
    # the session of someone signed in as a citizen keeps the citizen's limit…
    person = citizen(username="zhangsan")
    browser = sign_in(person)
    role_assign(user=person, role="reviewer", department=DepartmentFactory(), actor=None)
    clock.move_to(at(10, 0))
    assert still_signed_in(browser)
    # …and the next sign-in gets the officer's
    browser.post(reverse("identity:logout"))
    browser = sign_in(person)
    clock.move_to(at(10, 30, 1))
    assert not still_signed_in(browser)
