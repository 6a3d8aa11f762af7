"""Submission: a draft becomes a case (idempotent), with its number, workflow and promised
limit (see the package docstring for contracts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.cases.errors import ApplicationNotFound, CaseConflict, IdempotencyKeyReused
from yiwang.cases.forms_schema import form_errors
from yiwang.cases.models import Application, Case, CaseMaterial, CaseTimelineEntry
from yiwang.cases.numbering import case_number_next
from yiwang.cases.services._common import (
    apply_state,
    audit,
    main_clock,
    now_or,
    timeline,
)
from yiwang.cases.services.drafts import _acting_for_errors, add_errors
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.identity.models import User
from yiwang.identity.selectors import acting_usccs_expression, split_usccs
from yiwang.processes.models import WorkflowInstance
from yiwang.processes.services import workflow_definition, workflow_start_unaudited
from yiwang.workflow import State


def material_name(material: Material) -> str:
    zh = (get_language() or "zh").lower().startswith("zh")
    return material.name_zh if zh or not material.name_en else material.name_en


def case_workflow_overrides(version: ServiceVersion) -> dict[str, Any]:
    """The workflow overrides of a case: the promised limit on the decision clock (0, 即办:
    due the same working day), then the version's own overrides (which win)."""
    overrides: dict[str, Any] = {}
    definition = workflow_definition(version.workflow)
    clock = next((n for n in ("decision", "service") if n in definition.clocks), None)
    if clock is not None:
        overrides = {"clocks": {clock: {"working_days": version.promised_limit_days}}}
    return _merge(overrides, dict(version.workflow_overrides or {}))


def _promise(case: Case, instance: WorkflowInstance) -> dict[str, Any]:
    """What the "Application received" notice promises: the due date the case carries, which
    clock it belongs to (acceptance, or the promised limit of a service with none) and whether
    it is 即办 (a promised limit of 0 working days: the same working day)."""
    if case.due_at is None:
        return {}
    clock = main_clock(State.from_json(instance.state))
    out: dict[str, Any] = {
        "due_at": timezone.localtime(case.due_at).isoformat(),
        "clock": clock.name if clock is not None else "",
        "on_the_spot": case.service_version.on_the_spot,
    }
    if case.due_provisional:
        out["due_provisional"] = True
    return out


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _current_uploads(application: Application) -> list[CaseMaterial]:
    """The application's current uploads, in the order the case shows them (one query)."""
    return list(
        CaseMaterial.objects.filter(application_id=application.pk, superseded=False)
        .select_related("material", "supplement_request")
        .order_by(F("material__order").asc(nulls_last=True), "uploaded_at", "id")
    )


def _submission_errors(
    application: Application, uploads: list[CaseMaterial], at: datetime
) -> dict[str, list[str]]:
    version = application.service_version
    errors = form_errors(version.form_schema or {}, application.form_data or {}, require=True)
    # The credit codes of whom the applicant acts for, read with the locked application.
    acting = split_usccs(getattr(application, "acting_for", None))
    add_errors(errors, _acting_for_errors(application, application.form_data or {}, at, acting))
    have = {u.material_id for u in uploads if u.material_id is not None}
    uploaded_required = {
        u.material_id
        for u in uploads
        if u.material is not None
        and u.material.version_id == version.pk
        and u.material.requirement == Material.Requirement.REQUIRED
    }
    # Every required material uploaded (the locked application says how many there are):
    # nothing to read. Otherwise read them, to name the missing ones.
    required_count = getattr(application, "required_materials", None)
    if required_count is not None and len(uploaded_required) >= required_count:
        missing: list[Material] = []
    else:
        required = version.materials.filter(requirement=Material.Requirement.REQUIRED)
        missing = [m for m in required if m.pk not in have]
    if missing:
        errors["materials"] = [
            _("Upload “%(name)s”.") % {"name": material_name(m)} for m in missing
        ]
    return errors


def _require_same_application(existing: Case, application: Application, key: str) -> None:
    """A key names one submission: the case it returns must be this application's."""
    if existing.application_id != application.pk:
        raise IdempotencyKeyReused(
            _(
                "This Idempotency-Key was already used to submit another application "
                "(case %(number)s). Use a new key for each application."
            )
            % {"number": existing.number}
        )


def _existing_case(applicant: User, key: str) -> Case | None:
    return (
        Case.objects.filter(application__applicant=applicant, application__idempotency_key=key)
        .select_related("department", "service_version")
        .first()
    )


