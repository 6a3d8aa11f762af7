"""一网通办 end to end: a citizen and the officers of a department handle one case in Chromium.

The journey of issue 4, once, through the real pages of the demo city: the
citizen applies for a food business licence with PDF uploads, the intake clerk
accepts, the reviewer asks for a supplement, the citizen answers it, the
approver approves, issues the certificate and completes the case, and the
citizen reads the decision and rates the service. Two browser contexts stand
for the two people; the officers take turns in theirs by signing out.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.e2e.screenshots import capture
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import CITIZEN, CITIZEN_BUSINESS, DEMO_PASSWORD, USERS

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the flush after the test must not lose the working-day
    # calendar that a data migration loads.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SERVICE = "Food business licence for catering (new)"  # 食品经营许可（餐饮服务）（新办）, 市场监管局
SUPPLEMENT_REASON = "The layout plan has no scale and does not show the washing area."
COMMENT = "Clear request for the missing plan; quick decision."
INSPECTION = "Two officers inspected the premises on 3 March; they match the layout plan."
OPINION = "Materials complete, premises conform: approve."


def minimal_pdf(title: str) -> bytes:
    """A one-page PDF with a correct cross-reference table, as small as a PDF can be."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]
    text = f"BT /F1 12 Tf 72 770 Td ({title}) Tj ET".encode("ascii")
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_file(name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "application/pdf", "buffer": minimal_pdf(name)}


def display_name(username: str) -> str:
    return next(user["display_name"] for user in USERS if user["username"] == username)


def sign_in(page, username: str, *, next_url: str, password: str = DEMO_PASSWORD) -> None:
    """Through the real login page, as a person would."""
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}", wait_until="domcontentloaded")


def sign_out(page) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Sign out").click()


def act(page, command: str, button: str) -> None:
    """Press an action of the workbench's case page and wait for the page to come back.

    Not for its "load" event: that waits for Chromium's PDF viewer in every preview.
    """
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator(f'form[data-action="{command}"]').get_by_role("button", name=button).click()
    if command in {"approve", "deny", "reject", "complete"}:  # a legal decision: confirm it
        from playwright.sync_api import expect

        expect(page.locator("#applicant-receives")).to_be_visible()
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator("#confirm-action").click()


