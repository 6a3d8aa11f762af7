"""Every write to the service catalog: create items, edit drafts, publish versions.

A version is a draft until ``service_version_publish`` freezes it; to change a
published service, ``service_version_create_draft`` copies the current version
into a new draft, which is edited and published in turn. Each function is
transactional and appends an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from yiwang.catalog import search
from yiwang.catalog.models import Fee, Material, ServiceItem, ServiceVersion
from yiwang.core.audit import audit_record
from yiwang.identity.models import Department

# Fields copied from one version into the next draft.
VERSION_COPY_FIELDS = [
    f.name
    for f in ServiceVersion._meta.concrete_fields
    if f.name
    not in {"id", "item", "number", "status", "created_at", "published_at", "superseded_at"}
]


def form_schema_with_order(schema: Any) -> Any:
    """The schema with an ``x-order`` list on every object, recording its fields' order.

    PostgreSQL's jsonb does not keep the order of keys, and a form's questions
    must come in the order the administrator wrote them; the portal's form
    builder reads ``x-order``. An ``x-order`` already present is kept.
    """
    if not isinstance(schema, dict):
        return schema
    result = {key: form_schema_with_order(value) for key, value in schema.items()}
    properties = result.get("properties")
    if isinstance(properties, dict):
        result["properties"] = {k: form_schema_with_order(v) for k, v in properties.items()}
        result.setdefault("x-order", list(properties))
    return result


def form_schema_errors(schema: Any) -> list[str]:
    """What is wrong with a version's form schema, as messages (empty when it is fine).

    An empty schema means "no form". Otherwise it must be a valid JSON Schema
    (draft 2020-12) describing an object whose properties each have a type and a title.
    """
    if schema in (None, {}):
        return []
    if not isinstance(schema, dict):
        return [_("The form schema must be a JSON object.")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or _("(top level)")
        return [_("The form schema is not valid JSON Schema at %(where)s: %(message)s") % {
            "where": where, "message": exc.message}]  # fmt: skip
    errors: list[str] = []
    if schema.get("type") != "object":
        errors.append(_('The form schema must have "type": "object".'))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        errors.append(_("The form schema must list the form's fields under “properties”."))
        return errors
    for name, prop in properties.items():
        if not isinstance(prop, dict) or "type" not in prop:
            errors.append(_("Field “%(name)s” of the form needs a “type”.") % {"name": name})
        elif not prop.get("title"):
            errors.append(
                _("Field “%(name)s” of the form needs a “title” (its label).") % {"name": name}
            )
    for name in schema.get("required", []):
        if name not in properties:
            errors.append(
                _("Required field “%(name)s” is not among the form's properties.") % {"name": name}
            )
    return errors


def form_schema_language_errors(schema: Any) -> list[str]:
    """Where a form schema lacks its English, as messages naming the field (empty when bilingual).

    The form is shown in the portal's language, so every field (also inside
    groups and repeating groups) needs a ``title_en`` beside its ``title``, a
    ``description_en`` beside a ``description``, and an enum ``enumNames_en``
    with one English label per value (``enumNames``, when given, one Chinese
    label per value); a ``oneOf`` option needs a ``title_en``. The stored values
    do not change with the language. Checked at publish, so a draft can be
    written in Chinese first.
    """
    if not isinstance(schema, dict):
        return []
    errors: list[str] = []
    _language_errors(schema, (), errors, titled=False)
    return errors


def _language_errors(
    spec: dict[str, Any], path: tuple[str, ...], errors: list[str], *, titled: bool = True
) -> None:
    """Collect the missing English of ``spec`` and what it contains; ``titled`` is False for the
    schema itself and an array's ``items`` (their label is the field's own)."""
    name = ".".join(path)
    if titled:
        if not spec.get("title_en"):
            errors.append(
                _("Field “%(name)s” of the form needs an English title (“title_en”).")
                % {"name": name}
            )
        if spec.get("description") and not spec.get("description_en"):
            errors.append(
                _("Field “%(name)s” of the form needs an English description (“description_en”).")
                % {"name": name}
            )
    if isinstance(spec.get("enum"), list):
        count = len(spec["enum"])
        names, names_en = spec.get("enumNames"), spec.get("enumNames_en")
        if not isinstance(names_en, list) or len(names_en) != count or not all(names_en):
            errors.append(
                _(
                    "Field “%(name)s” of the form needs “enumNames_en”: one English label "
                    "for each of its %(count)d options."
                )
                % {"name": name, "count": count}
            )
        if names is not None and (not isinstance(names, list) or len(names) != count):
            errors.append(
                _("Field “%(name)s” of the form: “enumNames” must have one label per option.")
                % {"name": name}
            )
    options = spec.get("oneOf") or spec.get("anyOf")
    if isinstance(options, list):
        for option in options:
            if isinstance(option, dict) and "const" in option and not option.get("title_en"):
                errors.append(
                    _("Option “%(value)s” of field “%(name)s” needs an English title (“title_en”).")
                    % {"value": option["const"], "name": name}
                )
    properties = spec.get("properties")
    if isinstance(properties, dict):
        for key, sub in properties.items():
            if isinstance(sub, dict):
                _language_errors(sub, (*path, str(key)), errors)
    items = spec.get("items")
    if isinstance(items, dict):
        _language_errors(items, path, errors, titled=False)


def _form_schema_publish_errors(schema: Any) -> list[str]:
    """A published form's checks: a valid schema first, then its English."""
    return form_schema_errors(schema) or form_schema_language_errors(schema)


