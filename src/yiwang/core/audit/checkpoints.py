"""Signed checkpoints of the audit chain: in the database, and in a log outside it.

A checkpoint says "the chain had this hash at this seq", signed with the
Ed25519 key that only the scheduler holds (``keys``). The scheduler issues
one every few seconds while the chain grows (``audit_upkeep``), stores it in
``AuditCheckpoint`` and appends it to the checkpoint log
(``YIWANG_AUDIT_CHECKPOINT_LOG``, JSON lines), which operators ship off the
host. Someone who can write the database can rewrite the chain and recompute
every hash, but cannot sign a checkpoint for the result, nor reach the copies
of the log shipped elsewhere: ``audit_verify`` finds the rewrite.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from yiwang.core.audit.hashing import content_hash, entry_chain_hash, timestamp
from yiwang.core.audit.keys import key_id, signing_key, verification_keys
from yiwang.core.audit.log import audit_sequence, locked_chain_head
from yiwang.core.models import AuditCheckpoint, AuditEntry
from yiwang.core.serialize import canonical_json

#: Names the log in every signed statement, so a signature means nothing elsewhere.
LOG_NAME = "yiwang audit log"
_FIELDS = ("seq", "hash", "issued_at", "key_id", "signature")


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint as signed and as the checkpoint log carries it; ``source`` says
    where it was read (the database, or a file and line)."""

    seq: int
    hash: str
    issued_at: str
    key_id: str
    signature: str
    source: str = "the database"

    @classmethod
    def from_row(cls, row: AuditCheckpoint) -> SignedCheckpoint:
        return cls(
            seq=row.seq,
            hash=row.hash,
            issued_at=timestamp(row.issued_at),
            key_id=row.key_id,
            signature=row.signature,
        )

    def statement(self) -> bytes:
        """The bytes the signature covers: canonical JSON of the log's name and the fields."""
        return canonical_json(
            {
                "log": LOG_NAME,
                "seq": self.seq,
                "hash": self.hash,
                "issued_at": self.issued_at,
                "key_id": self.key_id,
            }
        )

    def line(self) -> bytes:
        """One line of the checkpoint log."""
        return canonical_json({name: getattr(self, name) for name in _FIELDS}) + b"\n"

    def problem(self, keys: dict[str, Ed25519PublicKey]) -> str:
        """What is wrong with the signature, checked with ``keys`` (by id); empty when none."""
        public_key = keys.get(self.key_id)
        if public_key is None:
            return (
                f"is signed by key {self.key_id!r}, which is not among the configured public "
                "keys (YIWANG_AUDIT_PUBLIC_KEYS): it was forged, or a key is missing there"
            )
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.statement())
        except (InvalidSignature, binascii.Error, ValueError):
            return f"has a signature that does not verify with key {self.key_id}: forged or altered"
        return ""


class CheckpointLogError(Exception):
    """A line of a checkpoint log is not a checkpoint, or is out of order."""


class AuditCheckpointRefused(Exception):
    """The chain does not extend the newest checkpoint (or that one is not genuine):
    nothing was signed. Someone changed the log: run ``verify-audit``."""


def checkpoint_log_path() -> Path:
    """Where the checkpoint log is (``YIWANG_AUDIT_CHECKPOINT_LOG``)."""
    value = str(settings.YIWANG_AUDIT_CHECKPOINT_LOG or "")
    if not value:
        raise ImproperlyConfigured("YIWANG_AUDIT_CHECKPOINT_LOG is empty")
    return Path(value)


def read_checkpoint_log(path: Path, *, size: int | None = None) -> Iterator[SignedCheckpoint]:
    """The checkpoints of a log file in its order, reading only its first ``size`` bytes
    when given (what was there when verification began). A last line without its
    newline is an interrupted write, not a checkpoint, and is skipped. Raises
    CheckpointLogError at a line that is not a checkpoint or whose seq is below the
    line before: the signer writes them in seq order."""
    offset, previous = 0, 0
    with path.open("rb") as file:
        for number, raw in enumerate(file, start=1):
            offset += len(raw)
            if (size is not None and offset > size) or not raw.endswith(b"\n"):
                return
            if not raw.strip():
                continue
            checkpoint = _parse_line(raw, f"{path} line {number}")
            if checkpoint.seq < previous:
                raise CheckpointLogError(
                    f"{checkpoint.source}: seq {checkpoint.seq} after seq {previous} "
                    "(the signer writes checkpoints in order: the file was edited, or two "
                    "logs were joined; pass each with its own --checkpoints)"
                )
            previous = checkpoint.seq
            yield checkpoint


