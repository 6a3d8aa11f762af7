"""The tracker's stepper on a phone (375 px wide) in a real browser: it fits, the current
step is announced, and axe finds nothing serious."""

from __future__ import annotations

import os

import pytest

from tests.a11y import accessibility_problems
from tests.factories import accepted_case, case_world, citizen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_stepper_fits_a_phone_and_marks_the_current_step(phone):
    world = case_world()
    world.applicant = citizen(username="zhangsan")
    case = accepted_case(world, applicant=world.applicant)

    phone.goto(f"/accounts/login/?next=/cases/{case.number}/")
    phone.locator("#id_username").fill("zhangsan")
    phone.locator("#id_password").fill("correct-horse-battery")
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url(f"**/cases/{case.number}/")

    steps = phone.locator("#steps > li")
    assert steps.count() == 6
    current = phone.locator('#steps > li[aria-current="step"]')
    assert current.count() == 1
    assert "审查" in current.inner_text()
    # nothing sticks out sideways at 375 px
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    box = phone.locator("#steps").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    if os.environ.get("YIWANG_SCREENSHOTS"):
        phone.locator("#steps").screenshot(path=os.environ["YIWANG_SCREENSHOTS"])
    assert accessibility_problems(phone, "#steps") == []