def steps_errors(steps: Any) -> list[str]:
    """What is wrong with a version's process steps (办理流程), as messages (empty when fine).

    A list of objects, each with a Chinese name (``name_zh``) and optionally an
    English one (``name_en``), both strings. An empty list is a draft's; publishing
    also needs at least one step.
    """
    if steps in (None, []):
        return []
    if not isinstance(steps, list):
        return [_("The process steps must be a JSON list of steps.")]
    errors: list[str] = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            errors.append(_("Step %(n)d must be an object with “name_zh”.") % {"n": number})
            continue
        if not isinstance(step.get("name_zh"), str) or not step["name_zh"].strip():
            errors.append(_("Step %(n)d needs a Chinese name (“name_zh”).") % {"n": number})
        if not isinstance(step.get("name_en", ""), str):
            errors.append(_("Step %(n)d: “name_en” must be text.") % {"n": number})
        unknown = sorted(set(step) - {"name_zh", "name_en"})
        if unknown:
            errors.append(
                _("Step %(n)d has unknown keys: %(keys)s.")
                % {"n": number, "keys": ", ".join(unknown)}
            )
    return errors


def workflow_overrides_errors(overrides: Any) -> list[str]:
    """What is wrong with a version's workflow overrides: they must be a JSON object."""
    if overrides in (None, {}) or isinstance(overrides, dict):
        return []
    return [_("The workflow overrides must be a JSON object (or {} for none).")]


def _part_fields(part: Material | Fee) -> dict[str, Any]:
    """A material's or fee's own values, to copy it into another version."""
    return {
        f.attname: getattr(part, f.attname)
        for f in part._meta.concrete_fields
        if f.name not in {"id", "version"}
    }


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


def service_version_validate(version: ServiceVersion) -> None:
    """Everything that must hold before a version can be published; raises ValidationError."""
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean()
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    for field, check in (
        ("form_schema", _form_schema_publish_errors),
        ("steps", steps_errors),
        ("workflow_overrides", workflow_overrides_errors),
    ):
        found = check(getattr(version, field))
        if found:
            errors.setdefault(field, []).extend(found)
    for material in version.materials.all():
        try:
            material.full_clean()
        except ValidationError as exc:
            errors.setdefault("__all__", []).extend(
                f"{_('Material')} “{material.name_zh}”: {m}" for m in exc.messages
            )
    if not version.is_free and not version.fees.exists():
        errors.setdefault("is_free", []).append(
            _("A service that charges a fee must list its fees.")
        )
    if not version.steps:
        errors.setdefault("steps", []).append(_("List the steps of the process."))
    for field, message in guide_contradictions(version):
        errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def guide_contradictions(version: ServiceVersion) -> list[tuple[str, str]]:
    """Where a version's guide contradicts itself, as ``(field, message)`` pairs.

    A guide that promises zero visits (零次到现场) cannot also have a site inspection
    (现场核查) among its steps, ask for an original to be shown (需出示原件), or be closed
    to online applications; a service decided on the spot (即办, promised limit 0) cannot
    wait for a site inspection.
    """
    found: list[tuple[str, str]] = []
    if version.visits == 0 and version.has_site_inspection:
        found.append(("visits", _(
            "On-site visits is 0 (零次到现场) but the process steps include a site inspection "
            "(现场核查): set on-site visits to at least 1, or remove the step."
        )))  # fmt: skip
    if version.visits == 0:
        originals = [m.name_zh for m in version.materials.all() if m.original_required]
        if originals:
            found.append(("visits", _(
                "On-site visits is 0 (零次到现场) but these materials have “original to be "
                "shown” (需出示原件): %(materials)s. Set on-site visits to at least 1, or let "
                "the electronic copy stand in."
            ) % {"materials": "、".join(originals)}))  # fmt: skip
        if not version.online_available:
            found.append(("online_available", _(
                "On-site visits is 0 (零次到现场) but the service cannot be applied for online: "
                "allow online applications, or set on-site visits to at least 1."
            )))  # fmt: skip
    if version.promised_limit_days == 0 and version.has_site_inspection:
        found.append(("promised_limit_days", _(
            "The promised limit is 0 (即办, decided on the spot) but the process steps include a "
            "site inspection (现场核查): set a promised limit, or remove the step."
        )))  # fmt: skip
    return found


