"""``manage.py generate_history``: a case history at city scale (see yiwang.demo.history)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.demo.history import HistoryRefused, generate_history, summary


class Command(BaseCommand):
    help = (
        "Generate a realistic case history (default one million cases over three years) on a "
        "PostgreSQL database where the demo city is loaded, bulk-loaded with COPY: citizens, "
        "applications, materials, cases, workflow instances and events, timelines, decisions "
        "and sealed audit entries. Refuses a database that has cases unless --append."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000, help="Cases to generate.")
        parser.add_argument("--years", type=float, default=3, help="Span of the history.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed (same seed, same history)."
        )
        parser.add_argument(
            "--citizens",
            type=int,
            default=None,
            help="Citizens to create (default 32 %% of cases).",
        )
        parser.add_argument("--chunk", type=int, default=10_000, help="Cases per transaction.")
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that has cases already."
        )
        parser.add_argument("--force", action="store_true", help="Run even in production.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar, no summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.YIWANG_ENV == "production" and not options["force"]:
            raise CommandError(
                "Refusing to generate a made-up history in a production deployment "
                "(YIWANG_ENV=production). Pass --force if you really mean it."
            )
        if options["cases"] < 1:
            raise CommandError("--cases must be at least 1.")
        try:
            report = generate_history(
                cases=options["cases"],
                years=options["years"],
                seed=options["seed"],
                append=options["append"],
                citizens=options["citizens"],
                chunk=options["chunk"],
                quiet=options["quiet"],
            )
        except HistoryRefused as exc:
            raise CommandError(str(exc)) from exc
        if not options["quiet"]:
            for line in summary(report):
                self.stdout.write(line)
