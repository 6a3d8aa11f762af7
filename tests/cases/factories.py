"""Presets for case tests, shared with the portal, workbench, API and notification tests.

Keep these names and signatures stable: other apps' tests build on them.

    world = case_world()                      # a department, its officers, a service, a citizen
    case = submitted_case(world)              # received at T0, step "submitted"
    case = accepted_case(world)               # accepted an hour later, "under_review"
    case = completed_case(world)              # approved, certificate issued, completed

Every preset acts through the services, at fixed instants from ``T0`` (a
working Monday in 2026, the calendar's data), one hour apart, so deadlines
are predictable; pass ``at=`` to move them.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import DepartmentFactory, UserFactory, publish_service
from yiwang.cases import services
from yiwang.cases.models import Application, Case
from yiwang.catalog.models import ServiceVersion
from yiwang.identity.models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseMember,
    Role,
    RoleAssignment,
    User,
)
from yiwang.identity.validators import resident_id_check_character, uscc_check_character

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # Monday, a working day far from holidays
HOUR = timedelta(hours=1)

FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "minLength": 2},
        "id_number": {"type": "string", "title": "身份证号"},
        "phone": {"type": "string", "title": "联系电话", "pattern": "^1[3-9][0-9]{9}$"},
        "shop_name": {"type": "string", "title": "店铺名称"},
        "opening_date": {"type": "string", "format": "date", "title": "开业日期"},
        "area_m2": {"type": "number", "minimum": 1, "title": "经营面积"},
        "address": {
            "type": "object",
            "title": "经营地址",
            "properties": {
                "district": {"type": "string", "enum": ["历下区", "市中区", "槐荫区"]},
                "street": {"type": "string"},
            },
            "required": ["district", "street"],
        },
    },
    "required": ["applicant_name", "shop_name", "address"],
}

VALID_FORM: dict[str, Any] = {
    "applicant_name": "张三",
    "shop_name": "泉城小吃",
    "opening_date": "2026-04-01",
    "area_m2": 35,
    "address": {"district": "历下区", "street": "泉城路 1 号"},
}

MATERIALS = [
    {
        "name_zh": "身份证明",
        "name_en": "Proof of identity",
        "formats": ["pdf", "jpg", "png", "ofd"],
    },
    {"name_zh": "经营场所证明", "name_en": "Proof of premises", "formats": ["pdf"]},
    {
        "name_zh": "委托书",
        "name_en": "Power of attorney",
        "formats": ["pdf"],
        "requirement": "conditional",
        "condition_zh": "委托他人办理的",
        "condition_en": "When someone applies for you",
    },
]

_ids = itertools.count(1)

# --- files --------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def ofd_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buffer.getvalue()


def upload(name: str = "scan.pdf", content: bytes = PDF_BYTES, content_type: str = "") -> Any:
    """An uploaded file as a view would receive it (the name and type are the client's claim)."""
    return SimpleUploadedFile(name, content, content_type=content_type or "application/pdf")


# --- people ------------------------------------------------------------------------------------


def resident_id(n: int | None = None) -> str:
    """A valid, unique 18-digit resident ID (born 1990-03-07 in 历下区)."""
    n = next(_ids) if n is None else n
    first17 = f"370102{1950 + n // 1000 % 60}0307{n % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def citizen(*, name: str = "张三", phone: str = "13812345678", **user_fields: Any) -> User:
    user = UserFactory(**user_fields)
    Citizen.objects.create(
        user=user, name=name, resident_id=resident_id(), phone=phone, address="济南市历下区"
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.CITIZEN, department=None)
    return user


def enterprise_for(user: User, *, name: str = "济南泉城餐饮有限公司") -> Enterprise:
    n = next(_ids)
    first17 = f"91370100MA{n:07d}"
    enterprise = Enterprise.objects.create(
        name=name,
        uscc=first17 + uscc_check_character(first17),
        legal_representative="李四",
        address="济南市历下区经十路 1 号",
    )
    EnterpriseMember.objects.create(enterprise=enterprise, user=user)
    return enterprise


def officer(department: Department, *roles: str, **user_fields: Any) -> User:
    user = UserFactory(**user_fields)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role, department=department)
    return user