@transaction.atomic
def service_version_publish(*, version: ServiceVersion, actor: Any) -> ServiceVersion:
    """Publish a draft: validate it, freeze it, supersede the previous version, reindex.

    Locks the item row so two administrators cannot publish at once.
    """
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceVersion.objects.select_related("item__department").get(pk=version.pk)
    if version.status != ServiceVersion.Status.DRAFT:
        raise ValidationError(
            _("Version %(number)d of %(code)s is already published.")
            % {"number": version.number, "code": item.code}
        )
    service_version_validate(version)
    now = timezone.now()
    previous = item.published_version
    if previous is not None:
        previous.status = ServiceVersion.Status.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
        search.unindex_version(previous)
    version.status = ServiceVersion.Status.PUBLISHED
    version.published_at = now
    version.save(update_fields=["status", "published_at"])
    item.published_version = version
    item.save(update_fields=["published_version"])
    search.index_version(version)
    audit_record(
        actor=actor,
        action="catalog.version_publish",
        target=version,
        data={
            "code": item.code,
            "number": version.number,
            "superseded": previous.number if previous else None,
        },
    )
    return version


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


@transaction.atomic
def service_version_parts_save(
    *,
    version: ServiceVersion,
    actor: Any,
    saved: Iterable[Material | Fee] = (),
    deleted: Iterable[Material | Fee] = (),
) -> None:
    """Save and delete materials and fees of a draft (the admin's inline forms).

    Each part is validated (``full_clean``) and must belong to ``version``.
    Refuses published versions. Locks the version row. Audited as
    ``catalog.draft_parts_update`` with what changed.
    """
    draft = _locked_draft(version)
    saved, deleted = list(saved), list(deleted)
    for part in (*saved, *deleted):
        if part.version_id not in (None, draft.pk):
            raise ValidationError(_("This part belongs to another version."))
    for part in deleted:
        if part.pk is not None:
            part.delete()
    for part in saved:
        part.version = draft
        try:
            part.full_clean()
        except ValidationError as exc:
            kind = _("Material") if isinstance(part, Material) else _("Fee")
            raise ValidationError([f"{kind} “{part.name_zh}”: {m}" for m in exc.messages]) from exc
        part.save()
    audit_record(
        actor=actor,
        action="catalog.draft_parts_update",
        target=draft,
        data={
            "saved": [f"{part._meta.model_name}:{part.name_zh}" for part in saved],
            "deleted": [f"{part._meta.model_name}:{part.name_zh}" for part in deleted],
        },
    )


@transaction.atomic
def service_version_set_parts(
    *,
    version: ServiceVersion,
    actor: Any,
    materials: Iterable[Mapping[str, Any]] | None = None,
    fees: Iterable[Mapping[str, Any]] | None = None,
) -> None:
    """Replace the materials (and/or fees) of a draft with the given ones, in order.

    Each is a mapping of the part's fields (``order`` defaults to its
    position). ``None`` leaves that kind of part as it is. Refuses published
    versions. Audited as ``catalog.draft_parts_update``.
    """
    draft = _locked_draft(version)
    new: list[Material | Fee] = []
    old: list[Material | Fee] = []
    if materials is not None:
        old += list(draft.materials.all())
        new += [
            Material(version=draft, **{"order": order, **dict(spec)})
            for order, spec in enumerate(materials)
        ]
    if fees is not None:
        old += list(draft.fees.all())
        new += [Fee(version=draft, **dict(spec)) for spec in fees]
    service_version_parts_save(version=draft, actor=actor, saved=new, deleted=old)


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
