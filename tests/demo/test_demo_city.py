"""The Jinan demo city as ``load_demo`` loads it (``make run``): its regions and departments,
catalog, accounts and identities. Loaded once for the module (``demo_city``): these tests only
read it. What a second run does, and where the loader refuses: test_loader.py."""

from __future__ import annotations

import pytest

from yiwang.catalog.models import ServiceVersion
from yiwang.catalog.selectors import catalog_search
from yiwang.catalog.services import form_schema_errors
from yiwang.demo.data import accounts
from yiwang.identity.models import (
    DEPARTMENT_ROLES,
    Citizen,
    Department,
    Enterprise,
    Region,
    Role,
    RoleAssignment,
    User,
)
from yiwang.identity.validators import validate_resident_id, validate_uscc

pytestmark = pytest.mark.django_db

JINAN_DIVISIONS = {
    "370102": "历下区", "370103": "市中区", "370104": "槐荫区", "370105": "天桥区",
    "370112": "历城区", "370113": "长清区", "370114": "章丘区", "370115": "济阳区",
    "370116": "莱芜区", "370117": "钢城区", "370124": "平阴县", "370126": "商河县",
}  # fmt: skip

LIFE_EVENT_ITEMS = [
    # 开办餐饮店
    "个体工商户设立登记",
    "企业设立登记",
    "食品经营许可（餐饮服务）（新办）",
    "公众聚集场所投入使用、营业前消防安全检查",
    "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批",
    "城镇污水排入排水管网许可",
    # 新生儿出生一件事
    "出生医学证明签发",
    "出生登记（户口登记）",
    "城乡居民基本医疗保险参保登记（新生儿）",
    "社会保障卡申领",
    "预防接种证办理",
    # 企业开办
    "公章刻制备案",
    "发票票种核定（新办纳税人首次申领发票）",
    "单位参保登记（社会保险登记）",
    "住房公积金单位缴存登记",
    "银行开户预约",
]


@pytest.fixture(autouse=True)
def demo(demo_city):
    return demo_city


def _published() -> list[ServiceVersion]:
    return list(
        ServiceVersion.objects.filter(status=ServiceVersion.Status.PUBLISHED).select_related(
            "item__department"
        )
    )


def test_loads_jinan_with_its_twelve_divisions_and_departments():
    jinan = Region.objects.get(code="370100")
    assert jinan.name_zh == "济南市"
    assert jinan.parent.code == "370000"
    divisions = {r.code: r.name_zh for r in jinan.children.all()}
    assert divisions == JINAN_DIVISIONS
    departments = Department.objects.filter(region=jinan)
    assert departments.count() >= 12
    scjg = departments.get(code="jn-scjg")
    assert scjg.name_zh == "济南市市场监督管理局"
    # its own consultation line, complaints through the 12345 hotline (issue 11)
    assert scjg.phone == "0531-66608201" and scjg.complaint_phone == "12345"
    assert scjg.windows_zh == "二楼B区 21—28号窗口（企业开办专区）"
    assert scjg.address_zh and scjg.office_hours_zh and scjg.short_name_zh


def test_publishes_a_catalog_for_people_and_enterprises():
    published = _published()
    assert len(published) >= 40
    assert ServiceVersion.objects.filter(status=ServiceVersion.Status.DRAFT).count() == 0
    objects = {v.service_object for v in published}
    assert {"person", "legal_person"} <= objects
    names = {v.name_zh for v in published}
    assert set(LIFE_EVENT_ITEMS) <= names
    for version in published:
        assert form_schema_errors(version.form_schema) == [], version.name_zh
        assert 3 <= len(version.form_schema["properties"]) <= 8, version.name_zh
        assert 3 <= len(version.steps) <= 6, version.name_zh
        assert version.promised_limit_days <= version.legal_limit_days
        assert version.legal_basis_zh and version.summary_en and version.keywords
        assert version.materials.exists(), version.name_zh
    assert len({v.item.code for v in published}) == len(published)


def test_catalog_is_findable_by_the_words_people_type():
    food = ServiceVersion.objects.get(name_zh="食品经营许可（餐饮服务）（新办）")

    # then
    assert {"餐饮", "饭店", "小吃", "食堂"} <= set(food.keywords.split())
    for word in ("饭店", "小吃", "食堂"):
        assert food.pk in catalog_search(word).ids, word
    licence_hits = set(catalog_search("执照").ids)
    for name in ("企业设立登记", "个体工商户设立登记"):
        assert ServiceVersion.objects.get(name_zh=name).pk in licence_hits, name
    licence = food.materials.filter(certificate_type__code="business-licence")
    assert licence.exists()
    property_transfer = ServiceVersion.objects.get(name_zh__startswith="不动产转移登记")
    assert not property_transfer.is_free
    assert property_transfer.fees.get().amount_yuan == 80


def test_creates_a_demo_account_for_every_role():
    holders = set(RoleAssignment.objects.values_list("role", flat=True))
    assert holders == {role.value for role in Role}
    for assignment in RoleAssignment.objects.select_related("department"):
        assert (assignment.department is not None) == (assignment.role in DEPARTMENT_ROLES)
    for spec in accounts.USERS:
        user = User.objects.get(username=spec["username"])
        assert user.check_password(accounts.DEMO_PASSWORD), user.username
        for role, department in spec["roles"]:
            assert RoleAssignment.objects.filter(
                user=user, role=role, department__code=department
            ).exists() or (department is None and user.role_assignments.filter(role=role).exists())
    assert User.objects.get(username="admin").is_superuser
    catalog_admin = User.objects.get(username="catalog_admin")
    assert catalog_admin.is_staff
    assert catalog_admin.groups.filter(name=Role.CATALOG_ADMIN).exists()


def test_citizen_and_enterprises_have_valid_identity_numbers():
    citizen = Citizen.objects.get(user__username="citizen")
    validate_resident_id(citizen.resident_id)
    assert citizen.resident_id.startswith("370102")
    enterprises = Enterprise.objects.filter(members__username="enterprise")
    assert enterprises.count() == 2
    for enterprise in enterprises:
        validate_uscc(enterprise.uscc)
        assert enterprise.uscc.startswith("91370100")
