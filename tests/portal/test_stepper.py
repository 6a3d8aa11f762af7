"""The tracker's stepper: every step of the case's workflow, done, current and ahead, with
the dates the case's limits give (worked by hand from the 2026 calendar)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import (
    SHANGHAI,
    accepted_case,
    case_world,
    completed_case,
    publish_service,
    submitted_case,
)
from yiwang.catalog.models import ServiceVersion

pytestmark = pytest.mark.django_db


def steps_of(user, case, language: str = "en") -> list[tuple[str, bool, str]]:
    """(the step's text, whether it is the current one, its status class) for each step."""
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    response = client.get(reverse("portal:case_detail", args=[case.number]))
    assert response.status_code == 200
    html = response.content.decode()
    stepper = html[html.index('<ol class="stepper" id="steps">') :]
    stepper = stepper[: stepper.index("</ol>")]
    out = []
    for attrs, body in re.findall(r"<li ([^>]*)>(.*?)</li>", stepper, flags=re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        status = re.search(r"stepper__step--(\w+)", attrs).group(1)
        out.append((text, 'aria-current="step"' in attrs, status))
    return out


def test_a_licensing_case_at_acceptance_shows_every_step_ahead_with_its_date():
    world = case_world()  # promised limit 10 working days
    # received Monday 2 March 2026 09:00, accepted at 10:00
    case = accepted_case(world)

    steps = steps_of(world.applicant, case)

    assert [s[2] for s in steps] == ["done", "done", "current", "ahead", "ahead", "ahead"]
    assert [s[1] for s in steps] == [False, False, True, False, False, False]
    # the decision is due 10 working days after acceptance, the day itself not counted:
    # 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 March → Monday 16 March; the certificate is
    # delivered within 10 working days of the decision (art. 44): 17, 18, 19, 20, 23, 24,
    # 25, 26, 27, 30 March → Monday 30 March
    assert steps[0][0] == "✓ Application received Done: March 2, 2026"
    assert steps[1][0] == "✓ Acceptance Done: March 2, 2026"
    assert steps[2][0] == "3 Review (current step) Due by March 16, 2026"
    assert steps[3][0] == "4 Decision Due by March 16, 2026"
    assert steps[4][0] == "5 Certificate delivered Due by March 30, 2026"
    assert steps[5][0] == "6 Completed Due by March 30, 2026"


def test_a_service_with_a_site_inspection_shows_it_before_the_review():
    from yiwang.cases import services

    # the catalog's process says the department inspects the site (现场核查)
    world = case_world(
        steps=[
            {"name_zh": "受理", "name_en": "Acceptance"},
            {"name_zh": "现场核查", "name_en": "On-site inspection"},
            {"name_zh": "决定", "name_en": "Decision"},
        ],
        visits=1,  # the inspection is a visit (the guide may not promise 零次到现场)
    )
    case = accepted_case(world)  # received and accepted Monday 2 March 2026, as above

    # at acceptance the inspection is the department's current step, the review after it,
    # both due with the decision (Monday 16 March, as above)
    steps = steps_of(world.applicant, case)
    assert [s[2] for s in steps] == ["done", "done", "current", "ahead", "ahead", "ahead", "ahead"]
    assert steps[2][0] == "3 Site inspection (current step) Due by March 16, 2026"
    assert steps[3][0] == "4 Review Due by March 16, 2026"

    # while the applicant supplements in review, only the inspection says it waits for them
    services.supplement_request(
        case=case, actor=world.reviewer, items=[{"name": "场地平面图", "reason": "未提交"}]
    )
    steps = steps_of(world.applicant, case)
    waiting = [text for text, _current, _status in steps if "Waiting for you" in text]
    assert len(waiting) == 1 and waiting[0].startswith("3 Site inspection")
    case = accepted_case(world)  # another case, for what follows

    # once recorded, the inspection is done on its date and the review is current
    services.site_inspection_record(
        case=case, actor=world.reviewer, findings="两名工作人员现场核查，与材料一致。"
    )
    steps = steps_of(world.applicant, case)
    assert [s[2] for s in steps][:4] == ["done", "done", "done", "current"]
    assert steps[2][0].startswith("✓ Site inspection Done: March")
    assert steps[3][0] == "4 Review (current step) Due by March 16, 2026"


def test_the_steps_are_named_in_chinese():
    world = case_world()
    case = accepted_case(world)

    titles = [s[0].split(" ")[1] for s in steps_of(world.applicant, case, "zh-hans")]

    assert titles == ["申请已收到", "受理", "审查", "决定", "送达", "已办结"]


def test_a_completed_case_shows_every_step_done():
    world = case_world()
    case = completed_case(world)

    steps = steps_of(world.applicant, case)

    assert [s[2] for s in steps] == ["done"] * 6
    assert not any(s[1] for s in steps)
    assert all("Done: March 2, 2026" in s[0] for s in steps)


def test_an_on_the_spot_service_promises_the_completion_the_same_day():
    world = case_world()
    on_the_spot = publish_service(
        department=world.department, workflow="public_service", promised_limit_days=0,
        legal_limit_days=0, kind=ServiceVersion.Kind.PUBLIC_SERVICE, materials=[],
    )  # fmt: skip
    # received Monday 2 March 2026, 09:00
    case = submitted_case(
        world, service=on_the_spot, applicant=world.applicant, form_data={"applicant_name": "张三"}
    )

    steps = steps_of(world.applicant, case)

    assert [s[2] for s in steps] == ["done", "current", "ahead"]
    assert steps[1][0] == "2 Acceptance (current step) Due by March 2, 2026"
    assert steps[2][0] == (
        "3 Completed On the spot (即办): completed the same working day · Due by March 2, 2026"
    )


@pytest.mark.frozen_at("2026-12-29T10:00:00+08:00")
def test_a_date_counted_into_an_unpublished_year_keeps_its_provisional_wording():
    world = case_world()
    # received Monday 28 December 2026 09:00, accepted at 10:00; 2027's schedule is not
    # published, so its days count on the statutory holidays alone (元旦, Friday 1 January):
    # 29, 30, 31 December, 4, 5, 6, 7, 8, 11, 12 January → Tuesday 12 January 2027
    case = accepted_case(world, at=datetime(2026, 12, 28, 9, tzinfo=SHANGHAI))

    steps = steps_of(world.applicant, case)

    assert steps[3][0] == (
        "4 Decision Expected by Jan. 12, 2027 "  # Django's English date format
        "(provisional until the year's holiday schedule is published)"
    )


def test_a_parallel_review_names_its_join_by_its_state_not_as_the_receipt():
    from yiwang.cases.selectors.progress import _step_title
    from yiwang.workflow import load_standard
    from yiwang.workflow.milestones import main_path

    path = main_path(load_standard("parallel_review"))

    with translation.override("en"):
        titles = [_step_title(i, m.state, m.command) for i, m in enumerate(path)]
    assert titles == [
        "Application received", "Acceptance", "The departments' opinions are in", "Decision",
    ]  # fmt: skip
