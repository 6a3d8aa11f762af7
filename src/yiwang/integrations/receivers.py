"""Signal receivers, connected in ``IntegrationsConfig.ready()``.

Case events reach webhooks through one cross-cutting hook: every case
timeline entry is written by a ``yiwang.cases.services`` function inside its
transaction, so publishing on its ``post_save`` enqueues the deliveries in
that same transaction (a rolled-back change publishes nothing) without the
cases app depending on this one.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from yiwang.cases.models import CaseTimelineEntry


def case_timeline_entry_saved(
    sender: type[CaseTimelineEntry], instance: CaseTimelineEntry, created: bool, **kwargs: Any
) -> None:
    if not created or kwargs.get("raw"):
        return
    from yiwang.integrations.services import case_event_publish

    case_event_publish(entry=instance)


def connect() -> None:
    post_save.connect(
        case_timeline_entry_saved,
        sender=CaseTimelineEntry,
        dispatch_uid="integrations.case_timeline_entry_saved",
    )
