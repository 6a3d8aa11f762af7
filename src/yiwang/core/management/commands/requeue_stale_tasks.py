"""``manage.py requeue_stale_tasks --older-than 10m``: run again the tasks of dead workers."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS

from yiwang.core.tasks import parse_duration, stale_tasks_requeue


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ArgumentTypeError(str(exc)) from exc


class Command(BaseCommand):
    help = (
        "Put background tasks that have been RUNNING for longer than --older-than back to "
        "READY, so a worker runs them again. A worker that died while running a task "
        "leaves it RUNNING; django_tasks_db never retries it by itself. Run it from a timer."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--older-than",
            type=_duration,
            default=timedelta(minutes=10),
            help="How long a task may run before its worker is taken for dead: 30s, 10m, "
            "2h, 1d (default: 10m). Must be longer than any task runs.",
        )
        parser.add_argument("--backend", default=DEFAULT_TASK_BACKEND_ALIAS)
        parser.add_argument("--dry-run", action="store_true", help="List, change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = stale_tasks_requeue(
            older_than=options["older_than"],
            backend_name=options["backend"],
            dry_run=options["dry_run"],
        )
        verb = "would requeue" if options["dry_run"] else "requeued"
        self.stdout.write(f"{verb} {len(ids)} stale task(s)")
        for task_id in ids:
            self.stdout.write(f"  {task_id}")
