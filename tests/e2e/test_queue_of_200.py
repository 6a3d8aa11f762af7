"""An officer with 200 cases in the queue, in Chromium: the counts by light, every case
reached page by page and back, the overdue ones first and alone behind their count, ``j``
crossing from the last case of a page to the first of the next, a claim found again under
"assigned to me", no file fetched until a preview is asked for, and a phone that still
shows the queue without the page scrolling sideways (issue 11: "an officer with 200 cases
finds the workbench fast and calm").

The cases are made through the real services (draft, uploads, submit), received at three
instants chosen so that each light is known by hand, on the 2026 calendar (国办发明电
〔2025〕7号: 春节 15–23 February off, Saturdays 14 and 28 February worked), with the
acceptance limit of 5 working days counted from the day after receipt, at NOW (Tuesday
3 March 2026, 10:00):

- 20 received Tuesday 10 February: 11, 12, 13, 14 (Saturday, worked), 24 February is the
  fifth working day: due 24 February, overdue (red);
- 30 received Wednesday 25 February: 26, 27, 28 (Saturday, worked) February, 2 and
  3 March: due today, the last working day: due soon (yellow);
- 150 received at 09:00 today: due Tuesday 10 March (green).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.a11y import accessibility_problems
from tests.clock import NOW
from tests.e2e.test_one_stop_journey import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
RED, YELLOW, GREEN = 20, 30, 150
RECEIVED = {
    "red": datetime(2026, 2, 10, 10, 0, tzinfo=SHANGHAI),
    "yellow": datetime(2026, 2, 25, 10, 0, tzinfo=SHANGHAI),
    "green": NOW - timedelta(hours=1),  # 09:00 today
}
PAGE = 50  # the workbench's page of cases


def _numbers(page) -> list[str]:
    return page.locator("tr.wb-queue__row").evaluate_all("rows => rows.map(r => r.dataset.case)")


def _lights(page) -> list[str]:
    return page.locator("tr.wb-queue__row").evaluate_all(
        "rows => rows.map(r => [...r.classList].find(c => c.startsWith('wb-queue__row--'))"
        ".slice('wb-queue__row--'.length))"
    )


def _follow(page, name: str) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("navigation", name="Pages").get_by_role("link", name=name).click()


def test_an_officer_works_through_a_queue_of_200_cases(new_page):
    from playwright.sync_api import expect

    world = factories.case_world()
    made: dict[str, list[str]] = {}
    for light, count in (("red", RED), ("yellow", YELLOW), ("green", GREEN)):
        made[light] = [
            factories.submitted_case(world, at=RECEIVED[light]).number for _ in range(count)
        ]
    # Soonest deadline first; a day's cases share their deadline, then by arrival.
    expected_order = made["red"] + made["yellow"] + made["green"]

    officer = new_page()
    officer.set_viewport_size({"width": 1440, "height": 900})
    sign_in(officer, world.clerk.username, next_url="/workbench/", password="correct-horse-battery")

    # The counts an officer plans the day by
    expect(officer.locator('[data-count="red"]')).to_have_text(str(RED))
    expect(officer.locator('[data-count="yellow"]')).to_have_text(str(YELLOW))
    expect(officer.locator('[data-count="open"]')).to_have_text(str(RED + YELLOW + GREEN))
    expect(officer.get_by_role("status")).to_have_text("200 cases")
    problems = accessibility_problems(officer)

    # Page by page to the end: every case once, in deadline order, the overdue first
    pages = [_numbers(officer)]
    assert _lights(officer) == ["red"] * RED + ["yellow"] * YELLOW
    while officer.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").count():
        _follow(officer, "Next")
        pages.append(_numbers(officer))
    assert [len(p) for p in pages] == [PAGE] * 4
    assert [n for p in pages for n in p] == expected_order
    _follow(officer, "Previous")
    assert _numbers(officer) == pages[2]
    _follow(officer, "First page")
    assert _numbers(officer) == pages[0]

    # The overdue count opens the overdue cases, and only them
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.locator('[data-count="red"]').click()
    expect(officer.get_by_role("status")).to_have_text(f"{RED} cases")
    assert _numbers(officer) == made["red"]

    # From the last case of the first page, j goes on to the first of the second
    officer.goto("/workbench/", wait_until="domcontentloaded")
    fetched: list[str] = []
    officer.on("request", lambda r: fetched.append(r.url) if "/materials/" in r.url else None)
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.get_by_role("link", name=pages[0][-1], exact=True).click()
    expect(officer.locator("h1")).to_have_text(pages[0][-1])
    officer.wait_for_load_state("load")
    assert fetched == [], "no file is fetched until the officer asks for a preview"
    problems += accessibility_problems(officer)
    with officer.expect_request(lambda r: "/materials/" in r.url):
        officer.get_by_text("Preview", exact=True).first.click()
    assert len(fetched) == 1, "the preview asked for is fetched, and only it"
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.keyboard.press("j")
    expect(officer.locator("h1")).to_have_text(pages[1][0])
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.keyboard.press("k")
    expect(officer.locator("h1")).to_have_text(pages[0][-1])

    # The confirmation of a legal decision (不予受理) is as accessible as the rest
    reason = officer.get_by_label("Reason for not accepting")
    reason.fill("不属于本机关职权范围")
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.locator('form[data-action="reject"]').get_by_role("button").click()
    expect(officer.locator("#document-preview")).to_contain_text("不予受理决定书")
    problems += accessibility_problems(officer)
    assert not problems, "\n".join(problems)

    # A claim from the queue is found again under "assigned to me"
    officer.goto("/workbench/", wait_until="domcontentloaded")
    target = pages[0][3]
    with officer.expect_navigation(wait_until="domcontentloaded"):
        officer.get_by_role("button", name=f"Claim {target}").click()
    officer.goto("/workbench/?assignee=me", wait_until="domcontentloaded")
    expect(officer.get_by_role("status")).to_have_text("1 case")
    assert _numbers(officer) == [target]

    # On a phone the queue is there, the page does not scroll sideways
    officer.set_viewport_size({"width": 390, "height": 844})
    officer.goto("/workbench/", wait_until="domcontentloaded")
    assert len(_numbers(officer)) == PAGE
    expect(officer.get_by_role("link", name=pages[0][0], exact=True)).to_be_visible()
    assert officer.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
