"""The licensing path through the services, step by step, and the rules around it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    HOUR,
    REVIEW_OPINION,
    SHANGHAI,
    T0,
    VALID_FORM,
    accepted_case,
    case_world,
    citizen,
    completed_case,
    draft_application,
    enterprise_for,
    reviewed_case,
    submitted_case,
    upload,
)
from tests.snapshots import snapshot
from yiwang.cases import selectors, services
from yiwang.cases.errors import (
    CaseConflict,
    CaseNotFound,
    IdempotencyKeyReused,
    WorkflowConflict,
)
from yiwang.cases.models import (
    Application,
    Case,
    CaseDecision,
    CaseMaterial,
    Rating,
    RectificationTask,
)
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _kinds(case: Case) -> list[str]:
    return [item.kind for item in selectors.case_timeline(case)]


def test_the_whole_licensing_path_with_a_bad_rating_and_its_rectification():
    world = case_world()
    # given a draft with valid answers and the required materials
    application = draft_application(world)

    # when the citizen submits
    case = services.application_submit(application=application, applicant=world.applicant, at=T0)
    # then a case is received, numbered, pinned, in the acceptance step
    assert case.number == "370100-20260302-000001"
    assert case.service_version == world.service
    assert case.step == "submitted"
    assert case.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert CaseMaterial.objects.filter(application__case=case).count() == 2

    # the clerk accepts; the decision clock (promised limit 10 working days) starts
    case = services.case_accept(
        case=case, actor=world.clerk, expected_version=case.version, at=T0 + HOUR
    )
    assert case.step == "under_review"
    assert case.due_at == datetime(2026, 3, 16, 23, 59, 59, 999999, tzinfo=SHANGHAI)

    # the reviewer asks for supplements, everything at once; the clock stops
    premises = world.required_materials[1]
    request = services.supplement_request(
        case=case, actor=world.reviewer, at=T0 + timedelta(days=1),
        items=[{"material_id": premises.pk, "reason": "The lease has expired."},
               {"name": "Floor plan", "reason": "Not provided."}],
        note="Please upload both.",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.step == "review_supplement"
    assert case.paused_light == "green"
    assert [i["name"] for i in request.items] == ["经营场所证明", "Floor plan"]

    # the citizen cannot answer without the listed material
    with pytest.raises(ValidationError) as exc:
        services.supplement_answer(case=case, applicant=world.applicant, at=T0 + timedelta(days=3))
    assert "materials" in exc.value.message_dict

    # ... uploads it and answers (3 working days later); the clock restarts, later deadline
    services.material_upload(
        actor=world.applicant, case=case, material_id=premises.pk,
        file=upload("lease-2026.pdf"), at=T0 + timedelta(days=3),
    )  # fmt: skip
    case = services.supplement_answer(
        case=case, applicant=world.applicant, at=T0 + timedelta(days=3)
    )
    assert case.step == "under_review"
    assert case.paused_light == ""
    assert case.due_at > datetime(2026, 3, 16, 23, 59, tzinfo=SHANGHAI)
    assert request.__class__.objects.get(pk=request.pk).answered_at is not None
    old = CaseMaterial.objects.filter(application__case=case, material=premises)
    assert sorted(old.values_list("superseded", flat=True)) == [False, True]

    # the approver approves, issues the certificate, completes
    at = T0 + timedelta(days=4)
    case = services.case_review(
        case=case, actor=world.reviewer, outcome="approve", opinion=REVIEW_OPINION, at=at - HOUR
    )
    case = services.case_approve(
        case=case, actor=world.approver, at=at, legal_basis="《食品安全法》"
    )
    assert CaseDecision.objects.get(case=case).outcome == "approved"
    case = services.certificate_issue(case=case, actor=world.approver, at=at + HOUR)
    assert case.certificate_number == f"{case.number}-C"
    case = services.case_complete(case=case, actor=world.approver, at=at + 2 * HOUR)
    assert case.step == "completed"
    assert case.closed_at == at + 2 * HOUR
    assert case.due_at is None and selectors.case_light(case, at) == ""

    # the citizen rates it badly: a rectification task for the department, 5 working days
    rating = services.rating_submit(
        case=case, applicant=world.applicant, level=2, comment="Too slow.", at=at + 3 * HOUR
    )
    task = RectificationTask.objects.get(rating=rating)
    assert task.department == world.department
    assert task.due_at == datetime(2026, 3, 13, 23, 59, 59, 999999, tzinfo=SHANGHAI)

    # the supervisor replies; the citizen rates the reply
    task = services.rectification_reply(
        task=task, supervisor=world.supervisor, reply="We have added staff.", at=at + 4 * HOUR
    )
    assert task.status == "replied"
    task = services.rectification_follow_up(
        task=task, applicant=world.applicant, level=4, at=at + 5 * HOUR
    )
    assert task.status == "closed" and task.follow_up_level == 4

    assert _kinds(case) == [
        "submitted", "accepted", "supplement_requested", "supplement_answered", "approved",
        "certificate_issued", "completed", "rated", "rectification_replied",
        "rectification_followed_up",
    ]  # fmt: skip
    # the timeline names the department, never a person
    assert {i.department for i in selectors.case_timeline(case)} == {world.department.name_en}
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "case.submit", "case.accept", "case.request_supplement", "case.answer_supplement",
        "case.approve", "case.issue_certificate", "case.complete", "case.rate",
        "case.rectification_reply", "case.rectification_follow_up", "material.upload",
    } <= actions  # fmt: skip


def test_rejection_at_intake_closes_the_case_with_the_reason():
    world = case_world()
    case = submitted_case(world)
    with pytest.raises(ValidationError) as exc:
        services.case_reject(case=case, actor=world.clerk, reason="  ", at=T0 + HOUR)
    assert exc.value.message_dict == {"reason": ["This field is required."]}

    case = services.case_reject(
        case=case, actor=world.clerk, reason="Not within our remit.", at=T0 + HOUR
    )
    assert case.step == "rejected" and case.closed_at is not None
    decision = CaseDecision.objects.get(case=case)
    assert (decision.outcome, decision.reason) == ("rejected_at_intake", "Not within our remit.")
    with pytest.raises(CaseConflict) as conflict:
        services.case_accept(case=case, actor=world.clerk, at=T0 + 2 * HOUR)
    assert conflict.value.code == "final_state"


def test_intake_supplement_then_accept():
    world = case_world()
    case = submitted_case(world)
    identity = world.required_materials[0]
    services.supplement_request(
        case=case, actor=world.clerk, at=T0 + HOUR,
        items=[{"material_id": identity.pk, "reason": "Unreadable scan."}],
    )  # fmt: skip
    from tests.factories import PNG_BYTES

    services.material_upload(
        actor=world.applicant, case=case, material_id=identity.pk,
        file=upload("id.png", PNG_BYTES, "image/png"), at=T0 + 2 * HOUR,
    )  # fmt: skip
    case = services.supplement_answer(case=case, applicant=world.applicant, at=T0 + 2 * HOUR)
    assert case.step == "submitted"
    case = services.case_accept(case=case, actor=world.clerk, at=T0 + 3 * HOUR)
    assert case.step == "under_review"


def test_a_supplement_request_must_list_something_and_each_reason():
    world = case_world()
    case = accepted_case(world)
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(case=case, actor=world.reviewer, items=[], at=T0 + 2 * HOUR)
    assert "items" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.supplement_request(
            case=case, actor=world.reviewer, at=T0 + 2 * HOUR,
            items=[{"material_id": world.materials[0].pk, "reason": ""}, {"reason": "x"}],
        )  # fmt: skip
    assert len(exc.value.message_dict["items"]) == 2
    assert Case.objects.get(pk=case.pk).step == "under_review"


def test_special_procedure_extension_once_and_denial():
    world = case_world()
    case = accepted_case(world)
    case = services.special_procedure_start(
        case=case, actor=world.reviewer, procedure="expert_review", reason="Novel process.",
        expected_days=10, at=T0 + 2 * HOUR,
    )  # fmt: skip
    assert case.step == "special_procedure"
    clock = selectors.case_clock(case, T0 + timedelta(days=3))
    assert clock.paused and clock.paused_mode == "excluded"
    assert clock.special_procedures[0]["procedure"] == "expert_review"
    case = services.special_procedure_finish(
        case=case, actor=world.reviewer, at=T0 + timedelta(days=7)
    )
    due_before = case.due_at
    case = services.case_extend(
        case=case, actor=world.approver, reason="Expert report late.", at=T0 + timedelta(days=8)
    )
    assert case.due_at > due_before
    assert selectors.case_clock(case, T0 + timedelta(days=8)).extensions == 1
    with pytest.raises(CaseConflict) as exc:
        services.case_extend(
            case=case, actor=world.approver, reason="Again.", at=T0 + timedelta(days=9)
        )
    assert exc.value.code == "extension_used"
    case = services.case_review(
        case=case, actor=world.reviewer, outcome="deny", opinion="Unsafe.",
        at=T0 + timedelta(days=9),
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.case_deny(
            case=case, actor=world.approver, reason="No.", legal_basis="", at=T0 + timedelta(days=9)
        )
    case = services.case_deny(
        case=case, actor=world.approver, reason="Unsafe.", legal_basis="Art. 38",
        at=T0 + timedelta(days=9),
    )  # fmt: skip
    assert case.step == "denied" and case.closed_at is not None


# --- permissions ---------------------------------------------------------------------------------


def test_a_citizen_cannot_read_or_act_on_another_citizens_case():
    world = case_world()
    case = submitted_case(world)
    other = citizen(name="王五")
    with pytest.raises(CaseNotFound):
        selectors.case_get_for_applicant(user=other, number=case.number)
    with pytest.raises(CaseNotFound):
        services.case_withdraw(case=case, applicant=other, at=T0 + HOUR)
    assert list(selectors.case_list_for_applicant(user=other)) == []
    assert selectors.case_get_for_applicant(user=world.applicant, number=case.number) == case


def test_an_officer_of_another_department_is_refused():
    world, elsewhere = case_world(), case_world()
    case = submitted_case(world)
    with pytest.raises(PermissionDenied):
        services.case_accept(case=case, actor=elsewhere.clerk, at=T0 + HOUR)
    with pytest.raises(PermissionDenied):
        selectors.case_get_for_officer(officer=elsewhere.clerk, number=case.number)
    with pytest.raises(PermissionDenied):
        services.case_claim(case=case, officer=elsewhere.clerk, at=T0 + HOUR)
    assert list(selectors.case_list_for_officer(officer=elsewhere.clerk, now=T0)) == []


def test_a_clerk_cannot_approve_and_a_citizen_is_no_officer():
    world = case_world()
    case = accepted_case(world)
    with pytest.raises(PermissionDenied):
        services.case_approve(case=case, actor=world.clerk, at=T0 + 2 * HOUR)
    with pytest.raises(PermissionDenied):
        services.case_approve(case=case, actor=world.applicant, at=T0 + 2 * HOUR)
    assert [c.name for c in selectors.case_allowed_commands(case=case, officer=world.clerk)] == []
    assert {c.name for c in selectors.case_allowed_commands(case=case, officer=world.approver)} == {
        "extend",
    }  # fmt: skip
    reviewer = {c.name for c in selectors.case_allowed_commands(case=case, officer=world.reviewer)}
    assert reviewer == {
        "request_supplement", "start_special_procedure", "record_inspection", "review",
    }  # fmt: skip


def test_a_stale_expected_version_is_a_conflict():
    world = case_world()
    case = submitted_case(world)
    seen = case.version
    services.case_accept(case=case, actor=world.clerk, expected_version=seen, at=T0 + HOUR)
    with pytest.raises(WorkflowConflict):
        services.case_reject(
            case=case, actor=world.clerk, reason="x", expected_version=seen, at=T0 + HOUR
        )
    with pytest.raises(CaseConflict):
        services.case_accept(case=case, actor=world.clerk, at=T0 + 2 * HOUR)


# --- applying ------------------------------------------------------------------------------------


def test_submit_is_idempotent_by_key_and_by_application():
    world = case_world()
    application = draft_application(world)
    first = services.application_submit(
        application=application, applicant=world.applicant, idempotency_key="k-1", at=T0
    )
    again = services.application_submit(
        application=application, applicant=world.applicant, idempotency_key="k-1", at=T0 + HOUR
    )
    assert again.pk == first.pk
    assert (
        services.application_submit(application=application, applicant=world.applicant).pk
        == first.pk
    )
    # a second draft submitted with the same key is refused: the key stands for the first
    other = draft_application(world)
    with pytest.raises(IdempotencyKeyReused) as refused:
        services.application_submit(
            application=other, applicant=world.applicant, idempotency_key="k-1", at=T0 + HOUR
        )
    assert refused.value.message_dict == {
        "idempotency_key": [
            "This Idempotency-Key was already used to submit another application "
            f"(case {first.number}). Use a new key for each application."
        ]
    }
    assert Case.objects.count() == 1
    assert Application.objects.get(pk=other.pk).status == "draft"


def test_submit_requires_a_valid_form_and_the_required_materials():
    world = case_world()
    application = draft_application(
        world, form_data={"applicant_name": "张三"}, upload_required=False
    )
    with pytest.raises(ValidationError) as exc:
        services.application_submit(application=application, applicant=world.applicant, at=T0)
    errors = exc.value.message_dict
    assert errors["shop_name"] == ["This field is required."]
    assert errors["address"] == ["This field is required."]
    assert errors["materials"] == ["Upload “Proof of identity”.", "Upload “Proof of premises”."]
    assert Case.objects.count() == 0


def test_draft_validation_names_each_field_and_ignores_missing_required():
    world = case_world()
    application = draft_application(world, form_data={}, upload_required=False)
    with pytest.raises(ValidationError) as exc:
        services.application_update_draft(
            application=application, applicant=world.applicant,
            form_data={**VALID_FORM, "opening_date": "2026-13-40", "area_m2": 0,
                       "phone": "12", "address": {"district": "朝阳区"}},
        )  # fmt: skip
    errors = exc.value.message_dict
    assert errors["opening_date"] == ["Enter a valid date (YYYY-MM-DD)."]
    assert errors["area_m2"] == ["Enter a number of at least 1."]
    assert errors["phone"] == ["The value does not have the expected form."]
    assert errors["address.district"] == ["Choose one of the options."]
    assert "address.street" not in errors  # required only when submitting
    # blanks are unanswered, not invalid
    saved = services.application_update_draft(
        application=application, applicant=world.applicant,
        form_data={"applicant_name": "张三", "opening_date": ""},
    )  # fmt: skip
    assert saved.form_data == {"applicant_name": "张三"}


def test_prefill_from_the_citizen_and_the_enterprise():
    world = case_world()
    enterprise = enterprise_for(world.applicant)
    draft = services.application_create_draft(
        applicant=world.applicant, service_code=world.service.item.code, at=T0
    )
    assert draft.form_data["applicant_name"] == "张三"
    assert draft.form_data["phone"] == "13812345678"
    assert len(draft.form_data["id_number"]) == 18
    prefill = services.application_prefill(
        applicant=world.applicant, service_version=world.service, enterprise=enterprise
    )
    assert "uscc" not in prefill  # the schema has no such field
    with pytest.raises(PermissionDenied):
        services.application_create_draft(
            applicant=citizen(name="赵六"), service_code=world.service.item.code,
            enterprise=enterprise,
        )  # fmt: skip


def test_another_users_draft_is_not_found():
    from yiwang.cases.errors import ApplicationNotFound

    world = case_world()
    application = draft_application(world, upload_required=False)
    with pytest.raises(ApplicationNotFound):
        services.application_update_draft(
            application=application, applicant=citizen(name="钱七"), form_data={}
        )


# --- assignment and ratings ----------------------------------------------------------------------


def test_claim_assign_and_reassign():
    world = case_world()
    case = submitted_case(world)
    case = services.case_claim(case=case, officer=world.clerk, at=T0 + HOUR)
    assert case.assignee == world.clerk
    with pytest.raises(CaseConflict):
        services.case_claim(case=case, officer=world.reviewer, at=T0 + HOUR)
    with pytest.raises(PermissionDenied):
        services.case_assign(case=case, supervisor=world.clerk, assignee=world.reviewer)
    with pytest.raises(ValidationError):
        services.case_assign(case=case, supervisor=world.supervisor, assignee=world.applicant)
    case = services.case_assign(case=case, supervisor=world.supervisor, assignee=world.reviewer)
    assert case.assignee == world.reviewer
    with pytest.raises(PermissionDenied):
        services.case_reassign(case=case, actor=world.clerk, assignee=world.clerk, reason="x")
    case = services.case_reassign(
        case=case, actor=world.reviewer, assignee=world.approver, reason="On leave."
    )
    assert case.assignee == world.approver
    # assignment is internal: not on the applicant's timeline
    assert "assigned" not in _kinds(case)
    assert "reassigned" in [i.kind for i in selectors.case_timeline(case, public_only=False)]


def test_rating_rules():
    world = case_world()
    open_case = accepted_case(world)
    with pytest.raises(CaseConflict):
        services.rating_submit(case=open_case, applicant=world.applicant, level=5)
    case = completed_case(world)
    with pytest.raises(ValidationError):
        services.rating_submit(case=case, applicant=world.applicant, level=6)
    with pytest.raises(CaseNotFound):
        services.rating_submit(case=case, applicant=citizen(name="孙八"), level=5)
    services.rating_submit(case=case, applicant=world.applicant, level=5, at=T0 + 5 * HOUR)
    assert not RectificationTask.objects.exists()
    with pytest.raises(CaseConflict):
        services.rating_submit(case=case, applicant=world.applicant, level=1, at=T0 + 6 * HOUR)
    assert Rating.objects.get(case=case).level == 5


def test_withdrawal_by_the_applicant():
    world = case_world()
    case = submitted_case(world)
    case = services.case_withdraw(case=case, applicant=world.applicant, at=T0 + HOUR)
    assert case.step == "withdrawn" and case.closed_at is not None


def test_case_command_dispatches_by_name():
    world = case_world()
    case = submitted_case(world)
    case = services.case_command(
        case=case, actor=world.clerk, command="accept", expected_version=case.version, at=T0 + HOUR
    )
    assert case.step == "under_review"
    with pytest.raises(ValidationError):
        services.case_command(
            case=case, actor=world.approver, command="deny", fields={}, at=T0 + 2 * HOUR
        )
    with pytest.raises(ValidationError):
        services.case_command(case=case, actor=world.approver, command="nope")


def test_a_certificate_number_longer_than_its_column_is_refused():
    # given an approved case (the column holds 64 characters)
    world = case_world()
    case = services.case_approve(case=reviewed_case(world), actor=world.approver, at=T0 + 2 * HOUR)
    before = snapshot(case)

    # when the approver gives a 65-character number
    with pytest.raises(ValidationError) as refused:
        services.certificate_issue(
            case=case, actor=world.approver, certificate_number="C" * 65, at=T0 + 3 * HOUR
        )

    # then it is refused by name, and nothing changed
    assert refused.value.message_dict == {"certificate_number": ["Enter at most 64 characters."]}
    assert snapshot(case) == before
