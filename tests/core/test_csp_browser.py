"""The pages of the portal, the workbench, the admin and the API docs work under the
Content-Security-Policy: Chromium reports no violation, and their scripts run."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, case_world, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.csp_violations = []
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and page.csp_violations.append(f"{page.url}: {message.text}")
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, username):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def visit(page, paths):
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")


def test_no_page_breaks_the_policy(new_page):
    world = case_world()
    case = submitted_case(world)
    UserFactory(username="root", is_staff=True, is_superuser=True)
    service = world.service

    # The portal, as the applicant: the scripted menu still opens on a small screen
    citizen = new_page()
    sign_in(citizen, world.applicant.username)
    visit(citizen, ["/", f"/services/{service.item.code}/", "/cases/", f"/cases/{case.number}/"])
    citizen.set_viewport_size({"width": 375, "height": 700})
    citizen.locator(".nav-toggle summary").click()
    assert citizen.locator("#main-nav").evaluate("n => n.classList.contains('is-open')")

    # The workbench, as the clerk
    clerk = new_page()
    sign_in(clerk, world.clerk.username)
    visit(clerk, ["/workbench/", f"/workbench/cases/{case.number}/"])

    # The admin: lists, a form with inlines and date widgets, the catalog's own form
    admin = new_page()
    sign_in(admin, "root")
    visit(
        admin,
        [
            "/admin/",
            "/admin/identity/user/",
            f"/admin/identity/user/{world.applicant.pk}/change/",
            "/admin/core/calendaryear/add/",
            f"/admin/catalog/serviceversion/{service.pk}/change/",
            "/admin/identity/throttle/",
        ],
    )
    admin.goto("/admin/core/calendaryear/add/")
    rows = admin.locator("tr.dynamic-days").count()
    admin.locator(".add-row a").first.click()  # the admin's inline script adds a day row
    assert admin.locator("tr.dynamic-days").count() == rows + 1

    # The API docs: Swagger UI renders the operations from this site's copy
    docs = new_page()
    docs.goto("/api/v1/docs")
    docs.locator(".opblock").first.wait_for()
    assert docs.locator(".opblock").count() > 5

    violations = [v for p in (citizen, clerk, admin, docs) for v in p.csp_violations]
    assert violations == []
