"""Load the Jinan demo city: regions, departments, topics, certificate types, accounts, catalog.

Idempotent: rows are matched by natural keys (region code, department code,
topic code, certificate type code, username, resident ID, USCC, item code),
and a second run changes nothing, writes no audit entry and creates no row.

- Reference data (regions, departments, topics, certificate types) is created
  or updated field by field to match the data files; whether a department is
  active is set only when it is created (an administrator may deactivate one).
- Accounts are created, with the documented demo password and their roles
  (through ``identity.services.role_assign``), only when missing: an existing
  account is left exactly as an administrator left it (password, active or
  not, roles). Citizen and enterprise profiles are made through
  ``citizen_register`` / ``enterprise_register`` when missing (an existing
  profile is left as it is).
- Services: a new item is created and published through the catalog services.
  For an existing item the published version is compared with the data; when
  they differ, a new draft is made (or the open draft reused), brought in line
  and published, so a changed data file yields a new version, never an edit of
  a published one. An item's department is never changed.

Each section runs in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models, transaction

from yiwang.catalog import selectors as catalog_selectors
from yiwang.catalog import services as catalog_services
from yiwang.catalog.models import (
    CertificateType,
    Material,
    ServiceItem,
    ServiceVersion,
    Topic,
)
from yiwang.core.audit import audit_record
from yiwang.demo import guide_files
from yiwang.demo.city_events import demo_open311_key, load_city_events
from yiwang.demo.data import accounts, certificates, departments, popular, regions, topics
from yiwang.demo.data.services_business import SERVICES as BUSINESS_SERVICES
from yiwang.demo.data.services_person import SERVICES as PERSON_SERVICES
from yiwang.events.models import Category, Event
from yiwang.identity import services as identity_services
from yiwang.identity.models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseMember,
    Region,
    Role,
    RoleAssignment,
    User,
)

# A fixed salt makes the demo hash reproducible, so a second run can tell by comparing
# strings (without hashing per account) that a password is unchanged. The password is
# public anyway.
_DEMO_SALT = "yiwangdemojinan2026"

MATERIAL_FIELDS = (
    "name_zh",
    "name_en",
    "requirement",
    "condition_zh",
    "condition_en",
    "formats",
    "copies",
    "original_required",
    "notes_zh",
    "notes_en",
)


def all_services() -> list[dict[str, Any]]:
    """Every demo service item, business services first."""
    return [*BUSINESS_SERVICES, *PERSON_SERVICES]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class AccountRow:
    username: str
    display_name: str
    roles: str
    departments: list[str]
    password: str = accounts.DEMO_PASSWORD


@dataclass
class LoadReport:
    sections: dict[str, Tally] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    accounts: list[AccountRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The demo integrator's Open311 key, while it works (an administrator may revoke it).
    open311_key: str = ""


def _upsert(
    model: type[models.Model],
    lookup: dict[str, Any],
    values: dict[str, Any],
    initial: dict[str, Any] | None = None,
) -> tuple[Any, str]:
    """Create the row (with ``values`` and ``initial``), or update only the fields of
    ``values`` that differ. Returns (row, outcome)."""
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values, **(initial or {}))
        row.full_clean()
        row.save()
        return row, "created"
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if not changed:
        return row, "unchanged"
    for name in changed:
        setattr(row, name, values[name])
    row.full_clean()
    row.save(update_fields=[name.removesuffix("_id") for name in changed])
    return row, "updated"


def _audit_section(action: str, tally: Tally) -> None:
    if tally.changed:
        audit_record(
            actor=None,
            action=action,
            data={"created": tally.created, "updated": tally.updated},
        )


# --- reference data ---------------------------------------------------------------------


@transaction.atomic
def load_regions() -> Tally:
    tally = Tally()
    ids: dict[str, int] = {}
    for spec in regions.regions():
        values = {k: spec[k] for k in ("name_zh", "name_en", "level")}
        values["parent_id"] = ids[spec["parent"]] if spec["parent"] else None
        row, outcome = _upsert(Region, {"code": spec["code"]}, values)
        ids[row.code] = row.pk
        tally.count(outcome)
    _audit_section("demo.regions_load", tally)
    return tally


@transaction.atomic
def load_departments() -> Tally:
    tally = Tally()
    region_ids = dict(Region.objects.values_list("code", "pk"))
    ids: dict[str, int] = {}
    for spec in departments.DEPARTMENTS:
        values = {
            k: spec[k]
            for k in (
                "name_zh",
                "name_en",
                "short_name_zh",
                "address_zh",
                "address_en",
                "phone",
                "complaint_phone",
                "windows_zh",
                "windows_en",
                "office_hours_zh",
                "office_hours_en",
                "kind",
            )
        }
        values["parent_id"] = ids[spec["parent"]] if spec["parent"] else None
        values["region_id"] = region_ids[spec["region"]]
        row, outcome = _upsert(Department, {"code": spec["code"]}, values, {"is_active": True})
        ids[row.code] = row.pk
        tally.count(outcome)
    _audit_section("demo.departments_load", tally)
    return tally


@transaction.atomic
def load_topics_and_certificate_types() -> Tally:
    tally = Tally()
    for spec in topics.TOPICS:
        values = {k: v for k, v in spec.items() if k != "code"}
        _row, outcome = _upsert(Topic, {"code": spec["code"]}, values)
        tally.count(outcome)
    department_ids = dict(Department.objects.values_list("code", "pk"))
    for spec in certificates.CERTIFICATE_TYPES:
        values = {
            "name_zh": spec["name_zh"],
            "name_en": spec["name_en"],
            "issuer_id": department_ids[spec["issuer"]],
        }
        _row, outcome = _upsert(CertificateType, {"code": spec["code"]}, values)
        tally.count(outcome)
    _audit_section("demo.topics_load", tally)
    return tally


# --- accounts ---------------------------------------------------------------------------


@transaction.atomic
def load_accounts() -> Tally:
    """The demo user accounts and their roles; the tally counts user accounts only."""
    tally = Tally()
    password_hash = make_password(accounts.DEMO_PASSWORD, salt=_DEMO_SALT)
    department_by_code = {d.code: d for d in Department.objects.all()}
    users: dict[str, User] = {}
    for spec in accounts.USERS:
        existing = User.objects.filter(username=spec["username"]).first()
        if existing is not None:  # an administrator's changes stay
            users[existing.username] = existing
            tally.count("unchanged")
            continue
        user = User(
            username=spec["username"],
            display_name=spec["display_name"],
            email=spec["email"],
            is_staff=spec["staff"],
            is_superuser=spec["superuser"],
            is_active=True,
            password=password_hash,
        )
        user.full_clean()
        user.save()
        users[user.username] = user
        audit_record(actor=None, action="demo.account_create", target=user)
        for role, department_code in spec["roles"]:
            department = department_by_code[department_code] if department_code else None
            identity_services.role_assign(user=user, role=role, department=department, actor=None)
        tally.count("created")
    return tally


@transaction.atomic
def load_applicant_profiles() -> Tally:
    """The citizen's profile (实名信息) and the enterprises the citizen and the agent act for."""
    tally = Tally()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[accounts.CITIZEN["username"], accounts.ENTERPRISE_AGENT]
        )
    }
    citizen_user = users[accounts.CITIZEN["username"]]
    if not Citizen.objects.filter(user=citizen_user).exists():
        spec = accounts.CITIZEN
        identity_services.citizen_register(
            user=citizen_user,
            name=spec["name"],
            resident_id=spec["resident_id"],
            phone=spec["phone"],
            address=spec["address"],
        )
        tally.count("created")
    else:
        tally.count("unchanged")

    agent = users[accounts.ENTERPRISE_AGENT]
    region_by_code = {r.code: r for r in Region.objects.all()}
    business = accounts.CITIZEN_BUSINESS
    if not Enterprise.objects.filter(uscc=business["uscc"]).exists():
        identity_services.enterprise_register(
            user=citizen_user,
            name=business["name"],
            uscc=business["uscc"],
            legal_representative=business["legal_representative"],
            address=business["address"],
            region=region_by_code[business["region"]],
            is_legal_representative=True,
        )
        tally.count("created")
    else:
        tally.count("unchanged")
    for spec in accounts.ENTERPRISES:
        enterprise = Enterprise.objects.filter(uscc=spec["uscc"]).first()
        if enterprise is None:
            identity_services.enterprise_register(
                user=agent,
                name=spec["name"],
                uscc=spec["uscc"],
                legal_representative=spec["legal_representative"],
                address=spec["address"],
                region=region_by_code[spec["region"]],
                is_legal_representative=spec["is_legal_representative"],
                authorisation=spec.get("authorisation", ""),
            )
            tally.count("created")
        elif not EnterpriseMember.objects.filter(enterprise=enterprise, user=agent).exists():
            identity_services.enterprise_add_member(
                enterprise=enterprise,
                user=agent,
                actor=None,
                is_legal_representative=spec["is_legal_representative"],
                authorisation=spec.get("authorisation", ""),
            )
            tally.count("updated")
        else:
            tally.count("unchanged")
    return tally


