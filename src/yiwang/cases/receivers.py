"""Signal receivers of the cases app, connected in ``CasesConfig.ready()``."""

from __future__ import annotations

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
