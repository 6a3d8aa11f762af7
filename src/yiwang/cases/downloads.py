"""Serving an uploaded file: the one response every page and endpoint uses."""

from __future__ import annotations

from django.http import FileResponse

from yiwang.cases.models import CaseMaterial
from yiwang.cases.uploads import offered_name_for


def material_response(material: CaseMaterial, *, inline: bool = False) -> FileResponse:
    """The file, under a name whose extension is its sniffed type's (never the client's).

    ``inline`` lets a browser show it (a PDF or image preview); otherwise it is
    an attachment. Never cached by shared caches or kept by the browser
    (``private, no-store``), never content-sniffed (``nosniff``).
    """
    response = FileResponse(
        material.file.open("rb"),
        content_type=material.content_type,
        as_attachment=not inline,
        filename=offered_name_for(material.original_name, material.content_type),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
