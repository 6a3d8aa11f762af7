"""System checks of the core app (``manage.py check``; ``--deploy`` for the deploy ones)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from django.db import DatabaseError

from yiwang.core.calendar import schedule_missing_years


@register("yiwang_calendar", deploy=True)
def check_holiday_schedule(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn while the current year's, or from October next year's, holiday schedule is missing."""
    try:
        missing = schedule_missing_years()
    except DatabaseError:  # no database yet (before migrate): nothing to say about its data
        return []
    if not missing:
        return []
    years = ", ".join(map(str, missing))
    return [
        Warning(
            f"No holiday schedule is entered for {years}.",
            hint=(
                "Deadlines that reach it are provisional, counted on its statutory holidays. "
                "When the State Council publishes the notice, enter it in the admin "
                "(Core › Calendar years); open cases are then counted again."
            ),
            id="yiwang.W001",
        )
    ]