def account_rows() -> list[AccountRow]:
    """The demo accounts as they are in the database, for the summary table."""
    usernames = [spec["username"] for spec in accounts.USERS]
    users = User.objects.filter(username__in=usernames).prefetch_related(
        models.Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("department").order_by("id"),
        )
    )
    by_name = {u.username: u for u in users}
    rows = []
    for username in usernames:
        user = by_name.get(username)
        if user is None:
            continue
        assignments = list(user.role_assignments.all())
        roles = ", ".join(dict.fromkeys(Role(a.role).value for a in assignments))
        if user.is_superuser:
            roles = ", ".join(filter(None, ["superuser", roles]))
        where = list(
            dict.fromkeys(
                a.department.short_name_zh or a.department.name_zh
                for a in assignments
                if a.department
            )
        )
        rows.append(AccountRow(username, user.display_name, roles, where))
    return rows


# --- the catalog ------------------------------------------------------------------------


def _spec_snapshot(spec: dict[str, Any]) -> dict[str, Any]:
    version = dict(spec["version"])
    if "form_schema" in version:  # stored with its fields' order recorded (x-order)
        version["form_schema"] = catalog_services.form_schema_with_order(version["form_schema"])
    return {
        "version": version,
        "topics": sorted(spec["topics"]),
        "materials": [
            {**{k: m[k] for k in MATERIAL_FIELDS}, "certificate_type": m["certificate_type"]}
            for m in spec["materials"]
        ],
        "fees": [
            (f["name_zh"], f["name_en"], Decimal(f["amount_yuan"]), f["basis_zh"])
            for f in spec["fees"]
        ],
    }


