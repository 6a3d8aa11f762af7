"""The applicant withdraws an application from the tracker (撤回), before a decision only.

The tracker offers the button while the workflow allows it; a page asks to confirm (no
script needed); the withdrawal is audited and the officers see it on the case page.
Once the department has decided, the withdrawal is refused and nothing changes.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.clock import NOW
from tests.factories import approved_case, case_world, submitted_case
from yiwang.cases.models import Case
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db

RECENTLY = NOW - timedelta(hours=5)


@pytest.fixture
def world():
    return case_world()


def _tracker(client, case):
    return client.get(reverse("portal:case_detail", args=[case.number])).content.decode()


def test_the_applicant_confirms_and_withdraws_and_the_officer_sees_it(client, world):
    case = submitted_case(world, at=RECENTLY)
    client.force_login(world.applicant)

    assert 'id="withdraw-application"' in _tracker(client, case)
    url = reverse("portal:case_withdraw", args=[case.number])
    confirm = client.get(url)
    assert confirm.status_code == 200 and 'id="confirm-withdraw"' in confirm.content.decode()
    case.refresh_from_db()
    assert case.step == "submitted"  # asking changes nothing

    response = client.post(url, {"reason": "开业计划推迟"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.step == "withdrawn" and case.closed_at is not None
    assert AuditEntry.objects.filter(action="case.withdraw", data__reason="开业计划推迟").exists()
    assert 'id="withdraw-application"' not in _tracker(client, case)
    client.force_login(world.clerk)
    page = client.get(reverse("workbench:case", args=[case.number])).content.decode()
    assert 'data-step="withdrawn"' in page and "开业计划推迟" in page


def test_once_decided_the_application_cannot_be_withdrawn(client, world):
    case = approved_case(world, at=RECENTLY)
    client.force_login(world.applicant)
    before = Case.objects.values("step", "version", "closed_at").get(pk=case.pk)

    assert 'id="withdraw-application"' not in _tracker(client, case)
    url = reverse("portal:case_withdraw", args=[case.number])
    assert client.get(url).status_code == 302
    response = client.post(url, {"reason": "算了"})

    assert response.status_code == 302
    assert Case.objects.values("step", "version", "closed_at").get(pk=case.pk) == before
    assert not AuditEntry.objects.filter(action="case.withdraw").exists()


def test_someone_else_cannot_withdraw_it(client, world):
    case = submitted_case(world, at=RECENTLY)
    client.force_login(case_world().applicant)

    response = client.post(reverse("portal:case_withdraw", args=[case.number]), {})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.step == "submitted"
