"""Uploads: a file for a material of a draft or of a case's supplements; removing one from a
draft (see the package docstring for contracts)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseConflict
from yiwang.cases.models import Application, Case, CaseMaterial, SupplementRequest
from yiwang.cases.services._common import lock_case, now_or, require_applicant
from yiwang.cases.services.drafts import _own_application, _require_draft
from yiwang.cases.uploads import check_upload, offered_name
from yiwang.catalog.models import Material
from yiwang.core.audit import audit_record
from yiwang.core.storage import discard_on_error, save_with_row
from yiwang.identity.models import User


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
