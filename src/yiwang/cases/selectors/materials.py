"""A case's uploads, and who sees its personal data (the fields, the form answers, the
files) in full."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from yiwang.cases.errors import CaseNotFound
from yiwang.cases.models import Case, CaseMaterial, CaseNotice
from yiwang.cases.permissions import is_officer_of, workflow_roles_in_department
from yiwang.identity.models import User


def material_case(material: CaseMaterial) -> Case | None:
    """The case an upload belongs to: its application's, once submitted (None before)."""
    try:
        return material.application.case
    except ObjectDoesNotExist:
        return None


def case_materials(case: Case, *, include_superseded: bool = False) -> QuerySet[CaseMaterial]:
    """The case's uploads, by catalog order then upload time, with their catalog material."""
    qs = CaseMaterial.objects.filter(application_id=case.application_id).select_related(
        "material", "supplement_request"
    )
    if not include_superseded:
        qs = qs.filter(superseded=False)
    return qs.order_by(F("material__order").asc(nulls_last=True), "uploaded_at", "id")


def case_personal_data_full(*, user: User, case: Case) -> bool:
    """Whether ``user`` sees the applicant's personal data in full (脱敏 otherwise): the one
    decision for the fields, the form answers and the uploaded files, on every page and in
    the API.

    In full: the applicant, and the officers who process the case — those holding a
    workflow role (intake clerk, reviewer, approver, handler) in its (active) department.
    Masked: other officers of the department (a supervisor watches deadlines and ratings,
    not the person), who also may not open the files.
    """
    if case.applicant_id == user.pk and user.is_active:
        return True
    return bool(workflow_roles_in_department(user, case.department_id))


def material_get_for_user(*, user: User, material_id: int) -> CaseMaterial:
    """An upload ``user`` may open: their own (applicant), or a case's of their department
    when they see its personal data in full (:func:`case_personal_data_full`).

    Errors: CaseNotFound (404) for anyone else; PermissionDenied (403) for an
    officer of the department who sees the case masked. Officers' views of a
    file are personal-data views: callers record ``services.material_view_record``.
    """
    row = (
        CaseMaterial.objects.select_related("application__case", "material")
        .filter(pk=material_id)
        .first()
    )
    if row is None or not (user.is_authenticated and user.is_active):
        raise CaseNotFound(_("No such document."))
    if row.application.applicant_id == user.pk:
        return row
    case = material_case(row)
    if case is not None and is_officer_of(user, case.department_id):
        if not case_personal_data_full(user=user, case=case):
            raise PermissionDenied(
                _("Your role sees this case's personal data masked: its documents are not shown.")
            )
        return row
    raise CaseNotFound(_("No such document."))


def case_notices(case: Case) -> QuerySet[CaseNotice]:
    """The notices issued on the case (受理通知书, 一次性告知书, 决定书 …), oldest first.
    Call after a getter allowed the case; officers: only when
    :func:`case_personal_data_full` (the notices name the applicant)."""
    return CaseNotice.objects.filter(case=case).order_by("issued_at", "id")


def notice_get_for_user(*, user: User, notice_id: int) -> CaseNotice:
    """A notice ``user`` may open: one of their own cases' (applicant), or of a case of
    their department when they see its personal data in full (the rule of the uploaded
    files, :func:`material_get_for_user`).

    Errors: CaseNotFound (404) for anyone else; PermissionDenied (403) for an officer of
    the department who sees the case masked.
    """
    row = CaseNotice.objects.select_related("case").filter(pk=notice_id).first()
    if row is None or not (user.is_authenticated and user.is_active):
        raise CaseNotFound(_("No such document."))
    if row.case.applicant_id == user.pk:
        return row
    if is_officer_of(user, row.case.department_id):
        if not case_personal_data_full(user=user, case=row.case):
            raise PermissionDenied(
                _("Your role sees this case's personal data masked: its documents are not shown.")
            )
        return row
    raise CaseNotFound(_("No such document."))
