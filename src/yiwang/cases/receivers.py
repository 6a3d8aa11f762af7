"""Hooks of the cases app, connected in ``CasesConfig.ready()``: the calendar-edit receiver
and the scheduler's round."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from yiwang.core.signals import calendar_edited
from yiwang.core.tasks import enqueue_with_transaction


def calendar_edited_received(sender: Any, years: list[int], **kwargs: Any) -> None:
    """The holiday calendar of ``years`` changed: count the deadlines through them again,
    in the background, once the edit is committed (and never if it is rolled back)."""
    from yiwang.cases.tasks import deadlines_reschedule

    enqueue_with_transaction(deadlines_reschedule, list(years))


def connect() -> None:
    calendar_edited.connect(calendar_edited_received, dispatch_uid="cases.calendar_edited")


def deadlines_round(at: datetime | None) -> tuple[int, str]:
    """The scheduler's round for cases: deadlines as they pass, and provisional deadlines
    whose years have a schedule by now."""
    from yiwang.cases.services import cases_reschedule_settled, cases_tick_due

    changed = cases_tick_due(now=at) + cases_reschedule_settled(at=at)
    return changed, f"{changed} case(s) updated"


def fan_out_round(at: datetime | None) -> tuple[int, str]:
    """The outbox relay of the case events (the scheduler runs it every second): the
    entries committed since, told to the world (webhooks and notifications)."""
    from yiwang.cases.services import case_events_fan_out

    told = case_events_fan_out()
    return told, f"{told} case event(s) fanned out"
