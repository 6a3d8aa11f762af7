"""一网统管 end to end: a 12345 call handled to a 督办单 in Chromium, through the real pages.

Issue 10's journey, once: the operator signs in and lands on the console,
answers an informational call directly from the knowledge base, registers a
report of a missing manhole cover, and dispatches it from the directory; the
city management bureau returns it once (not its remit), the operator
reassigns it to the ecology bureau, whose handler signs for it, records
handling with a photo and replies; at the callback the reporter rates it
badly, so it reopens; the supervisor then issues a 督办单. The handler's event
page is also checked at a phone's size. One browser context per person.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import QUANCHENG_SQUARE, event_world
from yiwang.events import services
from yiwang.events.models import Event, Status, SupervisionOrder

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the flush after the test must not lose the working-day
    # calendar that a data migration loads.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PHONE = {"width": 390, "height": 844}  # a common phone's CSS viewport


@pytest.fixture
def new_page(browser, live_server):
    """Pages in fresh browser contexts (one per person), English UI, closed after the test."""
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="en-US", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, username: str) -> None:
    """Through the real login page, with no ``next``: the user lands on their own page."""
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name="Sign in").click()


def act(page, button: str) -> None:
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.get_by_role("button", name=button, exact=True).click()


def fill_call(page, *, phone: str, category: str, description: str) -> None:
    page.get_by_label("Caller's phone").fill(phone)
    page.get_by_label("Caller's name").fill("王女士")
    page.get_by_label("Category").fill(category)
    page.get_by_label("Address").fill("济南市历下区泉城广场东南角")
    page.get_by_label("Latitude").fill(str(QUANCHENG_SQUARE[0]))
    page.get_by_label("Longitude").fill(str(QUANCHENG_SQUARE[1]))
    page.get_by_label("Description").fill(description)


def test_a_call_goes_from_the_console_to_a_supervision_order(new_page):
    from playwright.sync_api import expect

    world = event_world()
    services.article_save(
        actor=world.supervisor,
        key="construction-noise-hours",
        category=world.noise,
        title="夜间施工噪声",
        body="22时至次日6时禁止产生环境噪声污染的建筑施工作业，抢修、抢险作业除外。",
        keywords="噪声 施工 夜间",
    )
    operator, cgj, sthj, supervisor = new_page(), new_page(), new_page(), new_page()

    # The operator lands on the console and answers an informational call directly
    sign_in(operator, world.operator.username)
    expect(operator).to_have_url(re.compile(r".*/city/console/$"))
    fill_call(
        operator, phone="13905310002", category=world.noise.code, description="夜间几点后不能施工？"
    )
    operator.locator("[data-kb-query]").fill("夜间")
    answer = operator.get_by_role("button", name="Answer with this 夜间施工噪声")
    with operator.expect_navigation(wait_until="domcontentloaded"):
        answer.click()
    expect(operator.locator(".flash-messages")).to_contain_text(
        "answered from the knowledge base and closed"
    )
    direct = Event.objects.get(reporter_phone="13905310002")
    assert direct.answered_directly and direct.status == Status.CLOSED

    # A second call: registered, its earlier call shows while typing, then dispatched
    fill_call(
        operator,
        phone="13905310002",
        category=world.manhole.code,
        description="井盖缺失，行人有危险",
    )
    expect(operator.locator("[data-caller-results]")).to_contain_text(direct.number)
    act(operator, "Register the call")
    event = Event.objects.exclude(pk=direct.pk).get()
    expect(operator.locator("h1")).to_contain_text(event.number)
    act(operator, "Dispatch")
    expect(operator.locator("[data-status]")).to_have_attribute("data-status", "dispatched")

    # The city management bureau returns it once: not its remit
    sign_in(cgj, world.handler_cgj.username)
    expect(cgj).to_have_url(re.compile(r".*/city/queue/$"))
    cgj.locator(f'tr[data-event="{event.number}"] a').click()
    cgj.locator("#id_return_reason").fill("该井盖属于园林绿地排水设施，不属于城管职责")
    act(cgj, "Return")
    expect(cgj.locator("[data-status]")).to_have_attribute("data-status", "returned")

    # The operator reassigns it to the ecology bureau
    operator.reload()
    operator.locator("#id_reassign_lead").select_option(label=world.sthj.name_zh)
    operator.locator("#id_reassign_reason").fill("经核实由生态环境局主办")
    act(operator, "Reassign")
    expect(operator.locator("[data-status]")).to_have_attribute("data-status", "dispatched")

    # Its handler signs, records the work with a photo and replies
    sign_in(sthj, world.handler_sthj.username)
    sthj.goto(f"/city/events/{event.number}/")
    act(sthj, "Sign for")
    expect(sthj.locator("[data-status]")).to_have_attribute("data-status", "handling")
    sthj.locator("#id_handle_note").fill("已到现场，临时围挡")
    sthj.locator("#id_handle_photos").set_input_files(
        {"name": "site.png", "mimeType": "image/png", "buffer": PNG}
    )
    act(sthj, "Record progress")
    expect(sthj.locator(".city-photos img")).to_have_count(1)
    sthj.locator("#id_reply_outcome").select_option("resolved")
    sthj.locator("#id_reply_result").fill("已安装新井盖")
    sthj.locator("#id_reply_reply").fill("您反映的井盖已更换，感谢监督。")
    act(sthj, "Send the reply")
    expect(sthj.locator("[data-status]")).to_have_attribute("data-status", "replied")

    # At the callback the reporter is dissatisfied: it reopens to the same bureau
    operator.goto("/city/callbacks/")
    operator.locator(f'tr[data-event="{event.number}"] a').click()
    operator.locator("#action-callback").get_by_label("Dissatisfied", exact=True).check()
    operator.locator("#action-callback").get_by_label("Not resolved", exact=True).check()
    operator.locator("#id_callback_note").fill("井盖仍然松动")
    act(operator, "Record")
    event.refresh_from_db()
    assert event.reopen_count == 1
    assert event.lead_department == world.sthj
    expect(operator.locator('[data-kind="reopened"]')).to_have_count(1)

    # The supervisor lands on the board and issues a 督办单
    sign_in(supervisor, world.supervisor.username)
    expect(supervisor).to_have_url(re.compile(r".*/city/board/$"))
    supervisor.goto(f"/city/events/{event.number}/")
    supervisor.locator("#id_supervise_note").fill("重办件，请于一个工作日内答复处置情况")
    act(supervisor, "Issue")
    order = SupervisionOrder.objects.get(event=event)
    assert order.department == world.sthj and order.issued_by == world.supervisor
    sthj.goto("/city/queue/")
    expect(sthj.locator("#orders-title")).to_be_visible()


def test_the_handlers_event_page_fits_a_phone(new_page):
    from playwright.sync_api import expect

    from tests.factories import dispatched_event

    world = event_world()
    event = dispatched_event(world)
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True)

    sign_in(phone, world.handler_cgj.username)
    phone.goto("/city/queue/")
    row = phone.locator(f'tr[data-event="{event.number}"]')
    expect(row).to_be_visible()
    row.locator("a").click()
    phone.wait_for_url(f"**/city/events/{event.number}/")

    sign = phone.get_by_role("button", name="Sign for", exact=True)
    expect(sign).to_be_visible()
    box = sign.bounding_box()
    assert box is not None and box["height"] >= 40 and box["width"] >= PHONE["width"] * 0.6
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    act(phone, "Sign for")
    expect(phone.locator("[data-status]")).to_have_attribute("data-status", "handling")
