"""The notices an applicant receives, issued inside the transaction of their act (受理,
不予受理, 一次性告知补正, 准予/不予许可): rendered, stored, hashed and audited once."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Case, CaseNotice
from yiwang.cases.notices import (
    TITLES,
    chinese_date,
    notice_number,
    notice_paragraphs,
    notice_pdf,
)
from yiwang.cases.services._common import audit
from yiwang.core.storage import save_with_row
from yiwang.identity.models import User


def _applicant_name(case: Case) -> str:
    if case.enterprise_id is not None and case.enterprise is not None:
        return case.enterprise.name
    applicant = case.applicant
    try:
        citizen = applicant.citizen
    except ObjectDoesNotExist:
        citizen = None
    return (citizen.name if citizen else "") or str(applicant)


def _issued_and_next_number(case: Case, kind: str) -> tuple[int, str]:
    """How many notices of ``kind`` the case has, and the number the next one takes."""
    issued = CaseNotice.objects.filter(case=case, kind=kind).count()
    return issued, notice_number(case.number, kind, issued + 1)


def notice_values(case: Case, context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a notice of ``case`` says besides the act's own values (``context``: reason,
    legal basis, items): the applicant, the service and its kind (a licence cites the
    行政许可法; a service promised 即办 is done the day it is accepted), the dates."""
    version = case.service_version
    accepted = case.timeline.filter(kind="accepted").order_by("-at").values_list("at", flat=True)
    return {
        "applicant": _applicant_name(case),
        "service": version.name_zh,
        "case_number": case.number,
        "licensing": version.kind == version.Kind.LICENSING,
        "on_the_spot": version.on_the_spot,
        "received": chinese_date(case.received_at),
        "accepted": chinese_date(accepted[0]) if accepted else "",
        "promised_days": version.promised_limit_days,
        "due": chinese_date(case.due_at) if case.due_at else "",
        **dict(context or {}),
    }


def notice_issue(
    *,
    case: Case,
    kind: str,
    actor: User,
    at: datetime,
    context: Mapping[str, Any] | None = None,
) -> CaseNotice:
    """Issue the notice of type ``kind`` (a ``CaseNotice.Kind``) for the act just done on
    ``case``; ``context`` adds the act's own values (reason, legal basis, items) to the
    template's.

    Call inside the act's ``transaction.atomic()`` (case row locked), and inside
    ``yiwang.core.storage.discard_on_error`` so that a rolled-back act leaves no file.
    Side effects: stores the PDF (``notices/…``, ``save_with_row``), creates the
    CaseNotice with its number (:func:`yiwang.cases.notices.notice_number`), date and
    SHA-256, audits ``case.notice_issue`` with the kind, number and SHA-256.
    Immutable: a type issued once per case (all but the supplement notice) is never
    issued again — CaseConflict.
    """
    issued, number = _issued_and_next_number(case, kind)
    if issued and kind != CaseNotice.Kind.SUPPLEMENT:
        raise CaseConflict(_("This document has already been issued; it cannot be regenerated."))
    values = notice_values(case, context)
    pdf = notice_pdf(
        kind=kind,
        number=number,
        department=case.department.name_zh,
        issued_at=at,
        context=values,
    )
    digest = hashlib.sha256(pdf).hexdigest()
    notice = CaseNotice(
        case=case,
        kind=kind,
        number=number,
        issued_at=at,
        size=len(pdf),
        sha256=digest,
        issued_by=actor,
    )
    save_with_row(notice.file, f"{number}.pdf", ContentFile(pdf))
    notice.save()
    audit(actor, "case.notice_issue", case, kind=kind, document=number, sha256=digest)
    return notice


@dataclass(frozen=True)
class NoticePreview:
    """A notice as it would be issued now: for the officer to read before the act."""

    title: str
    number: str
    department: str
    paragraphs: list[str]  # escaped markup, see :func:`yiwang.cases.notices.notice_paragraphs`


def notice_preview(
    *, case: Case, kind: str, context: Mapping[str, Any] | None = None
) -> NoticePreview:
    """The notice of type ``kind`` that the act about to be done on ``case`` would issue,
    with the act's values in ``context``: the same template, values and number as
    :func:`notice_issue` would use. Reads only; stores and audits nothing."""
    return NoticePreview(
        title=TITLES[kind],
        number=_issued_and_next_number(case, kind)[1],
        department=case.department.name_zh,
        paragraphs=notice_paragraphs(kind, notice_values(case, context)),
    )
