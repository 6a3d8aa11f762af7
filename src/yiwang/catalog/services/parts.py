"""A draft's materials and fees, saved and deleted as edited or set whole."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.catalog.models import Fee, Material, ServiceVersion
from yiwang.catalog.services.drafts import _locked_draft
from yiwang.core.audit import audit_record


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