@dataclass(frozen=True)
class Submission:
    """What submitting gave: the case, and whether this call created it (or found it).

    A case this call created comes with what it has so far, as written (the caller
    need not read it back): its ``timeline`` (the ``submitted`` entry) and its current
    ``materials`` (in the case's order, with their catalog materials)."""

    case: Case
    created: bool
    timeline: tuple[CaseTimelineEntry, ...] = ()
    materials: tuple[CaseMaterial, ...] = ()


def _locked_application(application: Application, applicant: User, at: datetime) -> Application:
    """The applicant's application, locked (``FOR UPDATE`` of its row only), with its
    service version, item, department, region and enterprise, how many materials the
    version requires (``required_materials``) and the credit codes of the enterprises the
    applicant acts for on the day of ``at`` (``acting_for``, comma-joined): one query.
    404 otherwise."""
    required = (
        Material.objects.filter(
            version_id=OuterRef("service_version_id"), requirement=Material.Requirement.REQUIRED
        )
        .order_by()
        .values("version_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("service_version__item__department__region", "enterprise")
        .annotate(
            required_materials=Coalesce(Subquery(required, output_field=IntegerField()), 0),
            acting_for=acting_usccs_expression(applicant.pk, timezone.localdate(at)),
        )
        .filter(pk=application.pk, applicant_id=applicant.pk)
        .first()
    )
    if locked is None or not applicant.is_active:
        raise ApplicationNotFound(_("No such application."))
    locked.applicant = applicant
    return locked


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
    override (``processes.services.workflow_start_unaudited``); creates the Case,
    links the uploads to it; timeline ``submitted``; one audit entry
    ``case.submit`` (with the workflow's start, as ``workflow.start`` records
    it elsewhere); notifies the applicant (``submitted``). Statements: a fixed
    number whatever the form and the materials (tests/api/test_submit_queries.py).
    Errors: ``ApplicationNotFound`` (404); ``ValidationError`` (422) with
    field messages, and ``materials`` listing missing materials by name;
    ``IdempotencyKeyReused`` (422, field ``idempotency_key``);
    ``CaseConflict`` (409, code ``version_withdrawn``).
    """
    at = now_or(at)
    key = (idempotency_key or "").strip()[:100] or None
    try:
        return _submit(application, applicant, key, at)
    except IntegrityError:
        # The key is taken (the unique constraint on the applicant's keys, checked by the
        # UPDATE that records it): by this application at the same moment, or by another.
        # Everything rolled back; answer with the case the key names.
        if key is None:
            raise
        existing = _existing_case(applicant, key)
        if existing is None:
            raise
        _require_same_application(existing, application, key)
        return Submission(existing, created=False)


def _submit(application: Application, applicant: User, key: str | None, at: datetime) -> Submission:
    with transaction.atomic():
        app = _locked_application(application, applicant, at)
        if app.status == Application.Status.SUBMITTED:
            if key is not None:
                existing = _existing_case(applicant, key)
                if existing is not None:
                    _require_same_application(existing, app, key)
                    return Submission(existing, created=False)
            submitted = Case.objects.select_related("department", "service_version")
            return Submission(submitted.get(application=app), created=False)
        version = app.service_version
        if version.status == ServiceVersion.Status.DRAFT:
            raise CaseConflict(_("This service version is not published."), code="not_published")
        uploads = _current_uploads(app)
        errors = _submission_errors(app, uploads, at)
        if errors:
            raise ValidationError(errors)
        department = version.item.department
        number = case_number_next(region_code=department.region.code, at=at)
        instance, started = workflow_start_unaudited(
            definition_name=version.workflow, overrides=case_workflow_overrides(version), at=at
        )
        case = Case(
            number=number,
            application=app,
            service_version=version,
            department=department,
            applicant=applicant,
            enterprise=app.enterprise,
            workflow_instance=instance,
            received_at=at,
            updated_at=at,
        )
        apply_state(case, instance, at)
        case.save(force_insert=True)
        app.status = Application.Status.SUBMITTED
        app.submitted_at = at
        app.updated_at = at
        app.idempotency_key = key or app.idempotency_key
        app.save(update_fields=["status", "submitted_at", "updated_at", "idempotency_key"])
        entry = timeline(
            case, "submitted", at, due=True, actor=applicant,
            notify="submitted", notify_context=_promise(case, instance),
        )  # fmt: skip
        # One entry for the submission and the workflow it started (workflow.start's data).
        audit(
            applicant, "case.submit", case,
            application=app.pk, idempotency_key=key, workflow=started,
        )  # fmt: skip
    return Submission(case, created=True, timeline=(entry,), materials=tuple(uploads))
