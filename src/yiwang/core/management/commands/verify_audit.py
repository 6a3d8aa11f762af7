"""``manage.py verify_audit`` (or ``python -m yiwang verify-audit``): check the audit chain.

Walks the hash-chained audit log from the first entry (``audit_verify``) and
prints how many entries were checked, or the id of the first broken entry and
why; exits with status 1 when the chain is broken.

A chain alone cannot tell that entries were cut off its end. Keep the head
hash this command prints (e.g. in the monitoring system, daily) and pass it
back with ``--anchor``: the command then also fails when that entry is gone.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.core.audit import audit_verify
from yiwang.core.models import AuditEntry

WHY = {
    "previous hash does not match": (
        "its previous-hash link does not match the entry before it "
        "(an earlier entry was deleted, inserted or rewritten)"
    ),
    "content does not match its hash": "its content does not match its hash (the row was edited)",
}


class Command(BaseCommand):
    help = "Check the hash chain of the audit log; exit 1 at the first broken entry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="A head hash printed by an earlier run: fail if that entry is no longer "
            "in the chain (detects entries removed from the end).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit log BROKEN at entry id={result.first_broken_id}: "
                f"{WHY.get(result.reason, result.reason)}. "
                f"{result.checked} entries before it are intact.",
                returncode=1,
            )
        anchor = options.get("anchor")
        if anchor and not AuditEntry.objects.filter(hash=anchor).exists():
            raise CommandError(
                f"Audit log BROKEN: the anchor entry {anchor} is missing "
                f"(entries were removed from the end of the chain). "
                f"{result.checked} entries checked.",
                returncode=1,
            )
        head = AuditEntry.objects.order_by("-id").only("id", "hash").first()
        summary = f"Audit log OK: {result.checked} entries checked"
        if head is not None:
            summary += f"; head id={head.pk} hash={head.hash}"
        self.stdout.write(self.style.SUCCESS(summary))
