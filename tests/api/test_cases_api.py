"""The licensing path through the HTTP API, and who may use each cases endpoint."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from tests.clock import NOW
from tests.factories import (
    HOUR,
    PDF_BYTES,
    PNG_BYTES,
    T0,
    VALID_FORM,
    DepartmentFactory,
    accepted_case,
    case_world,
    citizen,
    completed_case,
    draft_application,
    officer,
    submitted_case,
    upload,
)
from tests.snapshots import snapshot
from yiwang.cases.models import Application, Case
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world():
    return case_world()


@pytest.fixture
def recent():
    """Cases start six hours before the test's clock, so commands sent now meet running clocks."""
    return NOW - timedelta(hours=6)


def test_the_licensing_path_through_the_api(world, clock):
    applicant = as_user(world.applicant)
    clerk, reviewer, approver = (
        as_user(world.clerk), as_user(world.reviewer), as_user(world.approver),
    )  # fmt: skip
    identity, premises = world.required_materials

    # given a draft with its answers and a real PDF for each required material
    draft = applicant.post(
        "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
    )
    assert draft.status_code == 201, draft.json()
    app_id = draft.json()["id"]
    assert draft.json()["status"] == "draft"
    saved = applicant.patch(
        f"/api/v1/applications/{app_id}", {"form_data": VALID_FORM}, "application/json"
    )
    assert saved.status_code == 200, saved.json()
    for material in (identity, premises):
        uploaded = applicant.post(
            f"/api/v1/applications/{app_id}/materials",
            {"material_id": material.pk, "file": upload("scan.pdf", PDF_BYTES)},
        )
        assert uploaded.status_code == 201, uploaded.json()
        body = uploaded.json()
        assert body["content_type"] == "application/pdf"
        assert body["size"] == len(PDF_BYTES)
        assert len(body["sha256"]) == 64

    # when it is submitted twice with the same Idempotency-Key
    first = applicant.post(
        f"/api/v1/applications/{app_id}/submit", headers={"Idempotency-Key": "k-1"}
    )
    clock.shift(timedelta(seconds=2))  # the client's retry, a moment later
    again = applicant.post(
        f"/api/v1/applications/{app_id}/submit", headers={"Idempotency-Key": "k-1"}
    )

    # then there is one case: 201 first, 200 with the same number after
    assert first.status_code == 201, first.json()
    assert again.status_code == 200
    number = first.json()["number"]
    assert again.json()["number"] == number
    assert Case.objects.filter(applicant=world.applicant).count() == 1
    assert first.json()["step"] == "submitted"

    # the clerk accepts with the version they saw
    seen = clerk.get(f"/api/v1/officer/cases/{number}").json()
    assert "accept" in {c["name"] for c in seen["allowed_commands"]}
    accepted = clerk.post(
        f"/api/v1/officer/cases/{number}/commands/accept",
        {"expected_version": seen["version"], "fields": {}},
        "application/json",
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["step"] == "under_review"

    # the reviewer asks for supplements: the premises proof
    requested = reviewer.post(
        f"/api/v1/officer/cases/{number}/commands/request_supplement",
        {
            "expected_version": accepted.json()["version"],
            "fields": {
                "items": [{"material_id": premises.pk, "reason": "The lease has expired."}],
                "note": "Please upload a valid lease.",
            },
        },
        "application/json",
    )
    assert requested.status_code == 200, requested.json()
    assert requested.json()["step"] == "review_supplement"
    mine = applicant.get(f"/api/v1/cases/{number}").json()
    assert mine["next_step"]["waiting_for_applicant"] is True
    assert mine["supplements"][0]["items"][0]["material_id"] == premises.pk

    # the applicant uploads the material and answers
    resent = applicant.post(
        f"/api/v1/cases/{number}/supplements/materials",
        {"material_id": premises.pk, "file": upload("lease.pdf", PDF_BYTES + b"%2")},
    )
    assert resent.status_code == 201, resent.json()
    answered = applicant.post(f"/api/v1/cases/{number}/supplements/answer")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["step"] == "under_review"

    # the reviewer records the opinion (审查意见); the approver approves, issues the
    # certificate and completes
    reviewed = reviewer.post(
        f"/api/v1/officer/cases/{number}/commands/review",
        {
            "expected_version": answered.json()["version"],
            "fields": {"outcome": "approve", "opinion": "符合条件，建议准予。"},
        },
        "application/json",
    )
    assert reviewed.status_code == 200, reviewed.json()
    assert reviewed.json()["step"] == "reviewed"
    version = reviewed.json()["version"]
    for command in ("approve", "issue_certificate", "complete"):
        done = approver.post(
            f"/api/v1/officer/cases/{number}/commands/{command}",
            {"expected_version": version, "fields": {}},
            "application/json",
        )
        assert done.status_code == 200, (command, done.json())
        version = done.json()["version"]
    assert done.json()["step"] == "completed"
    assert done.json()["closed_at"] is not None

    # the applicant sees the decision and rates the service
    final = applicant.get(f"/api/v1/cases/{number}").json()
    assert final["decision"]["outcome"] == "approved"
    assert final["certificate_number"]
    kinds = [t["kind"] for t in final["timeline"]]
    assert kinds == [
        "submitted", "accepted", "supplement_requested", "supplement_answered", "approved",
        "certificate_issued", "completed",
    ]  # fmt: skip
    # the applicant's own steps are theirs ("You"), the department's are the department's
    by = {t["kind"]: t["by"] for t in final["timeline"]}
    assert by["submitted"] == by["supplement_answered"] == "您"
    assert by["accepted"] == by["completed"] == final["timeline"][1]["department"]
    rated = applicant.post(
        f"/api/v1/cases/{number}/rating", {"level": 5, "comment": "快"}, "application/json"
    )
    assert rated.status_code == 201, rated.json()
    assert applicant.get("/api/v1/cases").json()["results"][0]["number"] == number


def test_a_retry_in_the_same_instant_answers_200(world):
    # given a complete draft, and a clock that does not move between two identical requests
    applicant = as_user(world.applicant)
    application = draft_application(world, at=NOW)
    url = f"/api/v1/applications/{application.pk}/submit"

    first = applicant.post(url, headers={"Idempotency-Key": "k-1"})
    again = applicant.post(url, headers={"Idempotency-Key": "k-1"})

    # then the retry is told the case already existed
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]


