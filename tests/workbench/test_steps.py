"""The stepper on the officer's case page: the same steps and dates as the applicant's
tracker (one renderer, ``includes/case_steps.html``), in the workbench's date format and in
both languages (dates worked by hand from the 2026 calendar)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import HOUR, T0, accepted_case, completed_case, submitted_case
from yiwang.cases import services

pytestmark = pytest.mark.django_db


def steps_on(user, url: str, language: str = "en") -> list[tuple[str, bool, str]]:
    """(the step's text, whether it is the current one, its status class) for each step."""
    client = Client()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<ol class="stepper" id="steps">') == 1
    stepper = html[html.index('<ol class="stepper" id="steps">') :]
    stepper = stepper[: stepper.index("</ol>")]
    out = []
    for attrs, body in re.findall(r"<li ([^>]*)>(.*?)</li>", stepper, flags=re.S):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        status = re.search(r"stepper__step--(\w+)", attrs).group(1)
        out.append((text, 'aria-current="step"' in attrs, status))
    return out


def case_page(case) -> str:
    return reverse("workbench:case", kwargs={"number": case.number})


def test_the_reviewer_sees_every_step_ahead_with_its_deadline(world):
    # given a licensing case (promised 10 working days) received Monday 2 March 2026 09:00
    # and accepted at 10:00
    case = accepted_case(world)

    # when the reviewer opens it
    steps = steps_on(world.reviewer, case_page(case))

    # then the decision is due 10 working days after acceptance, the day itself not
    # counted: 3, 4, 5, 6, 9, 10, 11, 12, 13, 16 March → 16 March; the certificate within
    # 10 working days of the decision (art. 44): 17–20, 23–27, 30 March → 30 March
    assert [s[2] for s in steps] == ["done", "done", "current", "ahead", "ahead", "ahead"]
    assert [s[1] for s in steps] == [False, False, True, False, False, False]
    assert steps == [
        ("✓ Application received Done: 2026-03-02", False, "done"),
        ("✓ Acceptance Done: 2026-03-02", False, "done"),
        ("3 Review (current step) Due by 2026-03-16", True, "current"),
        ("4 Decision Due by 2026-03-16", False, "ahead"),
        ("5 Certificate delivered Due by 2026-03-30", False, "ahead"),
        ("6 Completed Due by 2026-03-30", False, "ahead"),
    ]


def test_the_steps_are_the_trackers_in_chinese(world):
    case = accepted_case(world)

    officer = steps_on(world.reviewer, case_page(case), "zh-hans")
    applicant = steps_on(
        world.applicant, reverse("portal:case_detail", args=[case.number]), "zh-hans"
    )

    assert [s[0].split(" ")[1] for s in officer] == [
        "申请已收到", "受理", "审查", "决定", "送达", "已办结",
    ]  # fmt: skip
    assert [s[0].split(" ")[1] for s in applicant] == [s[0].split(" ")[1] for s in officer]
    assert [s[2] for s in applicant] == [s[2] for s in officer]
    assert officer[2] == ("3 审查 (当前环节) 截止 2026-03-16", True, "current")


def test_a_case_waiting_for_supplements_says_whom_it_waits_for(world):
    # given the clerk asked for a supplement an hour after receipt (the clock stops)
    case = submitted_case(world)
    material = case.service_version.materials.order_by("order").first()
    services.supplement_request(
        case=case,
        actor=world.clerk,
        items=[{"material_id": material.pk, "reason": "扫描件不清晰"}],
        at=T0 + HOUR,
    )

    officer = steps_on(world.clerk, case_page(case))
    applicant = steps_on(world.applicant, reverse("portal:case_detail", args=[case.number]))

    # then the current step waits for the applicant: no date while the clock is stopped
    assert officer[1] == ("2 Acceptance (current step) Waiting for the applicant", True, "current")
    assert applicant[1] == ("2 Acceptance (current step) Waiting for you", True, "current")
    assert all("Due by" not in text for text, _current, _status in officer)
    chinese = steps_on(world.clerk, case_page(case), "zh-hans")
    assert chinese[1] == ("2 受理 (当前环节) 等待申请人处理", True, "current")


def test_a_completed_case_shows_every_step_done(world):
    case = completed_case(world)

    steps = steps_on(world.approver, case_page(case))

    assert [s[2] for s in steps] == ["done"] * 6
    assert all("Done: 2026-03-02" in s[0] for s in steps)
