"""Every published demo service can be taken from application to completion and rating.

Issue 11: after the clerk accepted a 个体工商户设立登记 no demo account could act.
This walks each published service of the demo city (``load_demo``, as ``make run``
loads it) through its workflow with only the demo accounts that ``load_demo``
prints: the citizen or the enterprise agent applies, and at each step the
account that may take the case forward (the first demo account whose roles
the case page offers the command to) does so, until the case is closed; the
applicant then rates it. One variant does the same through the HTTP pages.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tests.demo.walk import SHANGHAI, SOLE_PROPRIETOR_REGISTRATION, submit, walk, walk_from
from yiwang.cases import selectors as case_selectors
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import CITIZEN, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_city):
    """The demo city, loaded once for the module."""


def test_every_published_demo_service_reaches_completion_and_a_rating(demo):
    from tests.factories import PDF_BYTES

    versions = list(
        ServiceVersion.objects.filter(status="published", online_available=True)
        .select_related("item")
        .order_by("item__code")
    )
    assert len(versions) == 49  # the demo catalog of services_business and services_person
    at = datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)
    for version in versions:
        case, path = walk(version, at, PDF_BYTES)
        assert case.step == "completed", (version.name_zh, path)
        assert case.rating.level == 5


def test_the_sole_proprietor_registration_is_completed_on_the_spot(demo):
    """个体工商户设立登记 promises 即办: the clerk accepts, the market regulator's handler
    completes, and the deadline is the day of receipt, not five working days later."""
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    assert version.promised_limit_days == 0
    at = datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI)  # Tuesday, a working day
    case, _applicant_user = submit(version, at, PDF_BYTES)
    # 即办: due at the end of the day of receipt (Tuesday 3 March), not 10 March.
    assert case.due_at == datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    clock = case_selectors.case_clock(case, at)
    assert clock.on_the_spot
    assert case_selectors.case_next_step(case).on_the_spot
    case = Case.objects.get(pk=case.pk)
    case, path = walk_from(case)
    assert path == [("clerk_scjg", "accept"), ("handler_scjg", "complete")]


@pytest.mark.frozen_at("2026-03-07T10:00:00+08:00")
def test_an_on_the_spot_service_received_on_a_saturday_is_due_on_monday(demo):
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    case, _applicant_user = submit(version, saturday, PDF_BYTES)
    assert case.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_the_sole_proprietor_registration_through_the_pages(demo, client):
    """The same path as a person takes it: the clerk and the handler sign in with the demo
    password and press the workbench's buttons; the citizen sees 即办 on the tracker."""
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    case, _applicant_user = submit(version, datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI), PDF_BYTES)

    assert client.login(username=CITIZEN["username"], password=DEMO_PASSWORD)
    page = client.get(f"/cases/{case.number}/")
    assert 'id="on-the-spot"' in page.content.decode()

    for username, command in [("clerk_scjg", "accept"), ("handler_scjg", "complete")]:
        client.logout()
        assert client.login(username=username, password=DEMO_PASSWORD)
        page = client.get(f"/workbench/cases/{case.number}/")
        assert page.status_code == 200
        assert f'data-action="{command}"' in page.content.decode()
        case.refresh_from_db()
        response = client.post(
            f"/workbench/cases/{case.number}/actions/{command}/",
            {"expected_version": case.version, "confirmed": "1"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.step == "completed"

    client.logout()
    assert client.login(username=CITIZEN["username"], password=DEMO_PASSWORD)
    response = client.post(f"/cases/{case.number}/rating/", {"level": "4", "comment": "快"})
    assert response.status_code == 302
    assert case.__class__.objects.get(pk=case.pk).rating.level == 4


def test_the_passport_is_issued_by_the_exit_and_entry_detachment_with_its_own_officer(demo):
    """普通护照签发 (护照法 arts. 5–6): the Jinan PSB's exit and entry detachment accepts,
    reviews, decides and issues it within 15 days (法定) and 7 working days (承诺), with the
    detachment's demo officer; its guide names the detachment's windows and numbers."""
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.select_related("item__department").get(
        status="published", name_zh="普通护照签发"
    )
    department = version.item.department
    assert department.name_zh == "济南市公安局出入境管理支队"
    assert department.parent.name_zh == "济南市公安局"
    assert department.phone and department.complaint_phone == "12345"
    assert "出入境" in department.windows_zh
    assert (version.kind, version.legal_limit_days, version.promised_limit_days) == (
        "licensing",
        15,
        7,
    )
    assert "第六条" in version.legal_basis_zh
    required = set(
        version.materials.filter(requirement="required").values_list("name_zh", flat=True)
    )
    assert {"申请人居民身份证", "近期免冠照片"} <= required
    assert version.fees.get().amount_yuan == Decimal("120.00")

    case, path = walk(version, datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI), PDF_BYTES)

    assert case.step == "completed"
    assert {username for username, _command in path} == {"officer_crj"}
    assert [command for _username, command in path] == [
        "accept",
        "review",
        "approve",
        "issue_certificate",
        "complete",
    ]
