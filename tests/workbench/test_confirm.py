"""Legal decisions (准予许可, 不予许可, 不予受理, 办结) ask for confirmation on a page of their own.

The page is server-rendered (no script needed): it shows what the applicant will receive
(the notification as it will be sent, in the applicant's language, and the written decision
as it will be issued, with the remedies of a refusal: 行政复议法 第二十条, sixty days;
行政诉讼法 第四十六条, six months); only the confirming POST runs the command.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.clock import NOW
from tests.factories import fan_out, reviewed_case, submitted_case
from yiwang.cases import services
from yiwang.cases.models import Case, CaseDecision, CaseNotice
from yiwang.notifications.models import Notification

pytestmark = pytest.mark.django_db

RECENTLY = NOW - timedelta(hours=5)
REASONS = "The premises are smaller than the 20 m² the rules require."
BASIS = "《食品经营许可管理办法》第十一条"


def _post(client, case: Case, command: str, **data):
    case.refresh_from_db()
    data.setdefault("expected_version", case.version)
    return client.post(reverse("workbench:command", args=[case.number, command]), data)


def test_approving_first_shows_what_the_applicant_receives_and_changes_nothing(world, client_for):
    case = reviewed_case(world, at=RECENTLY)
    client = client_for(world.approver)
    version = Case.objects.get(pk=case.pk).version

    page = _post(client, case, "approve")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="applicant-receives"' in html
    # the notification in the applicant's language (Chinese, whatever the officer reads)
    assert f"您的申请 {case.number} 已准予许可。" in html
    # the written decision, as it will be issued: its title, number and text
    assert "准予行政许可决定书" in html
    assert f"文号：{case.number}-ZY" in html
    assert "本机关决定准予行政许可" in html
    assert 'name="confirmed" value="1"' in html
    case.refresh_from_db()
    assert (case.step, case.version) == ("reviewed", version)
    assert not CaseDecision.objects.filter(case=case).exists()
    fan_out()
    assert not Notification.objects.filter(case=case, kind="decided").exists()


def test_confirming_runs_the_decision_and_the_applicant_gets_what_was_shown(world, client_for):
    case = reviewed_case(world, at=RECENTLY)
    client = client_for(world.approver)

    shown = _post(client, case, "deny", reason=REASONS, legal_basis=BASIS).content.decode()
    done = _post(client, case, "deny", reason=REASONS, legal_basis=BASIS, confirmed="1")

    # the applicant reads Chinese (the default): the notification as sent, and the decision
    # with its reasons, basis and remedies
    assert f"您的申请 {case.number} 不予许可。" in shown
    assert "不予行政许可决定书" in shown and f"文号：{case.number}-BY" in shown
    assert f"不予许可的理由：{REASONS}" in shown and f"依据：{BASIS}" in shown
    assert "六十日内申请行政复议" in shown and "六个月内向人民法院提起行政诉讼" in shown
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.step == "denied"
    fan_out()
    sent = Notification.objects.get(case=case, kind="decided")
    assert REASONS in sent.body and BASIS in sent.body
    assert sent.title in shown
    issued = CaseNotice.objects.get(case=case, kind="denial")
    assert issued.number == f"{case.number}-BY"


def test_a_rejection_at_intake_is_confirmed_too(world, client_for):
    case = submitted_case(world, at=RECENTLY)
    client = client_for(world.clerk)

    page = _post(client, case, "reject", reason="Not our department's service.")

    assert page.status_code == 200 and 'data-confirm="1"' in page.content.decode()
    case.refresh_from_db()
    assert case.step == "submitted"


def test_the_decision_preview_escapes_what_the_officer_typed(world, client_for):
    case = submitted_case(world, at=RECENTLY)

    page = _post(client_for(world.clerk), case, "reject", reason="<script>alert(1)</script>")

    html = page.content.decode()
    assert "不予受理的理由：&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_completing_is_confirmed_and_says_no_written_decision_is_issued(world, client_for):
    from tests.factories import approved_case

    case = approved_case(world, at=RECENTLY)
    services.certificate_issue(case=case, actor=world.approver)
    client = client_for(world.approver)
    version = Case.objects.get(pk=case.pk).version

    page = _post(client, case, "complete")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-confirm="1"' in html
    assert "No written decision is issued for this act" in html
    case.refresh_from_db()
    assert case.version == version and case.closed_at is None


def test_an_accept_needs_no_confirmation(world, client_for):
    case = submitted_case(world, at=RECENTLY)

    response = _post(client_for(world.clerk), case, "accept")

    assert response.status_code == 302
