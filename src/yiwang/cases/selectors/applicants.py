"""What applicants see: their cases ("my cases") and their applications, drafts included."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.cases.errors import ApplicationNotFound, CaseNotFound
from yiwang.cases.models import Application, Case
from yiwang.cases.selectors.lights import light_expression
from yiwang.identity.models import User


def case_list_for_applicant(*, user: User) -> QuerySet[Case]:
    """ "My cases": the cases ``user`` applied for, newest first (select_related for the list)."""
    if not (user.is_authenticated and user.is_active):
        return Case.objects.none()
    return (
        Case.objects.filter(applicant_id=user.pk)
        .select_related("service_version", "department", "enterprise")
        .annotate(light=light_expression(timezone.now()))
        .order_by("-received_at", "-id")
    )


def case_get_for_applicant(*, user: User, number: str) -> Case:
    """The case ``number`` if ``user`` applied for it; otherwise CaseNotFound (404)."""
    case = (
        case_list_for_applicant(user=user)
        .select_related("service_version__item", "workflow_instance", "application")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise CaseNotFound(_("No such case."))
    return case


def application_list_drafts(*, user: User) -> QuerySet[Application]:
    """The user's draft applications, most recently edited first."""
    return (
        Application.objects.filter(applicant_id=user.pk, status=Application.Status.DRAFT)
        .select_related("service_version__item", "enterprise")
        .order_by("-updated_at", "-id")
    )


def application_get_for_applicant(*, user: User, application_id: int) -> Application:
    """The application if it is ``user``'s (draft or submitted); else ApplicationNotFound (404)."""
    application = (
        Application.objects.filter(pk=application_id, applicant_id=user.pk)
        .select_related("service_version__item__department", "enterprise")
        .first()
    )
    if application is None or not user.is_active:
        raise ApplicationNotFound(_("No such application."))
    return application
