"""Count again the deadlines of the open cases that count through the given years.

The admin does this by itself (a background job) after every edit of the
holiday calendar; this command is for operators, e.g. after loading a year's
schedule with a script: ``manage.py reschedule_deadlines --year 2027``.
"""

from django.core.management.base import BaseCommand

from yiwang.cases.services import cases_reschedule


class Command(BaseCommand):
    help = "Count again the deadlines of open cases counted through the given years."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            required=True,
            help="A year whose holiday schedule changed (repeat for several).",
        )

    def handle(self, *args, year, **options):
        changed = cases_reschedule(years=year)
        self.stdout.write(
            f"{changed} case(s) changed after counting again through {', '.join(map(str, year))}"
        )
