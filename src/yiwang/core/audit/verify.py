"""Verifying the audit log without trusting the database: ``audit_verify``."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from operator import attrgetter
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from yiwang.core.audit.checkpoints import (
    CheckpointLogError,
    SignedCheckpoint,
    read_checkpoint_log,
)
from yiwang.core.audit.hashing import GENESIS, content_hash, entry_chain_hash
from yiwang.core.audit.keys import verification_keys
from yiwang.core.audit.log import HEAD_PK
from yiwang.core.models import AuditChainHead, AuditCheckpoint, AuditEntry

#: Entries between two calls of the progress callback.
PROGRESS_EVERY = 10_000


@dataclass(frozen=True)
class AuditVerification:
    """What ``audit_verify`` found. ``reason`` is empty when the log is intact, else one of
    ``content``, ``chain``, ``gap``, ``checkpoint``, ``signature``, ``truncated``, ``log``;
    ``detail`` says it in words. Entry-level problems name the entry (``first_broken_id``,
    ``broken_seq``); ``checked`` entries before it passed every check. ``uncovered_since``:
    when the oldest sealed entry that no checkpoint covers was sealed (None: all are
    covered), the age a signer that stopped leaves growing (:meth:`uncovered_for`)."""

    checked: int
    first_broken_id: int | None = None
    broken_seq: int | None = None
    reason: str = ""
    detail: str = ""
    checkpoints_checked: int = 0
    newest_checkpoint: SignedCheckpoint | None = None
    pending: int = 0
    anchor_found: bool | None = None
    head_hash: str = field(default="", repr=False)
    uncovered_since: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def head_seq(self) -> int:
        """The end of the verified chain."""
        return self.checked

    @property
    def not_checkpointed(self) -> int:
        """Entries sealed after the newest checkpoint (normal: the next one covers them)."""
        newest = self.newest_checkpoint.seq if self.newest_checkpoint else 0
        return max(self.checked - newest, 0)

    def uncovered_for(self, now: datetime) -> timedelta:
        """How long the oldest sealed entry that no checkpoint covers has waited for one at
        ``now`` (zero when every sealed entry is covered)."""
        if self.uncovered_since is None:
            return timedelta(0)
        return max(now - self.uncovered_since, timedelta(0))


def checkpoint_max_age_default() -> timedelta:
    """How long a sealed entry may wait for a checkpoint before ``verify-audit`` fails: ten
    checkpoint periods (``YIWANG_AUDIT_CHECKPOINT_SECONDS``, 5 s: 50 s). The signer issues one
    every period while the log grows, so only a signer that stopped (not running, crash-
    looping, refusing) leaves entries this old without one."""
    return timedelta(seconds=10 * int(settings.YIWANG_AUDIT_CHECKPOINT_SECONDS))


def audit_verify(
    *,
    checkpoint_logs: Sequence[Path] = (),
    anchor: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AuditVerification:
    """Check the whole audit log; the first problem found, or that it is intact.

    Streams the sealed entries by ``seq`` (constant memory) and, for each,
    recomputes its content hash (an edited column, ``actor_id`` included, is
    found) and its chain link (an entry inserted, removed or moved is found),
    and compares the chain at every checkpoint's seq with the checkpoint:
    those in the database and those in ``checkpoint_logs`` (files shipped out
    of reach of the database, read up to their size at the start), each of
    whose signatures is checked with the public keys from configuration. A
    chain recomputed by someone with database access differs from a
    checkpoint they cannot sign; a checkpoint beyond the chain's end means
    entries were removed from the end (found by an external log even when
    the database's checkpoints went too). Entries not sealed yet are counted
    as ``pending``; ``uncovered_since`` says since when the sealed entries after the
    newest checkpoint have waited for one. ``anchor``: a chain hash printed by an earlier run;
    ``anchor_found`` says whether the recomputed chain still passes through it.
    ``progress(checked, total)`` is called every ``PROGRESS_EVERY`` entries.

    Reads only; takes no lock. Raises ImproperlyConfigured when there are
    checkpoints but no public key to check them with, and OSError when a
    checkpoint log cannot be read.
    """
    keys = verification_keys()
    sizes = [(path, path.stat().st_size) for path in checkpoint_logs]
    if not keys and (AuditCheckpoint.objects.exists() or any(size for _path, size in sizes)):
        raise ImproperlyConfigured(
            "The audit log has checkpoints but no public key is configured to check their "
            "signatures with (YIWANG_AUDIT_PUBLIC_KEYS)."
        )
    # Read in this order, each after the one before: a checkpoint read is then never
    # beyond the end of the entries read (it was issued after they were sealed).
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    streams = [_database_checkpoints()] + [
        read_checkpoint_log(path, size=size) for path, size in sizes
    ]
    walk = _Walk(keys, anchor)
    try:
        walk.checkpoints = heapq.merge(*streams, key=attrgetter("seq"))
        walk.next_checkpoint = next(walk.checkpoints, None)  # opens every stream
        result = walk.run(head.seq if head else 0, progress)
    except CheckpointLogError as error:
        result = walk.broken("log", f"{error}")
    pending = AuditEntry.objects.filter(seq__isnull=True).count()
    return replace(result, pending=pending)


def _database_checkpoints() -> Iterator[SignedCheckpoint]:
    for row in AuditCheckpoint.objects.order_by("seq").iterator(chunk_size=2000):
        yield SignedCheckpoint.from_row(row)


class _Walk:
    """The state of one pass over the chain."""

    def __init__(self, keys: dict[str, Ed25519PublicKey], anchor: str | None) -> None:
        self.keys = keys
        self.anchor = anchor
        self.anchor_found: bool | None = None if anchor is None else False
        self.checkpoints: Iterator[SignedCheckpoint] = iter(())
        self.next_checkpoint: SignedCheckpoint | None = None
        self.checked = 0
        self.previous = GENESIS
        self.matched = 0  # seq of the newest checkpoint that matched
        self.checkpoints_checked = 0
        self.newest: SignedCheckpoint | None = None
        # the first entry after the newest checkpoint that matched: (seq, sealed at)
        self.uncovered: tuple[int, datetime] | None = None

    def run(
        self, recorded_end: int, progress: Callable[[int, int], None] | None
    ) -> AuditVerification:
        entries = AuditEntry.objects.filter(seq__isnull=False).order_by("seq")
        for entry in entries.iterator(chunk_size=2000):
            problem = self.check(entry)
            if problem is not None:
                return problem
            if progress is not None and self.checked % PROGRESS_EVERY == 0:
                progress(self.checked, recorded_end)
        if self.next_checkpoint is not None:
            checkpoint = self.next_checkpoint
            signature = checkpoint.problem(self.keys)
            if signature:
                return self.broken(
                    "signature",
                    f"the checkpoint at seq {checkpoint.seq} in {checkpoint.source} {signature}",
                )
            return self.broken(
                "truncated",
                f"the chain ends at seq {self.checked}, but the checkpoint issued "
                f"{checkpoint.issued_at} ({checkpoint.source}) covers seq {checkpoint.seq}: "
                "entries were removed from its end",
            )
        if recorded_end > self.checked:
            return self.broken(
                "truncated",
                f"the chain ends at seq {self.checked}, but its head row says seq "
                f"{recorded_end}: entries were removed from its end",
            )
        return self.result()

    def check(self, entry: AuditEntry) -> AuditVerification | None:
        seq = entry.seq
        assert seq is not None  # sealed entries only
        expected = self.checked + 1
        if seq != expected:
            missing = f"seq {expected}" if seq == expected + 1 else f"seq {expected} to {seq - 1}"
            why = (
                f"the entries at {missing} are missing (removed)"
                if seq > expected
                else f"its seq {seq} is out of place (expected {expected})"
            )
            return self.broken("gap", why, entry)
        recomputed = content_hash(entry)
        if recomputed != entry.content_hash:
            return self.broken(
                "content", "its content does not match its content hash (the row was edited)", entry
            )
        link = entry_chain_hash(self.previous, entry, recomputed)
        if link is None or link != entry.hash:
            return self.broken(
                "chain",
                "its chain hash does not match the chain recomputed up to it (an entry was "
                "inserted, removed or moved at or before it, its id, seal time or chain "
                "format was edited, or the hash was rewritten)",
                entry,
            )
        while self.next_checkpoint is not None and self.next_checkpoint.seq <= seq:
            checkpoint = self.next_checkpoint
            signature = checkpoint.problem(self.keys)
            if signature:
                return self.broken(
                    "signature",
                    f"the checkpoint at seq {checkpoint.seq} in {checkpoint.source} {signature}",
                    entry,
                )
            if checkpoint.seq != seq or checkpoint.hash != link:
                return self.broken(
                    "checkpoint",
                    f"the chain recomputed up to it does not match the checkpoint issued "
                    f"{checkpoint.issued_at} ({checkpoint.source}): the log was rewritten "
                    f"after seq {self.matched}, the newest checkpoint that matched, and its "
                    "hashes recomputed",
                    entry,
                )
            self.matched, self.newest = seq, checkpoint
            self.checkpoints_checked += 1
            self.next_checkpoint = next(self.checkpoints, None)
        if seq > self.matched and (self.uncovered is None or self.uncovered[0] <= self.matched):
            self.uncovered = (seq, entry.sealed_at or entry.created_at)
        if link == self.anchor:
            self.anchor_found = True
        self.previous = link
        self.checked = seq
        return None

    def result(self) -> AuditVerification:
        return AuditVerification(
            checked=self.checked,
            checkpoints_checked=self.checkpoints_checked,
            newest_checkpoint=self.newest,
            anchor_found=self.anchor_found,
            head_hash=self.previous if self.checked else "",
            uncovered_since=(
                self.uncovered[1]
                if self.uncovered is not None and self.uncovered[0] > self.matched
                else None
            ),
        )

    def broken(
        self, reason: str, detail: str, entry: AuditEntry | None = None
    ) -> AuditVerification:
        return replace(
            self.result(),
            reason=reason,
            detail=detail,
            first_broken_id=entry.pk if entry is not None else None,
            broken_seq=entry.seq if entry is not None else None,
        )
