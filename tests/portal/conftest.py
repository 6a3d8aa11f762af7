"""A small Jinan catalog for the portal tests, built through the catalog services."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tests.factories import DepartmentFactory, TopicFactory, add_parts, citizen, publish_service
from yiwang.catalog import services
from yiwang.catalog.models import CertificateType, Material, ServiceVersion, Topic

STEPS = [
    {"name_zh": "申请", "name_en": "Application"},
    {"name_zh": "受理", "name_en": "Acceptance"},
    {"name_zh": "审核", "name_en": "Review"},
    {"name_zh": "决定", "name_en": "Decision"},
    {"name_zh": "送达", "name_en": "Delivery"},
]


@dataclass
class Catalog:
    company: ServiceVersion  # 企业设立登记 (business licence for companies), version 2
    individual: ServiceVersion  # 个体工商户营业执照核发
    licence_change: ServiceVersion  # 营业执照变更登记
    food: ServiceVersion  # 食品经营许可 (found by 餐饮 through its keywords)
    birth_certificate: ServiceVersion  # 出生医学证明
    birth_registration: ServiceVersion  # 出生登记
    unemployment: ServiceVersion  # 失业保险金申领, fully online
    id_card: ServiceVersion  # 居民身份证换领, charges a fee, not online
    market: object
    police: object
    birth_topic: Topic
    business_topic: Topic


def _publish(code, department, **fields):
    """A service guide of this catalog: five steps, no online form, no materials unless given."""
    fields.setdefault("steps", STEPS)
    fields.setdefault("promised_limit_days", 5)
    fields.setdefault("form_schema", {})
    fields.setdefault("materials", [])
    return publish_service(code=code, department=department, **fields)


def build_catalog() -> Catalog:
    market = DepartmentFactory(
        code="JNSCJG",
        name_zh="济南市市场监督管理局",
        name_en="Jinan Administration for Market Regulation",
        address_zh="济南市历下区龙奥北路1号市民服务中心",
        address_en="Citizen Service Centre, 1 Long'ao North Road, Lixia District",
        phone="0531-66608001",
        office_hours_zh="工作日 9:00–17:00",
        office_hours_en="Working days 9:00–17:00",
    )
    police = DepartmentFactory(
        code="JNGAJ", name_zh="济南市公安局", name_en="Jinan Public Security Bureau"
    )
    health = DepartmentFactory(
        code="JNWJW", name_zh="济南市卫生健康委员会", name_en="Jinan Health Commission"
    )
    labour = DepartmentFactory(
        code="JNRSJ",
        name_zh="济南市人力资源和社会保障局",
        name_en="Jinan Human Resources and Social Security Bureau",
    )
    birth = TopicFactory(
        code="birth", name_zh="生育出生", name_en="Having a baby", icon="baby", order=1
    )
    work = TopicFactory(code="work", name_zh="就业创业", name_en="Work", icon="briefcase", order=2)
    business = TopicFactory(
        code="start-business",
        name_zh="开办企业",
        name_en="Starting a business",
        icon="shop",
        audience=Topic.Audience.BUSINESS,
    )
    resident_id = CertificateType.objects.create(
        code="resident_id", name_zh="居民身份证", name_en="Resident ID card"
    )

    company_v1 = _publish(
        "11370100SCJG0001",
        market,
        name_zh="企业设立登记",
        name_en="Company registration",
        kind=ServiceVersion.Kind.REGISTRATION,
        service_object=ServiceVersion.ServiceObject.LEGAL_PERSON,
        keywords="营业执照 开公司 注册公司 公司注册",
        summary_zh="新开办企业申请登记并领取营业执照。",
        summary_en="Register a new company and receive its business licence.",
        legal_limit_days=15,
        promised_limit_days=3,
        visits=0,
        topics=[business],
    )
    company_draft = services.service_version_create_draft(item=company_v1.item, actor=None)
    company_draft = services.service_version_update_draft(
        version=company_draft,
        actor=None,
        name_en="Company registration (business licence)",
        conditions_zh="申请人具有完全民事行为能力\n有符合规定的企业名称和住所",
        conditions_en=(
            "The applicant has full civil capacity\nThe company has a valid name and address"
        ),
        legal_basis_zh="《中华人民共和国市场主体登记管理条例》第三条",
        legal_basis_en="Regulations on the Registration of Market Entities, article 3",
        where_zh="济南市市民服务中心二楼 市场监管窗口",
        where_en="Citizen Service Centre, 2nd floor, market regulation counter",
    )
    Material.objects.filter(version=company_draft).delete()
    company_materials = [
        {
            "name_zh": "公司登记（备案）申请书",
            "name_en": "Company registration application form",
            "formats": ["pdf"],
        },
        {"name_zh": "公司章程", "name_en": "Articles of association", "formats": ["pdf", "ofd"]},
        {
            "name_zh": "法定代表人身份证明",
            "name_en": "ID of the legal representative",
            "formats": ["jpg", "png", "pdf"],
            "certificate_type": resident_id,  # fully online: no original to show
        },
        {
            "name_zh": "住所使用证明",
            "name_en": "Proof of the right to use the address",
            "requirement": Material.Requirement.CONDITIONAL,
            "condition_zh": "住所为租赁房屋的",
            "condition_en": "If the premises are rented",
            "formats": ["pdf", "jpg"],
        },
    ]
    add_parts(company_draft, materials=company_materials)
    company = services.service_version_publish(version=company_draft, actor=None)

    individual = _publish(
        "11370100SCJG0002",
        market,
        name_zh="个体工商户营业执照核发",
        name_en="Business licence for individual businesses",
        service_object=ServiceVersion.ServiceObject.PERSON,
        kind=ServiceVersion.Kind.REGISTRATION,
        keywords="个体户 开店",
        promised_limit_days=1,
        visits=0,
        topics=[work],
    )
    licence_change = _publish(
        "11370100SCJG0003",
        market,
        name_zh="营业执照变更登记",
        name_en="Change of business licence details",
        service_object=ServiceVersion.ServiceObject.LEGAL_PERSON,
        kind=ServiceVersion.Kind.REGISTRATION,
        visits=1,
    )
    food = _publish(
        "11370100SCJG0004",
        market,
        name_zh="食品经营许可",
        name_en="Food business licence",
        service_object=ServiceVersion.ServiceObject.LEGAL_PERSON,
        keywords="餐饮 饭店 餐馆 小吃店 食堂 许可证",
        summary_zh="从事食品销售和餐饮服务，应当依法取得食品经营许可。",
        summary_en="Selling food or running a restaurant needs a food business licence.",
        legal_limit_days=20,
        promised_limit_days=10,
        visits=1,
        topics=[business],
    )
    birth_certificate = _publish(
        "11370100WJW0001",
        health,
        name_zh="出生医学证明办理",
        name_en="Birth medical certificate",
        kind=ServiceVersion.Kind.PUBLIC_SERVICE,
        service_object=ServiceVersion.ServiceObject.PERSON,
        keywords="新生儿 出生证",
        promised_limit_days=0,
        legal_limit_days=5,
        topics=[birth],
    )
    birth_registration = _publish(
        "11370100GA0001",
        police,
        name_zh="出生登记",
        name_en="Birth registration",
        kind=ServiceVersion.Kind.CONFIRMATION,
        service_object=ServiceVersion.ServiceObject.PERSON,
        keywords="新生儿落户 上户口 报户口",
        visits=1,
        topics=[birth],
    )
    unemployment = _publish(
        "11370100RSJ0001",
        labour,
        name_zh="失业保险金申领",
        name_en="Unemployment insurance benefit",
        kind=ServiceVersion.Kind.PAYMENT,
        service_object=ServiceVersion.ServiceObject.PERSON,
        keywords="失业金 社保",
        topics=[work],
    )
    id_card = _publish(
        "11370100GA0002",
        police,
        name_zh="居民身份证换领",
        name_en="Renewal of the resident ID card",
        kind=ServiceVersion.Kind.CONFIRMATION,
        service_object=ServiceVersion.ServiceObject.PERSON,
        keywords="身份证 到期换证",
        visits=1,
        online_available=False,
        is_free=False,
        fees=[{"name_zh": "证件工本费", "name_en": "Card fee", "amount_yuan": Decimal("20.00"),
               "basis_zh": "鲁价费发〔2004〕号"}],
    )  # fmt: skip
    return Catalog(
        company=company,
        individual=individual,
        licence_change=licence_change,
        food=food,
        birth_certificate=birth_certificate,
        birth_registration=birth_registration,
        unemployment=unemployment,
        id_card=id_card,
        market=market,
        police=police,
        birth_topic=birth,
        business_topic=business,
    )


@pytest.fixture
def catalog(db) -> Catalog:
    return build_catalog()


@pytest.fixture
def english(client):
    """Switch the test client to English the way a visitor does: through set_language."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture(name="citizen")
def citizen_zhangsan(db):
    """张三, a citizen signed in as ``zhangsan``."""
    return citizen(username="zhangsan")


@pytest.fixture
def client_en(client, citizen):
    """The test client signed in as the citizen, asking for English pages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(citizen)
    return client
