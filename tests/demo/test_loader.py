"""The Jinan demo city: what ``load_demo`` loads, that it loads it once, and where it refuses."""

from __future__ import annotations

import copy
import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from yiwang.catalog.models import ServiceItem, ServiceVersion
from yiwang.catalog.selectors import catalog_search
from yiwang.catalog.services import form_schema_errors
from yiwang.core.models import AuditEntry
from yiwang.demo import loader
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


def _load() -> None:
    call_command("load_demo", quiet=True)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def _published() -> list[ServiceVersion]:
    return list(
        ServiceVersion.objects.filter(status=ServiceVersion.Status.PUBLISHED).select_related(
            "item__department"
        )
    )


@pytest.mark.django_db
def test_loads_jinan_with_its_twelve_divisions_and_departments():
    # when
    _load()

    # then
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


@pytest.mark.django_db
def test_publishes_a_catalog_for_people_and_enterprises():
    # when
    _load()

    # then
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


@pytest.mark.django_db
def test_catalog_is_findable_by_the_words_people_type():
    # given
    _load()
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


@pytest.mark.django_db
def test_creates_a_demo_account_for_every_role():
    # when
    _load()

    # then
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


@pytest.mark.django_db
def test_citizen_and_enterprises_have_valid_identity_numbers():
    # when
    _load()

    # then
    citizen = Citizen.objects.get(user__username="citizen")
    validate_resident_id(citizen.resident_id)
    assert citizen.resident_id.startswith("370102")
    enterprises = Enterprise.objects.filter(members__username="enterprise")
    assert enterprises.count() == 2
    for enterprise in enterprises:
        validate_uscc(enterprise.uscc)
        assert enterprise.uscc.startswith("91370100")


@pytest.mark.django_db
def test_a_second_run_changes_nothing():
    # given
    _load()
    before = _row_counts()
    last_audit = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()

    # when
    report = loader.load_demo()

    # then
    assert _row_counts() == before
    assert AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() == last_audit
    assert all(not tally.changed for tally in report.sections.values())


@pytest.mark.django_db
def test_a_second_run_leaves_an_administrators_changes_to_accounts_and_departments():
    # Given: after a first load, an administrator changes a password, deactivates an
    # account, revokes a role and deactivates a department
    _load()
    clerk = User.objects.get(username="clerk_scjg")
    clerk.set_password("a-new-secret-2026")
    clerk.save(update_fields=["password"])
    citizen = User.objects.get(username=accounts.CITIZEN["username"])
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    approver = User.objects.get(username="approver_scjg")
    RoleAssignment.objects.filter(user=approver).delete()
    department = clerk.role_assignments.first().department
    department.is_active = False
    department.save(update_fields=["is_active"])

    # When
    _load()

    # Then: every change stays
    clerk.refresh_from_db()
    citizen.refresh_from_db()
    department.refresh_from_db()
    assert clerk.check_password("a-new-secret-2026")
    assert not clerk.check_password(accounts.DEMO_PASSWORD)
    assert not citizen.is_active
    assert not RoleAssignment.objects.filter(user=approver).exists()
    assert not department.is_active


@pytest.mark.django_db
def test_changed_data_publishes_a_new_version(monkeypatch):
    # given
    _load()
    services = copy.deepcopy(loader.all_services())
    spec = next(s for s in services if s["version"]["name_zh"] == "银行开户预约")
    spec["version"]["summary_zh"] += "（新增网点）"
    spec["materials"] = spec["materials"][:1]
    monkeypatch.setattr(loader, "all_services", lambda: services)

    # when
    report = loader.load_demo()

    # then
    assert report.sections["services"].updated == 1
    item = ServiceItem.objects.get(code=spec["code"])
    assert item.published_version.number == 2
    assert item.published_version.summary_zh.endswith("（新增网点）")
    assert item.published_version.materials.count() == 1
    assert item.versions.get(number=1).status == ServiceVersion.Status.SUPERSEDED


@pytest.mark.django_db
def test_refuses_production_without_force(settings):
    # given
    settings.YIWANG_ENV = "production"

    # when / then
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", quiet=True)
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_prints_the_accounts_table_unless_quiet(settings):
    # given
    settings.YIWANG_ENV = "production"
    out = io.StringIO()

    # when
    call_command("load_demo", force=True, stdout=out)

    # then
    text = out.getvalue()
    assert "published services" in text
    for spec in accounts.USERS:
        assert spec["username"] in text
    assert accounts.DEMO_PASSWORD in text
    quiet = io.StringIO()
    call_command("load_demo", force=True, quiet=True, stdout=quiet)
    assert quiet.getvalue() == ""


def _columns(line: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if "\u2e80" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef" else 1 for c in line)


@pytest.mark.django_db
def test_printed_counts_agree_and_the_accounts_table_fits_a_terminal():
    # given the demo data's own account list
    n_accounts = len(accounts.USERS)
    zwfw = next(u for u in accounts.USERS if u["username"] == "supervisor_zwfw")
    out = io.StringIO()

    # when the demo loads into an empty database, as on a first `make run`
    call_command("load_demo", stdout=out)

    # then the section line and the total count the same thing, named the same way
    lines = out.getvalue().splitlines()
    assert re.search(
        rf"^  demo user accounts +{n_accounts} created, +0 updated, +0 unchanged$",
        out.getvalue(),
        re.M,
    )
    text = out.getvalue()
    assert f" {n_accounts} user accounts," in text
    assert "In the database now" in text
    # and the supervisor of every department shows one department and how many more
    row = next(line for line in lines if line.startswith("  supervisor_zwfw "))
    assert f"市市场监管局 and {len(zwfw['roles']) - 1} more" in row
    # and no line of the accounts table is wider than 120 columns
    table = lines[
        lines.index("  Demo accounts (sign in at /accounts/login/; admin at /admin/):") + 1 :
    ]
    assert max(_columns(line) for line in table) <= 120

    # a second run says the accounts are unchanged
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert re.search(
        rf"^  demo user accounts +0 created, +0 updated, +{n_accounts} unchanged$",
        again.getvalue(),
        re.M,
    )
