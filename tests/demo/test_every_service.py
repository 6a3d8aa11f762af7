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

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import (
    CITIZEN,
    CITIZEN_BUSINESS,
    DEMO_PASSWORD,
    ENTERPRISE_AGENT,
    ENTERPRISES,
    USERS,
)
from yiwang.identity.models import Enterprise, User

pytestmark = pytest.mark.django_db

#: The commands that take a case forward, in the order a case meets them.
FORWARD = ["accept", "review", "approve", "issue_certificate", "complete"]

#: 个体工商户设立登记, the service of the issue (promised 即办).
SOLE_PROPRIETOR_REGISTRATION = "个体工商户设立登记"

HOUR = timedelta(hours=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _value(key: str, prop: dict[str, Any], *, uscc: str) -> Any:
    """A valid answer for one field of a demo form (the demo forms are flat)."""
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "integer":
        return max(1, int(prop.get("minimum", 0)))
    if kind == "number":
        return 45
    if kind == "boolean":
        return True
    fmt = prop.get("format")
    if fmt == "cn-resident-id":
        return CITIZEN["resident_id"]
    if fmt == "cn-uscc":
        return uscc
    if fmt == "cn-phone":
        return CITIZEN["phone"]
    if fmt == "date":
        return "2026-03-02"
    if prop.get("pattern") == "^鲁[A-Z][A-Z0-9]{5,6}$":
        return "鲁A12345"
    return "演示"


def _answers(version: ServiceVersion, prefilled: dict[str, Any], uscc: str) -> dict[str, Any]:
    schema = version.form_schema
    answers = {key: _value(key, prop, uscc=uscc) for key, prop in schema["properties"].items()}
    answers.update({k: v for k, v in prefilled.items() if k in schema["properties"] and v})
    return answers


def _applicant(version: ServiceVersion) -> tuple[User, Enterprise | None, str]:
    """The demo account that applies: the citizen for natural persons (with his own
    business's credit code where a form asks for one), the enterprise agent for legal
    persons."""
    if version.service_object == ServiceVersion.ServiceObject.LEGAL_PERSON:
        enterprise = Enterprise.objects.get(uscc=ENTERPRISES[0]["uscc"])
        return User.objects.get(username=ENTERPRISE_AGENT), enterprise, enterprise.uscc
    return User.objects.get(username=CITIZEN["username"]), None, CITIZEN_BUSINESS["uscc"]


def _officers() -> list[User]:
    """The demo accounts that are not applicants, in the order load_demo prints them."""
    by_name = {u.username: u for u in User.objects.all()}
    return [
        by_name[spec["username"]]
        for spec in USERS
        if spec["username"] not in {CITIZEN["username"], ENTERPRISE_AGENT}
    ]


def _submit(version: ServiceVersion, at: datetime, pdf: bytes) -> tuple[Case, User]:
    from tests.factories import JPEG_BYTES, upload

    applicant, enterprise, uscc = _applicant(version)
    application = case_services.application_create_draft(
        applicant=applicant, service_code=version.item.code, enterprise=enterprise, at=at
    )
    application = case_services.application_update_draft(
        application=application,
        applicant=applicant,
        form_data=_answers(version, application.form_data, uscc),
        at=at,
    )
    for material in version.materials.filter(requirement="required").order_by("order"):
        file = upload(f"m{material.pk}.pdf", pdf)
        if "pdf" not in material.formats:
            file = upload(f"m{material.pk}.jpg", JPEG_BYTES, "image/jpeg")
        case_services.material_upload(
            actor=applicant, application=application, material_id=material.pk, file=file, at=at
        )
    case = case_services.application_submit(application=application, applicant=applicant, at=at)
    return case, applicant


def _next_move(case: Case, officers: list[User]) -> tuple[User, str, dict[str, Any]]:
    """The first demo account that the case page offers a forward command, and the fields."""
    for command in FORWARD:
        for officer in officers:
            allowed = {
                a.name: a for a in case_selectors.case_allowed_commands(case=case, officer=officer)
            }
            if command in allowed:
                fields: dict[str, Any] = {}
                if command == "review":
                    fields = {"outcome": "approve", "opinion": "材料齐全，符合法定条件，建议准予。"}
                return officer, command, fields
    raise AssertionError(
        f"{case.service_version.name_zh} ({case.number}) at step {case.step}: "
        "no demo account can take it forward"
    )


def walk(version: ServiceVersion, at: datetime, pdf: bytes) -> tuple[Case, list[tuple[str, str]]]:
    case, applicant = _submit(version, at, pdf)
    officers = _officers()
    path: list[tuple[str, str]] = []
    for _step in range(12):
        case = Case.objects.select_related(
            "workflow_instance", "department", "service_version"
        ).get(pk=case.pk)
        if case.closed_at is not None:
            break
        officer, command, fields = _next_move(case, officers)
        at += HOUR
        case_services.case_command(
            case=case, actor=officer, command=command, fields=fields,
            expected_version=case.version, at=at,
        )  # fmt: skip
        path.append((officer.username, command))
    case.refresh_from_db()
    assert case.closed_at is not None, (version.name_zh, case.step, path)
    case_services.rating_submit(case=case, applicant=applicant, level=5, at=at + HOUR)
    return case, path


@pytest.fixture
def demo():
    call_command("load_demo", "--quiet")


def test_every_published_demo_service_reaches_completion_and_a_rating(demo):
    from tests.factories import PDF_BYTES

    versions = list(
        ServiceVersion.objects.filter(status="published", online_available=True)
        .select_related("item")
        .order_by("item__code")
    )
    assert len(versions) == 48  # the demo catalog of services_business and services_person
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
    case, _applicant_user = _submit(version, at, PDF_BYTES)
    # 即办: due at the end of the day of receipt (Tuesday 3 March), not 10 March.
    assert case.due_at == datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    clock = case_selectors.case_clock(case, at)
    assert clock.on_the_spot
    assert case_selectors.case_next_step(case).on_the_spot
    case = Case.objects.get(pk=case.pk)
    case, path = walk_from(case)
    assert path == [("clerk_scjg", "accept"), ("handler_scjg", "complete")]


def walk_from(case: Case) -> tuple[Case, list[tuple[str, str]]]:
    officers = _officers()
    path = []
    at = case.received_at
    while case.closed_at is None and len(path) < 12:
        officer, command, fields = _next_move(case, officers)
        at += HOUR
        case = case_services.case_command(
            case=case, actor=officer, command=command, fields=fields,
            expected_version=case.version, at=at,
        )  # fmt: skip
        path.append((officer.username, command))
    return case, path


@pytest.mark.frozen_at("2026-03-07T10:00:00+08:00")
def test_an_on_the_spot_service_received_on_a_saturday_is_due_on_monday(demo):
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    case, _applicant_user = _submit(version, saturday, PDF_BYTES)
    assert case.due_at == datetime(2026, 3, 9, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_the_sole_proprietor_registration_through_the_pages(demo, client):
    """The same path as a person takes it: the clerk and the handler sign in with the demo
    password and press the workbench's buttons; the citizen sees 即办 on the tracker."""
    from tests.factories import PDF_BYTES

    version = ServiceVersion.objects.get(status="published", name_zh=SOLE_PROPRIETOR_REGISTRATION)
    case, _applicant_user = _submit(version, datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI), PDF_BYTES)

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
