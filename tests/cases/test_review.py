"""受理 → 审查 → 决定: the review opinion before the decision, and the site inspection.

行政许可法 第三十四条: the department reviews the application (and sends two officers to
check the facts on site where the substance must be verified); 第三十七条、第三十八条: it
then decides. The approver may not decide before the reviewer's opinion is on record,
and reads it on the case page and in the API.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import (
    HOUR,
    MINUTE,
    REVIEW_OPINION,
    T0,
    accepted_case,
    case_world,
    reviewed_case,
)
from yiwang.cases import selectors, services
from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, CaseTimelineEntry
from yiwang.processes.models import WorkflowInstance

pytestmark = pytest.mark.django_db

INSPECTION = [
    {"name_zh": "受理", "name_en": "Acceptance"},
    {"name_zh": "现场核查", "name_en": "On-site inspection"},
    {"name_zh": "决定", "name_en": "Decision"},
]


def _state(case: Case) -> tuple[str, int]:
    case.refresh_from_db()
    return case.step, case.version


def test_the_approver_cannot_decide_before_the_review_opinion():
    world = case_world()
    case = accepted_case(world)
    before = _state(case)

    with pytest.raises(CaseConflict) as refused:
        services.case_approve(case=case, actor=world.approver, at=T0 + 2 * HOUR)

    assert refused.value.code == "wrong_state"
    assert _state(case) == before
    assert (
        not hasattr(Case.objects.get(pk=case.pk), "decision")
        or not Case.objects.filter(pk=case.pk, decision__isnull=False).exists()
    )
    allowed = {a.name for a in selectors.case_allowed_commands(case=case, officer=world.approver)}
    assert "approve" not in allowed and "deny" not in allowed


def test_the_reviewer_records_an_opinion_and_the_approver_decides_on_it():
    world = case_world()
    case = reviewed_case(world)

    assert case.step == "reviewed"
    opinion = selectors.case_review_opinion(case)
    assert (opinion.outcome, opinion.opinion) == ("approve", REVIEW_OPINION)
    assert opinion.reviewer == (world.reviewer.display_name or world.reviewer.username)
    # internal: the applicant's tracker does not show it
    assert "reviewed" not in [t.kind for t in selectors.case_timeline(case)]
    allowed = {a.name for a in selectors.case_allowed_commands(case=case, officer=world.approver)}
    assert {"approve", "deny", "return_for_review"} <= allowed

    case = services.case_approve(case=case, actor=world.approver, at=T0 + 2 * HOUR)
    assert case.step == "approved"


def test_an_opinion_needs_an_outcome_and_text():
    world = case_world()
    case = accepted_case(world)
    before = _state(case)

    with pytest.raises(ValidationError) as refused:
        services.case_review(case=case, actor=world.reviewer, outcome="maybe", opinion=" ")

    assert set(refused.value.message_dict) == {"outcome", "opinion"}
    assert _state(case) == before


def test_the_approver_may_send_it_back_and_the_reviewer_reviews_again():
    world = case_world()
    case = reviewed_case(world)

    case = services.case_return_for_review(
        case=case, actor=world.approver, reason="核实场所面积", at=T0 + 2 * HOUR
    )
    assert case.step == "under_review"
    case = services.case_review(
        case=case, actor=world.reviewer, outcome="deny", opinion="面积不足", at=T0 + 3 * HOUR
    )

    assert selectors.case_review_opinion(case).outcome == "deny"


def test_where_the_guide_has_a_site_inspection_it_is_recorded_before_the_opinion():
    world = case_world(steps=INSPECTION, visits=1)
    case = accepted_case(world)
    before = _state(case)

    with pytest.raises(CaseConflict) as refused:
        services.case_review(
            case=case, actor=world.reviewer, outcome="approve", opinion=REVIEW_OPINION
        )
    assert refused.value.code == "inspection_missing"
    assert _state(case) == before

    case = services.site_inspection_record(
        case=case, actor=world.reviewer, findings="两名工作人员现场核查，与材料一致。",
        at=T0 + 80 * MINUTE,
    )  # fmt: skip
    assert case.step == "under_review"
    entry = CaseTimelineEntry.objects.get(case=case, kind="site_inspected")
    assert entry.public and "现场核查" in entry.detail
    case = services.case_review(
        case=case, actor=world.reviewer, outcome="approve", opinion=REVIEW_OPINION,
        at=T0 + 90 * MINUTE,
    )  # fmt: skip
    assert case.step == "reviewed"


def test_a_version_1_case_under_review_goes_on_through_the_review():
    """Cases opened under version 1 of the licensing definition (decide straight after
    acceptance) keep their state; the next step is the opinion, then the decision."""
    world = case_world()
    case = accepted_case(world)
    instance = WorkflowInstance.objects.get(pk=case.workflow_instance_id)
    assert instance.state["status"] == "under_review"

    case = services.case_review(
        case=case, actor=world.reviewer, outcome="approve", opinion=REVIEW_OPINION,
        at=T0 + 2 * HOUR,
    )  # fmt: skip
    case = services.case_approve(case=case, actor=world.approver, at=T0 + 3 * HOUR)
    assert case.step == "approved"


def test_the_approver_reads_the_opinion_on_the_case_page_and_in_the_api(client):
    world = case_world()
    case = reviewed_case(world)
    client.force_login(world.approver)

    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    api = client.get(f"/api/v1/officer/cases/{case.number}")

    assert 'id="review-opinion"' in page and REVIEW_OPINION in page
    assert 'data-action="approve"' in page
    assert api.status_code == 200, api.content
    assert api.json()["review"]["outcome"] == "approve"
    assert api.json()["review"]["opinion"] == REVIEW_OPINION
