"""Background jobs of the notifications app. They take ids and are safe to run twice."""

from __future__ import annotations

from django_tasks import task

from yiwang.notifications import services


@task()
def deliver_notification(delivery_id: int) -> str:
    """Send one NotificationDelivery (e-mail or SMS); see ``services.delivery_send``."""
    return services.delivery_send(delivery_id=delivery_id)
