"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "city_name": settings.YIWANG_CITY_NAME,
        "city_name_en": settings.YIWANG_CITY_NAME_EN,
        "yiwang_env": settings.YIWANG_ENV,
    }
