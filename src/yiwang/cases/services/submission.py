"""Submission: a draft becomes a case (idempotent), with its number, workflow and promised
limit (see the package docstring for contracts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict, IdempotencyKeyReused
from yiwang.cases.forms_schema import form_errors
from yiwang.cases.models import Application, Case, CaseMaterial
from yiwang.cases.numbering import case_number_next
from yiwang.cases.services._common import (
    apply_state,
    audit,
    notify_applicant,
    now_or,
    timeline,
)
from yiwang.cases.services.drafts import _acting_for_errors, _own_application, add_errors
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.identity.models import User
from yiwang.processes.services import workflow_definition, workflow_start


def material_name(material: Material) -> str:
    zh = (get_language() or "zh").lower().startswith("zh")
    return material.name_zh if zh or not material.name_en else material.name_en


def _limit_overrides(version: ServiceVersion) -> dict[str, Any]:
    """The workflow overrides of a case: the promised limit on the decision clock, then the
    version's own overrides (which win)."""
    overrides: dict[str, Any] = {}
    definition = workflow_definition(version.workflow)
    clock = next((n for n in ("decision", "service") if n in definition.clocks), None)
    if clock is not None and version.promised_limit_days > 0:
        overrides = {"clocks": {clock: {"working_days": version.promised_limit_days}}}
    return _merge(overrides, dict(version.workflow_overrides or {}))


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _submission_errors(application: Application, at: datetime) -> dict[str, list[str]]:
    version = application.service_version
    errors = form_errors(version.form_schema or {}, application.form_data or {}, require=True)
    add_errors(errors, _acting_for_errors(application, application.form_data or {}, at))
    have = set(
        application.materials.filter(superseded=False, material__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    missing = [
        m
        for m in version.materials.filter(requirement=Material.Requirement.REQUIRED)
        if m.pk not in have
    ]
    if missing:
        errors["materials"] = [
            _("Upload “%(name)s”.") % {"name": material_name(m)} for m in missing
        ]
    return errors


def _require_same_application(existing: Case, application: Application, key: str) -> None:
    """A key names one submission: the case it returns must be this application's."""
    if existing.application_id != application.pk:
        raise IdempotencyKeyReused(
            {
                "idempotency_key": [
                    _(
                        "This Idempotency-Key was already used to submit another application "
                        "(case %(number)s). Use a new key for each application."
                    )
                    % {"number": existing.number}
                ]
            },
            code="idempotency_key_reused",
        )


def _existing_case(applicant: User, key: str) -> Case | None:
    return (
        Case.objects.filter(application__applicant=applicant, application__idempotency_key=key)
        .select_related("department", "service_version")
        .first()
    )


@dataclass(frozen=True)
class Submission:
    """What submitting gave: the case, and whether this call created it (or found it)."""

    case: Case
    created: bool


def application_submit(
    *,
    application: Application,
    applicant: User,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Case:
    """Submit a draft; the case (see :func:`application_submit_outcome`, which also says
    whether this call created it)."""
    return application_submit_outcome(
        application=application, applicant=applicant, idempotency_key=idempotency_key, at=at
    ).case


def application_submit_outcome(
    *,
    application: Application,
    applicant: User,
    idempotency_key: str | None = None,
    at: datetime | None = None,
) -> Submission:
    """Submit a draft: it becomes a case with a number, received at ``at``, its workflow started.

    Idempotent: re-submitting a submitted application, or submitting it again
    with an ``idempotency_key`` this applicant already used for it, returns the
    existing case and changes nothing (never a second case). A key already used
    to submit *another* application raises :class:`IdempotencyKeyReused` (422)
    and changes nothing.
    Preconditions: the form validates against the schema including
    ``required``; every *required* catalog material has a current upload
    (conditional ones are not enforced); the pinned version is still
    published (if it was superseded the draft must be restarted).
    Side effects: locks the application row; sets status ``submitted``,
    ``submitted_at`` and ``idempotency_key``; takes the next case number
    (``numbering.case_number_next``: no lock held on PostgreSQL); starts
    the workflow ``service_version.workflow`` with the promised limit as an
    override (``processes.services.workflow_start``); creates the Case, links
    the uploads to it; timeline ``submitted``; audit ``case.submit``;
    notifies the applicant (``submitted``).
    Errors: ``ApplicationNotFound`` (404); ``ValidationError`` (422) with
    field messages, and ``materials`` listing missing materials by name;
    ``IdempotencyKeyReused`` (422, field ``idempotency_key``);
    ``CaseConflict`` (409, code ``version_withdrawn``).
    """
    at = now_or(at)
    key = (idempotency_key or "").strip()[:100] or None
    with transaction.atomic():
        app = _own_application(application, applicant)
        if key is not None:
            existing = _existing_case(applicant, key)
            if existing is not None:
                _require_same_application(existing, app, key)
                return Submission(existing, created=False)
        if app.status == Application.Status.SUBMITTED:
            submitted = Case.objects.select_related("department", "service_version")
            return Submission(submitted.get(application=app), created=False)
        version = ServiceVersion.objects.select_related("item__department__region").get(
            pk=app.service_version_id
        )
        if version.status == ServiceVersion.Status.DRAFT:
            raise CaseConflict(_("This service version is not published."), code="not_published")
        app.service_version = version
        errors = _submission_errors(app, at)
        if errors:
            raise ValidationError(errors)
        if key is not None:
            app.idempotency_key = key
            try:
                with transaction.atomic():
                    app.save(update_fields=["idempotency_key"])
            except IntegrityError:
                # The same key was used at the same moment for another application.
                existing = _existing_case(applicant, key)
                if existing is None:
                    raise
                _require_same_application(existing, app, key)
                return Submission(existing, created=False)
        department = version.item.department
        number = case_number_next(region_code=department.region.code, at=at)
        instance = workflow_start(
            definition_name=version.workflow,
            overrides=_limit_overrides(version),
            at=at,
            actor=applicant,
        )
        case = Case(
            number=number,
            application=app,
            service_version=version,
            department=department,
            applicant=applicant,
            enterprise_id=app.enterprise_id,
            workflow_instance=instance,
            received_at=at,
            updated_at=at,
        )
        apply_state(case, instance, at)
        case.save(force_insert=True)
        app.status = Application.Status.SUBMITTED
        app.submitted_at = at
        app.updated_at = at
        app.save(update_fields=["status", "submitted_at", "updated_at"])
        CaseMaterial.objects.filter(application=app).update(case=case)
        timeline(case, "submitted", at, due=True)
        audit(applicant, "case.submit", case, application=app.pk, idempotency_key=key)
        notify_applicant(case, "submitted")
    return Submission(case, created=True)
