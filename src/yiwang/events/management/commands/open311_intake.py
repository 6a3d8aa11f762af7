"""The Open311 intake workers: register the requests queued by POST requests, in batches.

With ``YIWANG_OPEN311_ASYNC`` the POST stores each request with a token and answers at
once; this command (run as many as the machine has cores for it) claims the oldest
queued requests (``SELECT … FOR UPDATE SKIP LOCKED``: workers take disjoint batches),
registers and dispatches each as a city event, and commits the batch. Runs until stopped
(SIGTERM or Ctrl-C: it finishes the batch at hand); ``--drain`` exits once the queue is
empty. A worker killed mid-batch loses nothing: its batch rolls back and is taken again.
The scheduler's round also registers what is queued (``events.open311_intake``), so a
deployment without this command still registers, just later. See docs/open311.md.
"""

import signal
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from yiwang.events.services import open311_intake_register


class Command(BaseCommand):
    help = "Register the Open311 requests queued by POST requests (YIWANG_OPEN311_ASYNC)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=100,
            help="Most requests registered in one transaction (default 100).",
        )
        parser.add_argument(
            "--idle",
            type=float,
            default=0.5,
            help="Seconds to wait when the queue is empty (default 0.5).",
        )
        parser.add_argument("--drain", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, batch_size, idle, drain, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        total = 0
        while not stop.is_set():
            taken = open311_intake_register(limit=batch_size)
            total += taken
            if taken == 0:
                if drain:
                    break
                stop.wait(idle)
            elif options["verbosity"] > 1:
                self.stdout.write(f"{time.strftime('%H:%M:%S')} {taken} registered")
        self.stdout.write(f"Open311 intake: {total} queued request(s) taken.")
