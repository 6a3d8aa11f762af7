"""The officer workbench through the Django test client: who sees what, and every action."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.clock import NOW
from tests.factories import (
    HOUR,
    SHANGHAI,
    T0,
    CaseWorld,
    DepartmentFactory,
    accepted_case,
    approved_case,
    citizen,
    completed_case,
    licensing_service,
    officer,
    reviewed_case,
    submitted_case,
    upload,
)
from yiwang.cases import selectors, services
from yiwang.cases.models import Case, CaseDecision, RectificationTask
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db


def recently() -> datetime:
    """Five hours before the test's clock: cases received then are within every limit when
    officers act now."""
    return NOW - 5 * HOUR


def case_url(case: Case) -> str:
    return reverse("workbench:case", kwargs={"number": case.number})


def command_url(case: Case, command: str) -> str:
    return reverse("workbench:command", kwargs={"number": case.number, "command": command})


def actions_on(response) -> set[str]:
    """The actions the case page offers (``data-action`` of each form)."""
    html = response.content.decode()
    return {
        name
        for name in (
            "accept", "reject", "request_supplement", "start_special_procedure",
            "finish_special_procedure", "record_inspection", "review", "return_for_review",
            "extend", "approve", "deny", "issue_certificate", "complete",
        )
        if f'data-action="{name}"' in html
    }  # fmt: skip


def post_action(client, case: Case, command: str, **data):
    case.refresh_from_db()
    data.setdefault("expected_version", case.version)
    data.setdefault("confirmed", "1")  # past the confirmation page of legal decisions
    return client.post(command_url(case, command), data)


# ------------------------------------------------------------------------------- access


@pytest.mark.parametrize("role", ["clerk", "reviewer", "approver", "supervisor"])
def test_every_officer_role_sees_the_queue_and_the_case_page(world, client_for, role):
    # given a case received by the department
    case = submitted_case(world)
    client = client_for(getattr(world, role))

    # when the officer opens the queue and the case
    queue = client.get(reverse("workbench:queue"))
    page = client.get(case_url(case))

    # then both pages show the case
    assert queue.status_code == 200
    assert case.number in queue.content.decode()
    assert page.status_code == 200
    assert "Application received" in page.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("workbench:queue"))
    assert response.status_code == 302
    assert reverse("identity:login") in response["Location"]


def test_a_citizen_gets_403_on_every_workbench_page(world, client_for):
    case = submitted_case(world)
    client = client_for(world.applicant)
    material = case.application.materials.first()
    assert client.get(reverse("workbench:queue")).status_code == 403
    assert client.get(case_url(case)).status_code == 403
    assert client.get(reverse("workbench:material", args=[material.pk])).status_code == 403
    assert client.get(reverse("workbench:rectifications")).status_code == 403
    assert post_action(client, case, "accept").status_code == 403
    case.refresh_from_db()
    assert case.step == "submitted"


def test_an_officer_of_another_department_sees_nothing_and_can_do_nothing(world, client_for):
    # given a case of the world's department and a clerk of another department
    case = submitted_case(world)
    stranger = officer(DepartmentFactory(), Role.INTAKE_CLERK, Role.SUPERVISOR)
    client = client_for(stranger)

    # then the queue is empty, the case page and its files are refused, actions change nothing
    queue = client.get(reverse("workbench:queue"))
    assert queue.status_code == 200
    assert case.number not in queue.content.decode()
    assert client.get(case_url(case)).status_code == 403
    material = case.application.materials.first()
    assert client.get(reverse("workbench:material", args=[material.pk])).status_code == 404
    assert post_action(client, case, "accept").status_code == 403
    assert client.post(reverse("workbench:claim", args=[case.number])).status_code == 403
    case.refresh_from_db()
    assert case.step == "submitted" and case.assignee is None


def test_an_unknown_case_is_404(world, client_for):
    response = client_for(world.clerk).get(
        reverse("workbench:case", args=["370100-20260302-999999"])
    )
    assert response.status_code == 404


# ---------------------------------------------------------------------- actions by role


def test_a_clerk_may_accept_reject_or_ask_for_supplements_but_not_approve(world, client_for):
    case = submitted_case(world, at=recently())
    client = client_for(world.clerk)

    response = client.get(case_url(case))

    assert actions_on(response) == {"accept", "reject", "request_supplement"}
    html = response.content.decode()
    assert "Accept the application" in html
    assert "Approve the application" not in html
    # and posting an approval anyway is refused
    assert post_action(client, accepted_case(world, at=recently()), "approve").status_code == 403


def test_an_approver_sees_the_decision_actions_and_approves(world, client_for):
    case = reviewed_case(world, at=recently())
    client = client_for(world.approver)

    assert actions_on(client.get(case_url(case))) == {
        "extend", "approve", "deny", "return_for_review",
    }  # fmt: skip
    response = post_action(client, case, "approve", legal_basis="《行政许可法》第三十八条")

    assert response.status_code == 302
    assert response["Location"] == case_url(case)
    case.refresh_from_db()
    assert case.step == "approved"
    assert CaseDecision.objects.get(case=case).legal_basis == "《行政许可法》第三十八条"
    page = client.get(case_url(case))
    assert "The application was approved." in page.content.decode()
    assert actions_on(page) == {"issue_certificate"}


def test_a_reviewer_sees_supplements_and_special_procedures(world, client_for):
    case = accepted_case(world, at=recently())
    assert actions_on(client_for(world.reviewer).get(case_url(case))) == {
        "request_supplement",
        "start_special_procedure",
        "record_inspection",
        "review",
    }


def test_the_whole_licensing_path_through_the_workbench(world, client_for):
    case = submitted_case(world, at=recently())
    clerk, reviewer, approver = (
        client_for(world.clerk),
        client_for(world.reviewer),
        client_for(world.approver),
    )

    # the clerk claims the case from the queue and accepts it
    queue = reverse("workbench:queue")
    response = clerk.post(reverse("workbench:claim", args=[case.number]), {"next": queue})
    assert response.status_code == 302 and response["Location"] == queue
    response = post_action(clerk, case, "accept")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "under_review" and case.assignee == world.clerk

    # the reviewer asks for everything missing at once: one listed material and one other document
    premises = world.required_materials[1]
    response = post_action(
        reviewer,
        case,
        "request_supplement",
        **{
            f"material_{premises.pk}": "on",
            f"material_{premises.pk}_reason": "The lease has expired.",
            "other_1_name": "Floor plan",
            "other_1_reason": "Not provided.",
            "note": "Please upload both.",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "review_supplement"
    request = case.supplement_requests.get()
    assert [(i["material_id"], i["reason"]) for i in request.items] == [
        (premises.pk, "The lease has expired."),
        (None, "Not provided."),
    ]
    page = reviewer.get(case_url(case))
    assert "The lease has expired." in page.content.decode()
    assert "Stopped: waiting for the applicant" in page.content.decode()

    # the applicant answers through the cases services
    services.material_upload(
        actor=world.applicant, case=case, material_id=premises.pk, file=upload("lease.pdf")
    )
    services.material_upload(
        actor=world.applicant, case=case, material_id=None, name="Floor plan", file=upload()
    )
    services.supplement_answer(case=case, applicant=world.applicant)

    # the reviewer records the opinion; the approver reads it, approves, issues the
    # certificate and completes the case
    opinion = "符合法定条件，建议准予。"
    assert (
        post_action(reviewer, case, "review", outcome="approve", opinion=opinion).status_code == 302
    )
    assert opinion in approver.get(case_url(case)).content.decode()
    assert post_action(approver, case, "approve").status_code == 302
    assert post_action(approver, case, "issue_certificate").status_code == 302
    assert post_action(approver, case, "complete").status_code == 302

    case.refresh_from_db()
    assert case.step == "completed" and case.closed_at is not None
    assert case.certificate_number == f"{case.number}-C"
    page = approver.get(case_url(case))
    assert actions_on(page) == set()
    assert "The case is closed." in page.content.decode()
    assert [item.kind for item in selectors.case_timeline(case)] == [
        "submitted", "accepted", "supplement_requested", "supplement_answered", "approved",
        "certificate_issued", "completed",
    ]  # fmt: skip


def test_rejection_needs_a_reason_and_shows_the_error_summary(world, client_for):
    case = submitted_case(world, at=recently())
    client = client_for(world.clerk)

    response = post_action(client, case, "reject", reason="  ")

    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_reject_reason"' in html
    case.refresh_from_db()
    assert case.step == "submitted"

    response = post_action(client, case, "reject", reason="Not a food business.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "rejected" and case.closed_at is not None


def test_a_supplement_request_lists_something_and_a_reason_for_each(world, client_for):
    case = submitted_case(world, at=recently())
    client = client_for(world.clerk)
    identity = world.materials[0]

    nothing = post_action(client, case, "request_supplement")
    assert nothing.status_code == 422
    assert "Tick every missing or faulty material" in nothing.content.decode()

    no_reason = post_action(client, case, "request_supplement", **{f"material_{identity.pk}": "on"})
    assert no_reason.status_code == 422
    assert f'href="#id_request_supplement_material_{identity.pk}_reason"' in (
        no_reason.content.decode()
    )
    case.refresh_from_db()
    assert case.step == "submitted"
    assert not case.supplement_requests.exists()


def test_special_procedure_and_extension(world, client_for):
    case = accepted_case(world, at=recently())
    reviewer, approver = client_for(world.reviewer), client_for(world.approver)

    missing_days = post_action(
        reviewer, case, "start_special_procedure", procedure="inspection", reason="On site."
    )
    assert missing_days.status_code == 422
    started = post_action(
        reviewer,
        case,
        "start_special_procedure",
        procedure="inspection",
        reason="Kitchen inspection on site.",
        expected_days=3,
    )
    assert started.status_code == 302
    page = reviewer.get(case_url(case)).content.decode()
    assert "Stopped: special procedure" in page
    assert "Inspection" in page

    assert post_action(approver, case, "extend", reason="Inspection backlog.").status_code == 302
    assert (
        post_action(reviewer, case, "finish_special_procedure", note="Passed.").status_code == 302
    )
    case.refresh_from_db()
    assert case.step == "under_review"
    # the extension is used up: no longer offered
    assert "extend" not in actions_on(approver.get(case_url(case)))


def test_a_stale_version_gets_the_conflict_page_and_changes_nothing(world, client_for):
    # given two clerks looking at the same case
    case = submitted_case(world, at=recently())
    other_clerk = officer(world.department, Role.INTAKE_CLERK)
    seen = case.version

    # when the first accepts and the second, still on the old page, rejects
    assert post_action(client_for(world.clerk), case, "accept").status_code == 302
    response = client_for(other_clerk).post(
        command_url(case, "reject"), {"expected_version": seen, "reason": "Incomplete."}
    )

    # then the second sees the case as it is now, with HTTP 409
    assert response.status_code == 409
    html = response.content.decode()
    assert "This case was changed by someone else — here is the current state." in html
    assert "Application accepted" in html
    case.refresh_from_db()
    assert case.step == "under_review"
    assert not CaseDecision.objects.filter(case=case).exists()
    assert [i.kind for i in selectors.case_timeline(case)] == ["submitted", "accepted"]


def test_an_action_the_step_no_longer_allows_is_a_conflict(world, client_for):
    case = approved_case(world, at=recently())
    response = post_action(client_for(world.approver), case, "approve")
    assert response.status_code == 409
    assert "no longer possible" in response.content.decode()


# ------------------------------------------------------------------ personal data, files


def test_clerks_see_the_full_id_number_and_the_view_is_audited(world, client_for):
    case = submitted_case(world)
    resident_id = world.applicant.citizen.resident_id

    clerk_page = client_for(world.clerk).get(case_url(case)).content.decode()
    assert resident_id in clerk_page
    entry = AuditEntry.objects.filter(action="case.personal_data_view").get()
    assert entry.actor == world.clerk and entry.target_id == str(case.pk)

    supervisor_page = client_for(world.supervisor).get(case_url(case)).content.decode()
    assert resident_id not in supervisor_page
    assert resident_id[:4] + "*" * 10 + resident_id[-4:] in supervisor_page
    assert "张*" in supervisor_page
    assert AuditEntry.objects.filter(action="case.personal_data_view").count() == 1


def test_materials_preview_inline_for_officers_of_the_department(world, client_for):
    case = submitted_case(world)
    material = case.application.materials.first()
    client = client_for(world.reviewer)
    url = reverse("workbench:material", args=[material.pk])

    page = client.get(case_url(case)).content.decode()
    assert f'<iframe class="wb-preview wb-preview--pdf" src="{url}"' in page
    # officers keep the technical details the citizen is spared: the type and the hash
    assert "application/pdf" in page and f"SHA-256 {material.sha256[:12]}" in page

    inline = client.get(url)
    assert inline.status_code == 200
    assert inline["Content-Type"] == "application/pdf"
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(inline.streaming_content).startswith(b"%PDF-")
    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"].startswith("attachment")
    assert (
        AuditEntry.objects.filter(action="material.view", target_id=str(material.pk)).count() == 2
    )


# ------------------------------------------------------------------------------ assignment


def test_claim_assign_and_reassign(world, client_for):
    case = submitted_case(world)
    clerk, supervisor = client_for(world.clerk), client_for(world.supervisor)

    # a clerk may not assign
    response = clerk.post(reverse("workbench:assign", args=[case.number]), {"assignee": 1})
    assert response.status_code == 403

    # the supervisor assigns to the reviewer
    response = supervisor.post(
        reverse("workbench:assign", args=[case.number]), {"assignee": world.reviewer.pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == world.reviewer

    # claiming an assigned case is a conflict
    response = clerk.post(reverse("workbench:claim", args=[case.number]))
    assert response.status_code == 409
    assert "Someone else has already taken this case." in response.content.decode()

    # reassigning needs a reason
    url = reverse("workbench:reassign", args=[case.number])
    response = supervisor.post(url, {"assignee": world.clerk.pk, "reason": ""})
    assert response.status_code == 422
    response = supervisor.post(url, {"assignee": world.clerk.pk, "reason": "Holiday."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assignee == world.clerk
    page = supervisor.get(case_url(case)).content.decode()
    assert "Reassigned" in page and "Holiday." in page

    # an officer of another department cannot be chosen
    stranger = officer(DepartmentFactory(), Role.REVIEWER)
    response = supervisor.post(url, {"assignee": stranger.pk, "reason": "x"})
    assert response.status_code == 422


# --------------------------------------------------------------------------------- queue


FRIDAY = datetime(2026, 3, 13, 10, 0, tzinfo=SHANGHAI)


@pytest.mark.frozen_at(FRIDAY)  # pages compute lights at the clock's instant
def test_queue_lights_counts_and_filters(world, client_for):
    # given cases received at different times (acceptance limit: 5 working days)
    other_service = licensing_service(department=world.department)
    red = submitted_case(world, at=datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI))  # due 3-9
    yellow = submitted_case(world, at=datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI))  # due 3-16
    green_world = CaseWorld(**{**world.__dict__, "service": other_service})
    green = submitted_case(green_world, at=FRIDAY - HOUR)
    reviewing = accepted_case(world, at=FRIDAY - 2 * HOUR)
    services.case_claim(case=reviewing, officer=world.reviewer)
    completed_case(world, at=T0)  # closed: never in the queue
    assert [selectors.case_light(c, FRIDAY) for c in (red, yellow, green)] == [
        "red",
        "yellow",
        "green",
    ]
    client = client_for(world.reviewer)

    def numbers(**params) -> list[str]:
        response = client.get(reverse("workbench:queue"), params)
        assert response.status_code == 200
        return [row["case"].number for row in response.context["rows"]]

    # the counts at the top
    response = client.get(reverse("workbench:queue"))
    html = response.content.decode()
    assert '<strong data-count="red">1</strong>' in html
    assert '<strong data-count="yellow">1</strong>' in html
    assert '<strong data-count="open">4</strong>' in html
    # each light in words, not colour alone
    assert "Overdue" in html and "Due soon" in html and "On track" in html

    # sorted by due date by default, by receipt on request
    assert numbers() == [red.number, yellow.number, green.number, reviewing.number]
    assert numbers(sort="received")[0] == red.number

    assert numbers(light="red") == [red.number]
    assert numbers(light="yellow") == [yellow.number]
    assert numbers(service=other_service.item.code) == [green.number]
    assert numbers(step="under_review") == [reviewing.number]
    assert numbers(assignee="me") == [reviewing.number]
    assert reviewing.number not in numbers(assignee="unassigned")
    # an unknown filter value filters nothing rather than failing
    assert len(numbers(light="purple", step="nope")) == 4


def test_the_queue_costs_the_same_number_of_queries_for_3_or_30_cases(world, client_for):
    client = client_for(world.clerk)
    for _ in range(3):
        submitted_case(world, applicant=citizen(name="王芳"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("workbench:queue")).status_code == 200
        return len(captured)

    few = queries()
    for n in range(27):
        case = submitted_case(world, applicant=citizen(name="李娜"))
        if n % 3 == 0:
            services.case_claim(case=case, officer=world.reviewer)
    many = queries()

    assert few == many
    # 12: the page's services come in a query of their own (prefetched by id), because
    # joined into the page's query they cost PostgreSQL more to plan than the page to read;
    # and a page shorter than the queue's page size reads the cases without a deadline in a
    # query of their own (keyset pages: one ordered index range per query).
    assert many <= 12


def test_the_queue_is_paginated(world, client_for, monkeypatch):
    monkeypatch.setattr("yiwang.workbench.views.queue_page.PAGE_SIZE", 2)
    cases = [submitted_case(world, at=T0 + n * HOUR) for n in range(3)]
    client = client_for(world.clerk)

    first = client.get(reverse("workbench:queue"), {"light": "green"})
    cursor = first.context["page"].next
    second = client.get(reverse("workbench:queue"), {"light": "green", "cursor": cursor})
    back = client.get(
        reverse("workbench:queue"), {"light": "green", "cursor": second.context["page"].previous}
    )

    assert [r["case"].number for r in first.context["rows"]] == [c.number for c in cases[:2]]
    assert [r["case"].number for r in second.context["rows"]] == [cases[2].number]
    assert [r["case"].number for r in back.context["rows"]] == [c.number for c in cases[:2]]
    # The next link keeps the filters and carries the cursor
    assert 'rel="next"' in first.content.decode()
    assert f"light=green&amp;cursor={cursor}" in first.content.decode()


def test_an_out_of_date_queue_link_shows_the_first_page(world, client_for):
    case = submitted_case(world)
    response = client_for(world.clerk).get(reverse("workbench:queue"), {"cursor": "garbage"})
    assert response.status_code == 200
    assert [r["case"].number for r in response.context["rows"]] == [case.number]
    assert "out of date" in response.content.decode()


def test_enterprise_cases_show_the_enterprise_and_citizens_are_masked(world, client_for):
    from tests.factories import enterprise_for

    enterprise = enterprise_for(world.applicant, name="济南泉城餐饮有限公司")
    application = services.application_create_draft(
        applicant=world.applicant, service_code=world.service.item.code, enterprise=enterprise
    )
    services.application_update_draft(
        application=application,
        applicant=world.applicant,
        form_data={"applicant_name": "张三", "shop_name": "泉城小吃",
                   "address": {"district": "历下区", "street": "泉城路 1 号"}},
    )  # fmt: skip
    for material in world.required_materials:
        services.material_upload(
            actor=world.applicant, application=application, material_id=material.pk, file=upload()
        )
    services.application_submit(application=application, applicant=world.applicant)

    submitted_case(world)  # a citizen's own application
    html = client_for(world.clerk).get(reverse("workbench:queue")).content.decode()
    assert "济南泉城餐饮有限公司" in html
    assert "<td>张*</td>" in html


# ------------------------------------------------------------------------- rectifications


def test_a_supervisor_replies_to_a_bad_rating(world, client_for):
    case = completed_case(world)
    services.rating_submit(case=case, applicant=world.applicant, level=1, comment="Rude staff.")
    task = RectificationTask.objects.get()
    supervisor = client_for(world.supervisor)

    assert client_for(world.clerk).get(reverse("workbench:rectifications")).status_code == 403
    page = supervisor.get(reverse("workbench:rectifications"))
    assert page.status_code == 200
    assert "Rude staff." in page.content.decode()

    url = reverse("workbench:rectification_reply", args=[task.pk])
    empty = supervisor.post(url, {"reply": ""})
    assert empty.status_code == 422
    assert f'href="#id_reply_{task.pk}_reply"' in empty.content.decode()

    response = supervisor.post(url, {"reply": "We apologise and have retrained the staff."})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "replied"
    assert (
        "retrained"
        in supervisor.get(
            reverse("workbench:rectifications"), {"status": "replied"}
        ).content.decode()
    )


def test_pages_render_in_chinese(world, client_for):
    case = submitted_case(world)
    client = client_for(world.clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    assert client.get(reverse("workbench:queue")).status_code == 200
    assert client.get(case_url(case)).status_code == 200


def test_timeline_lists_the_supplement_items(world, client_for):
    case = submitted_case(world)
    services.supplement_request(
        case=case,
        actor=world.clerk,
        items=[{"name": "Floor plan", "reason": "Not provided."}],
        at=T0 + timedelta(hours=1),
    )
    html = client_for(world.clerk).get(case_url(case)).content.decode()
    assert "<strong>Floor plan</strong>: Not provided." in html
