"""Issue 11: the Chinese workbench showed the statutory clocks in English
("Acceptance limit (受理时限)", "Promised limit"); each is now a translated name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.clock import NOW
from tests.factories import HOUR, accepted_case, submitted_case

pytestmark = pytest.mark.django_db


def case_page(user, case, language: str) -> str:
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    response = client.get(reverse("workbench:case", kwargs={"number": case.number}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("make", "chinese", "english"),
    [
        (submitted_case, "受理时限", "Acceptance limit"),
        (accepted_case, "承诺时限", "Promised limit"),
    ],
)
def test_the_clock_is_named_in_the_workbench_language(world, make, chinese, english):
    case = make(world, at=NOW - 5 * HOUR)

    zh = case_page(world.clerk, case, "zh-hans")
    en = case_page(world.clerk, case, "en")

    assert f'<p class="wb-clock__name">{chinese}</p>' in zh and english not in zh
    assert f'<p class="wb-clock__name">{english}</p>' in en and chinese not in en
