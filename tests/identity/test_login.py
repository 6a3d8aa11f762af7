"""Password sign-in with lockout, through the portal's login page and the admin's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.clock import NOW
from tests.factories import UserFactory
from yiwang.core.models import AuditEntry
from yiwang.identity.backends import LockoutModelBackend
from yiwang.identity.services import login_failure_record, login_is_locked

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGIN_URL = reverse("identity:login")


@pytest.fixture
def user():
    return UserFactory(username="zhangsan")


def _login(client, password, username="zhangsan", url=LOGIN_URL):
    return client.post(url, {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en")


def _fail(client, times):
    for _ in range(times):
        response = _login(client, "wrong")
        assert response.status_code == 200
    return response


def test_login_page_renders_accessibly(client):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="label" for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    assert "error-summary" not in html


def test_correct_password_signs_in(client, user):
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_wrong_password_shows_an_error_summary_linking_to_the_field(client, user):
    response = _login(client, "wrong")
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_username"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error:" in html
    user.refresh_from_db()
    assert user.failed_login_count == 1


def test_five_failures_lock_the_account_and_are_audited(client, user):
    # when the user fails five times in a row
    response = _fail(client, 5)
    # then the account is locked for 15 minutes and the page says until when
    user.refresh_from_db()
    assert user.failed_login_count == 5
    assert user.locked_until is not None
    assert user.locked_until == NOW + dt.timedelta(minutes=15)
    html = response.content.decode()
    assert "this account is locked" in html
    assert "2026-03-03 10:15" in html  # Jinan time
    assert "(in 15 minutes)" in html
    assert AuditEntry.objects.filter(action="identity.login_failed").count() == 5
    locked = AuditEntry.objects.get(action="identity.login_locked")
    assert locked.target_id == str(user.pk)


def test_four_failures_do_not_lock(client, user):
    _fail(client, 4)
    user.refresh_from_db()
    assert login_is_locked(user) is None
    assert _login(client, PASSWORD).status_code == 302


def test_correct_password_is_refused_while_locked(client, user):
    _fail(client, 5)
    response = _login(client, PASSWORD)
    assert response.status_code == 200
    assert "this account is locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.failed_login_count == 5  # attempts during the lockout do not extend it


def test_unlocked_after_the_window(client, user):
    _fail(client, 5)
    user.refresh_from_db()
    user.locked_until = NOW - dt.timedelta(seconds=1)
    user.save(update_fields=["locked_until"])

    response = _login(client, PASSWORD)

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (0, None)


def test_window_passes_with_the_clock(client, user, clock):
    _fail(client, 5)
    clock.shift(dt.timedelta(minutes=14))
    assert _login(client, PASSWORD).status_code == 200  # still locked
    clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert _login(client, PASSWORD).status_code == 302


def test_a_failure_after_the_window_starts_a_new_count(client, user):
    _fail(client, 5)
    user.refresh_from_db()
    user.locked_until = NOW - dt.timedelta(seconds=1)
    user.save(update_fields=["locked_until"])
    _fail(client, 1)
    user.refresh_from_db()
    assert (user.failed_login_count, user.locked_until) == (1, None)


def test_success_resets_the_counter(client, user):
    _fail(client, 3)
    assert _login(client, PASSWORD).status_code == 302
    client.logout()
    user.refresh_from_db()
    assert user.failed_login_count == 0
    _fail(client, 4)
    user.refresh_from_db()
    assert login_is_locked(user) is None


def test_settings_change_threshold_and_duration(client, user, settings):
    settings.YIWANG_LOGIN_MAX_FAILURES = 2
    settings.YIWANG_LOGIN_LOCKOUT_MINUTES = 1
    response = _fail(client, 2)
    assert "(in 1 minute)" in response.content.decode()


def test_unknown_username_is_a_plain_error(client):
    response = _login(client, "wrong", username="nobody")
    assert "username or password is not right" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_service_counts_concurrent_state_from_the_database(user):
    stale = type(user).objects.get(pk=user.pk)
    for _ in range(4):
        login_failure_record(user=user)
    until = login_failure_record(user=stale)  # a stale instance still sees 4 failures
    assert until is not None
    assert stale.failed_login_count == 5


# --- admin sign-in ---------------------------------------------------------------


@pytest.fixture
def staff():
    return UserFactory(username="zhangsan", is_staff=True, is_superuser=True)


ADMIN_LOGIN = reverse("admin:login")


def test_admin_login_failures_count(client, staff):
    for _ in range(5):
        _login(client, "wrong", url=ADMIN_LOGIN)
    staff.refresh_from_db()
    assert login_is_locked(staff) is not None


def test_lockout_backend_refuses_the_admin_while_locked(client, staff, settings):
    settings.AUTHENTICATION_BACKENDS = ["yiwang.identity.backends.LockoutModelBackend"]
    for _ in range(5):
        _login(client, "wrong", url=ADMIN_LOGIN)
    response = _login(client, PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lockout_backend(staff, rf):
    backend = LockoutModelBackend()
    request = rf.post("/")
    assert backend.authenticate(request, username="zhangsan", password=PASSWORD) == staff
    staff.locked_until = NOW + dt.timedelta(minutes=1)
    staff.save()
    assert backend.authenticate(request, username="zhangsan", password=PASSWORD) is None
    # a session opened before the lockout stays valid
    assert backend.get_user(staff.pk) == staff