def _version_snapshot(version: ServiceVersion, fields: list[str]) -> dict[str, Any]:
    return {
        "version": {name: getattr(version, name) for name in fields},
        "topics": sorted(t.code for t in version.topics.all()),
        "materials": [
            {
                **{k: getattr(m, k) for k in MATERIAL_FIELDS},
                "certificate_type": m.certificate_type.code if m.certificate_type else None,
            }
            for m in version.materials.all()
        ],
        "fees": [(f.name_zh, f.name_en, f.amount_yuan, f.basis_zh) for f in version.fees.all()],
    }


def _parts_replace(
    version: ServiceVersion, spec: dict[str, Any], certificate_ids: dict[str, int]
) -> None:
    """Give a draft exactly the materials and fees of ``spec`` (through the catalog service)."""
    catalog_services.service_version_set_parts(
        version=version,
        actor=None,
        materials=[
            {
                "order": position,
                "certificate_type_id": certificate_ids[m["certificate_type"]]
                if m["certificate_type"]
                else None,
                **{k: m[k] for k in MATERIAL_FIELDS},
            }
            for position, m in enumerate(spec["materials"], start=1)
        ],
        fees=[
            {
                "amount_yuan": Decimal(f["amount_yuan"]),
                **{k: f[k] for k in ("name_zh", "name_en", "basis_zh")},
            }
            for f in spec["fees"]
        ],
    )


