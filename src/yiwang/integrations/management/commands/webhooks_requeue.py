"""Enqueue again webhook deliveries left pending by a crashed worker (run it periodically)."""

from django.core.management.base import BaseCommand

from yiwang.integrations.services import webhook_deliveries_requeue


class Command(BaseCommand):
    help = "Re-enqueue pending webhook deliveries overdue by more than a lease."

    def handle(self, *args, **options):
        count = webhook_deliveries_requeue()
        self.stdout.write(f"Re-enqueued {count} webhook deliveries.")
