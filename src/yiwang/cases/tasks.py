"""Background jobs of the cases app. They take plain values and are safe to run twice."""

from __future__ import annotations

import logging

from django_tasks import task

from yiwang.cases.services import cases_reschedule

logger = logging.getLogger(__name__)


@task()
def deadlines_reschedule(years: list[int]) -> int:
    """Count again the deadlines through ``years`` after their holiday schedule changed.

    See ``services.cases_reschedule``; logs and returns how many cases changed.
    """
    changed = cases_reschedule(years=years)
    logger.info(
        "Deadlines counted again for %s: %d case(s) changed",
        ", ".join(map(str, years)),
        changed,
    )
    return changed


@task()
def fan_out_case_event(entry_id: int) -> bool:
    """Tell the world of a case event after its commit: webhooks and notifications (see
    ``services.fan_out.case_event_fan_out``); safe to run twice."""
    from yiwang.cases.services.fan_out import case_event_fan_out

    return case_event_fan_out(entry_id=entry_id)