def _guide_files_add(draft: ServiceVersion) -> None:
    """Give a demo draft the files its guide offers (result sample, blank and sample form),
    generated from its data, where it has none yet (a new draft keeps its predecessor's)."""
    department = draft.item.department.name_zh
    name = f"{draft.item.code}.pdf"
    files = {
        "result_sample": lambda: guide_files.result_sample_pdf(
            result=draft.result_name_zh or draft.name_zh, department=department
        ),
        "blank_form": lambda: guide_files.blank_form_pdf(
            name=draft.name_zh, department=department, schema=draft.form_schema
        ),
        "sample_form": lambda: guide_files.sample_form_pdf(
            name=draft.name_zh, department=department, schema=draft.form_schema
        ),
    }
    missing = {
        field: ContentFile(make(), name=name)
        for field, make in files.items()
        if not getattr(draft, field)
    }
    if missing:
        catalog_services.service_version_update_draft(version=draft, actor=None, **missing)


@transaction.atomic
def load_catalog(report: LoadReport | None = None) -> Tally:
    """Create and publish the demo services; publish a new version of any that changed."""
    tally = Tally()
    topic_by_code = {t.code: t for t in Topic.objects.all()}
    certificate_ids = dict(CertificateType.objects.values_list("code", "pk"))
    department_by_code = {d.code: d for d in Department.objects.all()}
    items = {
        item.code: item
        for item in ServiceItem.objects.select_related(
            "department", "published_version"
        ).prefetch_related(
            "published_version__topics",
            models.Prefetch(
                "published_version__materials",
                queryset=Material.objects.select_related("certificate_type"),
            ),
            "published_version__fees",
        )
    }
    for spec in all_services():
        version_fields = dict(spec["version"])
        item_topics = [topic_by_code[code] for code in spec["topics"]]
        item = items.get(spec["code"])
        if item is None:
            draft = catalog_services.service_item_create(
                code=spec["code"],
                department=department_by_code[spec["department"]],
                actor=None,
                topics=item_topics,
                **version_fields,
            )
            _parts_replace(draft, spec, certificate_ids)
            _guide_files_add(draft)
            catalog_services.service_version_publish(version=draft, actor=None)
            tally.count("created")
            continue
        if item.department.code != spec["department"] and report is not None:
            report.warnings.append(
                f"{spec['code']}: the item belongs to {item.department.code}, the data says "
                f"{spec['department']}; the department of an item is not changed."
            )
        published = item.published_version
        if published is not None and _version_snapshot(
            published, list(version_fields)
        ) == _spec_snapshot(spec):
            tally.count("unchanged")
            continue
        draft = item.versions.filter(status=ServiceVersion.Status.DRAFT).first()
        if draft is None:
            draft = catalog_services.service_version_create_draft(item=item, actor=None)
        draft = catalog_services.service_version_update_draft(
            version=draft, actor=None, topics=item_topics, **version_fields
        )
        _parts_replace(draft, spec, certificate_ids)
        _guide_files_add(draft)
        catalog_services.service_version_publish(version=draft, actor=None)
        tally.count("updated")
    _curate_popular()
    return tally


def _curate_popular() -> None:
    """The curated 热门服务 (``data/popular.py``), for a portal with few recent applications."""
    for position, code in enumerate(popular.POPULAR, start=1):
        item = ServiceItem.objects.filter(code=code).first()
        if item is not None and item.popular_order != position:
            item.popular_order = position
            catalog_services.service_item_save(
                item=item, actor=None, changed=["popular_order"], via="demo"
            )


# --- everything -------------------------------------------------------------------------


def load_city_events_section() -> Tally:
    """The 12345 loop's data and demo events (``yiwang.demo.city_events``)."""
    created, unchanged = load_city_events()
    return Tally(created=created, unchanged=unchanged)


def load_demo() -> LoadReport:
    """Load every section (each in its own transaction) and report what happened."""
    report = LoadReport()
    report.sections["regions"] = load_regions()
    report.sections["departments"] = load_departments()
    report.sections["topics and certificate types"] = load_topics_and_certificate_types()
    report.sections["demo user accounts"] = load_accounts()
    report.sections["citizen profile, enterprises"] = load_applicant_profiles()
    report.sections["services"] = load_catalog(report)
    report.sections["city events (12345)"] = load_city_events_section()
    report.totals = {
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "topics": Topic.objects.count(),
        "certificate types": CertificateType.objects.count(),
        "published services": catalog_selectors.published_item_count(),
        "user accounts": User.objects.count(),
        "event categories": Category.objects.count(),
        "city events": Event.objects.count(),
    }
    report.accounts = account_rows()
    report.open311_key = demo_open311_key()
    return report
