"""What the case page shows, prepared from a case already allowed by the selectors.

Pure presentation: no writes, no permission decisions. How much of the
personal data an officer sees (脱敏) is decided once, by
``cases.selectors.case_personal_data_full``; these functions show it so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _

from yiwang.cases.answers import answer_rows
from yiwang.cases.models import Case, CaseMaterial
from yiwang.cases.selectors import TimelineItem, applicant_person_name, case_applicant_label
from yiwang.identity import masking
from yiwang.identity.models import User


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    masked: bool = False


def applicant_name(case: Case) -> str:
    """The queue's applicant column: the enterprise's name, else the citizen's name masked
    (the rule the timeline uses too: ``cases.selectors.case_applicant_label``)."""
    return case_applicant_label(case)


def _citizen(user: User) -> Any:
    try:
        return user.citizen
    except ObjectDoesNotExist:
        return None


def _person_name(user: User) -> str:
    return applicant_person_name(user)


def applicant_facts(case: Case, *, full: bool) -> list[Fact]:
    """The applicant's (and the enterprise's) details, masked unless ``full``."""
    user = case.applicant
    citizen = _citizen(user)
    name = _person_name(user)
    resident_id = citizen.resident_id if citizen else ""
    phone = (citizen.phone if citizen else "") or user.phone
    address = citizen.address if citizen else ""
    facts: list[Fact] = []
    if case.enterprise is not None:
        enterprise = case.enterprise
        facts += [
            Fact(_("Enterprise"), enterprise.name),
            Fact(_("Unified social credit code"), enterprise.uscc),
            Fact(
                _("Legal representative"),
                enterprise.legal_representative
                if full
                else masking.mask_name(enterprise.legal_representative),
                masked=not full,
            ),
        ]
        if enterprise.address:
            facts.append(Fact(_("Registered address"), enterprise.address))
    person = _("Agent") if case.enterprise is not None else _("Name")
    facts.append(Fact(person, name if full else masking.mask_name(name), masked=not full))
    if resident_id:
        facts.append(
            Fact(
                _("Resident ID number"),
                resident_id if full else masking.mask_resident_id(resident_id),
                masked=not full,
            )
        )
    if phone:
        facts.append(
            Fact(_("Phone"), phone if full else masking.mask_phone(phone), masked=not full)
        )
    if address:
        facts.append(
            Fact(_("Address"), address if full else _("(not shown to your role)"), masked=not full)
        )
    return facts


@dataclass(frozen=True)
class Answer:
    label: str
    value: str
    depth: int = 0


def form_answers(schema: Mapping[str, Any], data: Mapping[str, Any], *, full: bool) -> list[Answer]:
    """The form answers as labelled rows, in the schema's order, masked unless ``full``
    (the one walker, ``cases.answers``); groups and repeating groups become indented rows."""
    return [
        Answer(row.labels[-1], row.value, row.depth)
        for row in answer_rows(schema or {}, data or {}, masked=not full)
    ]


def preview_kind(material: CaseMaterial) -> str:
    """How the case page shows a file: "image", "pdf", or "" (download only, e.g. OFD)."""
    if material.content_type in {"image/png", "image/jpeg"}:
        return "image"
    if material.content_type == "application/pdf":
        return "pdf"
    return ""


def file_size(size: int) -> str:
    if size < 1024:
        return _("%(n)d bytes") % {"n": size}
    if size < 1024 * 1024:
        return _("%(n).0f KB") % {"n": size / 1024}
    return _("%(n).1f MB") % {"n": size / 1024 / 1024}


def officer_label(user: User) -> str:
    """How officers are named to each other: display name, else full name, else username."""
    return user.display_name or user.get_full_name() or user.username


def officer_names(timeline: list[TimelineItem]) -> dict[int, str]:
    """Names of the officers the assignment entries of ``timeline`` mention (one query, or none)."""
    ids = {
        item.data.get(key)
        for item in timeline
        if item.kind in ("assigned", "reassigned")
        for key in ("assignee", "previous")
    } - {None}
    if not ids:
        return {}
    return {u.pk: officer_label(u) for u in User.objects.filter(pk__in=ids)}


def related_or_none(case: Case, name: str) -> Any:
    """A reverse one-to-one of the case (decision, rating) or None when there is none."""
    try:
        return getattr(case, name)
    except ObjectDoesNotExist:
        return None