def last_logged_checkpoint(path: Path) -> SignedCheckpoint | None:
    """The last checkpoint of a log file (read from its end), or None if it has none.
    An unterminated last line (an interrupted write) is skipped."""
    with path.open("rb") as file:
        end = file.seek(0, os.SEEK_END)
        file.seek(max(0, end - 8192))
        complete = file.read().split(b"\n")[:-1]
    lines = [line for line in complete if line.strip()]
    if not lines:
        return None
    return _parse_line(lines[-1], f"{path} (last line)")


def _parse_line(raw: bytes, source: str) -> SignedCheckpoint:
    try:
        fields: Any = json.loads(raw)
    except ValueError:
        fields = None
    valid = isinstance(fields, dict) and all(
        isinstance(fields.get(name), str) for name in _FIELDS if name != "seq"
    )
    seq = fields.get("seq") if valid else None
    if not valid or not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise CheckpointLogError(f"{source} is not a checkpoint")
    return SignedCheckpoint(
        seq=seq,
        hash=fields["hash"],
        issued_at=fields["issued_at"],
        key_id=fields["key_id"],
        signature=fields["signature"],
        source=source,
    )


def _append(path: Path, checkpoint: SignedCheckpoint) -> None:
    """Append the checkpoint's line and fsync; after an interrupted write (a last line
    without its newline) the line starts on a line of its own."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        size = os.fstat(descriptor).st_size
        line = checkpoint.line()
        if size and os.pread(descriptor, 1, size - 1) != b"\n":
            line = b"\n" + line
        while line:  # one write for a line in practice: lines are never interleaved
            line = line[os.write(descriptor, line) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def audit_signer_check() -> str:
    """Check that this process can sign checkpoints; returns the signing key's id.

    For the scheduler's start. Raises ImproperlyConfigured when the signing key is
    missing or unreadable (``signing_key``; outside production it is generated),
    or when public keys are configured and it is not among them (its checkpoints
    would not verify).
    """
    public_key = signing_key().public_key()
    identity = key_id(public_key)
    configured = verification_keys()
    if settings.YIWANG_AUDIT_PUBLIC_KEYS and identity not in configured:
        raise ImproperlyConfigured(
            f"The audit signing key (id {identity}) is not among YIWANG_AUDIT_PUBLIC_KEYS: "
            "its checkpoints would not verify. Add its public key there "
            "(manage.py audit_key shows it)."
        )
    return identity


def audit_checkpoint_issue(*, at: datetime | None = None) -> AuditCheckpoint | None:
    """Sign the sealed end of the chain if it grew since the newest checkpoint, else None.

    Before signing, checks that the chain extends the newest checkpoint known
    (in the database, or the last line of the checkpoint log; its signature
    checked with the configured keys) by recomputing every entry sealed since,
    content and links: it never signs a rewritten log, and raises
    AuditCheckpointRefused instead. ``at``: the issue time (default now).

    Side effects: appends the checkpoint to the checkpoint log (fsync), then
    INSERTs it; runs the sequencer after. Locks: the chain head row
    (``SELECT … FOR UPDATE``, waiting at most for one sequencer batch) while
    it checks the newest entries, signs, writes and inserts, so checkpoints
    are issued one at a time and in seq order in both places; sequencers skip
    meanwhile, hence the sequencer run after. Call outside a transaction.
    Raises ImproperlyConfigured (no signing key) and OSError (log not
    writable): nothing is stored then.
    """
    key = signing_key()
    log = checkpoint_log_path()
    try:
        return _issue(key, log, at or timezone.now())
    finally:
        audit_sequence()  # what committed while this held the head


def _issue(key: Ed25519PrivateKey, log: Path, issued_at: datetime) -> AuditCheckpoint | None:
    identity = key_id(key.public_key())
    keys = {identity: key.public_key(), **verification_keys()}
    base = _newest_known_checkpoint(log, keys)
    # The long part of the check (after a pause of the scheduler) is done before the lock.
    seen = _recompute_from(base.seq, base.hash) if base else None
    with transaction.atomic():
        head = locked_chain_head(skip_locked=False)
        assert head is not None  # created when missing, and we wait for the lock
        if base is not None and base.seq > head.seq:
            raise AuditCheckpointRefused(
                f"the chain ends at seq {head.seq}, before the checkpoint at seq {base.seq} "
                f"({base.source}): entries were removed from its end"
            )
        if head.seq == 0 or (base is not None and base.seq == head.seq):
            return None
        if base is not None and seen is not None:
            seq, recomputed = _recompute_from(*seen, to=head.seq)
            if (seq, recomputed) != (head.seq, head.hash):
                raise AuditCheckpointRefused(
                    f"the chain does not extend the checkpoint at seq {base.seq} "
                    f"({base.source}): recomputed from it up to seq {seq} it gives "
                    f"{recomputed}, but its head is seq {head.seq} with {head.hash}"
                )
        unsigned = SignedCheckpoint(
            seq=head.seq,
            hash=head.hash,
            issued_at=timestamp(issued_at),
            key_id=identity,
            signature="",
        )
        signed = replace(
            unsigned, signature=base64.b64encode(key.sign(unsigned.statement())).decode()
        )
        _append(log, signed)
        return AuditCheckpoint.objects.create(
            seq=signed.seq,
            hash=signed.hash,
            issued_at=issued_at,
            key_id=signed.key_id,
            signature=signed.signature,
        )


def _newest_known_checkpoint(
    log: Path, keys: dict[str, Ed25519PublicKey]
) -> SignedCheckpoint | None:
    candidates = []
    row = AuditCheckpoint.objects.order_by("-seq").first()
    if row is not None:
        candidates.append(SignedCheckpoint.from_row(row))
    if log.exists():
        try:
            logged = last_logged_checkpoint(log)
        except CheckpointLogError as error:
            raise AuditCheckpointRefused(str(error)) from error
        if logged is not None:
            candidates.append(logged)
    for candidate in candidates:
        problem = candidate.problem(keys)
        if problem:
            raise AuditCheckpointRefused(
                f"the checkpoint at seq {candidate.seq} in {candidate.source} {problem}"
            )
    return max(candidates, key=lambda candidate: candidate.seq, default=None)


def _recompute_from(seq: int, previous: str, *, to: int | None = None) -> tuple[int, str]:
    """Walk the sealed entries after ``seq`` (up to ``to``) from the chain hash
    ``previous``, recomputing each content hash and link; the last seq and hash reached.
    Raises AuditCheckpointRefused at a missing seq or an edited entry."""
    entries = AuditEntry.objects.filter(seq__gt=seq).order_by("seq")
    if to is not None:
        entries = entries.filter(seq__lte=to)
    for entry in entries.iterator(chunk_size=2000):
        assert entry.seq is not None  # filtered on
        if entry.seq != seq + 1:
            raise AuditCheckpointRefused(f"entry seq {seq + 1} is missing")
        recomputed = content_hash(entry)
        if recomputed != entry.content_hash:
            raise AuditCheckpointRefused(
                f"entry seq {entry.seq} (id {entry.pk}) does not match its content hash"
            )
        link = entry_chain_hash(previous, entry, recomputed)
        if link is None:
            raise AuditCheckpointRefused(
                f"entry seq {entry.seq} (id {entry.pk}) has an unknown chain format"
            )
        seq, previous = entry.seq, link
    return seq, previous


@dataclass(frozen=True)
class AuditUpkeep:
    """What one round of the audit upkeep did."""

    sealed: int
    checkpoint: AuditCheckpoint | None


def audit_upkeep(*, at: datetime | None = None) -> AuditUpkeep:
    """The scheduler's audit round: seal what is committed (the safety net for a
    sequencer run that did not happen after a commit), then issue a checkpoint if the
    chain grew (``audit_checkpoint_issue``, whose locks, side effects and errors
    apply). Call outside a transaction."""
    sealed = audit_sequence()
    return AuditUpkeep(sealed=sealed, checkpoint=audit_checkpoint_issue(at=at))