@dataclass
class CaseWorld:
    """A department with one officer per role, a published licensing service and a citizen."""

    department: Department
    service: ServiceVersion
    applicant: User
    clerk: User
    reviewer: User
    approver: User
    supervisor: User
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def materials(self) -> list[Any]:
        return list(self.service.materials.order_by("order"))

    @property
    def required_materials(self) -> list[Any]:
        return [m for m in self.materials if m.requirement == "required"]


def licensing_service(
    *, department: Department | None = None, promised_limit_days: int = 10, **fields: Any
) -> ServiceVersion:
    fields.setdefault("form_schema", FORM_SCHEMA)
    fields.setdefault("materials", MATERIALS)
    materials = [dict(m) for m in fields.pop("materials")]
    version = publish_service(
        department=department or DepartmentFactory(),
        promised_limit_days=promised_limit_days,
        materials=[{k: v for k, v in m.items() if k != "formats"} for m in materials],
        **fields,
    )
    # publish_service gives every material ["pdf"]; set the formats these presets use.
    for material, spec in zip(version.materials.order_by("order"), materials, strict=True):
        type(material).objects.filter(pk=material.pk).update(formats=spec.get("formats", ["pdf"]))
    return version


def case_world(**service_fields: Any) -> CaseWorld:
    department = DepartmentFactory()
    return CaseWorld(
        department=department,
        service=licensing_service(department=department, **service_fields),
        applicant=citizen(),
        clerk=officer(department, Role.INTAKE_CLERK),
        reviewer=officer(department, Role.REVIEWER),
        approver=officer(department, Role.APPROVER),
        supervisor=officer(department, Role.SUPERVISOR),
    )


# --- applications and cases ----------------------------------------------------------------------


def draft_application(
    world: CaseWorld,
    *,
    applicant: User | None = None,
    form_data: dict[str, Any] | None = None,
    upload_required: bool = True,
    at: datetime = T0,
) -> Application:
    """A draft with valid answers and (by default) every required material uploaded."""
    applicant = applicant or world.applicant
    application = services.application_create_draft(
        applicant=applicant, service_code=world.service.item.code, at=at
    )
    application = services.application_update_draft(
        application=application,
        applicant=applicant,
        form_data=VALID_FORM if form_data is None else form_data,
        at=at,
    )
    if upload_required:
        for material in world.required_materials:
            services.material_upload(
                actor=applicant, application=application, material_id=material.pk,
                file=upload(f"{material.name_en}.pdf"), at=at,
            )  # fmt: skip
    return application


def submitted_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Received at ``at``: step ``submitted``, the 5-working-day acceptance clock running."""
    world = world or case_world()
    application = draft_application(world, at=at, **kw)
    return services.application_submit(
        application=application, applicant=application.applicant, at=at
    )


def accepted_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Accepted by the clerk an hour after receipt: ``under_review``, the decision clock running."""
    world = world or case_world()
    case = submitted_case(world, at=at, **kw)
    return services.case_accept(case=case, actor=world.clerk, at=at + HOUR)


def approved_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Approved two hours after receipt (step ``approved``)."""
    world = world or case_world()
    case = accepted_case(world, at=at, **kw)
    return services.case_approve(case=case, actor=world.approver, at=at + 2 * HOUR)


def completed_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Approved, certificate issued and completed (step ``completed``, closed) by ``at`` + 4 h."""
    world = world or case_world()
    case = approved_case(world, at=at, **kw)
    case = services.certificate_issue(case=case, actor=world.approver, at=at + 3 * HOUR)
    return services.case_complete(case=case, actor=world.approver, at=at + 4 * HOUR)
