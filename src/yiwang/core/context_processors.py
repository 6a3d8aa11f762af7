"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from yiwang.core.calendar import schedule_missing_years


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "city_name": settings.YIWANG_CITY_NAME,
        "city_name_en": settings.YIWANG_CITY_NAME_EN,
        "yiwang_env": settings.YIWANG_ENV,
        # Evaluated only by the pages that show the notice (the workbench, the admin home).
        "calendar_missing_years": SimpleLazyObject(schedule_missing_years),
    }
