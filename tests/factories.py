"""Everything the suite builds its data with: factories, people, services, files and cases.

One of each, shared by every app's tests. Data goes through the services
wherever one exists (citizens, enterprises, catalog drafts and publishing,
applications, case commands), so a preset never holds a state the platform
could not reach.

    world = case_world()                      # a department, its officers, a service, a citizen
    case = submitted_case(world)              # received at T0, step "submitted"
    case = accepted_case(world)               # accepted an hour later, "under_review"
    case = completed_case(world)              # approved, certificate issued, completed

The case presets act at fixed instants from ``T0`` (a working Monday in 2026,
the calendar's data), one hour apart, so deadlines are predictable; pass
``at=`` to move them.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.cases import services as case_services
from yiwang.cases.models import Application, Case
from yiwang.catalog import services as catalog_services
from yiwang.catalog.models import Fee, Material, ServiceVersion, Topic
from yiwang.identity import services as identity_services
from yiwang.identity.models import Department, Enterprise, Region, Role, User
from yiwang.identity.validators import resident_id_check_character, uscc_check_character

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # Monday, a working day far from holidays
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)
REVIEW_OPINION = "材料齐全，符合法定条件，建议准予许可。"

_ids = itertools.count(1)

# --- model factories ---------------------------------------------------------------------------


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "370100"
    name_zh = "济南市"
    name_en = "Jinan"
    level = Region.Level.CITY


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"DEPT{n:04d}")
    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    region = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"topic-{n}")
    name_zh = factory.Sequence(lambda n: f"主题{n}")
    name_en = factory.Sequence(lambda n: f"Topic {n}")
    audience = Topic.Audience.PERSON


# --- identity numbers and people ---------------------------------------------------------------


def fan_out() -> int:
    """Run the worker's fan-out of the case events committed so far (``fan_out_case_event``):
    their webhooks and notifications. Returns how many events it told."""
    return case_services.case_events_fan_out(limit=100_000)


def resident_id(first17: str | None = None) -> str:
    """A valid 18-digit resident ID: ``first17`` with its check character, else a fresh one.

    Fresh ones are unique in the run (born 1950-03-07 in 历下区 370102).
    """
    if first17 is None:
        n = next(_ids)
        first17 = f"370102{1950 + n // 1000 % 60}0307{n % 1000:03d}"
    return first17 + resident_id_check_character(first17)


def uscc(first17: str | None = None) -> str:
    """A valid unified social credit code (GB 32100): ``first17`` and its check character,
    else a fresh one."""
    if first17 is None:
        first17 = f"91370100MA{next(_ids):07d}"
    return first17 + uscc_check_character(first17)


def citizen(
    *,
    name: str = "张三",
    phone: str = "13812345678",
    id_number: str | None = None,
    address: str = "济南市历下区",
    **user_fields: Any,
) -> User:
    """A user with a citizen profile (自然人), registered through the identity services."""
    user = UserFactory(**user_fields)
    identity_services.citizen_register(
        user=user, name=name, resident_id=id_number or resident_id(), phone=phone, address=address
    )
    return user


def enterprise_for(user: User, *, name: str = "济南泉城餐饮有限公司") -> Enterprise:
    """An enterprise (法人) registered through the identity services, ``user`` its agent."""
    return identity_services.enterprise_register(
        user=user,
        name=name,
        uscc=uscc(),
        legal_representative="李四",
        address="济南市历下区经十路 1 号",
    )


def officer(department: Department, *roles: str, **user_fields: Any) -> User:
    """A user given ``roles`` for ``department`` through the identity services."""
    user = UserFactory(**user_fields)
    for role in roles:
        identity_services.role_assign(user=user, role=role, department=department, actor=None)
    return user


# --- the catalog -------------------------------------------------------------------------------

VALID_FORM_SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名"},
        "start_date": {"type": "string", "format": "date", "title": "开始日期"},
    },
    "required": ["applicant_name"],
}

_service_codes = itertools.count(1)


def add_parts(
    draft: ServiceVersion,
    *,
    materials: Iterable[Mapping[str, Any]] = (),
    fees: Iterable[Mapping[str, Any]] = (),
) -> None:
    """Add materials (in order, after the draft's own; PDF unless ``formats`` says) and fees
    to a draft version, through the catalog service (only a draft takes them)."""
    first = draft.materials.count()
    catalog_services.service_version_parts_save(
        version=draft,
        actor=None,
        saved=[
            *(
                Material(order=first + n, **{"formats": ["pdf"], **material})
                for n, material in enumerate(materials)
            ),
            *(Fee(**fee) for fee in fees),
        ],
    )


def with_english(spec: Any, key: str = "") -> Any:
    """A test's form schema with the English the catalog needs at publish, where it has none.

    A missing ``title_en``, ``description_en`` or enum label is the schema's own
    ``title``, ``description`` or label, so an English page shows what it showed before
    the catalog required English. A test about the English form gives its own English.
    """
    if not isinstance(spec, dict):
        return spec
    result = dict(spec)
    if key and "title_en" not in result:
        result["title_en"] = result.get("title") or key
    if result.get("description") and "description_en" not in result:
        result["description_en"] = result["description"]
    if isinstance(result.get("enum"), list) and "enumNames_en" not in result:
        result["enumNames_en"] = [str(v) for v in result.get("enumNames") or result["enum"]]
    for options in ("oneOf", "anyOf"):
        if isinstance(result.get(options), list):
            result[options] = [
                {"title_en": str(o.get("title") or o["const"]), **o}
                if isinstance(o, dict) and "const" in o
                else o
                for o in result[options]
            ]
    if isinstance(result.get("properties"), dict):
        result["properties"] = {k: with_english(v, k) for k, v in result["properties"].items()}
    if isinstance(result.get("items"), dict):
        result["items"] = with_english(result["items"])
    return result


def publish_service(
    *,
    code: str | None = None,
    department: Department | None = None,
    materials: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] = (),
    topics: list[Topic] | None = None,
    **fields: Any,
) -> ServiceVersion:
    """A published service, the way an administrator makes one: draft, parts, publish.

    Through the catalog services, so it is validated and indexed for search.
    ``materials`` defaults to one ID document; pass ``[]`` for none.
    """
    defaults = {
        "name_zh": "测试事项",
        "name_en": "Test service",
        "kind": ServiceVersion.Kind.LICENSING,
        "service_object": ServiceVersion.ServiceObject.BOTH,
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "visits": 0,
        "steps": [{"name_zh": "受理", "name_en": "Acceptance"}],
        "form_schema": VALID_FORM_SCHEMA,
    }
    defaults.update(fields)
    # The path follows the kind, as publishing requires (a licence the licensing path).
    if "workflow" not in fields:
        licensing = defaults["kind"] == ServiceVersion.Kind.LICENSING
        defaults["workflow"] = (
            ServiceVersion.Workflow.LICENSING
            if licensing
            else ServiceVersion.Workflow.PUBLIC_SERVICE
        )
    defaults["form_schema"] = with_english(defaults["form_schema"])
    draft = catalog_services.service_item_create(
        code=code or f"11370100TEST{next(_service_codes):06d}",
        department=department or DepartmentFactory(),
        actor=None,
        topics=topics or [],
        **defaults,
    )
    if materials is None:
        materials = [{"name_zh": "身份证明", "name_en": "ID"}]
    add_parts(draft, materials=materials, fees=fees)
    return catalog_services.service_version_publish(version=draft, actor=None)


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


def licensing_service(
    *, department: Department | None = None, promised_limit_days: int = 10, **fields: Any
) -> ServiceVersion:
    """A published licensing service with the shop form and three materials (one conditional)."""
    fields.setdefault("form_schema", FORM_SCHEMA)
    fields.setdefault("materials", MATERIALS)
    return publish_service(
        department=department or DepartmentFactory(),
        promised_limit_days=promised_limit_days,
        **fields,
    )


# --- files -------------------------------------------------------------------------------------

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


# --- cases -------------------------------------------------------------------------------------


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


def draft_application(
    world: CaseWorld | None = None,
    *,
    service: ServiceVersion | None = None,
    applicant: User | None = None,
    form_data: dict[str, Any] | None = None,
    upload_required: bool = True,
    at: datetime = T0,
) -> Application:
    """A draft with valid answers and (by default) every required material uploaded.

    For ``world``'s service and applicant, or for ``service`` and ``applicant``
    given on their own (then pass the ``form_data`` that service's form wants).
    """
    if service is None or applicant is None:
        world = world or case_world()
        service = service or world.service
        applicant = applicant or world.applicant
    application = case_services.application_create_draft(
        applicant=applicant, service_code=service.item.code, at=at
    )
    application = case_services.application_update_draft(
        application=application,
        applicant=applicant,
        form_data=VALID_FORM if form_data is None else form_data,
        at=at,
    )
    if upload_required:
        for material in service.materials.filter(requirement="required").order_by("order"):
            case_services.material_upload(
                actor=applicant, application=application, material_id=material.pk,
                file=upload(f"{material.name_en}.pdf"), at=at,
            )  # fmt: skip
    return application


def submitted_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Received at ``at``: step ``submitted``, the 5-working-day acceptance clock running.

    ``kw`` goes to :func:`draft_application` (``service``, ``applicant``, ``form_data``…).
    """
    application = draft_application(world, at=at, **kw)
    return case_services.application_submit(
        application=application, applicant=application.applicant, at=at
    )


def accepted_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Accepted by the clerk an hour after receipt: ``under_review``, the decision clock running."""
    world = world or case_world()
    case = submitted_case(world, at=at, **kw)
    return case_services.case_accept(case=case, actor=world.clerk, at=at + HOUR)


def reviewed_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Reviewed 90 minutes after receipt, the reviewer proposing approval (step ``reviewed``:
    the approver decides next)."""
    world = world or case_world()
    case = accepted_case(world, at=at, **kw)
    return case_services.case_review(
        case=case, actor=world.reviewer, outcome="approve", opinion=REVIEW_OPINION,
        at=at + 90 * MINUTE,
    )  # fmt: skip


def approved_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Reviewed, then approved two hours after receipt (step ``approved``)."""
    world = world or case_world()
    case = reviewed_case(world, at=at, **kw)
    return case_services.case_approve(case=case, actor=world.approver, at=at + 2 * HOUR)


def completed_case(world: CaseWorld | None = None, *, at: datetime = T0, **kw: Any) -> Case:
    """Approved, certificate issued and completed (step ``completed``, closed) by ``at`` + 4 h."""
    world = world or case_world()
    case = approved_case(world, at=at, **kw)
    case = case_services.certificate_issue(case=case, actor=world.approver, at=at + 3 * HOUR)
    return case_services.case_complete(case=case, actor=world.approver, at=at + 4 * HOUR)


# --- city events (12345 / 一网统管) --------------------------------------------------------------

#: Points checked against geotool-cn's own lookup (an independent index over the same data):
#: 泉城广场 and 千佛山 in 历下区, 经四路 in 市中区, 济南西站 in 槐荫区, Dongying outside Jinan.
QUANCHENG_SQUARE = (36.6617, 117.0196)
QIANFO_MOUNTAIN = (36.6398, 117.0372)
JINGSI_ROAD = (36.6570, 116.9950)
JINAN_WEST_STATION = (36.6736, 116.8902)
DONGYING = (37.43, 118.67)
JINAN_DISTRICTS = Path(__file__).resolve().parents[1] / (
    "src/yiwang/demo/data/geo/jinan_districts.geojson"
)


@dataclass
class EventWorld:
    """A city centre with two bureaus, a district office, their people, a category tree and a
    published dispatch directory; Jinan's district boundaries loaded."""

    lixia: Region
    shizhong: Region
    centre: Department
    cgj: Department
    sthj: Department
    jtj: Department
    lixia_office: Department
    operator: User
    supervisor: User
    district_supervisor: User
    handler_cgj: User
    handler_sthj: User
    handler_jtj: User
    citizen: User
    manhole: Any
    street_vending: Any
    noise: Any
    signal: Any
    extra: dict[str, Any] = field(default_factory=dict)


def jinan_regions() -> dict[str, Region]:
    from yiwang.demo.data.regions import regions

    made: dict[str, Region] = {}
    for row in regions():
        made[str(row["code"])] = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent": made.get(str(row["parent"])) if row["parent"] else None,
            },
        )[0]
    return made


