"""Appending to the audit log, and the sequencer that puts committed entries in order."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Min
from django.utils import timezone

from yiwang.core.audit.hashing import CHAIN_FORMAT, GENESIS, chain_hash_v2, content_hash
from yiwang.core.bulk import rows_write
from yiwang.core.models import AuditChainHead, AuditCheckpoint, AuditEntry
from yiwang.core.serialize import json_safe

logger = logging.getLogger(__name__)

HEAD_PK = 1
#: Entries sealed per sequencer transaction, and transactions per call at most.
BATCH_SIZE = 1000
MAX_BATCHES = 50
#: Entries the sequencer run after a commit seals at most: it runs in the request (or task)
#: that committed, which must not pay for a backlog. One batch; the scheduler's round
#: (``audit_upkeep``, every few seconds, uncapped) catches up with the rest.
AFTER_COMMIT_MAX_ENTRIES = BATCH_SIZE

#: Batches the scheduler's relay seals per wake-up at most (about a third of a second of
#: work): the relays after it (the case events' notifications) are not held up by a
#: backlog, which the next wake-ups and the audit round continue.
RELAY_MAX_BATCHES = 5

#: When this process last ran the sequencer after a commit (``time.monotonic()``).
_after_commit = {"last": float("-inf")}
_after_commit_lock = threading.Lock()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. Call inside the transaction of the change it records.

    ``actor`` is a user, or ``None`` (or an anonymous user) for the system.
    Only INSERTs the entry with its content hash: no lock is taken and no
    shared row is touched, so audited writes (and reads that log themselves)
    never wait for each other. The entry has no ``seq`` yet. Side effect:
    after the commit of the outermost transaction (at once outside one) the
    sequencer runs (:func:`audit_sequence`, once per transaction, sealing at
    most ``AFTER_COMMIT_MAX_ENTRIES``), which seals it unless another
    sequencer is at work, which then does; behind a backlog bigger than that,
    the next commit's sequencer or the scheduler's relay does. A process runs it
    after a commit at most once per ``YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS``
    (see :func:`_sequence_quietly`).
    """
    entry = _entry(AuditDraft(actor=actor, action=action, target=target, data=data))
    entry.save(force_insert=True)
    _sequence_after_commit()
    return entry


@dataclass(frozen=True, slots=True)
class AuditDraft:
    """One entry to append with :func:`audit_record_many`: the arguments of ``audit_record``."""

    actor: Any
    action: str
    target: models.Model | None = None
    data: dict[str, Any] | None = None


def audit_record_many(drafts: list[AuditDraft]) -> list[AuditEntry]:
    """:func:`audit_record` for several entries at once, in the order given: the same rows
    (content and content hash), appended with one INSERT (a batch intake's). The sequencer
    seals them in id order after the commit, as it seals any entry."""
    entries = [_entry(draft) for draft in drafts]
    if entries:
        AuditEntry.objects.bulk_create(entries)
        _sequence_after_commit()
    return entries


def _entry(draft: AuditDraft) -> AuditEntry:
    """The entry of ``draft``, with its content hash, not saved yet."""
    actor, target = draft.actor, draft.target
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(getattr(actor, "username", "") or "system"),
        action=draft.action,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=str(target)[:200] if target is not None else "",
        data=json_safe(draft.data or {}),
    )
    entry.content_hash = content_hash(entry)
    return entry


def _sequence_after_commit() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback[1] is _sequence_quietly for callback in connection.run_on_commit
    ):
        return
    # robust: a sequencer error is logged; it never fails the change that committed.
    transaction.on_commit(_sequence_quietly, robust=True)


def _sequence_quietly() -> None:
    """The sequencer after a commit, unless this process ran it less than
    ``YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS`` ago (0: after every commit).

    Under load a sequencer run seals what many commits appended: running it after each
    of them cost every audited request seven statements more (the head locked and
    moved, the unsealed read, their seals) for one or two entries each. What a skipped
    run leaves is sealed by the next commit past the interval, in this process or
    another, or by the scheduler's relay (:func:`audit_sequence_relay`, every
    ``YIWANG_OUTBOX_RELAY_SECONDS``): with the scheduler running, the lag from commit
    to sealed stays within the longer of the two. Without a scheduler (a bare
    ``runserver``, a one-off command) the tail of a burst stays unsealed until the next
    audited commit past the interval; a deployment runs the scheduler anyway, for the
    checkpoints.
    """
    interval = settings.YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS / 1000
    if interval:
        now = time.monotonic()
        with _after_commit_lock:
            if now - _after_commit["last"] < interval:
                return
            _after_commit["last"] = now
    audit_sequence(max_entries=AFTER_COMMIT_MAX_ENTRIES)


def audit_sequence_relay(at: datetime | None = None) -> tuple[int, str]:
    """The scheduler's relay (every wake-up): seal what committed since, so that an entry
    waits no longer than that when no commit after it ran the sequencer. One indexed
    query when there is nothing to seal."""
    if not AuditEntry.objects.filter(seq__isnull=True).exists():
        return 0, ""
    sealed = audit_sequence(max_batches=RELAY_MAX_BATCHES)
    return sealed, f"{sealed} audit entry(ies) sequenced" if sealed else ""


