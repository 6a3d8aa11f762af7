"""An officer asks for supplements (补正): the items asked for, the clock stopped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.models import Case, CaseNotice, SupplementRequest
from yiwang.cases.services._common import lock_case, now_or
from yiwang.cases.services.notices import notice_issue
from yiwang.cases.services.officer_step import _officer_step
from yiwang.catalog.models import Material
from yiwang.core.storage import discard_on_error
from yiwang.identity.models import User


def _supplement_items(case: Case, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise ValidationError({"items": [_("List at least one missing or faulty material.")]})
    materials = {m.pk: m for m in Material.objects.filter(version_id=case.service_version_id)}
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[int] = set()
    for n, item in enumerate(items, start=1):
        reason = str(item.get("reason") or "").strip()
        raw_id = item.get("material_id")
        name = str(item.get("name") or "").strip()
        material: Material | None = None
        if raw_id not in (None, ""):
            try:
                material = materials.get(int(raw_id))
            except (TypeError, ValueError):
                material = None
            if material is None:
                problems.append(
                    _("Item %(n)d: this material is not part of the service.") % {"n": n}
                )
                continue
            if material.pk in seen:
                problems.append(_("Item %(n)d: this material is listed twice.") % {"n": n})
                continue
            seen.add(material.pk)
            name = material.name_zh
        elif not name:
            problems.append(_("Item %(n)d: choose a material or name the document.") % {"n": n})
            continue
        if not reason:
            problems.append(_("Item %(n)d: say what is missing or wrong.") % {"n": n})
            continue
        out.append(
            {"material_id": material.pk if material else None, "name": name, "reason": reason}
        )
    if problems:
        raise ValidationError({"items": problems})
    return out


def supplement_request(
    *,
    case: Case,
    actor: User,
    items: Sequence[Mapping[str, Any]],
    note: str = "",
    expected_version: int | None = None,
    at: datetime | None = None,
) -> SupplementRequest:
    """Ask for supplements, everything at once (一次性告知补正); the clock stops.

    ``items``: at least one ``{"material_id": int}`` (a material of the case's
    version) or ``{"name": str}`` (something else), each with a non-empty
    ``"reason"``; a material may be listed once. At intake (step
    ``submitted``) by an intake clerk, in review (``under_review``) by a
    reviewer. Only one request can be open at a time (the workflow enforces it).
    Side effects: creates the SupplementRequest (items normalised to
    ``{"material_id", "name", "reason"}``); timeline ``supplement_requested``
    (the list is in ``data``); audit ``case.supplement_request``; notifies
    (``supplement_requested``); issues the one-time supplement notice listing every
    item (一次性告知书).
    Errors: ValidationError (field ``items``, with per-item messages),
    PermissionDenied, CaseConflict, WorkflowConflict.
    """
    at = now_or(at)
    with discard_on_error(), transaction.atomic():
        locked = lock_case(case)
        normalised = _supplement_items(locked, items)
        stage = locked.step
        locked = _officer_step(
            locked, actor=actor, command="request_supplement",
            fields={"missing_materials": [f"{i['name']}: {i['reason']}" for i in normalised]},
            expected_version=expected_version, at=at, kind="supplement_requested",
            detail=note.strip(), data={"items": normalised}, notify="supplement_requested",
        )  # fmt: skip
        request = SupplementRequest.objects.create(
            case=locked,
            stage=stage,
            items=normalised,
            note=note.strip(),
            requested_by=actor,
            requested_at=at,
        )
        notice_issue(
            case=locked, kind=CaseNotice.Kind.SUPPLEMENT, actor=actor, at=at,
            context={"items": normalised, "note": note.strip()},
        )  # fmt: skip
    return request
