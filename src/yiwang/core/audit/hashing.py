"""What the audit log hashes: an entry's content, and its link in the chain.

These functions define the log's format. Entries already written are checked
with them for as long as the log is kept, so they never change; a new format
is a new function next to them, chosen by the entry's ``chain_format``
column (:func:`entry_chain_hash`):

- format 1 (entries sealed before it existed): the link covers the previous
  hash, ``seq`` and the content hash;
- format 2 (every entry sealed since): also the entry's ``id`` and
  ``sealed_at``, which the sequencer knows when it computes the link (it
  writes them in the same UPDATE), so no column of a sealed entry is left out.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from yiwang.core.serialize import canonical_json

if TYPE_CHECKING:
    from yiwang.core.models import AuditEntry

#: The chain hash "before" the first entry.
GENESIS = "0" * 64
#: The chain format the sequencer seals with (see the module docstring).
CHAIN_FORMAT = 2
CHAIN_FORMATS = frozenset({1, 2})


def timestamp(moment: datetime) -> str:
    """An instant as the log hashes and signs it: UTC, ISO 8601, to the microsecond."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def content_hash(entry: AuditEntry) -> str:
    """SHA-256 (hex) of the canonical JSON of every content column of ``entry``.

    Covers when, who (``actor_id`` and the label recorded), what, on what and
    the details; not the columns the sequencer fills in (``seq``, ``hash``,
    ``sealed_at``, ``chain_format``) nor the ``id`` the database gives at the
    INSERT, which do not exist yet when it is computed (the chain hash covers
    them: :func:`chain_hash_v2`). Works on historical models too (the migrations
    use it).
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


def chain_hash_v2(previous: str, seq: int, content: str, entry_id: int, sealed_at: datetime) -> str:
    """Format 2: SHA-256 of ``previous:seq:content:id:sealed_at`` (``sealed_at`` as
    :func:`timestamp` writes it), so an edit of the entry's ``id`` or ``sealed_at`` breaks
    the chain there, as an edit of any other column does."""
    text = f"{previous}:{seq}:{content}:{entry_id}:{timestamp(sealed_at)}"
    return hashlib.sha256(text.encode()).hexdigest()


class _Sealed(Protocol):
    pk: int
    seq: int | None
    sealed_at: datetime | None
    chain_format: int | None


def entry_chain_hash(previous: str, entry: _Sealed, content: str) -> str | None:
    """The chain hash of the sealed ``entry`` after ``previous``, in the entry's format, with
    ``content`` its recomputed content hash (a sealed entry without a format is format 1);
    None when its format is unknown (or it lacks what its format covers), which verification
    reports as a broken chain."""
    if entry.seq is None:
        return None
    if entry.chain_format in (None, 1):
        # None: sealed by a sequencer of the previous release still running while the
        # upgrade migrated (it wrote format 1 and knew no format column)
        return chain_hash(previous, entry.seq, content)
    if entry.chain_format == 2 and entry.sealed_at is not None:
        return chain_hash_v2(previous, entry.seq, content, entry.pk, entry.sealed_at)
    return None