def audit_sequence(
    *,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
    max_entries: int | None = None,
) -> int:
    """Seal the committed entries that have no place yet; returns how many it sealed.

    In id order, each gets the next ``seq``, its chain hash and ``sealed_at``,
    ``batch_size`` per transaction. Call outside a transaction.

    Locks: the chain head row, ``SELECT … FOR UPDATE SKIP LOCKED``, for one
    batch at a time. When another sequencer holds it this returns at once:
    that one looks for unsealed entries again after it commits (unless it has
    sealed its ``max_entries`` or ``max_batches``: then the next commit's
    sequencer or the scheduler's relay does), so an entry committed before this
    call is sealed by one of them. Writers never wait
    for it (they only INSERT) and it never waits for a writer (it sees
    committed entries only). On SQLite, one writer at a time, the same code
    simply runs serially. Stops after ``max_batches`` transactions or
    ``max_entries`` entries (None: no such limit) even if writers keep
    appending; the next commit or the scheduler's next round continues.
    """
    sealed = 0
    for _batch in range(max_batches):
        size = batch_size if max_entries is None else min(batch_size, max_entries - sealed)
        if size <= 0:
            break
        with transaction.atomic():
            head = locked_chain_head(skip_locked=True)
            if head is None:
                return sealed
            sealed += _seal(head, size)
        if max_entries is not None and sealed >= max_entries:
            break
        if not AuditEntry.objects.filter(seq__isnull=True).exists():
            break
    return sealed


def _seal(head: AuditChainHead, batch_size: int) -> int:
    unsealed = list(
        AuditEntry.objects.filter(seq__isnull=True)
        .order_by("id")
        .values_list("id", "content_hash")[:batch_size]
    )
    if not unsealed:
        return 0
    now = timezone.now()
    seq, previous = head.seq, head.hash or GENESIS
    seals = []
    for pk, content in unsealed:
        seq += 1
        previous = chain_hash_v2(previous, seq, content, pk, now)
        seals.append((seq, previous, pk))
    write_seals(seals, sealed_at=now)
    head.seq, head.hash, head.sealed_at = seq, previous, now
    head.save(update_fields=["seq", "hash", "sealed_at"])
    return len(unsealed)


def write_seals(seals: list[tuple[int, str, int]], *, sealed_at: datetime) -> None:
    """UPDATE each entry's ``seq`` and ``hash`` from ``(seq, hash, id)`` rows, ``sealed_at``
    and ``chain_format`` (the current one: the hashes must be of that format).

    One statement (``core.bulk.rows_write``: on PostgreSQL one UPDATE from arrays, the
    batch planned once; elsewhere one prepared UPDATE executed for every row):
    ``bulk_update``'s CASE expressions grow with the square of the batch.
    """
    rows_write(
        AuditEntry,
        ["seq", "hash", "sealed_at", "chain_format"],
        [(seq, hash_, sealed_at, CHAIN_FORMAT, pk) for seq, hash_, pk in seals],
    )


def locked_chain_head(*, skip_locked: bool) -> AuditChainHead | None:
    """The chain head row, locked until the transaction ends; ``None`` when another
    transaction holds it and ``skip_locked``. Created on first use, from the newest
    sealed entry (the migrations create it; a flushed test database may lack it)."""
    rows = AuditChainHead.objects.select_for_update(skip_locked=skip_locked).filter(pk=HEAD_PK)
    head = rows.first()
    if head is None and not AuditChainHead.objects.filter(pk=HEAD_PK).exists():
        newest = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").first()
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(
                    pk=HEAD_PK,
                    seq=newest.seq if newest and newest.seq else 0,
                    hash=newest.hash if newest else "",
                )
        except IntegrityError:
            pass  # another sequencer created it first
        head = rows.first()
    return head


@dataclass(frozen=True)
class AuditStatus:
    """How the audit log is doing, for the admin (``audit_status``)."""

    sealed_seq: int
    sealed_hash: str
    unsealed: int
    oldest_unsealed_at: datetime | None
    lag_median: timedelta | None
    lag_max: timedelta | None
    lag_sample: int
    newest_checkpoint: AuditCheckpoint | None

    @property
    def not_checkpointed(self) -> int:
        newest = self.newest_checkpoint.seq if self.newest_checkpoint else 0
        return max(self.sealed_seq - newest, 0)


def audit_status(*, sample: int = 200) -> AuditStatus:
    """The newest sealed ``seq``, the entries waiting for the sequencer, the lag from an
    entry's creation to its sealing over the ``sample`` newest sealed entries, and
    the newest checkpoint. Four queries, whatever the size of the log; no lock."""
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    waiting = AuditEntry.objects.filter(seq__isnull=True).aggregate(
        count=Count("id"), oldest=Min("created_at")
    )
    recent = list(
        AuditEntry.objects.filter(seq__isnull=False, sealed_at__isnull=False)
        .order_by("-seq")
        .values_list("created_at", "sealed_at")[:sample]
    )
    lags = sorted(sealed - created for created, sealed in recent if sealed is not None)
    return AuditStatus(
        sealed_seq=head.seq if head else 0,
        sealed_hash=head.hash if head else "",
        unsealed=int(waiting["count"]),
        oldest_unsealed_at=waiting["oldest"],
        lag_median=lags[len(lags) // 2] if lags else None,
        lag_max=lags[-1] if lags else None,
        lag_sample=len(lags),
        newest_checkpoint=AuditCheckpoint.objects.order_by("-seq").first(),
    )