def test_my_cases_lists_only_mine(world, recent):
    mine = submitted_case(world, at=recent)
    other = citizen(name="李四")
    submitted_case(world, applicant=other, at=recent)
    body = as_user(world.applicant).get("/api/v1/cases").json()
    assert [c["number"] for c in body["results"]] == [mine.number]


def test_another_applicants_case_and_application_are_not_found(world, recent):
    case = submitted_case(world, at=recent)
    stranger = as_user(citizen(name="王五"))
    before = snapshot(case)
    for url in (
        f"/api/v1/cases/{case.number}",
        f"/api/v1/applications/{case.application_id}",
    ):
        response = stranger.get(url)
        assert response.status_code == 404, url
        assert set(response.json()) >= {"detail", "errors"}
    assert stranger.post(f"/api/v1/cases/{case.number}/supplements/answer").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/cases/{case.number}/rating", {"level": 1}, "application/json"
        ).status_code
        == 404
    )
    assert (
        stranger.patch(
            f"/api/v1/applications/{case.application_id}",
            {"form_data": {}},
            "application/json",
        ).status_code
        == 404
    )
    withdraw = stranger.post(
        f"/api/v1/cases/{case.number}/withdraw", {"reason": "Changed my mind."}, "application/json"
    )
    assert withdraw.status_code == 404
    assert snapshot(case) == before


def test_without_authentication_every_cases_endpoint_answers_401(world, recent):
    case = submitted_case(world, at=recent)
    anonymous = Client()
    before = snapshot(case)
    for method, url in [
        ("get", "/api/v1/cases"),
        ("get", f"/api/v1/cases/{case.number}"),
        ("post", "/api/v1/applications"),
        ("get", f"/api/v1/applications/{case.application_id}"),
        ("post", f"/api/v1/applications/{case.application_id}/submit"),
        ("post", f"/api/v1/cases/{case.number}/rating"),
        ("get", "/api/v1/officer/cases"),
        ("get", f"/api/v1/officer/cases/{case.number}"),
        ("post", f"/api/v1/officer/cases/{case.number}/commands/accept"),
        ("post", f"/api/v1/officer/cases/{case.number}/claim"),
    ]:
        response = getattr(anonymous, method)(url)
        assert response.status_code == 401, (method, url)
        assert response.json()["detail"] == "Authentication required."
    assert snapshot(case) == before