def category_tree() -> dict[str, Any]:
    """A slice of GB/T 39666: 城乡建设 › 市政设施 › 井盖缺失, 城市管理 › 占道经营,
    生态环境 › 噪声扰民, 交通运输 › 信号灯故障 (the latter needs the reporter's contact)."""
    from yiwang.events.models import Category

    def node(code: str, zh: str, parent: Any = None, **kw: Any) -> Any:
        return Category.objects.create(code=code, name_zh=zh, name_en=zh, parent=parent, **kw)

    building = node("05", "城乡建设")
    municipal = node("0501", "市政设施", building)
    urban = node("06", "城市管理")
    ecology = node("07", "生态环境")
    transport = node("08", "交通运输")
    return {
        "manhole": node("050101", "井盖缺失", municipal),
        "street_vending": node("0601", "占道经营", urban, callback_required=False),
        "noise": node("0701", "噪声扰民", ecology),
        "signal": node("0801", "信号灯故障", transport, needs_contact=True),
    }


def event_world() -> EventWorld:
    from yiwang.events import services as event_services

    regions = jinan_regions()
    city, lixia = regions["370100"], regions["370102"]
    event_services.districts_load(
        actor=None, geojson=JINAN_DISTRICTS.read_text(encoding="utf-8"), source="test"
    )

    def dept(code: str, zh: str, region: Region = city) -> Department:
        return DepartmentFactory(code=code, name_zh=zh, name_en=zh, region=region)

    centre = dept("jn-12345", "12345热线")
    cgj, sthj, jtj = (
        dept("jn-cgj", "市城管局"),
        dept("jn-sthj", "市生态环境局"),
        dept("jn-jtj", "市交通运输局"),
    )
    office = dept("lx-12345", "历下区热线办", lixia)
    cats = category_tree()
    event_services.directory_publish(
        actor=None,
        rules=[
            (cats["manhole"], None, cgj, []),
            (cats["manhole"], lixia, cgj, [sthj]),
            (cats["street_vending"], None, cgj, []),
            (cats["noise"], None, sthj, []),
            (cats["signal"], None, jtj, []),
        ],
        note="test directory",
    )
    operator = UserFactory(username="op")
    identity_services.role_assign(user=operator, role=Role.HOTLINE_OPERATOR, actor=None)
    citizen_user = UserFactory(username="resident")
    identity_services.role_assign(user=citizen_user, role=Role.CITIZEN, actor=None)
    return EventWorld(
        lixia=lixia,
        shizhong=regions["370103"],
        centre=centre,
        cgj=cgj,
        sthj=sthj,
        jtj=jtj,
        lixia_office=office,
        operator=operator,
        supervisor=officer(centre, Role.SUPERVISOR, username="sup"),
        district_supervisor=officer(office, Role.SUPERVISOR, username="lxsup"),
        handler_cgj=officer(cgj, Role.DEPARTMENT_HANDLER, username="cg"),
        handler_sthj=officer(sthj, Role.DEPARTMENT_HANDLER, username="hb"),
        handler_jtj=officer(jtj, Role.DEPARTMENT_HANDLER, username="jt"),
        citizen=citizen_user,
        **cats,
    )


