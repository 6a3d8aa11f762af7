"""``manage.py verify_audit`` (or ``python -m yiwang verify-audit``): check the audit log.

Recomputes every entry's content hash and chain link in ``seq`` order and checks
the chain against every signed checkpoint, those in the database and those in
the checkpoint log outside it (``--checkpoints``, default the configured
``YIWANG_AUDIT_CHECKPOINT_LOG``; give the copy shipped off the host when
you have it), with the public keys from configuration (``audit_verify``).
Prints what it checked, or the first problem and the entry where it is; exits
with status 1 when the log was tampered with, 2 when it cannot be checked
(no public key, an unreadable log file), 3 when it is intact but sealed
entries have waited for a checkpoint longer than ``--checkpoint-max-age``
(default ten checkpoint periods, ``checkpoint_max_age_default``): the signer
has stopped, and until it signs again those entries could be rewritten
unnoticed. Run it daily.

``--anchor HASH`` still works: it also fails when the recomputed chain no
longer passes through a chain hash printed by an earlier run. Signed
checkpoints do the same without anyone keeping hashes.
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yiwang.core.audit import AuditVerification, audit_verify, checkpoint_log_path
from yiwang.core.audit.verify import checkpoint_max_age_default

#: Exit statuses: tampered with, cannot be checked, intact but not all under a checkpoint.
BROKEN, UNCHECKABLE, UNPROTECTED = 1, 2, 3


def _seconds(text: str) -> timedelta:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not value > 0:
        raise ArgumentTypeError(f"a number of seconds above 0, not {text!r}")
    return timedelta(seconds=value)


class Command(BaseCommand):
    help = (
        "Check the audit log: every entry's hash and link, and the chain against the signed "
        "checkpoints; exit 1 at the first problem."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            action="append",
            type=Path,
            help="A checkpoint log (JSON lines) to check the chain against, e.g. the copy "
            "shipped off the host; repeat for several. Default: YIWANG_AUDIT_CHECKPOINT_LOG, "
            "when it exists.",
        )
        parser.add_argument(
            "--checkpoint-max-age",
            metavar="SECONDS",
            type=_seconds,
            default=None,
            help="Fail with exit status 3 when a sealed entry has waited longer than this for "
            "a checkpoint (the signer has stopped). Default: ten checkpoint periods "
            "(10 × YIWANG_AUDIT_CHECKPOINT_SECONDS).",
        )
        parser.add_argument(
            "--anchor",
            metavar="HASH",
            help="A chain hash printed by an earlier run: fail if the chain no longer "
            "passes through it.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        logs: list[Path] = options["checkpoints"] or []
        if not logs:
            default = checkpoint_log_path()
            if default.exists():
                logs = [default]
            else:
                self.stderr.write(
                    f"No checkpoint log at {default}: checking against the database's "
                    "checkpoints only (give the shipped copy with --checkpoints)."
                )
        self.progress_shown = False
        try:
            result = audit_verify(
                checkpoint_logs=logs, anchor=options["anchor"], progress=self._progress()
            )
        except (ImproperlyConfigured, OSError) as error:
            raise CommandError(
                f"Cannot check the audit log: {error}", returncode=UNCHECKABLE
            ) from error
        finally:
            if self.progress_shown:
                self.stderr.write("")
        if not result.ok:
            raise CommandError(_broken(result), returncode=BROKEN)
        if result.anchor_found is False:
            raise CommandError(
                f"Audit log BROKEN: the chain no longer passes through the anchor "
                f"{options['anchor']} (entries were removed or rewritten). "
                f"{result.checked} entries checked.",
                returncode=BROKEN,
            )
        max_age = options["checkpoint_max_age"] or checkpoint_max_age_default()
        waited = result.uncovered_for(timezone.now())
        if waited > max_age:
            self.stdout.write(_summary(result, logs))
            raise CommandError(
                f"Audit log NOT PROTECTED: intact, but {result.not_checkpointed} sealed "
                f"entries have no checkpoint, the oldest sealed {_duration(waited)} ago "
                f"(at {_local(result.uncovered_since)}), longer than {_duration(max_age)}: the "
                "checkpoint signer has stopped (is the scheduler running? see its log for "
                "'Audit log: no checkpoint signed'). Until it signs again, those entries "
                "could be rewritten unnoticed.",
                returncode=UNPROTECTED,
            )
        self.stdout.write(self.style.SUCCESS(_summary(result, logs)))

    def _progress(self) -> Any:
        if not self.stderr.isatty():
            return None

        def show(checked: int, total: int) -> None:
            self.progress_shown = True
            self.stderr.write(f"\r{checked:,} / {total:,} entries", ending="")
            self.stderr.flush()

        return show


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{span.total_seconds():g} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"


def _broken(result: AuditVerification) -> str:
    if result.first_broken_id is None:
        return f"Audit log BROKEN: {result.detail}. {result.checked} entries checked."
    before = (
        "consistent with each other, but not with that checkpoint"
        if result.reason == "checkpoint"
        else "intact"
    )
    return (
        f"Audit log BROKEN at seq={result.broken_seq} (entry id={result.first_broken_id}): "
        f"{result.detail}. {result.checked} entries before it are {before}."
    )


def _summary(result: AuditVerification, logs: list[Path]) -> str:
    lines = [f"Audit log OK: {result.checked} entries checked"]
    if result.checked:
        lines[0] += f"; head seq={result.head_seq} hash={result.head_hash}"
    newest = result.newest_checkpoint
    sources = "the database" + "".join(f", {path}" for path in logs)
    if newest is None:
        lines.append(f"No checkpoint yet (in {sources}): is the scheduler running?")
    else:
        lines.append(
            f"{result.checkpoints_checked} checkpoint(s) verified (in {sources}); the newest "
            f"at seq {newest.seq}, issued {newest.issued_at}, key {newest.key_id}."
        )
    lines.append(
        f"{result.not_checkpointed} entries not yet checkpointed (the next checkpoint covers "
        f"them); {result.pending} pending sequencing."
    )
    return "\n".join(lines)
