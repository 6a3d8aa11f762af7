"""An officer opens a case's files: uploaded materials and issued notices."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from yiwang.cases import selectors, services
from yiwang.cases.downloads import material_response, notice_response
from yiwang.cases.errors import CaseNotFound
from yiwang.workbench.views.common import officer_required


@require_safe
@officer_required
@xframe_options_sameorigin
def material_file(request: HttpRequest, material_id: int) -> FileResponse:
    """An uploaded file of a case of the officer's department: inline, or ``?download=1``.

    Served same-origin frameable so the case page can preview PDFs; each
    opening is a personal-data view (``services.material_view_record``); an
    officer who sees the case masked may not open it (403).
    """
    try:
        row = selectors.material_get_for_user(user=request.user, material_id=material_id)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc
    if selectors.material_case(row) is None:  # a draft's upload: not a case's yet
        raise Http404(_("No such document."))
    services.material_view_record(actor=request.user, material=row)
    inline = not request.GET.get("download") and row.content_type != "application/ofd"
    return material_response(row, inline=inline)


@require_safe
@officer_required
@xframe_options_sameorigin
def notice_file(request: HttpRequest, notice_id: int) -> FileResponse:
    """A notice issued on a case of the officer's department (inline, or ``?download=1``),
    for the officers who see the case in full (403 for the others)."""
    try:
        notice = selectors.notice_get_for_user(user=request.user, notice_id=notice_id)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc
    return notice_response(notice, inline=not request.GET.get("download"))
