"""``manage.py load_demo``: load the Jinan demo city (see yiwang.demo.loader)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.demo.loader import LoadReport, load_demo


class Command(BaseCommand):
    help = (
        "Load the Jinan demo city: regions, departments, topics, the service catalog and one "
        "demo account per role. Safe to run again. Refuses to run in production without --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when YIWANG_ENV=production (demo accounts share a public password).",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args: Any, force: bool = False, quiet: bool = False, **options: Any) -> None:
        if settings.YIWANG_ENV == "production" and not force:
            raise CommandError(
                "Refusing to load the demo city into a production deployment "
                "(YIWANG_ENV=production): its accounts share a published password. "
                "Pass --force if you really mean it."
            )
        started = time.monotonic()
        report = load_demo()
        if not quiet:
            self._print(report, time.monotonic() - started)

    def _print(self, report: LoadReport, seconds: float) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS(f"Jinan demo city loaded in {seconds:.1f} s."))
        out.write("  What this run did, per section (rows of demo data):")
        for name, tally in report.sections.items():
            out.write(
                f"  {name:<29} {tally.created:>3} created, {tally.updated:>3} updated, "
                f"{tally.unchanged:>3} unchanged"
            )
        out.write("  In the database now (demo data and anything added by hand):")
        totals = [f"{count} {name}" for name, count in report.totals.items()]
        for line in _lines_of(totals, width=96):
            out.write(f"  {line}")
        for warning in report.warnings:
            out.write(self.style.WARNING(f"  {warning}"))
        out.write("")
        out.write("  Demo accounts (sign in at /accounts/login/; admin at /admin/):")
        rows = [("username", "role", "department", "password")]
        rows += [
            (a.username, a.roles, departments_cell(a.departments), a.password)
            for a in report.accounts
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            out.write(("  " + "  ".join(_pad(c, widths[i]) for i, c in enumerate(row))).rstrip())
            if n == 0:
                out.write("  " + "  ".join("-" * w for w in widths))
        if report.open311_key:
            out.write("")
            # On a line of its own, exactly so (docs/events.md; scripts look for it).
            out.write(f"Open311 demo api_key: {report.open311_key}")


#: More departments than this are abbreviated in the accounts table, which must fit a terminal.
MAX_DEPARTMENTS_SHOWN = 2


def departments_cell(departments: list[str]) -> str:
    """The departments of an account for the table: all of them up to two, else the first
    and how many more (a supervisor of every department would make the table 300 columns
    wide; the admin lists them all)."""
    if not departments:
        return "—"
    if len(departments) <= MAX_DEPARTMENTS_SHOWN:
        return ", ".join(departments)
    return f"{departments[0]} and {len(departments) - 1} more"


def _lines_of(items: list[str], width: int) -> list[str]:
    """``items`` joined with commas, in lines of at most ``width`` columns, never splitting one."""
    lines: list[str] = []
    for item in items:
        if lines and _width(lines[-1]) + 2 + _width(item) <= width:
            lines[-1] += f", {item}"
        else:
            if lines:
                lines[-1] += ","
            lines.append(item)
    return lines


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
