"""Domain-event subscribers of the integrations app, subscribed in ``IntegrationsConfig.ready()``.

Every case timeline entry that matters outside yiwang becomes a webhook event:
``case.timeline`` is announced after the case's change committed, by the worker
that fans out the entry (``yiwang.cases.services.fan_out``), so a rolled-back
change publishes nothing, and the deliveries are written in the fan-out's own
transaction, without the cases app knowing about webhooks.

An integrator who loses the role or whose account is switched off loses their
webhooks with it (``identity.role_lost``, ``identity.user_deactivated``).
"""

from __future__ import annotations

from datetime import datetime

from yiwang.core.events import DomainEvent, subscribe


def case_timeline_written(event: DomainEvent) -> None:
    from yiwang.integrations.services import case_event_publish

    case_event_publish(entry=event.data["entry"])


def integrator_access_lost(event: DomainEvent) -> None:
    """An account switched off, or its integrator role revoked: its webhooks stop (endpoints
    deactivated, pending deliveries cancelled, in the identity service's transaction)."""
    from yiwang.identity.models import Role
    from yiwang.integrations.services import webhook_endpoints_of_owner_deactivate

    if event.name == "identity.role_lost" and event.data["role"] != Role.INTEGRATOR:
        return
    webhook_endpoints_of_owner_deactivate(owner=event.data["user"], actor=event.data["actor"])


def connect() -> None:
    subscribe("case.timeline", case_timeline_written, key="integrations.webhooks")
    for name in ("identity.role_lost", "identity.user_deactivated"):
        subscribe(name, integrator_access_lost, key="integrations.webhook_owners")


def webhooks_round(at: datetime | None) -> tuple[int, str]:
    """The scheduler's round: deliveries a crashed worker left pending, enqueued again."""
    from yiwang.integrations.services import webhook_deliveries_requeue

    requeued = webhook_deliveries_requeue(at=at)
    return requeued, f"{requeued} webhook delivery(ies) requeued"
