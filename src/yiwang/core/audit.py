"""The audit log: every state change is appended here, hash-chained.

Each entry's hash covers its content and the previous entry's hash, so an
edited or deleted row breaks the chain (``audit_verify`` finds the first one).
Appending takes a lock on the chain's head so two writers never fork it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from yiwang.core.models import AuditChainHead, AuditEntry
from yiwang.core.serialize import json_safe


def _entry_hash(entry: AuditEntry) -> str:
    payload = json.dumps(
        {
            "created_at": entry.created_at.isoformat(),
            "actor_label": entry.actor_label,
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "target_label": entry.target_label,
            "data": entry.data,
            "prev_hash": entry.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry. Call inside the transaction of the change it records.

    ``actor`` is a user, or ``None`` for the system. Takes a row lock on the
    newest entry (``SELECT … FOR UPDATE``) to serialise appends.
    """
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=str(getattr(actor, "username", "") or "system"),
            action=action,
            target_type=target._meta.label if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:200] if target is not None else "",
            data=json_safe(data or {}),
            prev_hash=head.hash,
        )
        entry.hash = _entry_hash(entry)
        entry.save(force_insert=True)
        head.entry_id, head.hash = entry.id, entry.hash
        head.save(update_fields=["entry_id", "hash"])
        return entry


def _locked_head() -> AuditChainHead:
    """The chain's head row, locked until the transaction ends (created on first use).

    Locking one fixed row serialises appends: locking the newest entry is not
    enough, since under READ COMMITTED a writer that waited on it would still
    link to it after another writer had appended a newer one.
    """
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    latest = AuditEntry.objects.order_by("-id").only("id", "hash").first()
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(
                pk=1, entry_id=latest.id if latest else None, hash=latest.hash if latest else ""
            )
    except IntegrityError:
        pass  # another writer created it first
    return AuditChainHead.objects.select_for_update().get(pk=1)


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    first_broken_id: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify() -> AuditVerification:
    """Walk the chain from the first entry and report the first broken link.

    Also compares the end of the chain with the recorded head, so entries cut
    off the end are found too.
    """
    prev = ""
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return AuditVerification(checked, entry.id, "previous hash does not match")
        if _entry_hash(entry) != entry.hash:
            return AuditVerification(checked, entry.id, "content does not match its hash")
        prev = entry.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.hash != prev:
        return AuditVerification(
            checked, head.entry_id, "the chain ends before its recorded head: entries were removed"
        )
    return AuditVerification(checked, None)
