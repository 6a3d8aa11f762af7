"""Drafts: a new one copied from the newest version, edits to one, a version added whole."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from yiwang.catalog.models import Fee, Material, ServiceItem, ServiceVersion
from yiwang.catalog.services.form_schemas import form_schema_with_order
from yiwang.core.audit import audit_record

# Fields copied from one version into the next draft.
VERSION_COPY_FIELDS = [
    f.name
    for f in ServiceVersion._meta.concrete_fields
    if f.name
    not in {"id", "item", "number", "status", "created_at", "published_at", "superseded_at"}
]


def _part_fields(part: Material | Fee) -> dict[str, Any]:
    """A material's or fee's own values, to copy it into another version."""
    return {
        f.attname: getattr(part, f.attname)
        for f in part._meta.concrete_fields
        if f.name not in {"id", "version"}
    }


@transaction.atomic
def service_version_create_draft(*, item: ServiceItem, actor: Any) -> ServiceVersion:
    """Copy the newest version of ``item`` into a new draft (with materials, fees, topics).

    Refuses when a draft exists already. Locks the item row.
    """
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=ServiceVersion.Status.DRAFT).exists():
        raise ValidationError(
            _("Service %(code)s already has a draft; edit or publish it first.")
            % {"code": item.code}
        )
    source = item.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("Service %(code)s has no version to copy.") % {"code": item.code})
    draft = ServiceVersion(
        item=item,
        number=source.number + 1,
        **{name: getattr(source, name) for name in VERSION_COPY_FIELDS},
    )
    draft.save()
    draft.topics.set(source.topics.all())
    Material.objects.bulk_create(
        Material(version=draft, **_part_fields(m)) for m in source.materials.all()
    )
    Fee.objects.bulk_create(Fee(version=draft, **_part_fields(fee)) for fee in source.fees.all())
    audit_record(
        actor=actor,
        action="catalog.draft_create",
        target=draft,
        data={"code": item.code, "number": draft.number, "from": source.number},
    )
    return draft


@transaction.atomic
def service_version_update_draft(
    *, version: ServiceVersion, actor: Any, **changes: Any
) -> ServiceVersion:
    """Change fields of a draft version (validated). Refuses published versions."""
    version = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if not version.is_editable:
        raise ValidationError(
            _("Version %(number)d is published and cannot be changed; create a new draft.")
            % {"number": version.number}
        )
    topics = changes.pop("topics", None)
    if "form_schema" in changes:
        changes["form_schema"] = form_schema_with_order(changes["form_schema"])
    for name, value in changes.items():
        setattr(version, name, value)
    version.full_clean()
    version.save(update_fields=list(changes) or None)
    if topics is not None:
        version.topics.set(topics)
    audit_record(
        actor=actor,
        action="catalog.draft_update",
        target=version,
        data={"fields": sorted(changes) + (["topics"] if topics is not None else [])},
    )
    return version


def _locked_draft(version: ServiceVersion) -> ServiceVersion:
    """The version row, locked; ValidationError unless it is a draft (published ones are frozen)."""
    locked = ServiceVersion.objects.select_for_update().get(pk=version.pk)
    if not locked.is_editable:
        raise ValidationError(
            _("Version %(number)d is published and cannot be changed; create a new draft.")
            % {"number": locked.number}
        )
    return locked


@transaction.atomic
def service_version_add(*, item: ServiceItem, actor: Any, **fields: Any) -> ServiceVersion:
    """A new draft version of ``item`` with ``fields``, numbered after its newest version.

    For an item without versions, or from the admin's "add" form. Refuses when
    the item has a draft already. Locks the item row (numbering). Audited as
    ``catalog.draft_create``.
    """
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.versions.filter(status=ServiceVersion.Status.DRAFT).exists():
        raise ValidationError(_("This service already has a draft; edit that draft instead."))
    topics = fields.pop("topics", [])
    if "form_schema" in fields:
        fields["form_schema"] = form_schema_with_order(fields["form_schema"])
    top = item.versions.aggregate(top=Max("number"))["top"] or 0
    version = ServiceVersion(item=item, number=top + 1, **fields)
    version.full_clean()
    version.save()
    if topics:
        version.topics.set(topics)
    audit_record(
        actor=actor,
        action="catalog.draft_create",
        target=version,
        data={"code": item.code, "number": version.number},
    )
    return version
