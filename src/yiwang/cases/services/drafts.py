"""Drafts: start one (prefilled from the profile), save its answers; whom the applicant acts for.

The draft's owner check and the acting-for check (法人代办) are used by uploads
and submission too (see the package docstring for contracts).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import ApplicationNotFound, CaseConflict
from yiwang.cases.forms_schema import (
    answers_in_format,
    clean_answers,
    form_errors,
    top_level_string_properties,
)
from yiwang.cases.models import Application
from yiwang.cases.services._common import now_or
from yiwang.catalog.models import ServiceVersion
from yiwang.catalog.selectors import ServiceNotFound
from yiwang.core.audit import audit_record
from yiwang.identity.models import Citizen, Enterprise, User
from yiwang.identity.selectors import enterprises_for_user
from yiwang.identity.validators import normalize_uscc

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
        add_errors(errors, _acting_for_errors(locked, answers, at))
        if errors:
            raise ValidationError(errors)
        locked.form_data = answers
        locked.updated_at = at
        locked.save(update_fields=["form_data", "updated_at"])
    return locked


def _acting_for_errors(
    application: Application,
    answers: Mapping[str, Any],
    at: datetime,
    acting_usccs: frozenset[str] | None = None,
) -> dict[str, list[str]]:
    """Whom the applicant acts for, checked (法人代办) on the day of ``at``: a credit code in the
    answers is that of the enterprise the application is made for, or, applying in one's
    own name (a sole proprietor, 个体工商户), of an enterprise one acts for; and one may act
    for it (its legal representative, or an agent whose authorisation has not expired).

    A credit code is every answer whose schema says ``format: cn-uscc``, at any depth
    (objects, repeating groups: :func:`~yiwang.cases.forms_schema.answers_in_format`),
    and the top-level answers named like one (``PREFILL_NAMES["uscc"]``). Errors are
    keyed by the answer's dotted path.

    ``acting_usccs``: the credit codes of the enterprises the applicant acts for on that
    day, when the caller read them already (the submit's locked application,
    ``identity.selectors.acting_usccs_expression``); else read here, in one query, when
    there is anything to check."""
    errors: dict[str, list[str]] = {}
    enterprise = application.enterprise
    schema = application.service_version.form_schema or {}
    codes = dict(answers_in_format(schema, answers, "cn-uscc"))
    for name in PREFILL_NAMES["uscc"]:
        value = answers.get(name)
        if isinstance(value, str):
            codes.setdefault(name, value)
    if acting_usccs is None and (enterprise is not None or codes):
        day = timezone.localdate(at)
        acting_usccs = frozenset(
            enterprises_for_user(application.applicant, day).values_list("uscc", flat=True)
        )
    mine = acting_usccs or frozenset()
    if enterprise is not None and enterprise.uscc not in mine:
        errors["enterprise"] = [_("You no longer act for this enterprise.")]
    for path, value in codes.items():
        code = normalize_uscc(value)
        if enterprise is not None and code != enterprise.uscc:
            errors[path] = [
                _("This is not the credit code of %(enterprise)s, on whose behalf you apply.")
                % {"enterprise": enterprise.name}
            ]
        elif enterprise is None and code not in mine:
            errors[path] = [
                _(
                    "You do not act for an enterprise with this credit code: its legal "
                    "representative or an authorised agent applies on its behalf."
                )
            ]
    return errors


def add_errors(errors: dict[str, list[str]], more: Mapping[str, list[str]]) -> None:
    """Add ``more`` to ``errors``, field by field, where the field has no error yet (a credit
    code that is not one keeps its format error rather than a "not yours")."""
    for field, messages in more.items():
        errors.setdefault(field, messages)
