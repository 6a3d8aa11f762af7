"""Recording views of personal data (访问留痕): who opened a case's personal data or a file.

Reads are not state changes, but a view of someone's personal data by an
officer is recorded in the audit log — through these two functions only, so
every page, endpoint and download records it the same way. Appending to the
audit log takes no shared lock (``core.audit``).
"""

from __future__ import annotations

from yiwang.cases.models import Case, CaseMaterial
from yiwang.cases.selectors.materials import material_case
from yiwang.core.audit import audit_record
from yiwang.identity.models import User


def case_personal_data_view_record(*, actor: User, case: Case) -> None:
    """An officer saw the case's personal data in full (audit ``case.personal_data_view``)."""
    audit_record(
        actor=actor, action="case.personal_data_view", target=case, data={"number": case.number}
    )


def material_view_record(*, actor: User, material: CaseMaterial) -> None:
    """Someone other than the applicant opened an uploaded file (audit ``material.view``).

    The applicant opening their own file is not recorded.
    """
    if material.application.applicant_id == actor.pk:
        return
    case = material_case(material)
    audit_record(
        actor=actor,
        action="material.view",
        target=material,
        data={"case": case.number if case else None, "sha256": material.sha256},
    )
