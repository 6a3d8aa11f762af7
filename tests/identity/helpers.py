"""Signing in through the portal's page, and the SMS gateway faked at its boundary."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from tests.factories import T0
from yiwang.core.models import AuditEntry

PASSWORD = "correct-horse-battery"
LOGIN_URL = reverse("identity:login")
OWNER_IP = "198.51.100.10"
ATTACKER_IP = "203.0.113.7"


def attempt(client, password, *, username="zhangsan", ip=OWNER_IP, url=LOGIN_URL):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def signed_in(response, client) -> bool:
    return response.status_code == 302 and "_auth_user_id" in client.session


def sign_out(client):
    """The sign-out button (Client.logout() would also drop every cookie)."""
    client.post(reverse("identity:logout"))
    assert "_auth_user_id" not in client.session


def fail(client, times, *, username="zhangsan", ip=ATTACKER_IP):
    for _ in range(times):
        response = attempt(client, "wrong-guess", username=username, ip=ip)
        assert response.status_code == 200
    return response


def guess_from_everywhere(clock, username="zhangsan"):
    """A botnet: ten guesses at once from ten addresses, then one more, from a new address,
    each time the account lets one through, until its wait is the longest (5 minutes).

    The account's waits after 10, 11, … remembered guesses are 1 s, 2 s, 4 s … so the
    guesses land at 09:00:00 (×10), :01, :03, :07, :15, :31, 09:01:03, 09:02:07, 09:04:15
    and 09:08:31; the nineteenth asks for min(512 s, 5 min) = 5 min, until 09:13:31.
    Leaves the clock at 09:08:31.
    """
    addresses = (f"203.0.113.{n}" for n in range(1, 255))
    for _ in range(10):
        fail(Client(), 1, username=username, ip=next(addresses))
    for offset in (1, 3, 7, 15, 31, 63, 127, 255, 511):
        clock.move_to(T0 + timedelta(seconds=offset))
        fail(Client(), 1, username=username, ip=next(addresses))
    failed = AuditEntry.objects.filter(action="identity.login_failed", data__username=username)
    assert failed.count() == 19
    assert not AuditEntry.objects.filter(action="identity.login_throttled").exists()


class RecordingSmsSender:
    """The SMS gateway (``YIWANG_SMS_SENDER``): keeps (phone, text) instead of sending."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