def registered_event(
    world: EventWorld,
    *,
    at: datetime = T0,
    category: Any = None,
    point: tuple[float, float] | None = QUANCHENG_SQUARE,
    channel: str = "hotline",
    phone: str = "13905310001",
    name: str = "王女士",
    citizen: User | None = None,
    **kw: Any,
) -> Any:
    """A hotline call registered by the world's operator at ``at`` (泉城广场, 历下区)."""
    from yiwang.events import services as event_services
    from yiwang.events.types import Place, Reporter

    return event_services.event_register(
        actor=citizen if channel == "web" else world.operator,
        channel=channel,
        category=category or world.manhole,
        reporter=Reporter(phone=phone, name=name, citizen=citizen),
        place=Place(*point) if point else Place(address="济南市某处"),
        description=kw.pop("description", "井盖丢失，行人有危险"),
        at=at,
        **kw,
    )


def dispatched_event(world: EventWorld, *, at: datetime = T0, **kw: Any) -> Any:
    """Registered at ``at`` and dispatched from the directory a minute later."""
    from yiwang.events import services as event_services

    event = registered_event(world, at=at, **kw)
    return event_services.event_dispatch(
        actor=world.operator, event=event, at=at + timedelta(minutes=1)
    )


#: The raw Open311 key of ``open311_key`` (tests only; the demo city has its own).
OPEN311_KEY = "test-open311-key-0123456789abcdef"


