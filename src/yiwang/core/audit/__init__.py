"""The audit log: every state change is appended here; tampering is found without
trusting the database (the design of Certificate Transparency and Trillian, adapted;
docs/decisions/0006-audit-log.md).

- **Append** (``audit_record``): INSERT the entry with the SHA-256 of its
  content, in the transaction of the change. No shared row, no lock: no
  audited write waits for another.
- **Sequence** (``audit_sequence``): after the commit, committed entries get
  ``seq`` 1, 2, 3 … and a chain hash over the previous one, in batches under
  a ``SELECT … FOR UPDATE SKIP LOCKED`` on the chain head that only
  sequencers take; at most one batch in the request that committed. The
  scheduler runs it too, uncapped: the safety net, and the catch-up.
- **Checkpoint** (``audit_checkpoint_issue``): the scheduler signs the chain's
  end with Ed25519 every few seconds while it grows; the private key is
  outside the database, each checkpoint goes to the database and to a log
  file outside it, shipped off the host.
- **Verify** (``audit_verify``, ``python -m yiwang verify-audit``): recompute
  every content hash and link, and check the chain against every checkpoint
  with the public keys from configuration.
"""

from yiwang.core.audit.checkpoints import (
    AuditCheckpointRefused,
    AuditUpkeep,
    CheckpointLogError,
    SignedCheckpoint,
    audit_checkpoint_issue,
    audit_signer_check,
    audit_upkeep,
    checkpoint_log_path,
    read_checkpoint_log,
)
from yiwang.core.audit.hashing import chain_hash, content_hash
from yiwang.core.audit.log import (
    AuditDraft,
    AuditStatus,
    audit_record,
    audit_record_many,
    audit_sequence,
    audit_sequence_relay,
    audit_status,
)
from yiwang.core.audit.verify import AuditVerification, audit_verify

__all__ = [
    "AuditCheckpointRefused",
    "AuditDraft",
    "AuditStatus",
    "AuditUpkeep",
    "AuditVerification",
    "CheckpointLogError",
    "SignedCheckpoint",
    "audit_checkpoint_issue",
    "audit_record",
    "audit_record_many",
    "audit_sequence",
    "audit_sequence_relay",
    "audit_signer_check",
    "audit_status",
    "audit_upkeep",
    "audit_verify",
    "chain_hash",
    "checkpoint_log_path",
    "content_hash",
    "read_checkpoint_log",
]
