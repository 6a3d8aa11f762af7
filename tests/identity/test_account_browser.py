"""A citizen registers, signs in and resets a forgotten password in a real browser (Chinese),
and no page breaks the Content-Security-Policy on the way."""

from __future__ import annotations

import re

import pytest
import time_machine

from tests.factories import T0
from tests.identity.helpers import RecordingSmsSender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LI_SI_ID = "11010519491231002X"
FIRST_PASSWORD = "quan-cheng-2026-spring"
NEW_PASSWORD = "da-ming-hu-2026-autumn"


@pytest.fixture
def page(browser, live_server, settings):
    settings.YIWANG_SMS_SENDER = "tests.identity.helpers.RecordingSmsSender"
    RecordingSmsSender.sent = []
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    yield page
    context.close()
    RecordingSmsSender.sent = []


def sign_in(page, username, password):
    page.goto("/")
    page.get_by_role("link", name="登录", exact=True).click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def test_a_citizen_registers_signs_in_and_resets_the_password(page, run_worker):
    with time_machine.travel(T0, tick=True):
        # Registers from the sign-in page
        page.goto("/accounts/login/")
        page.get_by_role("link", name="个人用户注册").click()
        page.wait_for_url("**/accounts/register/")
        page.locator("#id_name").fill("李四")
        page.locator("#id_resident_id").fill(LI_SI_ID)
        page.locator("#id_phone").fill("13905318888")
        page.locator("#id_email").fill("lisi@example.org")
        page.locator("#id_username").fill("lisi")
        page.locator("#id_password1").fill(FIRST_PASSWORD)
        page.locator("#id_password2").fill("something-else")
        page.get_by_role("button", name="注册账号").click()
        # a mistake is told in Chinese, next to the field and in the summary
        summary = page.locator(".error-summary")
        assert summary.get_by_text("两次输入的密码不一致，请输入相同的密码。").is_visible()
        page.locator("#id_password1").fill(FIRST_PASSWORD)
        page.locator("#id_password2").fill(FIRST_PASSWORD)
        page.get_by_role("button", name="注册账号").click()
        page.get_by_text("账号注册成功，您已登录。").wait_for()
        assert page.get_by_text("已登录：李四").is_visible()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_load_state()

        # Signs in with the password chosen
        sign_in(page, "lisi", FIRST_PASSWORD)
        assert page.get_by_text("已登录：李四").is_visible()
        page.get_by_role("button", name="退出登录").click()
        page.wait_for_load_state()

        # Forgot it: asks for a code by text message
        page.goto("/accounts/login/")
        page.get_by_role("link", name="忘记密码？").click()
        page.locator("#id_account").fill("139 0531 8888")
        page.get_by_role("button", name="继续").click()
        page.wait_for_url("**/accounts/password-reset/code/")
        assert page.get_by_text("139****8888").is_visible()
        run_worker()  # the background worker sends the text message
        ((phone, text),) = RecordingSmsSender.sent
        assert phone == "13905318888"
        code = re.search(r"验证码 (\d{6})", text).group(1)
        page.locator("#id_code").fill(code)
        page.locator("#id_new_password1").fill(NEW_PASSWORD)
        page.locator("#id_new_password2").fill(NEW_PASSWORD)
        page.get_by_role("button", name="设置新密码").click()
        page.wait_for_url("**/accounts/password-reset/done/")
        assert page.get_by_role("heading", name="密码已修改").is_visible()

        # The old password no longer works, the new one does
        sign_in(page, "lisi", FIRST_PASSWORD)
        assert page.get_by_text("用户名或密码不正确").is_visible()
        sign_in(page, "lisi", NEW_PASSWORD)
        assert page.get_by_text("已登录：李四").is_visible()

    assert page.csp_violations == []
