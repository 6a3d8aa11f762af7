"""What the audit log hashes: an entry's content, and its link in the chain.

These two functions define the log's format. Entries already written are
checked with them for as long as the log is kept, so they never change; a new
format would be a new function next to them, chosen by a new column.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from yiwang.core.serialize import canonical_json

if TYPE_CHECKING:
    from yiwang.core.models import AuditEntry

#: The chain hash "before" the first entry.
GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    """An instant as the log hashes and signs it: UTC, ISO 8601, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def content_hash(entry: AuditEntry) -> str:
    """SHA-256 (hex) of the canonical JSON of every content column of ``entry``.

    Covers when, who (``actor_id`` and the label recorded), what, on what and
    the details; not the columns the sequencer fills in (``seq``, ``hash``,
    ``sealed_at``). Works on historical models too (the migrations use it).
    """
    content = {
        "created_at": timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_label": entry.target_label,
        "data": entry.data,
    }
    return hashlib.sha256(canonical_json(content)).hexdigest()


def chain_hash(previous: str, seq: int, content: str) -> str:
    """The chain hash of the entry at ``seq``: SHA-256 of ``previous:seq:content``.

    ``previous`` is the chain hash at ``seq - 1`` (``GENESIS`` before the first
    entry), ``content`` the entry's content hash, both hex; hashing their text
    rather than their bytes means a garbled stored value cannot stop the
    sequencer (verification reports it instead).
    """
    return hashlib.sha256(f"{previous}:{seq}:{content}".encode()).hexdigest()
