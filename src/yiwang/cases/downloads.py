"""Serving a stored file (an uploaded material, an issued notice): the one response every
page and endpoint uses."""

from __future__ import annotations

import hashlib
import io
import logging
from typing import Any

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from yiwang.cases.models import CaseMaterial, CaseNotice
from yiwang.cases.uploads import offered_name_for

logger = logging.getLogger(__name__)


class StoredNoticeAltered(Exception):
    """An issued notice's stored file no longer matches the SHA-256 recorded (and audited)
    when it was issued: it is withheld (the request fails as a server error, logged)."""


def stored_file_response(
    file: FieldFile, *, content_type: str, filename: str, inline: bool = False
) -> FileResponse:
    """The stored ``file`` under ``filename``: inline (a browser may show it) or as an
    attachment. Never cached by shared caches or kept by the browser (``private,
    no-store``), never content-sniffed (``nosniff``)."""
    handle: Any = file.open("rb")
    return _private(
        FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    )


def _private(response: FileResponse) -> FileResponse:
    """Never cached by shared caches or kept by the browser, never content-sniffed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def material_response(material: CaseMaterial, *, inline: bool = False) -> FileResponse:
    """An upload, under a name whose extension is its sniffed type's (never the client's)."""
    return stored_file_response(
        material.file,
        content_type=material.content_type,
        filename=offered_name_for(material.original_name, material.content_type),
        inline=inline,
    )


def notice_response(notice: CaseNotice, *, inline: bool = False) -> FileResponse:
    """An issued notice's PDF, named by its document number, once its bytes are checked
    against the SHA-256 recorded when it was issued (a legal document is never served
    altered: StoredNoticeAltered, logged)."""
    with notice.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != notice.sha256:
        logger.error(
            "Notice %s does not match the SHA-256 recorded when it was issued; withheld",
            notice.number,
        )
        raise StoredNoticeAltered(notice.number)
    return _private(
        FileResponse(
            io.BytesIO(content),
            content_type="application/pdf",
            as_attachment=not inline,
            filename=f"{notice.number}.pdf",
        )
    )