def test_a_citizen_and_three_officers_handle_one_licence_case(new_page):
    from playwright.sync_api import expect

    call_command("load_demo", "--quiet")
    version = ServiceVersion.objects.get(name_en=SERVICE, status="published")
    code = version.item.code
    required = list(version.materials.filter(requirement="required").order_by("pk"))
    layout_plan = version.materials.get(name_en__startswith="Layout plan")
    citizen, officer = new_page(), new_page()

    # The citizen starts from the service guide and is asked to sign in first
    citizen.goto(f"/services/{code}/")
    citizen.locator("#apply-online").click()
    citizen.wait_for_url("**/accounts/login/**")
    citizen.get_by_label("Username").fill("citizen")
    citizen.get_by_label("Password").fill(DEMO_PASSWORD)
    citizen.get_by_role("button", name="Sign in").click()
    citizen.wait_for_url(f"**/services/{code}/apply/")
    citizen.get_by_label(f"Myself ({CITIZEN['name']})").check()
    citizen.locator("#start-application").click()
    citizen.wait_for_url("**/applications/*/form/")

    # The form, in the portal's language (the demo catalog's forms are bilingual)
    citizen.locator("#id_operator_name").fill("张明小吃店")
    citizen.locator("#id_uscc").fill(CITIZEN_BUSINESS["uscc"])  # his 个体工商户
    citizen.locator("#id_premises").fill("济南市历下区芙蓉街70号")
    citizen.locator("#id_district").select_option("历下区")
    citizen.get_by_label("Catering business", exact=True).check()
    citizen.locator("#id_business_items").select_option("热食类食品制售")
    citizen.locator("#id_area_m2").fill("45")
    citizen.locator("#id_food_safety_manager").fill("张明")
    citizen.locator("#save-continue").click()
    citizen.wait_for_url("**/applications/*/materials/")

    # One PDF for each required material
    for material in required:
        name = f"material-{material.pk}.pdf"
        citizen.locator(f"#file-{material.pk}").set_input_files(pdf_file(name))
        citizen.locator(f"#upload-{material.pk}").click()
        expect(citizen.get_by_text(f"“{name}” has been uploaded.")).to_be_visible()
        expect(citizen.locator(f"#material-{material.pk}")).to_contain_text("Uploaded")
    citizen.locator("#materials-continue").click()
    citizen.wait_for_url("**/applications/*/check/")
    expect(citizen.get_by_text("张明小吃店")).to_be_visible()
    citizen.locator("#submit-application").click()
    citizen.wait_for_url("**/cases/*/?submitted=1")
    number = citizen.locator("#case-number").inner_text()
    expect(citizen.locator("#confirmation")).to_contain_text(number)
    expect(citizen.locator("#case-status")).to_have_text("Waiting to be accepted")
    expect(citizen.locator("#timeline")).to_contain_text("Application received")

    # My cases lists it
    citizen.goto("/cases/")
    expect(citizen.locator(f'[data-case-number="{number}"]')).to_contain_text(
        "Waiting to be accepted"
    )

    # The intake clerk finds it in the queue, claims it and accepts it
    sign_in(officer, "clerk_scjg", next_url="/workbench/")
    row = officer.locator(f'tr[data-case="{number}"]')
    expect(row).to_contain_text(SERVICE)
    with officer.expect_navigation(wait_until="domcontentloaded"):
        row.get_by_role("button", name=f"Claim {number}").click()
    expect(row).to_contain_text(display_name("clerk_scjg"))
    row.get_by_role("link", name=number).click()
    officer.wait_for_url(f"**/workbench/cases/{number}/", wait_until="domcontentloaded")
    for material in required:
        expect(officer.locator(".wb-materials")).to_contain_text(f"material-{material.pk}.pdf")
    act(officer, "accept", "Accept the application")
    expect(officer.locator("dd[data-step]")).to_have_text("Under review")
    expect(officer.locator(".wb-timeline")).to_contain_text("Application accepted")
    sign_out(officer)

    # The reviewer asks for a better layout plan, saying why
    sign_in(officer, "reviewer_scjg", next_url=f"/workbench/cases/{number}/")
    request_form = officer.locator('form[data-action="request_supplement"]')
    request_form.locator(f"#id_request_supplement_material_{layout_plan.pk}").check()
    request_form.locator(f"#id_request_supplement_material_{layout_plan.pk}_reason").fill(
        SUPPLEMENT_REASON
    )
    act(officer, "request_supplement", "Send the request for supplements")
    expect(officer.locator("dd[data-step]")).to_have_text("Supplements requested in review")
    sign_out(officer)

    # The citizen reads what is missing and why, and sends a new plan
    citizen.goto(f"/cases/{number}/")
    expect(citizen.locator("#case-status")).to_have_text("Waiting for your supplements")
    expect(citizen.locator("#next-step")).to_contain_text("Waiting for you")
    item = citizen.locator("#supplements #item-1")
    expect(item).to_contain_text(layout_plan.name_en)
    expect(item).to_contain_text(SUPPLEMENT_REASON)
    expect(citizen.locator("#timeline")).to_contain_text("Supplements requested")
    citizen.locator("#supplement-file-1").set_input_files(pdf_file("layout-plan-v2.pdf"))
    citizen.locator("#supplement-upload-1").click()
    expect(citizen.get_by_text("“layout-plan-v2.pdf” has been uploaded.")).to_be_visible()
    expect(citizen.locator("#item-1")).to_contain_text("Uploaded")
    citizen.locator("#submit-supplements").click()
    expect(
        citizen.get_by_text("Your supplements have been sent to the department.")
    ).to_be_visible()
    expect(citizen.locator("#case-status")).to_have_text("Under review")
    expect(citizen.locator("#supplements")).to_have_count(0)
    expect(citizen.locator("#timeline")).to_contain_text("Supplements received")
    capture(citizen, "tracker")  # the tracker with the steps ahead (docs/screenshots)

    # The reviewer records the site inspection (现场核查, the guide lists one) and the review
    # opinion (审查意见) with its proposed outcome: only then may the approver decide
    sign_in(officer, "reviewer_scjg", next_url=f"/workbench/cases/{number}/")
    inspection = officer.locator('form[data-action="record_inspection"]')
    inspection.get_by_label("Findings of the site inspection").fill(INSPECTION)
    act(officer, "record_inspection", "Record the site inspection")
    expect(officer.locator(".wb-timeline")).to_contain_text("Site inspection recorded")
    review = officer.locator('form[data-action="review"]')
    review.get_by_label("Proposed outcome").select_option("approve")
    review.get_by_label("Review opinion").fill(OPINION)
    act(officer, "review", "Record the review opinion")
    expect(officer.locator("dd[data-step]")).to_have_text("Reviewed, to decide")
    sign_out(officer)

    # The approver reads the opinion, sees the new file, approves (confirming what the
    # applicant receives), issues the certificate and completes
    sign_in(officer, "approver_scjg", next_url=f"/workbench/cases/{number}/")
    expect(officer.locator("#review-opinion")).to_contain_text(OPINION)
    expect(officer.locator("#review-opinion [data-outcome]")).to_have_attribute(
        "data-outcome", "approve"
    )
    expect(officer.locator(".wb-material", has_text="layout-plan-v2.pdf")).to_contain_text(
        "Supplement"
    )
    capture(officer, "workbench-case")  # the officer's case page (docs/screenshots)
    act(officer, "approve", "Approve the application")
    expect(officer.locator("dd[data-step]")).to_have_text("Approved, certificate to issue")
    act(officer, "issue_certificate", "Issue the certificate")
    expect(officer.locator("dd[data-step]")).to_have_text("Certificate issued, to complete")
    outcome = officer.locator("section[aria-labelledby=outcome-title] div")
    certificate = outcome.filter(has=officer.locator("dt", has_text="Certificate")).locator("dd")
    certificate_number = certificate.inner_text()
    assert certificate_number.strip()
    act(officer, "complete", "Complete the case")
    expect(officer.locator("dd[data-step]")).to_have_text("Completed")
    expect(officer.get_by_text("The case is closed.")).to_be_visible()

    # The citizen reads the decision and the certificate number, then rates the service
    citizen.goto(f"/cases/{number}/")
    expect(citizen.locator("#case-status")).to_have_text("Completed")
    expect(citizen.locator("#decision")).to_contain_text("Decision: Approved")
    expect(citizen.locator("#certificate-number")).to_have_text(certificate_number)
    timeline = citizen.locator("#timeline")
    for title in ("Approved", "Certificate issued", "Completed"):
        expect(
            timeline.locator(".tracker__title", has_text=re.compile(f"^{title}$"))
        ).to_be_visible()
    # …and holds the documents the law says they receive: each link of "Notices you
    # received" gives its PDF, read back (the acceptance notice, the licence decision)
    notices = citizen.locator("#notices")
    for document, title in ((f"{number}-SL", "受理通知书"), (f"{number}-ZY", "准予行政许可决定书")):
        href = notices.get_by_role("link", name=document, exact=True).get_attribute("href")
        pdf = citizen.request.get(href)
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        text = "".join(
            "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages).split()
        )
        assert title in text and document in text
    rating = citizen.locator("#rating-form")
    rating.get_by_label("Satisfied", exact=True).check()
    rating.get_by_label("Comments").fill(COMMENT)
    citizen.locator("#submit-rating").click()
    expect(citizen.get_by_text("Thank you for rating this service.")).to_be_visible()
    expect(citizen.locator("#rating")).to_contain_text("You rated this service “Satisfied”")
    expect(citizen.locator("#rating .quote")).to_have_text(COMMENT)
    expect(citizen.locator("#rating-form")).to_have_count(0)

    # Every step left an unbroken audit trail
    from yiwang.core.audit import audit_verify

    verification = audit_verify()
    assert verification.ok, verification