def open311_key(
    *, raw: str = OPEN311_KEY, rate_per_minute: int = 600, name: str = "Test app"
) -> Any:
    """An Open311 API key for a new integrator account: ``(ApiKey, raw key)``."""
    from yiwang.events import services as event_services

    owner = UserFactory()
    identity_services.role_assign(user=owner, role=Role.INTEGRATOR, actor=None)
    return event_services.api_key_issue(
        actor=None, owner=owner, name=name, rate_per_minute=rate_per_minute, raw=raw
    )


def iot_device(
    world: EventWorld,
    *,
    code: str = "JN-MH-0001",
    point: tuple[float, float] | None = QUANCHENG_SQUARE,
    **kw: Any,
) -> Any:
    """A manhole-cover sensor of the city management bureau (市城管局) at 泉城广场 (历下区),
    repeat window 60 minutes; devices are registered in the admin, so as a row."""
    from yiwang.events.models import Device

    fields: dict[str, Any] = {
        "name": "井盖传感器 泉城广场",
        "category": world.manhole,
        "department": world.cgj,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "address": "泉城广场东侧",
        "alarm_window_minutes": 60,
        **kw,
    }
    return Device.objects.create(code=code, **fields)


def alarm_body(
    message_id: str = "m-1",
    device: str = "JN-MH-0001",
    *,
    point: tuple[float, float] | None = None,
    **fields: Any,
) -> bytes:
    """The JSON a manhole-cover sensor publishes (docs/iot.md, "The message"): the cover
    opened (value 1) at 09:59 on the test's day; ``point`` adds its position, ``fields``
    override or add keys."""
    import json

    body: dict[str, Any] = {
        "message_id": message_id,
        "device_id": device,
        "alarm_type": "cover_open",
        "value": 1,
        "at": "2026-03-03T09:59:00+08:00",
        **fields,
    }
    if point:
        body["lat"], body["lon"] = point
    return json.dumps(body).encode()


def alarm_message(
    message_id: str = "m-1",
    device: str = "JN-MH-0001",
    *,
    point: tuple[float, float] | None = None,
    redelivered: bool = False,
    **fields: Any,
) -> Any:
    """:func:`alarm_body` as the subscriber receives it, on the device's topic."""
    from yiwang.events.services.iot import AlarmMessage

    return AlarmMessage(
        f"yiwang/iot/jinan/alarms/{device}",
        alarm_body(message_id, device, point=point, **fields),
        redelivered,
    )
