"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from yiwang.core.calendar import schedule_missing_years


def _is_officer(request: HttpRequest) -> bool:
    from yiwang.cases.permissions import OFFICER_ROLES
    from yiwang.identity.models import RoleAssignment

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return RoleAssignment.objects.filter(user=user, role__in=OFFICER_ROLES).exists()


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "city_name": settings.YIWANG_CITY_NAME,
        "city_name_en": settings.YIWANG_CITY_NAME_EN,
        "yiwang_env": settings.YIWANG_ENV,
        # Evaluated only by the pages that ask (one query): shows the workbench link.
        "is_officer": SimpleLazyObject(lambda: _is_officer(request)),
        # Evaluated only by the pages that show the notice (the workbench, the admin home).
        "calendar_missing_years": SimpleLazyObject(schedule_missing_years),
    }
