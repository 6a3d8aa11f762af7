"""The Jinan demo loader: a second run changes nothing (and keeps an administrator's changes),
changed data publishes a new version, where it refuses, and what it prints. What it loads:
test_demo_city.py."""

from __future__ import annotations

import copy
import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from yiwang.catalog.models import ServiceItem, ServiceVersion
from yiwang.core.models import AuditEntry
from yiwang.demo import loader
from yiwang.demo.data import accounts
from yiwang.identity.models import (
    Region,
    RoleAssignment,
    User,
)


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
