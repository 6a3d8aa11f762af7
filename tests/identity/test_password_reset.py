"""Forgotten passwords: a link by e-mail, a code by SMS; once, for 30 minutes, no oracle.

Requests go through the pages; the messages leave from the real background
worker; e-mail goes to Django's test outbox and SMS to a recording gateway.
Every test runs at T0 (Monday 2 March 2026, 09:00) with the clock stopped.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import T0, UserFactory
from tests.identity.helpers import (
    OWNER_IP,
    PASSWORD,
    attempt,
    guess_from_everywhere,
    signed_in,
)
from yiwang.core.models import AuditEntry
from yiwang.identity.models import PasswordResetCode, User
from yiwang.identity.services import ResetRefused, password_reset_confirm_sms

# The real worker runs the tasks; it closes its connection when done, so each test
# commits for real (on PostgreSQL a test transaction would be closed under it).
pytestmark = pytest.mark.django_db(transaction=True)

REQUEST_URL = reverse("identity:password_reset")
CODE_URL = reverse("identity:password_reset_code")
NEW_PASSWORD = "quan-cheng-2026-spring"
WRONG_CODE_MESSAGE = (
    "This code is not right, has expired or was used already. Check it, or ask for a new code."
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def codes(monkeypatch):
    """The codes the SMS task draws, in order: 123456, 654321, 111111 …"""
    drawn = iter([123456, 654321, 111111, 222222])
    monkeypatch.setattr(
        "yiwang.identity.services.password_reset.secrets.randbelow", lambda _n: next(drawn)
    )


@pytest.fixture
def zhangsan():
    return UserFactory(username="zhangsan", email="zhangsan@example.org", phone="13812345678")


def ask(client, account, *, ip=OWNER_IP):
    return client.post(REQUEST_URL, {"account": account}, REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE="en")


def page(client, url):
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def main_text(html: str) -> str:
    """The page's main content, whitespace collapsed (what the person reads)."""
    main = re.search(r'<main id="main".*?</main>', html, re.S).group(0)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)
    return " ".join(main.split())


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def code_in(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


def choose(client, url, password=NEW_PASSWORD):
    return client.post(
        url,
        {"new_password1": password, "new_password2": password},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def enter_code(client, code, password=NEW_PASSWORD, *, ip=OWNER_IP):
    return client.post(
        CODE_URL,
        {"code": code, "new_password1": password, "new_password2": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def password_of(user) -> str:
    user.refresh_from_db()
    return user.password


# --- by e-mail -------------------------------------------------------------------------------


def test_the_emailed_link_changes_the_password_once(client, zhangsan, run_worker):
    response = ask(client, "ZhangSan@Example.org")

    # the page says a link is on its way; the task carries no secret
    assert response.status_code == 302
    assert response.url == reverse("identity:password_reset_sent")
    task = DBTaskResult.objects.get(task_path="yiwang.identity.tasks.password_reset_email_send")
    assert task.args_kwargs["args"] == [zhangsan.pk, "http://testserver/", "en"]
    assert mail.outbox == []

    run_worker()
    (message,) = mail.outbox
    assert message.to == ["zhangsan@example.org"]
    assert message.subject == "Reset your password"
    assert "open this link within 30 minutes" in message.body
    link = link_in(message)

    # following the link hides the token and asks for the new password
    opened = client.get(link, HTTP_ACCEPT_LANGUAGE="en")
    assert opened.status_code == 302
    assert opened.url.endswith("/set-password/")
    assert "Choose a new password" in page(client, opened.url)
    done = choose(client, opened.url)
    assert done.url == reverse("identity:password_reset_complete")
    zhangsan.refresh_from_db()
    assert zhangsan.check_password(NEW_PASSWORD)
    entry = AuditEntry.objects.get(action="identity.password_reset")
    assert entry.data == {"channel": "email", "ip": "127.0.0.1"}

    # the same link, a second time, no longer works
    again = Client().get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "This link does not work" in again.content.decode()


def test_the_link_works_for_30_minutes(clock, zhangsan, run_worker):
    ask(Client(), "zhangsan@example.org")
    run_worker()  # 09:00: the link is made
    link = link_in(mail.outbox[0])
    before = password_of(zhangsan)

    clock.move_to(T0 + timedelta(minutes=30, seconds=1))
    late = Client()
    opened = late.get(link, follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "This link does not work" in opened.content.decode()
    assert password_of(zhangsan) == before


def test_an_address_without_account_gets_the_same_answer(zhangsan, run_worker):
    known, unknown = Client(), Client()

    known_answer = ask(known, "zhangsan@example.org")
    unknown_answer = ask(unknown, "nobody@example.org", ip="192.0.2.9")

    assert (known_answer.status_code, known_answer.url) == (
        unknown_answer.status_code,
        unknown_answer.url,
    )
    assert main_text(page(known, known_answer.url)) == main_text(page(unknown, unknown_answer.url))
    run_worker()
    assert [m.to for m in mail.outbox] == [["zhangsan@example.org"]]
    entries = AuditEntry.objects.filter(action="identity.password_reset_request").order_by("id")
    assert [(e.target_id, e.data["to"]) for e in entries] == [
        (str(zhangsan.pk), "z*******@example.org"),
        ("", "n*****@example.org"),
    ]


def test_accounts_that_cannot_use_a_password_get_no_link(run_worker):
    UserFactory(username="retired", email="old@example.org", is_active=False)
    platform_user = UserFactory(username="oidc-1", email="oidc@example.org")
    platform_user.set_unusable_password()
    platform_user.save()

    ask(Client(), "old@example.org")
    ask(Client(), "oidc@example.org")
    run_worker()

    assert mail.outbox == []


def test_asking_again_and_again_is_throttled_silently(clock, zhangsan, run_worker):
    # three requests at 09:00 are free; the fourth looks the same but sends nothing
    answers = [ask(Client(), "zhangsan@example.org") for _ in range(4)]
    run_worker()

    assert {a.url for a in answers} == {reverse("identity:password_reset_sent")}
    assert len(mail.outbox) == 3
    throttled = AuditEntry.objects.get(action="identity.password_reset_throttled")
    assert throttled.data["to"] == "z*******@example.org"

    clock.move_to(T0 + timedelta(minutes=1))  # the wait after the third was 1 minute
    ask(Client(), "zhangsan@example.org")
    run_worker()
    assert len(mail.outbox) == 4


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, zhangsan, run_worker):
    ask(client, "zhangsan@example.org")
    run_worker()
    opened = client.get(link_in(mail.outbox[0]))

    weak = choose(client, opened.url, password="12345678")
    strong = choose(client, opened.url)

    assert weak.status_code == 200
    assert "This password is too common." in weak.content.decode()
    assert strong.url == reverse("identity:password_reset_complete")


def test_a_reset_signs_the_account_out_everywhere_else(client, zhangsan, run_worker):
    elsewhere = Client()
    elsewhere.force_login(zhangsan)
    assert elsewhere.get(reverse("portal:case_list")).status_code == 200

    ask(client, "zhangsan@example.org")
    run_worker()
    choose(client, client.get(link_in(mail.outbox[0])).url)

    response = elsewhere.get(reverse("portal:case_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("identity:login"))


# --- by SMS ----------------------------------------------------------------------------------


def test_the_sms_code_changes_the_password_once(client, zhangsan, run_worker, sms):
    response = ask(client, "+86 138-1234-5678")

    assert response.url == CODE_URL
    code_row = PasswordResetCode.objects.get(user=zhangsan)
    assert (code_row.phone, code_row.code_hash, code_row.expires_at) == (
        "13812345678",
        "",
        T0 + timedelta(minutes=30),
    )
    task = DBTaskResult.objects.get(task_path="yiwang.identity.tasks.password_reset_code_send")
    assert task.args_kwargs["args"] == [code_row.pk, "en"]

    run_worker()
    ((phone, text),) = sms
    code = code_in(text)
    assert phone == "13812345678"
    assert text == (
        "Jinan: 123456 is your code to reset the password of zhangsan. It is valid for "
        "30 minutes. If you did not ask for it, ignore this message."
    )
    code_row.refresh_from_db()
    assert code_row.code_hash and code not in code_row.code_hash  # only a keyed hash is kept

    done = enter_code(client, code)
    assert done.url == reverse("identity:password_reset_complete")
    zhangsan.refresh_from_db()
    assert zhangsan.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.get(action="identity.password_reset").data == {
        "channel": "sms",
        "ip": OWNER_IP,
    }
    with pytest.raises(ResetRefused):
        password_reset_confirm_sms(
            phone="13812345678", code=code, new_password="another-one-2026", address=OWNER_IP
        )
    assert zhangsan.check_password(NEW_PASSWORD)


def test_five_wrong_codes_void_the_code(clock, client, zhangsan, run_worker, sms):
    ask(client, "13812345678")
    run_worker()
    right, wrong = code_in(sms[0][1]), "000000"
    before = password_of(zhangsan)

    answers = [enter_code(client, wrong) for _ in range(5)]
    clock.move_to(T0 + timedelta(minutes=1))  # past the number's wait after five wrong codes
    last = enter_code(client, right)

    for answer in [*answers, last]:
        assert answer.status_code == 422
        assert WRONG_CODE_MESSAGE in answer.content.decode()
    assert password_of(zhangsan) == before
    assert AuditEntry.objects.filter(action="identity.password_reset_code_wrong").count() == 6


def test_wrong_codes_slow_the_number_down(client, zhangsan, run_worker, sms):
    ask(client, "13812345678")
    run_worker()
    right = code_in(sms[0][1])

    for _ in range(5):
        enter_code(client, "000000")
    throttled = enter_code(client, right)

    assert throttled.status_code == 429
    assert "Too many wrong codes for this number. Try again in 1 minute." in (
        throttled.content.decode()
    )


def test_the_code_works_for_30_minutes(clock, client, zhangsan, run_worker, sms):
    ask(client, "13812345678")
    run_worker()
    before = password_of(zhangsan)

    clock.move_to(T0 + timedelta(minutes=30))
    expired = enter_code(client, code_in(sms[0][1]))

    assert WRONG_CODE_MESSAGE in expired.content.decode()
    assert password_of(zhangsan) == before


def test_a_number_without_account_gets_the_same_pages(zhangsan, run_worker, sms):
    known, unknown = Client(), Client()

    ask(known, "13812345678")
    ask(unknown, "13912345678", ip="192.0.2.9")
    run_worker()

    known_page = main_text(page(known, CODE_URL)).replace("138****5678", "NUMBER")
    unknown_page = main_text(page(unknown, CODE_URL)).replace("139****5678", "NUMBER")
    assert known_page == unknown_page
    assert [phone for phone, _text in sms] == ["13812345678"]
    known_wrong = enter_code(known, "000000")
    unknown_wrong = enter_code(unknown, "123456", ip="192.0.2.9")
    assert known_wrong.status_code == unknown_wrong.status_code == 422
    assert WRONG_CODE_MESSAGE in unknown_wrong.content.decode()


def test_a_new_code_replaces_the_last_one(client, zhangsan, run_worker, sms):
    ask(client, "13812345678")
    run_worker()
    ask(client, "13812345678")
    run_worker()
    assert [code_in(text) for _phone, text in sms] == ["123456", "654321"]

    assert enter_code(client, "123456").status_code == 422
    assert enter_code(client, "654321").url == reverse("identity:password_reset_complete")


def test_the_code_page_needs_a_request_first(client):
    response = client.get(CODE_URL)

    assert response.status_code == 302
    assert response.url == REQUEST_URL


def test_a_reset_makes_this_browser_trusted_for_the_account(
    clock, client, zhangsan, run_worker, sms
):
    # given a botnet has slowed the account down to one guess per 5 minutes
    guess_from_everywhere(clock)
    # when the owner resets the password by SMS from a browser that never signed in
    ask(client, "13812345678")
    run_worker()
    enter_code(client, code_in(sms[0][1]))
    # then that browser signs in at once with the new password
    assert signed_in(attempt(client, NEW_PASSWORD), client)
    assert not User.objects.get(pk=zhangsan.pk).check_password(PASSWORD)
