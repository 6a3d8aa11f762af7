"""The periodic upkeep of a yiwang installation, in one process.

Every ``YIWANG_OUTBOX_RELAY_SECONDS`` (1 s) it runs the relays the apps
registered (``core.jobs.register_relay``): the case events committed since, told
to the world (their notifications and webhook deliveries, cases). Every
``YIWANG_AUDIT_CHECKPOINT_SECONDS`` (5 s) it seals the audit entries a
sequencer missed and signs a checkpoint of the audit log if it grew
(``audit_upkeep``): the scheduler is the one process that holds the signing
key, and refuses to start without it. Each round of the rest (every
``--interval`` seconds) it runs the periodic jobs the apps registered
(``core.jobs``), among them:

- deadlines as they pass on the cases that are due — deemed acceptance,
  warnings, overdue marks — and provisional deadlines whose years have a
  holiday schedule by now (cases);
- background tasks whose worker died after claiming them, put back in the
  queue (``stale_tasks_requeue``, older than ``--stale-after`` minutes), and
  stored files whose upload never committed, deleted after an hour (core);
- webhook deliveries a crashed worker left pending (integrations);
- old sign-in throttles and password-reset codes (identity).

Run one next to the web servers and workers: ``manage.py run_scheduler``.
"""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from yiwang.core.audit import AuditCheckpointRefused, audit_signer_check, audit_upkeep
from yiwang.core.jobs import PeriodicJob, periodic_jobs, relay_jobs
from yiwang.core.storage import pending_files_sweep
from yiwang.core.tasks import stale_tasks_requeue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Periodic upkeep: every app's periodic jobs (deadlines of due cases, stale background "
        "tasks, stuck webhooks, orphaned files, old sign-in throttles) and the audit log's "
        "signed checkpoints."
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
        try:
            audit_signer_check()
        except ImproperlyConfigured as error:
            raise CommandError(f"Cannot sign the audit log's checkpoints: {error}") from None
        period = settings.YIWANG_AUDIT_CHECKPOINT_SECONDS
        relay_period = settings.YIWANG_OUTBOX_RELAY_SECONDS
        next_round = next_audit = time.monotonic()
        while True:
            failed = self._relay_round(at)
            if time.monotonic() >= next_round:
                failed += self._round(at, once, stale_after)
                next_round = time.monotonic() + interval
            if time.monotonic() >= next_audit:
                if not self._audit_round(once):
                    failed.append("audit_upkeep")
                next_audit = time.monotonic() + period
            if once:
                if failed:
                    raise CommandError(f"These jobs failed (see the log): {', '.join(failed)}")
                return
            now = time.monotonic()
            time.sleep(max(0.0, min(relay_period, next_round - now, next_audit - now)))

    def _jobs(self, stale_after: float) -> list[PeriodicJob]:
        """Every app's periodic jobs, then core's own upkeep."""

        def requeue(at: datetime | None) -> tuple[int, str]:
            requeued = stale_tasks_requeue(older_than=timedelta(minutes=stale_after))
            return len(requeued), f"{len(requeued)} task(s) requeued"

        def sweep(at: datetime | None) -> tuple[int, str]:
            orphans = pending_files_sweep(now=at.timestamp() if at else None)
            return orphans, f"{orphans} orphaned file(s) deleted"

        return [
            *periodic_jobs(),
            PeriodicJob("stale_tasks_requeue", requeue),
            PeriodicJob("pending_files_sweep", sweep),
        ]

    def _relay_round(self, at) -> list[str]:
        """The relays, at every wake-up; says only what they did. Returns the names of those
        that failed (logged; the next wake-up tries again)."""
        said, failed = [], []
        for job in relay_jobs():
            try:
                changed, summary = job.run(at)
            except Exception:
                logger.exception("Relay %s failed; the next wake-up tries again", job.name)
                failed.append(job.name)
                continue
            if changed and summary:
                said.append(summary)
        if said:
            self.stdout.write(", ".join(said))
        return failed

    def _round(self, at, once, stale_after) -> list[str]:
        """One round of the jobs; returns the names of those that failed.

        Each job runs on its own: one that raises (a bug, the database gone for a
        moment) is logged with its traceback and the others still run, and so does
        the audit log's upkeep after them; the next round tries it again.
        """
        busy, said, failed = 0, [], []
        for job in self._jobs(stale_after):
            try:
                changed, summary = job.run(at)
            except Exception:
                logger.exception("Periodic job %s failed; the next round tries again", job.name)
                failed.append(job.name)
                said.append(f"{job.name} FAILED")
                continue
            busy += changed
            if summary:
                said.append(summary)
        if busy or failed or once:
            self.stdout.write(", ".join(said))
        return failed

    def _audit_round(self, once) -> bool:
        """Seal and sign the audit log; a refusal (tampering) or any other error is logged,
        and the rest goes on. Returns whether it succeeded."""
        try:
            upkeep = audit_upkeep()
        except (AuditCheckpointRefused, OSError, DatabaseError) as error:
            # The deadlines must not stop with it: the next wake-up tries again.
            logger.error("Audit log: no checkpoint signed: %s. Run verify-audit.", error)
            return False
        except Exception:
            logger.exception("Audit log upkeep failed; the next wake-up tries again")
            return False
        if upkeep.sealed or once:
            issued = upkeep.checkpoint
            checkpoint = f"checkpoint at seq {issued.seq}" if issued else "no new checkpoint"
            self.stdout.write(f"{upkeep.sealed} audit entry(ies) sequenced, {checkpoint}")
        return True
