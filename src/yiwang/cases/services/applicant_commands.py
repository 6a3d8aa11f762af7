"""The applicant's workflow commands: handing in supplements (补正提交) and withdrawing (撤回)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, CaseMaterial
from yiwang.cases.permissions import APPLICANT_ROLE
from yiwang.cases.services._common import (
    audit,
    execute,
    lock_case,
    now_or,
    require_applicant,
    timeline,
)
from yiwang.identity.models import User


def _item_name(item: Mapping[str, Any]) -> str:
    zh = (get_language() or "zh").lower().startswith("zh")
    return str(item["name"] if zh else item.get("name_en") or item["name"])


def supplement_answer(*, case: Case, applicant: User, at: datetime | None = None) -> Case:
    """The applicant hands in the supplements (补正提交); the clock restarts.

    Preconditions: ``applicant``'s case with an open supplement request, and
    for every listed material (``material_id`` set) a new upload linked to
    the request (:func:`material_upload` with ``case=``). Items listed by name
    only need at least one upload linked to the request when no listed item
    has a material.
    Side effects: marks the request answered; timeline ``supplement_answered``;
    audit ``case.supplement_answer``.
    Errors: CaseNotFound (404), ValidationError (field ``materials``, naming
    what is still missing), CaseConflict.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = lock_case(case)
        require_applicant(locked, applicant)
        request = locked.supplement_requests.filter(answered_at__isnull=True).last()
        if request is None:
            raise CaseConflict(
                _("There is no open request for supplements."), code="no_open_supplement"
            )
        uploads = CaseMaterial.objects.filter(supplement_request=request, superseded=False)
        answered = set(uploads.values_list("material_id", flat=True))
        listed = [i for i in request.items if i.get("material_id")]
        missing = [_item_name(i) for i in listed if i["material_id"] not in answered]
        if missing:
            raise ValidationError(
                {"materials": [_("Upload “%(name)s”.") % {"name": name} for name in missing]}
            )
        if not listed and not answered:
            raise ValidationError({"materials": [_("Upload at least one document.")]})
        execute(
            locked, actor=applicant, command="answer_supplement", role=APPLICANT_ROLE,
            fields=None, expected_version=None, at=at,
        )  # fmt: skip
        request.answered_at = at
        request.save(update_fields=["answered_at"])
        timeline(locked, "supplement_answered", at, due=True, actor=applicant)
        audit(applicant, "case.answer_supplement", locked, request=request.pk)
    return locked


def case_withdraw(
    *, case: Case, applicant: User, reason: str = "", at: datetime | None = None
) -> Case:
    """The applicant withdraws the application (撤回) before a decision; the case closes.

    Errors: CaseNotFound (404), CaseConflict (409) once decided.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = lock_case(case)
        require_applicant(locked, applicant)
        execute(
            locked, actor=applicant, command="withdraw", role=APPLICANT_ROLE,
            fields={"reason": reason.strip()} if reason.strip() else None,
            expected_version=None, at=at,
        )  # fmt: skip
        timeline(locked, "withdrawn", at, detail=reason.strip(), actor=applicant)
        audit(applicant, "case.withdraw", locked, reason=reason.strip())
    return locked
