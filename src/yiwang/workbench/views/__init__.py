"""Officer-facing pages of 一网通办: the department queue, the case page and its actions.

Every page needs a signed-in officer (an officer role in at least one
department, 403 otherwise). What an officer sees is limited by the
``yiwang.cases`` selectors (their departments only), and every change goes
through one ``yiwang.cases`` service. Actions are POSTs carrying the case
version the officer saw; a stale one re-renders the case page with HTTP 409.

The package: ``common`` (the officer check every page passes, the case
lookup, a service's errors on a form), ``queue_page`` (the department queue and its
filters), ``case_page`` (the case page and the 409 re-render), ``commands``
(workflow actions and the confirmation page of legal decisions),
``assignment`` (claim, assign, reassign), ``files`` (materials and notices)
and ``rectification_tasks`` (supervisors' rectification tasks). The views are
imported from here by ``yiwang.workbench.urls``.
"""

from yiwang.workbench.views.assignment import case_assign, case_claim, case_reassign
from yiwang.workbench.views.case_page import case_detail
from yiwang.workbench.views.commands import case_command
from yiwang.workbench.views.common import officer_required
from yiwang.workbench.views.files import material_file, notice_file
from yiwang.workbench.views.queue_page import queue
from yiwang.workbench.views.rectification_tasks import rectification_reply, rectifications

__all__ = [
    "case_assign",
    "case_claim",
    "case_command",
    "case_detail",
    "case_reassign",
    "material_file",
    "notice_file",
    "officer_required",
    "queue",
    "rectification_reply",
    "rectifications",
]
