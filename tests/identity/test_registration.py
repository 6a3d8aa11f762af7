"""A citizen opens an account on the portal, then applies: every field checked, told all at
once and in their language; nothing half-written; one resident ID, one account."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import T0, citizen, licensing_service, resident_id
from yiwang.cases.models import Application
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Citizen, Role, RoleAssignment, User

pytestmark = pytest.mark.django_db

REGISTER_URL = reverse("identity:register")
LI_SI_ID = "11010519491231002X"  # GB 11643's own example (born 1949-12-31, Beijing Chaoyang)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def form(**overrides):
    data = {
        "name": "李四",
        "resident_id": LI_SI_ID,
        "phone": "139 0531 8888",
        "email": "lisi@example.org",
        "username": "lisi",
        "password1": "quan-cheng-2026-spring",
        "password2": "quan-cheng-2026-spring",
    }
    data.update(overrides)
    return data


def register(client, *, ip="198.51.100.20", language="en", next_url="", **overrides):
    url = REGISTER_URL + (f"?next={next_url}" if next_url else "")
    return client.post(url, form(**overrides), REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=language)


def field_errors(response) -> dict[str, str]:
    """What the page says under each field, by field id."""
    html = response.content.decode()
    return {
        field: re.sub(r"^(Error:|错误：)\s*", "", " ".join(re.sub(r"<[^>]+>", "", text).split()))
        for field, text in re.findall(r'<p class="form-error" id="id_(\w+)_error">(.*?)</p>', html)
    }


def rows():
    return (
        User.objects.count(),
        Citizen.objects.count(),
        RoleAssignment.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_citizen_registers_is_signed_in_and_can_apply(client):
    service = licensing_service()
    start = reverse("portal:application_start", args=[service.item.code])

    response = register(client, next_url=start)

    assert response.status_code == 302
    assert response.url == start
    user = User.objects.get(username="lisi")
    assert (user.display_name, user.phone, user.email) == (
        "李四",
        "13905318888",
        "lisi@example.org",
    )
    assert user.check_password("quan-cheng-2026-spring")
    assert (user.citizen.name, user.citizen.resident_id, user.citizen.phone) == (
        "李四",
        LI_SI_ID,
        "13905318888",
    )
    assert list(user.role_assignments.values_list("role", "department")) == [(Role.CITIZEN, None)]
    assert user.groups.filter(name=Role.CITIZEN).exists()
    assert int(client.session["_auth_user_id"]) == user.pk
    audited = AuditEntry.objects.filter(actor=user).values_list("action", flat=True)
    assert set(audited) == {"identity.account_register", "identity.citizen_register"}
    assert AuditEntry.objects.get(action="identity.account_register").data == {
        "ip": "198.51.100.20"
    }

    # and the new citizen applies at once
    started = client.post(start, {"applicant": "self"}, HTTP_ACCEPT_LANGUAGE="en")
    assert started.status_code == 302
    assert Application.objects.filter(applicant=user).count() == 1


def test_every_problem_is_told_at_once_and_nothing_is_written(client):
    citizen(username="lisi")
    before = rows()

    response = register(
        client,
        resident_id="110105194912310021",  # check character should be X
        phone="0531-66608001",  # a landline receives no text message
        email="lisi@",
        password1="12345678",
        password2="12345678",
    )

    assert response.status_code == 422
    assert field_errors(response) == {
        "username": "This username is taken. Choose another one.",
        "resident_id": (
            "The check character of the resident ID number is wrong: expected X, got 1."
        ),
        "phone": "Enter a mobile number of 11 digits starting with 1, such as 13812345678.",
        "email": "Enter a valid email address.",
        "password1": ("This password is too common. This password is entirely numeric."),
    }
    assert "There is a problem" in response.content.decode()
    assert rows() == before
    assert "_auth_user_id" not in client.session


def test_the_errors_speak_chinese_to_a_chinese_visitor(client):
    response = register(client, language="zh-hans", password2="something-else-2026")

    assert field_errors(response) == {
        "password2": "两次输入的密码不一致，请输入相同的密码。",
    }
    assert "<title>错误：" in response.content.decode()


def test_the_service_errors_speak_chinese_too(client):
    response = register(client, language="zh-hans", resident_id="110105194912310021")

    assert field_errors(response) == {
        "resident_id": "公民身份号码校验码错误：应为 X，实际为 1。",
    }


def test_a_resident_id_with_an_account_is_refused_without_saying_whose(client):
    citizen(username="zhangsan", name="张三", id_number=LI_SI_ID)
    before = rows()

    # the same number, typed with a lower-case x
    response = register(client, resident_id=LI_SI_ID.lower(), username="someone")

    assert field_errors(response) == {
        "resident_id": (
            "This resident ID number already has an account. If it is yours, sign in or reset "
            "your password; if you never registered, call the 12345 hotline."
        )
    }
    html = response.content.decode()
    assert "zhangsan" not in html
    assert "张三" not in html
    assert rows() == before


def test_a_failure_half_way_leaves_no_account(client, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("yiwang.identity.services.applicants.citizen_register", broken)
    before = rows()

    with pytest.raises(RuntimeError):
        register(client)

    assert rows() == before


def test_the_two_passwords_must_match(client):
    response = register(client, password2="quan-cheng-2026-autumn")

    assert field_errors(response) == {
        "password2": "The two passwords are not the same. Type the same one twice."
    }
    assert not User.objects.filter(username="lisi").exists()


def test_sign_ups_from_one_network_are_throttled(clock):
    # ten sign-ups from one network at 09:00 are free
    for n in range(10):
        ok = register(
            Client(),
            ip="203.0.113.5",
            username=f"citizen{n}",
            resident_id=resident_id(),
            phone=f"1390531{n:04d}",
        )
        assert ok.status_code == 302
    before = rows()

    # the eleventh waits a minute, and nothing of it is written…
    refused = register(Client(), ip="203.0.113.5", username="late", resident_id=resident_id())
    assert refused.status_code == 429
    assert (
        "Too many accounts were opened from your network in a short time. "
        "Try again in 1 minute." in refused.content.decode()
    )
    assert rows() == before
    assert not User.objects.filter(username="late").exists()

    # …while another network signs up as usual
    elsewhere = register(Client(), ip="198.51.100.99", username="other", resident_id=resident_id())
    assert elsewhere.status_code == 302


def test_a_signed_in_person_is_sent_on(client):
    client.force_login(citizen())

    response = client.get(REGISTER_URL)

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
