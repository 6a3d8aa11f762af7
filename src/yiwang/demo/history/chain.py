"""What the rows of a chunk carry along: the shared file content and the audit chain,
sealed here as the audit log would seal it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from yiwang.core.audit import content_hash
from yiwang.core.audit.hashing import CHAIN_FORMAT, chain_hash_v2
from yiwang.core.models import AuditEntry
from yiwang.demo.history.bulk import Ids, Loader


class _Content:
    """What ``content_hash`` reads of an entry (its content columns), without a model instance.

    ``data`` must be JSON-safe already (as ``json_safe`` gives it): here ints, text, lists,
    dicts and None only."""

    __slots__ = (
        "action", "actor_id", "actor_label", "created_at", "data", "target_id", "target_label",
        "target_type",
    )  # fmt: skip

    def __init__(self, *values: Any) -> None:
        (self.created_at, self.actor_id, self.actor_label, self.action, self.target_type,
         self.target_id, self.target_label, self.data) = values  # fmt: skip


class _AuditChain:
    """Audit entries loaded sealed, continuing the chain from its head."""

    def __init__(self, loader: Loader, seq: int, previous: str, sealed_at: datetime) -> None:
        self.add = loader.table(
            AuditEntry,
            ["created_at", "actor", "actor_label", "action", "target_type", "target_id",
             "target_label", "data", "content_hash", "seq", "hash", "sealed_at",
             "chain_format"],
        )  # fmt: skip
        self.ids = Ids(AuditEntry, 50_000)
        self.seq, self.previous, self.sealed_at = seq, previous, sealed_at

    def record(
        self,
        at: datetime,
        actor: tuple[int, str] | None,
        action: str,
        target: tuple[str, int, str],
        data: dict[str, Any],
    ) -> None:
        entry = _Content(
            at,
            actor[0] if actor else None,
            actor[1] if actor else "system",
            action,
            target[0],
            str(target[1]),
            target[2][:200],
            data,
        )
        digest = content_hash(entry)  # type: ignore[arg-type]
        self.seq += 1
        pk = self.ids()
        self.previous = chain_hash_v2(self.previous, self.seq, digest, pk, self.sealed_at)
        self.add(
            pk, at, entry.actor_id, entry.actor_label, action, entry.target_type,
            entry.target_id, entry.target_label, json.dumps(entry.data, ensure_ascii=False),
            digest, self.seq, self.previous, self.sealed_at, CHAIN_FORMAT,
        )  # fmt: skip
