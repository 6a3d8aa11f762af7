"""Legal decisions (准予许可, 不予许可, 不予受理, 办结) ask for confirmation on a page of their own.

The page is server-rendered (no script needed): it shows what the applicant will receive
(the notification as it will be sent) and, for a refusal, the remedies (行政复议法 第二十条:
60 days; 行政诉讼法 第四十六条: 6 months); only the confirming POST runs the command.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.clock import NOW
from tests.factories import fan_out, reviewed_case, submitted_case
from yiwang.cases.models import Case, CaseDecision
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
    assert f"Your application {case.number} has been approved." in html
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

    assert REASONS in shown and BASIS in shown
    assert "within 60 days" in shown and "within 6 months" in shown
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.step == "denied"
    fan_out()
    sent = Notification.objects.get(case=case, kind="decided")
    assert REASONS in sent.body and BASIS in sent.body


def test_a_rejection_at_intake_is_confirmed_too(world, client_for):
    case = submitted_case(world, at=RECENTLY)
    client = client_for(world.clerk)

    page = _post(client, case, "reject", reason="Not our department's service.")

    assert page.status_code == 200 and 'data-confirm="1"' in page.content.decode()
    case.refresh_from_db()
    assert case.step == "submitted"


def test_an_accept_needs_no_confirmation(world, client_for):
    case = submitted_case(world, at=RECENTLY)

    response = _post(client_for(world.clerk), case, "accept")

    assert response.status_code == 302
