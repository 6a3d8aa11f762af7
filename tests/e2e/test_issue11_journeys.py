"""Issue 11's journeys in Chromium, with the demo accounts that ``load_demo`` prints.

- 即办 registration (个体工商户设立登记) to completion: the clerk accepts, the market
  regulator's handler completes (confirming what the applicant receives), the tracker
  shows 即办 rather than five working days;
- a bad rating (非常不满意) answered through rectification: the department's head is
  notified, replies, and the citizen rates the reply;
- a withdrawal from the tracker, confirmed on its own page, seen by the officer.

The reviewer's opinion before the decision is part of the licence journey
(test_one_stop_journey.py). The applications are made through the cases services (the
application form itself is that journey's subject); everything after is done in the pages.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.clock import NOW
from tests.demo.walk import SOLE_PROPRIETOR_REGISTRATION, submit, walk_from
from tests.e2e.test_one_stop_journey import act, sign_in, sign_out
from tests.factories import fan_out
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import CITIZEN

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REPLY = "We have talked to the window staff: all documents are now listed at once."


def _sole_proprietor_case() -> Case:
    from tests.factories import PDF_BYTES

    call_command("load_demo", "--quiet")
    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    case, _applicant = submit(version, NOW, PDF_BYTES)
    return case


def test_an_on_the_spot_registration_is_completed_the_same_day(new_page):
    from playwright.sync_api import expect

    number = _sole_proprietor_case().number
    citizen, officer = new_page(), new_page()

    sign_in(citizen, CITIZEN["username"], next_url=f"/cases/{number}/")
    expect(citizen.locator("#on-the-spot")).to_be_visible()

    sign_in(officer, "clerk_scjg", next_url=f"/workbench/cases/{number}/")
    expect(officer.locator("#on-the-spot")).to_be_visible()
    act(officer, "accept", "Accept the application")
    expect(officer.locator("dd[data-step]")).to_have_text("Accepted, being handled")
    sign_out(officer)

    sign_in(officer, "handler_scjg", next_url=f"/workbench/cases/{number}/")
    act(officer, "complete", "Complete the case")
    expect(officer.locator("dd[data-step]")).to_have_text("Completed")

    citizen.goto(f"/cases/{number}/")
    expect(citizen.locator("#case-status")).to_have_text("Completed")
    citizen.locator("#rating-form").get_by_label("Very satisfied", exact=True).check()
    citizen.locator("#submit-rating").click()
    expect(citizen.get_by_text("Thank you for rating this service.")).to_be_visible()


def test_a_bad_rating_is_answered_through_rectification(new_page):
    from playwright.sync_api import expect

    case, _path = walk_from(_sole_proprietor_case())
    number = case.number
    citizen, officer = new_page(), new_page()

    sign_in(citizen, CITIZEN["username"], next_url=f"/cases/{number}/")
    rating = citizen.locator("#rating-form")
    rating.get_by_label("Very dissatisfied", exact=True).check()
    rating.get_by_label("Comments").fill("I had to come twice.")
    citizen.locator("#submit-rating").click()
    expect(citizen.locator("#rating")).to_contain_text("reply by")
    fan_out()  # the worker, after the rating's commit: the supervisors are told

    sign_in(officer, "head_scjg", next_url="/notifications/")
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.get_by_role("link", name="A bad rating to answer").click()
    officer.wait_for_url("**/workbench/rectifications/**")
    task = officer.locator(".wb-task", has_text=number)
    task.get_by_label("Reply").fill(REPLY)
    with officer.expect_navigation(wait_until="domcontentloaded"):
        task.get_by_role("button", name="Send the reply").click()
    expect(officer.get_by_text("Your reply was sent to the applicant.")).to_be_visible()

    citizen.goto(f"/cases/{number}/")
    expect(citizen.locator("#rectification-reply")).to_have_text(REPLY)
    citizen.locator("#follow-up-form").get_by_label("Satisfied", exact=True).check()
    citizen.locator("#submit-follow-up").click()
    expect(citizen.locator("#rating")).to_contain_text("You rated the reply “Satisfied”")


def test_the_citizen_withdraws_and_the_officer_sees_it(new_page):
    from playwright.sync_api import expect

    number = _sole_proprietor_case().number
    citizen, officer = new_page(), new_page()

    sign_in(citizen, CITIZEN["username"], next_url=f"/cases/{number}/")
    citizen.locator("#withdraw-application").click()
    citizen.wait_for_url(f"**/cases/{number}/withdraw/")
    citizen.get_by_label("Why are you withdrawing?").fill("Opening postponed.")
    citizen.locator("#confirm-withdraw").click()
    expect(citizen.get_by_text("Your application was withdrawn.")).to_be_visible()
    expect(citizen.locator("#case-status")).to_have_text("Withdrawn")
    expect(citizen.locator("#withdraw-application")).to_have_count(0)

    sign_in(officer, "clerk_scjg", next_url=f"/workbench/cases/{number}/")
    expect(officer.locator("dd[data-step]")).to_have_text("Withdrawn")
    expect(officer.locator(".wb-timeline")).to_contain_text("Opening postponed.")

    from yiwang.core.audit import audit_verify

    assert audit_verify().ok
