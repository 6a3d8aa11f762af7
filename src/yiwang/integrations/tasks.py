"""Background jobs of the integrations app (Django's tasks API, database backend)."""

from __future__ import annotations

from django_tasks import task

from yiwang.integrations import services


@task()
def webhook_deliver_task(delivery_id: int) -> None:
    """One delivery attempt; safe to run twice (see ``services.webhook_deliver``)."""
    services.webhook_deliver(delivery_id=delivery_id)
