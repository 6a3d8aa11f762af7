"""Domain-event subscribers of the integrations app, subscribed in ``IntegrationsConfig.ready()``.

Every case timeline entry that matters outside yiwang becomes a webhook event:
``case.timeline`` is announced after the case's change committed, by the worker
that fans out the entry (``yiwang.cases.services.fan_out``), so a rolled-back
change publishes nothing, and the deliveries are written in the fan-out's own
transaction, without the cases app knowing about webhooks.
"""

from __future__ import annotations

from datetime import datetime

from yiwang.core.events import DomainEvent, subscribe


def case_timeline_written(event: DomainEvent) -> None:
    from yiwang.integrations.services import case_event_publish

    case_event_publish(entry=event.data["entry"])


def connect() -> None:
    subscribe("case.timeline", case_timeline_written, key="integrations.webhooks")


def webhooks_round(at: datetime | None) -> tuple[int, str]:
    """The scheduler's round: deliveries a crashed worker left pending, enqueued again."""
    from yiwang.integrations.services import webhook_deliveries_requeue

    requeued = webhook_deliveries_requeue(at=at)
    return requeued, f"{requeued} webhook delivery(ies) requeued"
