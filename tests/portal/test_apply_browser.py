"""A citizen applies online in a real browser and finds the case in My cases.

One journey (Playwright + Debian's Chromium); the citizen ↔ officer journey
builds on the same element ids and labels.
"""

from __future__ import annotations

import pytest

from tests.a11y import accessibility_problems
from tests.factories import PDF_BYTES, citizen
from tests.portal.test_apply import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_citizen_applies_with_a_file_and_finds_the_case_in_my_cases(page, tmp_path):
    service = make_service()
    citizen(username="zhangsan")
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(PDF_BYTES)
    problems: list[str] = []

    # From the service guide, "Apply online" asks to sign in first, then comes back
    page.goto(f"/services/{service.item.code}/")
    page.locator("#apply-online").click()
    page.get_by_label("Username").fill("zhangsan")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/services/{service.item.code}/apply/")

    page.get_by_label("Myself (zhangsan)").check()
    page.locator("#start-application").click()
    page.wait_for_url("**/applications/*/form/")

    # Part 1: the name and phone are prefilled from the profile
    assert page.get_by_label("Applicant name").input_value() == "张三"
    page.get_by_label("Opening date").fill("2026-12-01")
    page.get_by_label("Food shop").check()
    page.get_by_label("Employees").fill("none")
    page.locator("#save-continue").click()
    # a field that is not a number is reported next to it and in the summary
    summary = page.locator("#error-summary")
    assert summary.get_by_role("link", name="Employees: Enter a whole number.").is_visible()
    problems += accessibility_problems(page)
    page.get_by_label("Employees").fill("12")
    page.locator("#save-continue").click()

    # Part 2: the address; part 3: the partners (a repeating group)
    page.get_by_label("District").select_option("历下区")
    page.get_by_label("Street and number").fill("泉城路1号")
    page.locator("#save-continue").click()
    page.get_by_label("Partner name").fill("李四")
    page.locator("#save-continue").click()

    # Materials: upload the letter
    page.wait_for_url("**/materials/")
    page.get_by_label("File for Application letter").set_input_files(letter)
    page.locator(f"#material-{service.materials.get(name_en='Application letter').pk}").get_by_role(
        "button", name="Upload"
    ).click()
    assert page.get_by_text("“letter.pdf” has been uploaded.").is_visible()
    problems += accessibility_problems(page)
    page.locator("#materials-continue").click()

    # Check and submit
    answers = page.locator("#answers")
    assert answers.get_by_text("泉城路1号").is_visible()
    problems += accessibility_problems(page)
    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*/?submitted=1")
    number = page.locator("#case-number").inner_text()
    assert page.locator("#confirmation").get_by_text(number).is_visible()
    assert page.locator("#case-status").inner_text() == "Waiting to be accepted"
    assert page.locator("#timeline").get_by_text("Application received").is_visible()
    problems += accessibility_problems(page)

    # My cases lists it
    page.goto("/cases/")
    card = page.locator(f'[data-case-number="{number}"]')
    assert card.get_by_text("Waiting to be accepted").is_visible()
    card.get_by_role("link").click()
    page.wait_for_url(f"**/cases/{number}/")

    assert not problems, "\n".join(problems)