def test_officer_endpoints_refuse_applicants(world, recent):
    case = submitted_case(world, at=recent)
    applicant = as_user(world.applicant)
    before = snapshot(case)
    assert applicant.get("/api/v1/officer/cases").status_code == 403
    assert applicant.get(f"/api/v1/officer/cases/{case.number}").status_code == 403
    for path in ("commands/accept", "claim"):
        response = applicant.post(
            f"/api/v1/officer/cases/{case.number}/{path}",
            {"expected_version": case.version},
            "application/json",
        )
        assert response.status_code == 403, path
    assert snapshot(case) == before


def test_officers_of_another_department_cannot_see_or_act(world, recent):
    case = submitted_case(world, at=recent)
    outsider = as_user(officer(DepartmentFactory(), Role.INTAKE_CLERK, Role.APPROVER))
    before = snapshot(case)
    assert outsider.get("/api/v1/officer/cases").json()["count"] == 0
    assert outsider.get(f"/api/v1/officer/cases/{case.number}").status_code == 403
    for path in ("commands/accept", "claim"):
        response = outsider.post(
            f"/api/v1/officer/cases/{case.number}/{path}",
            {"expected_version": case.version},
            "application/json",
        )
        assert response.status_code == 403, path
    assert (
        as_user(world.clerk).get("/api/v1/officer/cases/370100-20000101-999999").status_code == 404
    )
    assert snapshot(case) == before


def test_a_clerk_cannot_approve_and_a_reviewer_cannot_accept(world, recent):
    case = accepted_case(world, at=recent)
    fresh = submitted_case(world, at=recent)
    before = snapshot(case, fresh)
    response = as_user(world.clerk).post(
        f"/api/v1/officer/cases/{case.number}/commands/approve",
        {"expected_version": case.version, "fields": {}},
        "application/json",
    )
    assert response.status_code == 403
    response = as_user(world.reviewer).post(
        f"/api/v1/officer/cases/{fresh.number}/commands/accept",
        {"expected_version": fresh.version, "fields": {}},
        "application/json",
    )
    assert response.status_code == 403
    assert snapshot(case, fresh) == before


