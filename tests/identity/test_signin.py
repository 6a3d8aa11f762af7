"""Password sign-in through the portal's page and the admin's: throttled, never locked,
and the same answer (and the same work) whether the account exists or not.

Every test runs at T0 (a Monday of 2026) with the clock stopped, and moves it by hand.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse

from tests.factories import T0, DepartmentFactory, UserFactory, officer
from tests.identity.helpers import (
    ATTACKER_IP,
    LOGIN_URL,
    OWNER_IP,
    PASSWORD,
    attempt,
    fail,
    guess_from_everywhere,
    sign_out,
    signed_in,
)
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
HOME = reverse("portal:home")
THE_ANSWER = (
    "The username or password is not right, or there were too many attempts in a short "
    "time. Check them and try again a little later; if you forgot your password, reset it."
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def user():
    return UserFactory(username="zhangsan")


def error_summary(response) -> str:
    """The error summary of a sign-in page, whitespace collapsed."""
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return " ".join(match.group(0).split())


def test_the_page_has_labelled_fields_and_the_ways_out(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert '<label class="form-label" for="id_username">Username' in html
    assert 'autocomplete="current-password"' in html
    assert f'href="{reverse("identity:password_reset")}"' in html
    assert f'href="{reverse("identity:register")}"' in html
    assert "error-summary" not in html


def test_the_right_password_signs_in(client, user):
    response = attempt(client, PASSWORD)

    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in(response, client)


def test_a_wrong_password_gets_the_one_answer_and_is_audited(client, user):
    response = attempt(client, "wrong-guess", ip=ATTACKER_IP)

    assert response.status_code == 200
    assert THE_ANSWER in error_summary(response)
    assert "<title>Error:" in response.content.decode()
    entry = AuditEntry.objects.get(action="identity.login_failed")
    assert entry.target_id == str(user.pk)
    assert entry.data["ip"] == ATTACKER_IP
    assert entry.data["username"] == "zhangsan"


# --- no oracle -----------------------------------------------------------------------------


def test_unknown_user_wrong_password_and_throttled_look_the_same(user):
    # given an account whose sixth attempt in one second is throttled
    fail(Client(), 5)

    throttled = attempt(Client(), PASSWORD, ip=ATTACKER_IP)
    wrong = attempt(Client(), "wrong-guess", ip=OWNER_IP)
    unknown = attempt(Client(), "wrong-guess", username="nobody", ip="192.0.2.99")
    inactive_user = UserFactory(username="retired", is_active=False)
    inactive = attempt(Client(), PASSWORD, username=inactive_user.username, ip="192.0.2.98")

    # then all four pages say the same thing, with the same status
    assert {r.status_code for r in (throttled, wrong, unknown, inactive)} == {200}
    answers = {error_summary(r) for r in (throttled, wrong, unknown, inactive)}
    assert len(answers) == 1
    assert THE_ANSWER in answers.pop()
    assert "locked" not in throttled.content.decode()


def test_every_refusal_runs_the_password_hasher_once(monkeypatch, user):
    runs = []
    verify = MD5PasswordHasher.verify

    def counted(self, password, encoded):
        runs.append(encoded)
        return verify(self, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counted)
    UserFactory(username="retired", is_active=False)
    oidc = UserFactory(username="oidc-user")
    oidc.set_unusable_password()
    oidc.save()

    def runs_for(username, password, ip):
        runs.clear()
        attempt(Client(), password, username=username, ip=ip)
        return len(runs)

    fail(Client(), 5)
    counts = {
        "throttled": runs_for("zhangsan", PASSWORD, ATTACKER_IP),
        "wrong password": runs_for("zhangsan", "wrong-guess", OWNER_IP),
        "unknown user": runs_for("nobody", "wrong-guess", OWNER_IP),
        "inactive": runs_for("retired", PASSWORD, OWNER_IP),
        "no usable password": runs_for("oidc-user", "anything", OWNER_IP),
        "right password": runs_for("zhangsan", PASSWORD, OWNER_IP),
    }

    assert counts == dict.fromkeys(counts, 1)


# --- throttling instead of a lock ----------------------------------------------------------


def test_five_wrong_passwords_then_the_waits_double(clock, user):
    client = Client()
    # five wrong passwords at 09:00:00 are free; each asks for a wait from the fifth on
    fail(client, 5, ip=OWNER_IP)
    # the sixth, at once, is refused without being checked (even the right password)
    assert not signed_in(attempt(client, PASSWORD), client)
    clock.shift(timedelta(seconds=1))  # 09:00:01: the 1 s wait is over
    fail(client, 1, ip=OWNER_IP)  # sixth failure: 2 s
    clock.shift(timedelta(seconds=2))  # 09:00:03
    fail(client, 1, ip=OWNER_IP)  # seventh: 4 s
    clock.shift(timedelta(seconds=4))  # 09:00:07
    fail(client, 1, ip=OWNER_IP)  # eighth: 8 s, until 09:00:15

    clock.shift(timedelta(seconds=7, milliseconds=900))  # 09:00:14.9
    refused = attempt(client, PASSWORD)
    clock.shift(timedelta(milliseconds=100))  # 09:00:15
    accepted = attempt(client, PASSWORD)

    assert not signed_in(refused, client)
    assert signed_in(accepted, client)


def test_a_right_password_wipes_the_slate_for_that_client(clock, user):
    client = Client()
    fail(client, 4, ip=OWNER_IP)
    assert signed_in(attempt(client, PASSWORD), client)
    sign_out(client)

    # four more wrong ones are free again: the fifth right one goes through at once
    fail(client, 4, ip=OWNER_IP)
    assert signed_in(attempt(client, PASSWORD), client)


def test_throttled_attempts_are_audited_and_do_not_lengthen_the_wait(clock, user):
    fail(Client(), 5)
    for _ in range(3):
        attempt(Client(), "wrong-guess", ip=ATTACKER_IP)

    throttled = AuditEntry.objects.filter(action="identity.login_throttled")
    assert throttled.count() == 3
    assert throttled.first().data == {
        "username": "zhangsan",
        "ip": ATTACKER_IP,
        "trusted_device": False,
        "wait_seconds": 1,
    }
    assert AuditEntry.objects.filter(action="identity.login_failed").count() == 5
    clock.shift(timedelta(seconds=1))
    assert signed_in(attempt(client := Client(), PASSWORD, ip=ATTACKER_IP), client)


def test_guesses_from_everywhere_slow_a_new_browser_down_five_minutes_at_most(clock, user):
    guess_from_everywhere(clock)

    new_browser = Client()
    clock.move_to(T0 + timedelta(seconds=511 + 299))  # 09:13:30
    refused = attempt(new_browser, PASSWORD, ip="192.0.2.50")
    clock.move_to(T0 + timedelta(seconds=511 + 300))  # 09:13:31
    accepted = attempt(new_browser, PASSWORD, ip="192.0.2.50")

    assert not signed_in(refused, new_browser)
    assert signed_in(accepted, new_browser)


def test_guesses_from_everywhere_do_not_keep_the_owner_out_of_their_browser(clock, user):
    # given the owner's browser has signed in before (it holds the device cookie)
    owner = Client()
    assert signed_in(attempt(owner, PASSWORD, ip=OWNER_IP), owner)
    sign_out(owner)
    # when a botnet has slowed the account down to one guess per 5 minutes
    guess_from_everywhere(clock)
    # then the owner signs in at once from their browser, on any network
    assert signed_in(attempt(owner, PASSWORD, ip="192.0.2.77"), owner)


def test_one_network_trying_many_accounts_is_slowed_down(clock):
    for n in range(30):
        UserFactory(username=f"officer{n}")
    sprayer = Client()
    for n in range(30):  # one wrong password for each of 30 accounts: free
        fail(sprayer, 1, username=f"officer{n}", ip=ATTACKER_IP)
    UserFactory(username="lisi")

    # the thirty-first attempt from that network waits, even with a right password…
    from_there = attempt(Client(), PASSWORD, username="lisi", ip=ATTACKER_IP)
    # …but not from any other network
    elsewhere = Client()
    from_elsewhere = attempt(elsewhere, PASSWORD, username="lisi", ip=OWNER_IP)

    assert from_there.status_code == 200
    assert signed_in(from_elsewhere, elsewhere)


def test_behind_the_proxy_the_configured_header_names_the_client(settings, user):
    settings.YIWANG_CLIENT_IP_HEADER = "X-Real-IP"
    proxy = "10.0.0.2"

    def via_proxy(client, password, client_ip, spoofed=""):
        return client.post(
            LOGIN_URL,
            {"username": "zhangsan", "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_REAL_IP=client_ip,
            HTTP_X_FORWARDED_FOR=spoofed,
            HTTP_ACCEPT_LANGUAGE="en",
        )

    # an attacker behind the proxy, pretending to be the owner in X-Forwarded-For
    for _ in range(5):
        via_proxy(Client(), "wrong-guess", ATTACKER_IP, spoofed=OWNER_IP)

    owner = Client()
    assert signed_in(via_proxy(owner, PASSWORD, OWNER_IP), owner)
    failed = AuditEntry.objects.filter(action="identity.login_failed")
    assert {e.data["ip"] for e in failed} == {ATTACKER_IP}


# --- the admin's sign-in -------------------------------------------------------------------


@pytest.fixture
def admin_user():
    return UserFactory(username="admin1", is_staff=True, is_superuser=True)


def test_the_admin_sign_in_is_throttled_and_gives_the_same_answer(admin_user):
    for _ in range(5):
        attempt(Client(), "wrong-guess", username="admin1", ip=ATTACKER_IP, url=ADMIN_LOGIN)
    citizen_like = UserFactory(username="plainuser")

    throttled = attempt(Client(), PASSWORD, username="admin1", ip=ATTACKER_IP, url=ADMIN_LOGIN)
    not_staff = attempt(Client(), PASSWORD, username=citizen_like.username, url=ADMIN_LOGIN)
    unknown = attempt(Client(), "wrong-guess", username="nobody", url=ADMIN_LOGIN)

    def admin_error(response):
        return re.findall(r'<p class="errornote">\s*(.*?)\s*</p>', response.content.decode(), re.S)

    assert admin_error(throttled) == admin_error(not_staff) == admin_error(unknown) == [THE_ANSWER]
    assert AuditEntry.objects.filter(action="identity.login_failed").count() == 6
    assert AuditEntry.objects.filter(action="identity.login_throttled").count() == 1


def test_the_admin_owner_gets_in_despite_an_attack_elsewhere(clock, admin_user):
    owner = Client()
    assert signed_in(attempt(owner, PASSWORD, username="admin1", url=ADMIN_LOGIN), owner)
    sign_out(owner)
    guess_from_everywhere(clock, username="admin1")

    response = attempt(owner, PASSWORD, username="admin1", url=ADMIN_LOGIN)

    assert signed_in(response, owner)


def test_an_officer_is_never_locked_out_for_good(clock):
    clerk = officer(DepartmentFactory(), "intake_clerk", username="clerk")
    # an attacker keeps guessing from one address for an hour, as fast as allowed
    attacker = Client()
    for _ in range(120):
        attempt(attacker, "wrong-guess", username=clerk.username, ip=ATTACKER_IP)
        clock.shift(timedelta(seconds=30))

    # the clerk, at their desk on another network, signs in with their password
    desk = Client()
    assert signed_in(attempt(desk, PASSWORD, username=clerk.username, ip=OWNER_IP), desk)
