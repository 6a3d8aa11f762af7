"""Applications, cases and everything attached to them.

An :class:`Application` is what an applicant fills in (a draft until submitted).
Submitting it creates exactly one :class:`Case`, which pins the service version,
gets a readable number and runs a workflow instance (``yiwang.processes``).
The case keeps a few denormalised copies of the engine's state (``step``,
``due_at``, ``warn_at``, ``due_provisional``, ``paused_light``, ``version``)
so that officers' queues filter and sort in SQL; they are written only by
``cases.services``.

Rows are written only by :mod:`yiwang.cases.services`.
"""

from yiwang.cases.models.applications import Application, CaseNumberSequence
from yiwang.cases.models.case import Case
from yiwang.cases.models.decisions import CaseDecision, CaseTimelineEntry
from yiwang.cases.models.materials import CaseMaterial, SupplementRequest, material_upload_to
from yiwang.cases.models.notices import CaseNotice, notice_upload_to
from yiwang.cases.models.ratings import Rating, RectificationTask

__all__ = [
    "Application",
    "Case",
    "CaseDecision",
    "CaseMaterial",
    "CaseNotice",
    "CaseNumberSequence",
    "CaseTimelineEntry",
    "Rating",
    "RectificationTask",
    "SupplementRequest",
    "material_upload_to",
    "notice_upload_to",
]