def test_a_stale_expected_version_answers_409_with_the_current_version(world, recent):
    case = submitted_case(world, at=recent)
    clerk = as_user(world.clerk)
    url = f"/api/v1/officer/cases/{case.number}/commands"
    first = clerk.post(f"{url}/accept", {"expected_version": case.version}, "application/json")
    assert first.status_code == 200
    before = snapshot(case)
    stale = clerk.post(
        f"{url}/reject",
        {"expected_version": case.version, "fields": {"reason": "Late."}},
        "application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["current_version"] == first.json()["version"]
    assert stale.json()["code"] == "stale"
    assert snapshot(case) == before


def test_a_command_that_does_not_apply_now_answers_409(world, recent):
    case = accepted_case(world, at=recent)
    before = snapshot(case)
    response = as_user(world.clerk).post(
        f"/api/v1/officer/cases/{case.number}/commands/accept",
        {"expected_version": case.version},
        "application/json",
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == case.version
    assert response.json()["code"] == "already_decided"
    assert snapshot(case) == before


def test_a_missing_field_answers_422_naming_it(world, recent):
    case = submitted_case(world, at=recent)
    before = snapshot(case)
    response = as_user(world.clerk).post(
        f"/api/v1/officer/cases/{case.number}/commands/reject",
        {"expected_version": case.version, "fields": {}},
        "application/json",
    )
    assert response.status_code == 422
    # named as the body has it: the command's fields are under "fields"
    assert response.json()["errors"][0]["field"] == "fields.reason"
    assert snapshot(case) == before


def test_an_oversized_file_answers_413_and_a_wrong_type_422(world, settings):
    settings.YIWANG_UPLOAD_MAX_BYTES = 1024
    applicant = as_user(world.applicant)
    app_id = applicant.post(
        "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
    ).json()["id"]
    material = world.required_materials[1]  # PDF only
    big = applicant.post(
        f"/api/v1/applications/{app_id}/materials",
        {"material_id": material.pk, "file": upload("big.pdf", PDF_BYTES + b"0" * 2048)},
    )
    assert big.status_code == 413
    assert big.json()["errors"][0]["field"] == "file"
    png = applicant.post(
        f"/api/v1/applications/{app_id}/materials",
        {"material_id": material.pk, "file": upload("fake.pdf", PNG_BYTES)},
    )
    assert png.status_code == 422
    assert png.json()["errors"][0]["field"] == "file"


def test_submitting_an_incomplete_draft_names_what_is_missing(world):
    applicant = as_user(world.applicant)
    app_id = applicant.post(
        "/api/v1/applications", {"service_code": world.service.item.code}, "application/json"
    ).json()["id"]
    response = applicant.post(f"/api/v1/applications/{app_id}/submit")
    assert response.status_code == 422
    assert "materials" in {e["field"] for e in response.json()["errors"]}


def test_unknown_service_answers_404(world):
    response = as_user(world.applicant).post(
        "/api/v1/applications", {"service_code": "NOPE"}, "application/json"
    )
    assert response.status_code == 404


def test_queue_filters_paginates_and_masks_the_applicant(world, recent):
    first = submitted_case(world, at=recent)
    accepted_case(world, at=recent)
    clerk = as_user(world.clerk)
    body = clerk.get("/api/v1/officer/cases", {"page_size": 1}).json()
    assert body["count"] == 2 and body["pages"] == 2
    assert body["counts"]["open"] == 2
    assert body["results"][0]["applicant"] == "张*"
    only = clerk.get("/api/v1/officer/cases", {"step": "submitted"}).json()
    assert [r["number"] for r in only["results"]] == [first.number]
    assert clerk.get("/api/v1/officer/cases", {"assignee": "me"}).json()["count"] == 0
    assert clerk.get("/api/v1/officer/cases", {"light": "blue"}).status_code == 422


@pytest.mark.parametrize("assignee", ["²", "٣", "３", str(2**63), "-1", "1.5"])
def test_an_assignee_that_is_not_a_user_id_is_refused(world, recent, assignee):
    # Found in review: "²" passed isdigit() and crashed int() (a 500); a number beyond
    # bigint crashed the query.
    response = as_user(world.clerk).get("/api/v1/officer/cases", {"assignee": assignee})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "assignee"


def test_case_page_masks_personal_data_for_a_supervisor_and_audits_full_views(world, recent):
    case = submitted_case(world, at=recent)
    full = as_user(world.clerk).get(f"/api/v1/officer/cases/{case.number}").json()
    assert full["applicant"]["masked"] is False
    assert full["form_data"]["shop_name"] == "泉城小吃"
    assert AuditEntry.objects.filter(action="case.personal_data_view", actor=world.clerk).exists()
    masked = as_user(world.supervisor).get(f"/api/v1/officer/cases/{case.number}").json()
    assert masked["applicant"]["masked"] is True
    assert masked["applicant"]["name"] == "张*"
    assert "*" in masked["applicant"]["resident_id"]
    assert masked["form_data"] is None
    assert masked["allowed_commands"] == []
    # The uploads are listed (what was provided, when) without the file's own name (it
    # often names the applicant) or a link the supervisor could not open anyway.
    assert full["materials"] and len(masked["materials"]) == len(full["materials"])
    assert all(m["original_name"].endswith(".pdf") for m in full["materials"])
    assert {(m["original_name"], m["url"]) for m in masked["materials"]} == {(None, None)}


def test_claim_and_assign(world, recent):
    case = submitted_case(world, at=recent)
    claimed = as_user(world.clerk).post(f"/api/v1/officer/cases/{case.number}/claim")
    assert claimed.status_code == 200
    assert claimed.json()["assignee"] == str(world.clerk)
    before = snapshot(case)
    taken = as_user(world.reviewer).post(f"/api/v1/officer/cases/{case.number}/claim")
    assert taken.status_code == 409
    assert taken.json()["code"] == "already_assigned"
    not_supervisor = as_user(world.reviewer).post(
        f"/api/v1/officer/cases/{case.number}/assign",
        {"assignee_id": world.reviewer.pk},
        "application/json",
    )
    assert not_supervisor.status_code == 403
    assert snapshot(case) == before
    assigned = as_user(world.supervisor).post(
        f"/api/v1/officer/cases/{case.number}/assign",
        {"assignee_id": world.reviewer.pk},
        "application/json",
    )
    assert assigned.status_code == 200
    assert assigned.json()["assignee"] == str(world.reviewer)


def test_rating_a_case_twice_is_a_conflict(world, recent):
    case = completed_case(world, at=recent)
    applicant = as_user(world.applicant)
    url = f"/api/v1/cases/{case.number}/rating"
    assert applicant.post(url, {"level": 2}, "application/json").status_code == 201
    before = snapshot(case)
    again = applicant.post(url, {"level": 5}, "application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_rated"
    # a level outside 1–5 is invalid input (422, named by its field) whatever the case's state
    invalid = applicant.post(url, {"level": 9}, "application/json")
    assert invalid.status_code == 422
    assert [e["field"] for e in invalid.json()["errors"]] == ["level"]
    assert snapshot(case) == before


def test_materials_can_be_downloaded_by_the_applicant_and_the_department(world, recent):
    case = submitted_case(world, at=recent)
    row = case.application.materials.first()
    url = f"/api/v1/materials/{row.pk}/file"
    assert as_user(world.applicant).get(url).status_code == 200
    assert as_user(world.clerk).get(url).status_code == 200
    assert AuditEntry.objects.filter(action="material.view", actor=world.clerk).exists()
    stranger = as_user(citizen(name="赵六"))
    before = snapshot(case)
    assert stranger.get(url).status_code == 404
    assert snapshot(case) == before


def test_an_idempotency_key_used_for_another_application_is_422_and_changes_nothing(world):
    with time_machine.travel(T0 + 6 * HOUR, tick=False):
        # given an application submitted with the key "k-1", and another complete draft
        applicant = as_user(world.applicant)
        first_draft, second_draft = draft_application(world), draft_application(world)
        url = "/api/v1/applications/{}/submit"
        first = applicant.post(url.format(first_draft.pk), headers={"Idempotency-Key": "k-1"})
        assert first.status_code == 201
        first_case = Case.objects.get(number=first.json()["number"])
        before = snapshot(first_case)
        draft_row = Application.objects.filter(pk=second_draft.pk).values().get()

        # when the other draft is submitted with the same key
        reused = applicant.post(url.format(second_draft.pk), headers={"Idempotency-Key": "k-1"})

        # then that is refused, naming the key and the case it already stands for
        assert reused.status_code == 422
        assert [e["field"] for e in reused.json()["errors"]] == ["Idempotency-Key"]
        assert first_case.number in reused.json()["detail"]
        # and nothing changed: the second application is still a draft, no case was made
        assert snapshot(first_case) == before
        assert Application.objects.filter(pk=second_draft.pk).values().get() == draft_row

        # with a key of its own, it is submitted
        own = applicant.post(url.format(second_draft.pk), headers={"Idempotency-Key": "k-2"})
        assert own.status_code == 201
        assert own.json()["number"] != first_case.number


def test_a_reused_idempotency_key_answers_422_naming_the_header(world):
    # given a case submitted with key k-1, and another complete draft
    applicant = as_user(world.applicant)
    first = applicant.post(
        f"/api/v1/applications/{draft_application(world, at=NOW).pk}/submit",
        headers={"Idempotency-Key": "k-1"},
    ).json()
    other = draft_application(world, at=NOW)

    # when the other draft is submitted with the same key
    response = applicant.post(
        f"/api/v1/applications/{other.pk}/submit",
        headers={"Idempotency-Key": "k-1", "Accept-Language": "en"},
    )

    # then 422, the header named, and the other draft left a draft
    message = (
        "This Idempotency-Key was already used to submit another application "
        f"(case {first['number']}). Use a new key for each application."
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": message,
        "errors": [{"field": "Idempotency-Key", "message": message}],
    }
    assert Case.objects.count() == 1
    assert Application.objects.get(pk=other.pk).status == "draft"


def test_upload_and_key_refusals_are_domain_errors_mapped_in_one_place():
    """Mapped by the one DomainError handler (status and field on the error), not special
    cases of Django's ValidationError."""
    from django.core.exceptions import ValidationError

    from yiwang.cases.errors import IdempotencyKeyReused, UploadRejected
    from yiwang.core.errors import DomainError

    for error, field in ((UploadRejected, "file"), (IdempotencyKeyReused, "Idempotency-Key")):
        assert issubclass(error, DomainError) and not issubclass(error, ValidationError)
        assert (error.http_status, error.field) == (422, field)
