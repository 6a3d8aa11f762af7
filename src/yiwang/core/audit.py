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

from django.db import models, transaction
from django.utils import timezone

from yiwang.core.models import AuditEntry


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
        head = AuditEntry.objects.select_for_update().order_by("-id").only("hash").first()
        entry = AuditEntry(
            created_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=str(getattr(actor, "username", "") or "system"),
            action=action,
            target_type=target._meta.label if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_label=str(target)[:200] if target is not None else "",
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head.hash if head else "",
        )
        entry.hash = _entry_hash(entry)
        entry.save(force_insert=True)
        return entry


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    first_broken_id: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify() -> AuditVerification:
    """Walk the chain from the first entry and report the first broken link."""
    prev = ""
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev:
            return AuditVerification(checked, entry.id, "previous hash does not match")
        if _entry_hash(entry) != entry.hash:
            return AuditVerification(checked, entry.id, "content does not match its hash")
        prev = entry.hash
        checked += 1
    return AuditVerification(checked, None)
