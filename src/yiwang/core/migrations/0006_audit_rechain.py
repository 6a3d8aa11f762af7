# The existing audit entries enter the new chain: each gets its content hash,
# a seq in id order (the order the old chain linked them in) and its chain hash,
# in batches of 2,000 (keyset pages by id, so a million rows stay cheap in memory).
#
# The old chain is checked on the way, with its own hash: re-hashing a chain that
# was already broken would launder the tampering. A broken old chain stops the
# migration, unless YIWANG_AUDIT_MIGRATE_BROKEN_CHAIN=accept is set (after an
# investigation): either way the result is recorded in a last, sealed entry
# ``audit.rechain`` with the old head hash, so an anchor kept from the old
# ``verify-audit`` can still be matched. Reversible (the old chain is rebuilt).

import hashlib
import json
import os

from django.db import migrations
from django.utils import timezone

from yiwang.core.audit.hashing import GENESIS, chain_hash, content_hash

BATCH = 2000


def _old_hash(entry):
    """The hash of the old chain (yiwang.core.audit before the sequencer), as it was."""
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


def _pages(queryset, key):
    last = None
    while True:
        page = queryset if last is None else queryset.filter(**{f"{key}__gt": last})
        batch = list(page.order_by(key)[:BATCH])
        if not batch:
            return
        yield batch
        last = getattr(batch[-1], key)


def _update(schema_editor, model, columns, rows):
    """UPDATE ``columns`` of ``model`` from ``rows`` (their values, then the id): one
    statement run for each row, much cheaper than bulk_update's CASE on 2,000 rows."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def rechain(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    entries = AuditEntry.objects.using(schema_editor.connection.alias)
    heads = AuditChainHead.objects.using(schema_editor.connection.alias)
    adapt = schema_editor.connection.ops.adapt_datetimefield_value
    seq, previous, old_previous, broken = 0, GENESIS, "", ""
    for batch in _pages(entries.all(), "id"):
        rows = []
        for entry in batch:
            if not broken and (entry.prev_hash != old_previous or _old_hash(entry) != entry.hash):
                broken = f"broken at entry id={entry.pk}"
            old_previous = entry.hash
            seq += 1
            content = content_hash(entry)
            previous = chain_hash(previous, seq, content)
            # The old chain linked each entry as it was appended: sealed when created.
            rows.append((content, seq, previous, adapt(entry.created_at), entry.pk))
        _update(schema_editor, AuditEntry, ["content_hash", "seq", "hash", "sealed_at"], rows)
    old_head = heads.filter(pk=1).first()
    if not broken and old_head is not None and old_head.hash != old_previous:
        broken = f"entries cut off its end (its head was {old_head.hash})"
    if broken and os.environ.get("YIWANG_AUDIT_MIGRATE_BROKEN_CHAIN") != "accept":
        raise RuntimeError(
            f"The audit chain is {broken}: run the previous release's verify-audit and "
            "investigate before re-chaining it. To re-chain it anyway (the finding is recorded "
            "in the log), set YIWANG_AUDIT_MIGRATE_BROKEN_CHAIN=accept and migrate again."
        )
    if seq == 0 and not broken:
        heads.update_or_create(pk=1, defaults={"seq": 0, "hash": ""})
        return
    now = timezone.now()
    record = AuditEntry(
        created_at=now,
        actor_label="system",
        action="audit.rechain",
        data={
            "entries": seq,
            "old_chain": broken or "intact",
            "old_head_hash": old_previous,
        },
    )
    record.content_hash = content_hash(record)
    seq += 1
    previous = chain_hash(previous, seq, record.content_hash)
    record.seq, record.hash, record.sealed_at = seq, previous, now
    record.save(force_insert=True, using=schema_editor.connection.alias)
    heads.update_or_create(pk=1, defaults={"seq": seq, "hash": previous, "sealed_at": now})


def unchain(apps, schema_editor):
    """The old chain again: sealed entries in seq order, then the unsealed ones by id."""
    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    entries = AuditEntry.objects.using(schema_editor.connection.alias)
    previous, last_id = "", None
    for queryset, key in (
        (entries.filter(seq__isnull=False), "seq"),
        (entries.filter(seq__isnull=True), "id"),
    ):
        for batch in _pages(queryset, key):
            rows = []
            for entry in batch:
                entry.prev_hash = previous
                previous = _old_hash(entry)
                rows.append((entry.prev_hash, previous, entry.pk))
                last_id = entry.pk
            _update(schema_editor, AuditEntry, ["prev_hash", "hash"], rows)
    AuditChainHead.objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"entry_id": last_id, "hash": previous}
    )
    entries.update(seq=None, content_hash="", sealed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0005_audit_sequencing'),
    ]

    operations = [
        migrations.RunPython(rechain, unchain, elidable=False),
    ]
