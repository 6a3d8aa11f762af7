"""The periodic upkeep of a yiwang installation, in one process.

Each round (every ``--interval`` seconds):

- records deadlines as they pass on the cases that are due — deemed
  acceptance, warnings, overdue marks (``cases_tick_due``);
- counts again the provisional deadlines whose years have a holiday schedule
  by now, should the job a calendar edit enqueued have been lost
  (``cases_reschedule_settled``);
- puts background tasks back in the queue whose worker died after claiming
  them (``stale_tasks_requeue``, older than ``--stale-after`` minutes);
- re-enqueues webhook deliveries a crashed worker left pending;
- deletes stored files whose upload never committed (``pending_files_sweep``,
  after an hour's grace).
- forgets sign-in and password-reset throttles whose attempts are all
  forgotten, and password-reset codes expired over a day ago.

Run one next to the web servers and workers: ``manage.py run_scheduler``.
"""

import time
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from yiwang.cases.services import cases_reschedule_settled, cases_tick_due
from yiwang.core.storage import pending_files_sweep
from yiwang.core.tasks import stale_tasks_requeue
from yiwang.identity.services import password_reset_codes_purge, throttles_purge
from yiwang.integrations.services import webhook_deliveries_requeue


class Command(BaseCommand):
    help = (
        "Periodic upkeep: deadlines of due cases, stale background tasks, stuck webhooks, "
        "old sign-in throttles and reset codes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between rounds.")
        parser.add_argument(
            "--stale-after",
            type=float,
            default=10.0,
            help="Minutes after which a running task counts as abandoned (default 10).",
        )
        parser.add_argument(
            "--now",
            help="With --once: act as if it were this ISO time (e.g. 2026-03-10T08:00+08:00).",
        )

    def handle(self, *args, once, interval, stale_after, now, **options):
        at = None
        if now:
            try:
                at = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now must be an ISO date and time, not {now!r}") from None
            if at.tzinfo is None or not once:
                raise CommandError("--now needs a time zone offset and goes with --once")
        while True:
            changed = cases_tick_due(now=at)
            changed += cases_reschedule_settled(at=at)
            requeued = stale_tasks_requeue(older_than=timedelta(minutes=stale_after))
            webhooks = webhook_deliveries_requeue(at=at)
            orphans = pending_files_sweep(now=at.timestamp() if at else None)
            throttles_purge(at=at)
            password_reset_codes_purge(at=at)
            if changed or requeued or webhooks or orphans or once:
                self.stdout.write(
                    f"{changed} case(s) updated, {len(requeued)} task(s) requeued, "
                    f"{webhooks} webhook delivery(ies) requeued, "
                    f"{orphans} orphaned file(s) deleted"
                )
            if once:
                return
            time.sleep(interval)
