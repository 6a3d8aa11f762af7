"""Existing audit logs enter the new chain (migrations core 0005–0007), and can go back."""

from __future__ import annotations

import importlib
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor

from tests.clock import NOW
from yiwang.core.audit import audit_record, audit_sequence, audit_verify, chain_hash, content_hash
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "0004_audit_chain_head"
rechain = importlib.import_module("yiwang.core.migrations.0006_audit_rechain")


def _migrate(target):
    """Migrate the core app to ``target``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.migrate([("core", target)])
    executor.loader.build_graph()
    return executor.loader.project_state(("core", target)).apps


@pytest.fixture
def old_schema():
    apps = _migrate(OLD)
    yield apps
    with pytest.MonkeyPatch.context() as patch:  # back to the latest, whatever the test left
        patch.setenv("YIWANG_AUDIT_MIGRATE_BROKEN_CHAIN", "accept")
        # Every app's latest: going back in core also unapplied the apps that depend on it.
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes("core")[0][1]


def _old_chain(apps, count, *, break_at=None):
    """``count`` entries chained the old way (prev_hash and hash at append time)."""
    Entry = apps.get_model("core", "AuditEntry")
    Head = apps.get_model("core", "AuditChainHead")
    previous, entries = "", []
    for n in range(count):
        entry = Entry(
            created_at=(NOW + timedelta(minutes=n)).astimezone(UTC),
            actor_label="system",
            action=f"old.step{n}",
            target_type="cases.Case",
            target_id=str(n),
            data={"n": n},
            prev_hash=previous,
        )
        entry.hash = previous = rechain._old_hash(entry)
        if n == break_at:
            entry.data = {"n": "edited"}  # edited after the fact: its hash no longer matches
        entry.save()
        entries.append(entry)
    Head.objects.update_or_create(pk=1, defaults={"entry_id": entries[-1].pk, "hash": previous})
    return entries


def test_existing_entries_are_hashed_and_chained_in_id_order(old_schema):
    old = _old_chain(old_schema, 3)

    apps = _migrate(_latest())

    Entry = apps.get_model("core", "AuditEntry")
    migrated = list(Entry.objects.order_by("seq"))
    assert [(e.pk, e.seq) for e in migrated[:3]] == [(e.pk, n + 1) for n, e in enumerate(old)]
    previous = "0" * 64
    for entry in migrated:
        assert entry.content_hash == content_hash(entry)
        previous = chain_hash(previous, entry.seq, entry.content_hash)
        assert entry.hash == previous
    assert migrated[0].sealed_at == migrated[0].created_at  # the old chain linked at append
    # the re-chaining is itself recorded, sealed, with the old head for old anchors
    record = migrated[3]
    assert (record.seq, record.action) == (4, "audit.rechain")
    assert record.data == {"entries": 3, "old_chain": "intact", "old_head_hash": old[-1].hash}
    head = apps.get_model("core", "AuditChainHead").objects.get(pk=1)
    assert (head.seq, head.hash) == (4, record.hash)
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 4)


def test_a_broken_old_chain_stops_the_migration_unless_accepted(old_schema, monkeypatch):
    old = _old_chain(old_schema, 3, break_at=1)

    with pytest.raises(RuntimeError, match=f"broken at entry id={old[1].pk}"):
        _migrate(_latest())

    monkeypatch.setenv("YIWANG_AUDIT_MIGRATE_BROKEN_CHAIN", "accept")
    apps = _migrate(_latest())
    record = apps.get_model("core", "AuditEntry").objects.get(action="audit.rechain")
    assert record.data["old_chain"] == f"broken at entry id={old[1].pk}"
    # from here on the log is sealed as it was found
    assert audit_verify().ok


def test_entries_cut_off_the_old_chain_stop_the_migration(old_schema):
    old = _old_chain(old_schema, 3)
    old_schema.get_model("core", "AuditEntry").objects.filter(pk=old[-1].pk).delete()

    with pytest.raises(RuntimeError, match="entries cut off its end"):
        _migrate(_latest())


def test_the_migration_goes_back_to_the_old_chain(old_schema):
    _old_chain(old_schema, 3)
    _migrate(_latest())

    apps = _migrate(OLD)

    Entry = apps.get_model("core", "AuditEntry")
    previous = ""
    for entry in Entry.objects.order_by("id"):
        assert (entry.prev_hash, entry.hash) == (previous, rechain._old_hash(entry))
        previous = entry.hash
    assert Entry.objects.count() == 4  # the record of the re-chaining stays, chained too
    assert apps.get_model("core", "AuditChainHead").objects.get(pk=1).hash == previous


def test_going_back_is_refused_once_an_entry_is_sealed_in_format_2(old_schema):
    _old_chain(old_schema, 2)
    _migrate(_latest())
    audit_record(actor=None, action="test.new")
    audit_sequence()
    sealed = list(AuditEntry.objects.order_by("seq").values_list("seq", "hash", "chain_format"))

    with pytest.raises(IrreversibleError, match="sealed in chain format 2"):
        _migrate(OLD)

    assert sealed[-1][2] == 2
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "hash", "chain_format")) == (
        sealed
    )
