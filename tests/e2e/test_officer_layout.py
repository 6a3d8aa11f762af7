"""The officer's layout in Chromium: the queue beside the case on a wide screen, ``j`` opens
the next case in the queue's order (``k`` the previous one), the shortcuts' help is on the
page, and on a phone the same page still offers the next case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command

from tests.clock import NOW
from tests.demo.walk import SOLE_PROPRIETOR_REGISTRATION, submit
from tests.e2e.test_one_stop_journey import sign_in
from yiwang.catalog.models import ServiceVersion

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_j_opens_the_next_case_of_the_queue_and_k_goes_back(new_page):
    from playwright.sync_api import expect

    from tests.factories import PDF_BYTES

    call_command("load_demo", "--quiet")
    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    for minutes in (0, 5, 10):
        submit(version, NOW + timedelta(minutes=minutes), PDF_BYTES)
    officer = new_page()
    officer.set_viewport_size({"width": 1680, "height": 1000})
    sign_in(officer, "clerk_scjg", next_url="/workbench/")
    numbers = officer.locator("tr.wb-queue__row").evaluate_all(
        "rows => rows.map(r => r.dataset.case)"
    )
    assert len(numbers) >= 2, "three applications wait for the clerk"
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.get_by_role("link", name=numbers[0], exact=True).click()

    # The queue that follows the case is beside it, and the shortcuts are explained
    beside = officer.get_by_role("complementary", name="Next in the queue")
    expect(beside).to_be_visible()
    expect(beside.get_by_role("link").first).to_contain_text(numbers[1])
    case_box = officer.locator(".wb-officer__case").bounding_box()
    beside_box = beside.bounding_box()
    assert beside_box["x"] + beside_box["width"] <= case_box["x"], "beside, not below"
    officer.keyboard.press("?")
    expect(officer.get_by_text("Next case in the queue")).to_be_visible()

    # j opens the next case, k the one before
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.keyboard.press("j")
    expect(officer.locator("h1")).to_have_text(numbers[1])
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.keyboard.press("k")
    expect(officer.locator("h1")).to_have_text(numbers[0])

    # On a phone the case comes first, and the next case is still a link away
    officer.set_viewport_size({"width": 390, "height": 844})
    expect(officer.get_by_role("link", name="Next case")).to_be_visible()
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
