"""Issue 11: the Chinese workbench showed the statutory clocks in English
("Acceptance limit (受理时限)", "Promised limit"); each is now a translated name."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.clock import NOW
from tests.factories import HOUR, accepted_case, licensing_service, submitted_case

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


SHOP_FORM = {
    "type": "object",
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称", "title_en": "Shop name"},
        "kind": {
            "type": "string",
            "title": "经营类别",
            "title_en": "Line of business",
            "enum": ["hot", "cold"],
            "enumNames": ["热食类", "冷食类"],
            "enumNames_en": ["Hot food", "Cold food"],
        },
    },
    "required": ["shop_name", "kind"],
}


def test_the_officers_read_the_answers_in_the_workbench_language(world):
    # given a case under a bilingual form, answered once (the stored value is "cold")
    case = submitted_case(
        world,
        at=NOW - 5 * HOUR,
        service=licensing_service(department=world.department, form_schema=SHOP_FORM),
        form_data={"shop_name": "泉城小吃", "kind": "cold"},
    )

    zh = case_page(world.clerk, case, "zh-hans")
    en = case_page(world.clerk, case, "en")

    assert "经营类别" in zh and "冷食类" in zh and "Cold food" not in zh
    assert "Line of business" in en and "Cold food" in en and "冷食类" not in en


#: Written in one order, displayed in another (``x-order``), and neither is the order
#: PostgreSQL's jsonb gives keys back in (shorter keys first: contact, district, shop_name).
ORDERED_FORM = {
    "type": "object",
    "properties": {
        "shop_name": {"type": "string", "title": "店铺名称"},
        "contact": {"type": "string", "title": "联系人"},
        "district": {
            "type": "string",
            "title": "所在区县",
            "enum": ["LX", "SZ"],
            "enumNames": ["历下区", "市中区"],
        },
    },
    "x-order": ["district", "shop_name", "contact"],
    "required": ["shop_name", "contact", "district"],
}


def test_the_case_page_shows_the_answers_in_form_order_with_the_choices_titles(world):
    case = submitted_case(
        world,
        at=NOW - 5 * HOUR,
        service=licensing_service(department=world.department, form_schema=ORDERED_FORM),
        form_data={"shop_name": "泉城小吃", "contact": "张三", "district": "SZ"},
    )

    page = case_page(world.clerk, case, "zh-hans")

    answers = page.split('<dl class="wb-facts wb-answers">')[1].split("</dl>")[0]
    labels = [chunk.split("</dt>")[0] for chunk in answers.split("<dt>")[1:]]
    assert labels == ["所在区县", "店铺名称", "联系人"]
    assert "<dd>市中区</dd>" in answers
    assert "SZ" not in answers
