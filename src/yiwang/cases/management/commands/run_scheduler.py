"""Record deadlines as they pass: deemed acceptance, warnings, overdue marks.

Run one (or more) next to the web servers: ``manage.py run_scheduler``.
It wakes every ``--interval`` seconds and touches only cases that are due.
"""

import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from yiwang.cases.services import cases_tick_due


class Command(BaseCommand):
    help = "Tick due workflow instances and update their cases (deemed acceptance, overdue)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between rounds.")
        parser.add_argument(
            "--now",
            help="With --once: act as if it were this ISO time (e.g. 2026-03-10T08:00+08:00).",
        )

    def handle(self, *args, once, interval, now, **options):
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
            if changed or once:
                self.stdout.write(f"{changed} case(s) updated")
            if once:
                return
            time.sleep(interval)
