"""Whether a version may be published (its form, steps, workflow overrides and guide checked
as one), and publishing it (the previous version superseded).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.catalog import search
from yiwang.catalog.models import ServiceItem, ServiceVersion
from yiwang.catalog.services.form_schemas import _form_schema_publish_errors
from yiwang.core.audit import audit_record


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


#: The paths of an administrative licence: 受理 → 审查 → 决定 (准予 / 不予行政许可决定书).
LICENSING_PATHS = frozenset(
    {ServiceVersion.Workflow.LICENSING, ServiceVersion.Workflow.PARALLEL_REVIEW}
)


def guide_contradictions(version: ServiceVersion) -> list[tuple[str, str]]:
    """Where a version's guide contradicts itself, as ``(field, message)`` pairs.

    A guide that promises zero visits (零次到现场) cannot also have a site inspection
    (现场核查) among its steps, ask for an original to be shown (需出示原件), or be closed
    to online applications; a service decided on the spot (即办, promised limit 0) cannot
    wait for a site inspection. The kind and the path agree: a licence (行政许可) follows
    a licensing path, whose acts issue 行政许可 documents; any other kind the public
    service path (the notices word their acts by the kind).
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
    licensing_kind = version.kind == ServiceVersion.Kind.LICENSING
    if licensing_kind and version.workflow not in LICENSING_PATHS:
        found.append(("workflow", _(
            "An administrative licence (行政许可) follows a licensing path (受理 → 审查 → 决定, "
            "with a written decision, 行政许可法 第三十八条): choose the licensing path or the "
            "parallel review."
        )))  # fmt: skip
    if not licensing_kind and version.workflow in LICENSING_PATHS:
        found.append(("workflow", _(
            "Only an administrative licence (行政许可) follows a licensing path, whose decisions "
            "are 行政许可决定书: choose the simple public service path, or make the kind an "
            "administrative licence."
        )))  # fmt: skip
    if version.on_the_spot and version.has_site_inspection:
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
