"""Applying: drafts, prefill, uploads, submission (see the package docstring for contracts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.cases.errors import ApplicationNotFound, CaseConflict, IdempotencyKeyReused
from yiwang.cases.forms_schema import clean_answers, form_errors, top_level_string_properties
from yiwang.cases.models import Application, Case, CaseMaterial, SupplementRequest
from yiwang.cases.numbering import case_number_next
from yiwang.cases.services._common import (
    apply_state,
    audit,
    lock_case,
    notify_applicant,
    now_or,
    require_applicant,
    timeline,
)
from yiwang.cases.uploads import check_upload, offered_name
from yiwang.catalog.models import Material, ServiceVersion
from yiwang.catalog.selectors import ServiceNotFound
from yiwang.core.audit import audit_record
from yiwang.core.storage import discard_on_error, save_with_row
from yiwang.identity.models import Citizen, Enterprise, User
from yiwang.identity.selectors import enterprises_for_user
from yiwang.identity.validators import normalize_uscc
from yiwang.processes.services import workflow_definition, workflow_start

# Common property names of application forms, by the profile value they take.
PREFILL_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("name", "applicant_name", "full_name", "person_name", "contact_name"),
    "resident_id": (
        "resident_id",
        "id_number",
        "id_card",
        "id_card_number",
        "identity_number",
        "applicant_id_number",
    ),
    "phone": ("phone", "mobile", "contact_phone", "telephone", "applicant_phone"),
    "address": ("address", "applicant_address", "contact_address", "home_address"),
    "enterprise_name": ("enterprise_name", "company_name", "organization_name", "entity_name"),
    "uscc": ("uscc", "credit_code", "unified_social_credit_code", "social_credit_code"),
    "legal_representative": ("legal_representative", "legal_person", "legal_rep"),
    "enterprise_address": ("enterprise_address", "registered_address", "company_address"),
}


def material_name(material: Material) -> str:
    zh = (get_language() or "zh").lower().startswith("zh")
    return material.name_zh if zh or not material.name_en else material.name_en


def _own_application(application: Application, applicant: User) -> Application:
    try:
        locked = Application.objects.select_for_update().get(pk=application.pk)
    except Application.DoesNotExist as exc:
        raise ApplicationNotFound(_("No such application.")) from exc
    if locked.applicant_id != applicant.pk or not applicant.is_active:
        raise ApplicationNotFound(_("No such application."))
    return locked


def _require_draft(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise CaseConflict(_("The application was already submitted."), code="not_draft")


def application_prefill(
    *,
    applicant: User,
    service_version: ServiceVersion,
    enterprise: Enterprise | None = None,
) -> dict[str, Any]:
    """Answers known from the applicant's profile, for the top-level properties the schema has.

    Reads only. Matches common property names (``name``/``applicant_name``,
    ``resident_id``/``id_number``, ``phone``/``mobile``, ``address``,
    ``enterprise_name``/``company_name``, ``uscc``/``credit_code``,
    ``legal_representative``/``legal_person``) with the Citizen profile, the
    User and the Enterprise; only string properties present in
    ``service_version.form_schema["properties"]`` are returned.
    """
    values: dict[str, str] = {}
    try:
        citizen: Citizen | None = applicant.citizen
    except ObjectDoesNotExist:
        citizen = None
    values["name"] = (citizen.name if citizen else "") or applicant.display_name
    values["resident_id"] = citizen.resident_id if citizen else ""
    values["phone"] = (citizen.phone if citizen else "") or applicant.phone
    values["address"] = citizen.address if citizen else ""
    if enterprise is not None:
        values["enterprise_name"] = enterprise.name
        values["uscc"] = enterprise.uscc
        values["legal_representative"] = enterprise.legal_representative
        values["enterprise_address"] = enterprise.address
    wanted = top_level_string_properties(service_version.form_schema or {})
    out: dict[str, Any] = {}
    for key, names in PREFILL_NAMES.items():
        value = values.get(key, "")
        if not value:
            continue
        for name in names:
            if name in wanted and name not in out:
                out[name] = value
    return out


def application_create_draft(
    *,
    applicant: User,
    service_code: str,
    enterprise: Enterprise | None = None,
    at: datetime | None = None,
) -> Application:
    """Start a draft application for the published service ``service_code``.

    Preconditions: ``applicant`` is an active signed-in user; the service is
    published and can be applied for online; with ``enterprise``, the user
    may act for it (``identity.selectors.enterprises_for_user``) and the
    service is for legal persons (or both); without it, the service is for
    natural persons (or both).
    Side effects: creates the Application (status draft) pinned to the
    current published version, with ``form_data`` prefilled by
    :func:`application_prefill`; audit ``application.create``.
    Errors: ``catalog.selectors.ServiceNotFound`` (404) for an unknown or
    unpublished code; ``PermissionDenied`` for an enterprise the user does not
    act for; ``ValidationError`` (field ``enterprise``) when the service is
    not for that kind of applicant or not available online.
    """
    at = now_or(at)
    if not (applicant.is_authenticated and applicant.is_active):
        raise PermissionDenied(_("Sign in to apply."))
    version = (
        ServiceVersion.objects.filter(
            item__code=service_code, status=ServiceVersion.Status.PUBLISHED
        )
        .select_related("item__department")
        .first()
    )
    if version is None:
        raise ServiceNotFound(service_code)
    if not version.online_available:
        raise ValidationError(
            {"__all__": [_("This service cannot be applied for online.")]}, code="offline"
        )
    objects = ServiceVersion.ServiceObject
    if enterprise is not None:
        acting = enterprises_for_user(applicant, timezone.localdate(now_or(at)))
        if not acting.filter(pk=enterprise.pk).exists():
            raise PermissionDenied(_("You do not act for this enterprise."))
        if version.service_object == objects.PERSON:
            raise ValidationError(
                {"enterprise": [_("This service is for natural persons: apply as yourself.")]}
            )
    elif version.service_object == objects.LEGAL_PERSON:
        raise ValidationError(
            {
                "enterprise": [
                    _("This service is for enterprises: choose the enterprise you act for.")
                ]
            }
        )
    with transaction.atomic():
        application = Application.objects.create(
            applicant=applicant,
            enterprise=enterprise,
            service_version=version,
            form_data=application_prefill(
                applicant=applicant, service_version=version, enterprise=enterprise
            ),
            created_at=at,
            updated_at=at,
        )
        audit_record(
            actor=applicant,
            action="application.create",
            target=application,
            data={
                "service": service_code,
                "version": version.number,
                "enterprise": enterprise and enterprise.pk,
            },
        )
    return application


def application_update_draft(
    *,
    application: Application,
    applicant: User,
    form_data: Mapping[str, Any],
    at: datetime | None = None,
) -> Application:
    """Save the form answers of a draft, validated against the version's JSON Schema.

    Preconditions: ``application`` is ``applicant``'s and still a draft.
    Validation: JSON Schema Draft 2020-12 (``yiwang.cases.forms_schema``);
    every problem is reported, keyed by the dotted field path
    (``"address.city"``, ``"members.0.name"``; ``"__all__"`` for the form).
    Side effects: saves ``form_data`` and ``updated_at`` (row locked); no audit
    entry (drafts are the applicant's scratch pad).
    Errors: ``ApplicationNotFound`` (404) for another user's application;
    ``CaseConflict`` (409, code ``not_draft``) once submitted;
    ``ValidationError({field: [message, …]})`` (422) — nothing is saved then.
    A draft may be incomplete: ``required`` is *not* enforced here, only by
    :func:`application_submit`.
    """
    at = now_or(at)
    with transaction.atomic():
        locked = _own_application(application, applicant)
        _require_draft(locked)
        answers = clean_answers(dict(form_data))
        errors = form_errors(locked.service_version.form_schema or {}, answers, require=False)
        errors.update(_acting_for_errors(locked, answers, at))
        if errors:
            raise ValidationError(errors)
        locked.form_data = answers
        locked.updated_at = at
        locked.save(update_fields=["form_data", "updated_at"])
    return locked


def material_upload(
    *,
    actor: User,
    file: File[Any],
    material_id: int | None,
    application: Application | None = None,
    case: Case | None = None,
    name: str = "",
    at: datetime | None = None,
) -> CaseMaterial:
    """Upload one file for a material of a draft application, or of a case (for supplements).

    Give exactly one of ``application`` (a draft of ``actor``) or ``case``
    (``actor``'s case with an open supplement request). ``material_id`` is a
    ``catalog.Material`` of the pinned version, or None for an "other"
    document (then ``name`` says what it is).
    Checks: size ≤ ``settings.YIWANG_UPLOAD_MAX_BYTES`` (default 20 MiB);
    type sniffed from the first bytes (PDF ``%PDF-``, JPEG ``FF D8 FF``, PNG
    signature, OFD = ZIP with ``OFD.xml``), never from the name, and must be
    one of the material's ``formats``.
    Side effects: stores the file through the default storage under
    ``cases/<yyyy>/<mm>/`` with its SHA-256 (computed while streaming);
    earlier uploads for the same material are marked ``superseded`` (on a
    case: only when answering the open supplement request, to which the new
    row is linked); audit ``material.upload``. The stored file exists only if
    the row commits (``core.storage``: deleted at once on an error here, or by
    the sweeper after a crash).
    Errors: ``UploadTooLarge`` (413); ``UploadRejected`` (422, field
    ``file``); ``ValidationError`` (field ``material_id``) for a material of
    another version; ``ApplicationNotFound``/``CaseNotFound`` (404);
    ``CaseConflict`` (409) for a submitted application or a case with no open
    supplement request.
    """
    if (application is None) == (case is None):
        raise TypeError("give exactly one of application= or case=")
    at = now_or(at)
    with discard_on_error(), transaction.atomic():
        request: SupplementRequest | None = None
        locked_case: Case | None = None
        if case is not None:
            locked_case = lock_case(case)
            require_applicant(locked_case, actor)
            request = locked_case.supplement_requests.filter(answered_at__isnull=True).last()
            if request is None:
                raise CaseConflict(
                    _("There is no open request for supplements."), code="no_open_supplement"
                )
            app = Application.objects.select_for_update().get(pk=locked_case.application_id)
        else:
            assert application is not None
            app = _own_application(application, actor)
            _require_draft(app)
        material: Material | None = None
        if material_id is not None:
            material = Material.objects.filter(
                pk=material_id, version_id=app.service_version_id
            ).first()
            if material is None:
                raise ValidationError(
                    {"material_id": [_("This material is not part of the service.")]}
                )
        elif not name.strip():
            raise ValidationError({"name": [_("Say what this document is.")]})
        checked = check_upload(file, accepted=list(material.formats) if material else [])
        if material is not None:
            CaseMaterial.objects.filter(
                application=app, material=material, superseded=False
            ).update(superseded=True)
        original = offered_name(str(getattr(file, "name", "") or ""), checked.format)
        row = CaseMaterial(
            application=app,
            case=locked_case,
            material=material,
            original_name=original
            if material
            else offered_name(f"{name.strip()[:100]} · {original}", checked.format),
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
            uploaded_at=at,
            supplement_request=request,
        )
        save_with_row(row.file, f"upload.{checked.format}", file)
        row.save(force_insert=True)
        audit_record(
            actor=actor,
            action="material.upload",
            target=row,
            data={
                "application": app.pk,
                "case": locked_case.number if locked_case else None,
                "material": material_id,
                "sha256": checked.sha256,
                "size": checked.size,
                "content_type": checked.content_type,
            },
        )
    return row


def material_delete(*, material: CaseMaterial, actor: User) -> None:
    """Remove an upload from a draft application (the file is deleted after commit).

    Errors: ``ApplicationNotFound`` (404) when not the actor's;
    ``CaseConflict`` (409) once the application is submitted (case materials
    are evidence and are never deleted, only superseded).
    """
    with transaction.atomic():
        app = _own_application(material.application, actor)
        _require_draft(app)
        row = CaseMaterial.objects.select_for_update().get(pk=material.pk)
        storage, path = row.file.storage, row.file.name
        audit_record(
            actor=actor,
            action="material.delete",
            target=row,
            data={"application": app.pk, "sha256": row.sha256},
        )
        row.delete()
        if path:
            transaction.on_commit(lambda: storage.delete(path))


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


def _acting_for_errors(
    application: Application, answers: Mapping[str, Any], at: datetime
) -> dict[str, list[str]]:
    """Whom the applicant acts for, checked (法人代办) on the day of ``at``: a credit code in the
    answers is that of the enterprise the application is made for, or, applying in one's
    own name (a sole proprietor, 个体工商户), of an enterprise one acts for; and one may act
    for it (its legal representative, or an agent whose authorisation has not expired)."""
    errors: dict[str, list[str]] = {}
    acting = enterprises_for_user(application.applicant, timezone.localdate(at))
    enterprise = application.enterprise
    if enterprise is not None and not acting.filter(pk=enterprise.pk).exists():
        errors["enterprise"] = [_("You no longer act for this enterprise.")]
    for name in PREFILL_NAMES["uscc"]:
        value = answers.get(name)
        if not isinstance(value, str):
            continue
        code = normalize_uscc(value)
        if enterprise is not None and code != enterprise.uscc:
            errors[name] = [
                _("This is not the credit code of %(enterprise)s, on whose behalf you apply.")
                % {"enterprise": enterprise.name}
            ]
        elif enterprise is None and not acting.filter(uscc=code).exists():
            errors[name] = [
                _(
                    "You do not act for an enterprise with this credit code: its legal "
                    "representative or an authorised agent applies on its behalf."
                )
            ]
    return errors


def _submission_errors(application: Application, at: datetime) -> dict[str, list[str]]:
    version = application.service_version
    errors = form_errors(version.form_schema or {}, application.form_data or {}, require=True)
    errors.update(_acting_for_errors(application, application.form_data or {}, at))
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
    (``numbering.case_number_next``, row lock on the day's sequence); starts
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
