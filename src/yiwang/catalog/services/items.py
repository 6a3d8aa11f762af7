"""Service items (事项): created with their first draft, their own fields saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from yiwang.catalog.models import ServiceItem, ServiceVersion
from yiwang.catalog.services.form_schemas import form_schema_with_order
from yiwang.core.audit import audit_record
from yiwang.identity.models import Department


@transaction.atomic
def service_item_create(
    *, code: str, department: Department, actor: Any, **version_fields: Any
) -> ServiceVersion:
    """Create a service item with its first draft version. Returns the draft."""
    topics = version_fields.pop("topics", [])
    if "form_schema" in version_fields:
        version_fields["form_schema"] = form_schema_with_order(version_fields["form_schema"])
    item = ServiceItem(code=code, department=department)
    item.full_clean()
    item.save()
    version = ServiceVersion(item=item, number=1, **version_fields)
    version.full_clean()
    version.save()
    if topics:
        version.topics.set(topics)
    audit_record(actor=actor, action="catalog.item_create", target=item, data={"code": code})
    return version


@transaction.atomic
def service_item_save(
    *, item: ServiceItem, actor: Any, changed: Iterable[str] = (), via: str = "admin"
) -> ServiceItem:
    """Save a service item's own fields (code, department, popular order) as edited.

    Validated; audited as ``catalog.item_create`` or ``catalog.item_update``.
    """
    created = item.pk is None
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="catalog.item_create" if created else "catalog.item_update",
        target=item,
        data={"fields": sorted(changed), "via": via},
    )
    return item
