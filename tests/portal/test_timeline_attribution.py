"""Who did each step of a case's timeline, as each side may know them.

The applicant reads their own actions as "You" and everything the department did as the
department, never an officer's name; officers read the applicant (masked) and each
officer by name, the reviewer's name on the review opinion included.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import HOUR, T0, case_world, reviewed_case
from yiwang.cases import services
from yiwang.identity.models import User

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def signed_in(user: User, language: str = "en") -> Client:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    return client


@pytest.fixture
def world():
    world = case_world()  # the applicant is the citizen 张三
    for user, name in ((world.clerk, "Wang Shouli"), (world.reviewer, "Zhao Shencha")):
        user.display_name = name
        user.save(update_fields=["display_name"])
    return world


@pytest.fixture
def case(world):
    """Submitted by 张三, accepted by the clerk, reviewed by the reviewer, then withdrawn."""
    case = reviewed_case(world)
    return services.case_withdraw(
        case=case, applicant=world.applicant, reason="Moved away", at=T0 + 2 * HOUR
    )


def test_the_applicant_reads_you_and_the_department_never_an_officer(world, case):
    text = page(signed_in(world.applicant), reverse("portal:case_detail", args=[case.number]))
    department = world.department.name_en

    assert re.search(r"Application received [^·]* · You Due by", text)
    assert re.search(rf"Application accepted [^·]* · {re.escape(department)} Due by", text)
    assert re.search(r"Application withdrawn [^·]* · You Moved away", text)
    assert "Wang Shouli" not in text and "Zhao Shencha" not in text


def test_the_applicant_reads_you_in_chinese(world, case):
    text = page(
        signed_in(world.applicant, "zh-hans"), reverse("portal:case_detail", args=[case.number])
    )
    assert re.search(r"申请已收到 [^·]* · 您 ", text)
    assert "Wang Shouli" not in text


def test_officers_read_the_applicant_masked_and_each_officer_by_name(world, case):
    text = page(signed_in(world.approver), reverse("workbench:case", args=[case.number]))
    department = world.department.name_en

    # 张三 masked: 张*
    assert re.search(r"Application received Applicant: 张\* ", text)
    assert re.search(r"Application withdrawn Applicant: 张\* ", text)
    assert f"Application accepted Wang Shouli · {department}" in text
    assert f"Review opinion recorded internal Zhao Shencha · {department}" in text
    assert "张三" not in text.split("Timeline", 1)[1]
