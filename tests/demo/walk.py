"""Taking demo services through their workflows with the demo accounts (the accounts
``load_demo`` prints), as the every-service walk and the journeys of issue 11 do."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from yiwang.cases import selectors as case_selectors
from yiwang.cases import services as case_services
from yiwang.cases.models import Case
from yiwang.catalog.models import ServiceVersion
from yiwang.demo.data.accounts import (
    CITIZEN,
    CITIZEN_BUSINESS,
    ENTERPRISE_AGENT,
    ENTERPRISES,
    USERS,
)
from yiwang.identity.models import Enterprise, User

#: The commands that take a case forward, in the order a case meets them.
FORWARD = ["accept", "record_inspection", "review", "approve", "issue_certificate", "complete"]

#: The fields each forward command is given.
FIELDS: dict[str, dict[str, str]] = {
    "record_inspection": {"findings": "两名工作人员现场核查，场所与申请材料一致。"},
    "review": {"outcome": "approve", "opinion": "材料齐全，符合法定条件，建议准予。"},
}

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


def officers() -> list[User]:
    """The demo accounts that are not applicants, in the order load_demo prints them."""
    by_name = {u.username: u for u in User.objects.all()}
    return [
        by_name[spec["username"]]
        for spec in USERS
        if spec["username"] not in {CITIZEN["username"], ENTERPRISE_AGENT}
    ]


def submit(version: ServiceVersion, at: datetime, pdf: bytes) -> tuple[Case, User]:
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


def next_move(case: Case, officers: list[User]) -> tuple[User, str, dict[str, Any]]:
    """The first demo account that the case page offers a forward command, and the fields."""
    inspected = case.timeline.filter(kind="site_inspected").exists()
    for command in FORWARD:
        if command == "record_inspection" and (
            inspected or not case.service_version.has_site_inspection
        ):
            continue  # once, where the guide's steps say one happens
        for officer in officers:
            allowed = {
                a.name: a for a in case_selectors.case_allowed_commands(case=case, officer=officer)
            }
            if command in allowed:
                return officer, command, dict(FIELDS.get(command, {}))
    raise AssertionError(
        f"{case.service_version.name_zh} ({case.number}) at step {case.step}: "
        "no demo account can take it forward"
    )


def walk(version: ServiceVersion, at: datetime, pdf: bytes) -> tuple[Case, list[tuple[str, str]]]:
    case, applicant = submit(version, at, pdf)
    accounts = officers()
    path: list[tuple[str, str]] = []
    for _step in range(12):
        case = Case.objects.select_related(
            "workflow_instance", "department", "service_version"
        ).get(pk=case.pk)
        if case.closed_at is not None:
            break
        officer, command, fields = next_move(case, accounts)
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


def walk_from(case: Case) -> tuple[Case, list[tuple[str, str]]]:
    accounts = officers()
    path = []
    at = case.received_at
    while case.closed_at is None and len(path) < 12:
        officer, command, fields = next_move(case, accounts)
        at += HOUR
        case = case_services.case_command(
            case=case, actor=officer, command=command, fields=fields,
            expected_version=case.version, at=at,
        )  # fmt: skip
        path.append((officer.username, command))
    return case, path
