"""The citizen's journey through the portal in a real browser (Playwright + Debian's Chromium).

One browser per module; each test gets a fresh context (cookies) against the live server.
"""

from __future__ import annotations

import pytest

from tests.a11y import accessibility_problems
from tests.portal.conftest import build_catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    # A visitor from China: the browser asks for Chinese, as most of Jinan's do.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_find_a_service_in_both_languages(page):
    catalog = build_catalog()

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "政务服务，一网通办"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Government services, all in one place"
    assert page.get_by_role("link", name="Having a baby").is_visible()

    page.get_by_role("button", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "政务服务，一网通办"

    page.get_by_role("searchbox", name="搜索服务事项").fill("执照")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".service-list")
    assert results.get_by_role("link", name="个体工商户营业执照核发").is_visible()

    results.get_by_role("link", name="企业设立登记").click()
    page.wait_for_url(f"**/services/{catalog.company.item.code}/")
    materials = page.get_by_role("table")
    assert materials.get_by_text("公司章程").is_visible()
    assert materials.get_by_text("可用电子证照：居民身份证").is_visible()


def test_key_pages_have_no_serious_accessibility_violations(page):
    catalog = build_catalog()
    problems = []
    for path in [
        "/",
        "/search/?q=执照",
        f"/services/{catalog.company.item.code}/",
        "/services/?service_object=person&kind=magic",  # with an error summary
    ]:
        page.goto(path)
        problems += accessibility_problems(page)

    assert not problems, "\n".join(problems)
