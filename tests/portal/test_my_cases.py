"""My cases: the list, the tracker page, supplements, ratings and documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.clock import NOW
from tests.factories import PDF_BYTES, citizen, officer, submitted_case
from tests.portal.test_apply import make_service, text
from yiwang.cases import services
from yiwang.cases.models import RectificationTask
from yiwang.identity.models import Role

SIMPLE_SCHEMA = {
    "type": "object",
    "properties": {"applicant_name": {"type": "string", "title": "Applicant name"}},
    "required": ["applicant_name"],
}


@pytest.fixture
def service(db):
    return make_service(form_schema=SIMPLE_SCHEMA)


@pytest.fixture
def case(citizen, service):
    """Submitted now through the services, with its PDF; the pages are read now too."""
    return submitted_case(
        service=service,
        applicant=citizen,
        form_data={"applicant_name": "张三"},
        at=NOW,
    )


def detail_url(case) -> str:
    return reverse("portal:case_detail", args=[case.number])


def test_my_cases_need_signing_in(client, db):
    response = client.get(reverse("portal:case_list"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cases/")


def test_my_cases_list_every_case_with_its_status_and_light(client_en, case):
    page = text(client_en.get(reverse("portal:case_list")))
    assert case.number in page
    assert "Waiting to be accepted" in page
    assert "light--green" in page and "On track" in page
    assert detail_url(case) in page


def test_the_tracker_shows_the_timeline_and_what_comes_next(client_en, case):
    page = text(client_en.get(detail_url(case)))
    assert "Application received" in page
    assert "Jinan Market Regulation" in page  # the department, never the officer
    assert "The department decides whether to accept your application" in page
    # received Tuesday 3 March 2026 (the test's clock): 5 working days end on Tuesday 10 March
    assert "Due by March 10, 2026" in page
    assert 'id="next-step"' in page


def test_the_tracker_names_documents_in_plain_words_in_chinese(client, citizen, case):
    client.force_login(citizen)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = text(client.get(detail_url(case)))
    material = case.application.materials.get()
    # the PDF_BYTES fixture is 48 bytes: "PDF 文件, 48 字节", no MIME type, no hash
    assert "PDF 文件, 48 字节" in page
    assert "application/pdf" not in page
    assert material.sha256[:12] not in page and "SHA-256" not in page


def test_another_applicants_case_and_documents_are_not_found(client, case, db):
    stranger = citizen(username="lisi")
    client.force_login(stranger)
    assert client.get(detail_url(case)).status_code == 404
    assert (
        client.post(reverse("portal:case_rate", args=[case.number]), {"level": "5"}).status_code
        == 404
    )
    material = case.application.materials.get()
    assert client.get(reverse("portal:material_download", args=[material.pk])).status_code == 404


def test_the_owner_downloads_a_document_with_its_type(client_en, case):
    material = case.application.materials.get()
    response = client_en.get(reverse("portal:material_download", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_answering_a_request_for_supplements(client_en, case, service):
    # Given the intake clerk asked for a better copy of the letter
    clerk = officer(case.department, Role.INTAKE_CLERK)
    material = service.materials.get(name_en="Application letter")
    services.supplement_request(
        case=case,
        actor=clerk,
        items=[{"material_id": material.pk, "reason": "The scan is unreadable"}],
    )

    # The page says what is needed and why
    page = text(client_en.get(detail_url(case)))
    assert "The department needs more from you" in page
    assert "The scan is unreadable" in page
    assert "Waiting for your supplements" in page

    # Sending nothing is refused with the missing item named
    refused = client_en.post(reverse("portal:case_supplement_submit", args=[case.number]))
    assert refused.status_code == 422
    assert "Upload “" in text(refused)  # the item, as the request named it

    # A wrong file type is refused next to the item
    wrong = client_en.post(
        reverse("portal:case_supplement_upload", args=[case.number]),
        {
            "item": "item-1",
            "material_id": material.pk,
            "file": SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n0000"),
        },
    )
    assert wrong.status_code == 422
    assert "This file is not an accepted type." in text(wrong)

    # Uploading and submitting restarts the clock
    uploaded = client_en.post(
        reverse("portal:case_supplement_upload", args=[case.number]),
        {
            "item": "item-1",
            "material_id": material.pk,
            "file": SimpleUploadedFile("better.pdf", PDF_BYTES + b"better"),
        },
    )
    assert uploaded.status_code == 302
    sent = client_en.post(reverse("portal:case_supplement_submit", args=[case.number]))
    assert sent.status_code == 302
    page = text(client_en.get(detail_url(case)))
    assert "Supplements received" in page
    assert "The department needs more from you" not in page
    case.refresh_from_db()
    assert case.step == "submitted"


def drive_to_completion(case):
    staff = officer(case.department, Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER)
    services.case_accept(case=case, actor=staff)
    services.case_review(case=case, actor=staff, outcome="approve", opinion="符合条件")
    services.case_approve(case=case, actor=staff, reason="All conditions met")
    services.certificate_issue(case=case, actor=staff)
    services.case_complete(case=case, actor=staff)
    case.refresh_from_db()
    return case


def test_no_rating_form_while_the_case_is_open(client_en, case):
    page = text(client_en.get(detail_url(case)))
    assert 'id="rating-form"' not in page


def test_rating_a_completed_case_and_the_follow_up_of_a_bad_rating(client_en, case):
    drive_to_completion(case)
    page = text(client_en.get(detail_url(case)))
    assert "Decision: Approved" in page and "All conditions met" in page
    assert 'id="rating-form"' in page and "Very dissatisfied" in page

    missing = client_en.post(reverse("portal:case_rate", args=[case.number]), {})
    assert missing.status_code == 422 and "Choose how satisfied you are." in text(missing)

    rated = client_en.post(
        reverse("portal:case_rate", args=[case.number]), {"level": "2", "comment": "Too slow"}
    )
    assert rated.status_code == 302
    page = text(client_en.get(detail_url(case)))
    assert "You rated this service “Dissatisfied”" in page
    assert "The department will look into your rating and reply by" in page

    # the department's supervisor replies; the applicant sees it and rates the reply
    task = RectificationTask.objects.get()
    supervisor = officer(case.department, Role.SUPERVISOR)
    services.rectification_reply(task=task, supervisor=supervisor, reply="We added a counter.")
    page = text(client_en.get(detail_url(case)))
    assert "We added a counter." in page and 'id="follow-up-form"' in page
    followed = client_en.post(
        reverse("portal:case_follow_up", args=[case.number]), {"follow_up-level": "4"}
    )
    assert followed.status_code == 302
    task.refresh_from_db()
    assert task.status == RectificationTask.Status.CLOSED and task.follow_up_level == 4
    assert "You rated the reply “Satisfied”" in text(client_en.get(detail_url(case)))


def test_rating_twice_is_refused_on_the_page(client_en, case):
    drive_to_completion(case)
    url = reverse("portal:case_rate", args=[case.number])
    client_en.post(url, {"level": "5"})
    again = client_en.post(url, {"level": "1"}, follow=True)
    assert "You have already rated this case." in text(again)
    assert "You rated this service “Very satisfied”" in text(again)
