"""The audit log: append, sequence, checkpoint, verify (python -m yiwang verify-audit).

Tampering is done the way someone with database access would do it: raw SQL
behind the product's back, and where it helps them, with every hash they can
compute recomputed. What they cannot do is sign.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tests.clock import NOW
from tests.factories import UserFactory
from yiwang.core.audit import (
    AuditCheckpointRefused,
    SignedCheckpoint,
    audit_checkpoint_issue,
    audit_record,
    audit_sequence,
    audit_sequence_relay,
    audit_upkeep,
    audit_verify,
    content_hash,
)
from yiwang.core.audit.hashing import chain_hash_v2, entry_chain_hash
from yiwang.core.audit.keys import key_id, public_key_text
from yiwang.core.models import AuditChainHead, AuditCheckpoint, AuditEntry
from yiwang.core.serialize import canonical_json, json_safe

pytestmark = pytest.mark.django_db

GENESIS = "0" * 64


@pytest.fixture
def users():
    return UserFactory(username="auditor"), UserFactory(username="citizen-a")


@pytest.fixture
def chain(users):
    """Five entries appended the only way the product allows, then sequenced: seq 1–5."""
    actor, target = users
    for n in range(5):
        audit_record(actor=actor, action=f"case.step{n}", target=target, data={"n": n})
    # A test's transaction never commits, so the after-commit sequencer does not run.
    audit_sequence()
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    return list(AuditEntry.objects.order_by("seq"))


@pytest.fixture
def checkpointed(chain):
    """The chain with a signed checkpoint at seq 5 (in the database and the log file)."""
    checkpoint = audit_checkpoint_issue()
    assert checkpoint is not None and checkpoint.seq == 5
    return chain


def _verify(*args):
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _broken(*args):
    with pytest.raises(CommandError) as error:
        _verify(*args)
    assert error.value.returncode == 1
    return str(error.value)


def _raw(sql, params=()):
    """Change the tables behind the product's back, as someone with database access could."""
    tables = {
        "{entries}": AuditEntry._meta.db_table,
        "{checkpoints}": AuditCheckpoint._meta.db_table,
        "{head}": AuditChainHead._meta.db_table,
    }
    for name, table in tables.items():
        sql = sql.replace(name, table)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rehash_everything():
    """What a tamperer with database access does after an edit: recompute every
    content hash and chain hash, and the head, so that the chain is consistent."""
    previous = GENESIS
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq"):
        recomputed = content_hash(entry)
        previous = entry_chain_hash(previous, entry, recomputed)
        _raw(
            "UPDATE {entries} SET content_hash = %s, hash = %s WHERE id = %s",
            [recomputed, previous, entry.pk],
        )
    _raw("UPDATE {head} SET seq = %s, hash = %s", [entry.seq, previous])


def _log_lines():
    return Path(django_settings.YIWANG_AUDIT_CHECKPOINT_LOG).read_text().splitlines()


# --- the format, worked by hand ----------------------------------------------------------------


def test_content_and_chain_hash_are_the_documented_format():
    # given an entry by the system at 10:00 in Jinan (02:00 UTC) with a float detail
    entry = audit_record(actor=None, action="test.format", data={"n": 1, "x": 2.0})

    # then its content hash is SHA-256 of exactly these bytes (keys sorted, no spaces,
    # UTC to the microsecond, the integral float written as an integer)…
    canonical = (
        '{"action":"test.format","actor_id":null,"actor_label":"system",'
        '"created_at":"2026-03-03T02:00:00.000000+00:00","data":{"n":1,"x":2},'
        '"target_id":"","target_label":"","target_type":""}'
    )
    assert entry.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert entry.seq is None and entry.hash == ""
    # …and once sequenced, its chain hash is SHA-256 of "previous:seq:content:id:sealed_at"
    # (format 2), sealed at 10:00 in Jinan too
    audit_sequence()
    entry.refresh_from_db()
    text = f"{GENESIS}:1:{entry.content_hash}:{entry.pk}:2026-03-03T02:00:00.000000+00:00"
    expected = hashlib.sha256(text.encode()).hexdigest()
    assert (entry.seq, entry.hash, entry.sealed_at, entry.chain_format) == (1, expected, NOW, 2)


def test_entries_sealed_in_format_1_still_verify_and_the_chain_goes_on_in_format_2(users):
    """Entries sealed before the chain covered id and sealed_at (format 1: the link is
    SHA-256 of "previous:seq:content") verify as they are, and the chain continues."""
    # given two entries sealed as the earlier sequencer did
    old = [audit_record(actor=users[0], action="test.old", data={"n": n}) for n in range(2)]
    previous = GENESIS
    for seq, entry in enumerate(old, start=1):
        previous = hashlib.sha256(f"{previous}:{seq}:{entry.content_hash}".encode()).hexdigest()
        _raw(
            "UPDATE {entries} SET seq = %s, hash = %s, sealed_at = %s, chain_format = 1 "
            "WHERE id = %s",
            [seq, previous, NOW, entry.pk],
        )
    _raw("UPDATE {head} SET seq = 2, hash = %s", [previous])
    assert audit_verify().ok

    # when a new entry is sealed
    new = audit_record(actor=users[0], action="test.new")
    audit_sequence()

    # then it is format 2, linked to the format-1 end, and the whole chain verifies
    new.refresh_from_db()
    assert (new.seq, new.chain_format) == (3, 2)
    assert new.hash == chain_hash_v2(previous, 3, new.content_hash, new.pk, NOW)
    result = audit_verify()
    assert (result.ok, result.checked) == (True, 3)
    assert audit_checkpoint_issue().seq == 3  # the signer recomputes across both formats


def test_canonical_json_writes_integral_floats_as_the_database_gives_them_back():
    assert canonical_json({"b": [1.0, 0.5, 1e20], "a": "济南"}) == (
        '{"a":"济南","b":[1,0.5,100000000000000000000]}'.encode()
    )


def test_floats_in_the_details_hash_the_same_after_the_round_trip(users):
    # PostgreSQL's jsonb gives 1e20 back as an integer; the hash must not change
    audit_record(actor=users[0], action="test.floats", data={"big": 1e20, "one": 1.0, "x": 0.1})
    audit_sequence()

    assert audit_verify().ok


FLOATS = {
    "big": 1e23,  # the float is 99999999999999991611392; its text "1e+23" names 10²³
    "huge": -(2.0**60),
    "limit": 2.0**53,
    "nan": float("nan"),
    "inf": float("inf"),
    "nested": [{"x": 1e300}, (1.5, 2.0)],
    "fine": [2.0**53 - 1, 0.1, 1e-7],
}
#: Hand-worked: from 2⁵³ on, and NaN and infinities, the float's str(); the rest unchanged.
FLOATS_STORED = {
    "big": "1e+23",
    "huge": "-1.152921504606847e+18",
    "limit": "9007199254740992.0",
    "nan": "nan",
    "inf": "inf",
    "nested": [{"x": "1e+300"}, [1.5, 2.0]],
    "fine": [9007199254740991.0, 0.1, 1e-7],
}


def test_json_safe_stores_the_floats_json_cannot_carry_back_as_text():
    assert json_safe(FLOATS) == FLOATS_STORED


def _floats_round_trip(users):
    # given an entry whose details have floats that JSON (or jsonb) would not give back
    entry = audit_record(actor=users[0], action="test.floats", data=FLOATS)
    audit_sequence()

    # then they are stored as text, the entry read back hashes as it did, the log verifies
    # and the signer signs it
    entry.refresh_from_db()
    assert entry.data == FLOATS_STORED
    assert content_hash(entry) == entry.content_hash
    assert audit_verify().ok
    assert audit_checkpoint_issue().seq == 1
    assert audit_verify().checkpoints_checked == 1


def test_floats_json_cannot_carry_back_are_text_and_the_log_verifies(users):
    _floats_round_trip(users)


@pytest.mark.postgres
def test_floats_jsonb_would_change_are_text_and_the_log_verifies_on_postgresql(users):
    # jsonb keeps a number as the exact decimal its text names: 1e23 came back as 10²³
    _floats_round_trip(users)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT data ->> 'big', jsonb_typeof(data -> 'big') "  # noqa: S608 - the model's table
            f"FROM {AuditEntry._meta.db_table}"
        )
        assert cursor.fetchone() == ("1e+23", "string")


# --- appending and sequencing ------------------------------------------------------------------


def test_an_append_is_only_an_insert_and_the_sequencer_orders_committed_entries(users):
    first = audit_record(actor=users[0], action="test.a")
    second = audit_record(actor=None, action="test.b", target=users[1])

    # appended without a place in the chain, and the head untouched
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 2
    assert AuditChainHead.objects.get(pk=1).seq == 0
    assert (second.actor_id, second.actor_label) == (None, "system")
    assert (second.target_type, second.target_id) == ("identity.User", str(users[1].pk))

    assert audit_sequence() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seq, second.seq) == (1, 2)
    assert first.hash == chain_hash_v2(GENESIS, 1, first.content_hash, first.pk, NOW)
    assert second.hash == chain_hash_v2(first.hash, 2, second.content_hash, second.pk, NOW)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash, head.sealed_at) == (2, second.hash, NOW)


def test_the_sequencer_works_in_batches_in_id_order_and_is_idempotent():
    ids = [audit_record(actor=None, action="test.batch", data={"n": n}).pk for n in range(5)]

    assert audit_sequence(batch_size=2) == 5
    assert list(AuditEntry.objects.order_by("seq").values_list("id", flat=True)) == ids
    snapshot = list(AuditEntry.objects.order_by("seq").values_list("seq", "hash", "sealed_at"))

    # running it again seals nothing and changes nothing
    assert audit_sequence() == 0
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "hash", "sealed_at")) == (
        snapshot
    )


def test_max_batches_bounds_one_call_and_the_next_call_continues():
    for n in range(5):
        audit_record(actor=None, action="test.batch", data={"n": n})

    assert audit_sequence(batch_size=2, max_batches=1) == 2
    assert audit_sequence(batch_size=2, max_batches=1) == 2
    assert audit_sequence() == 1
    assert audit_verify().ok


def test_the_sequencer_after_a_commit_seals_one_batch_and_the_scheduler_the_rest(
    django_capture_on_commit_callbacks,
):
    # given a backlog of 2,500 committed entries that no sequencer has sealed yet
    backlog = [
        AuditEntry(created_at=NOW, actor_label="system", action="test.backlog", data={"n": n})
        for n in range(2500)
    ]
    for entry in backlog:
        entry.content_hash = content_hash(entry)
    AuditEntry.objects.bulk_create(backlog)

    # when a request appends one more and commits: its sequencer runs after the commit
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        audit_record(actor=None, action="test.request")
    assert len(callbacks) == 1

    # then the request sealed one batch, the oldest 1,000, and no more
    assert AuditEntry.objects.filter(seq__isnull=False).count() == 1000
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 1501
    # and the scheduler's round seals the rest
    assert audit_upkeep().sealed == 1501
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_a_process_runs_the_sequencer_after_a_commit_at_most_once_per_interval(
    settings, monkeypatch
):
    from yiwang.core.audit import log

    # given a process whose last sequencer run after a commit is long past, and an
    # interval of a minute between two such runs
    settings.YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS = 60_000
    monkeypatch.setitem(log._after_commit, "last", float("-inf"))

    # when two requests commit one after the other
    for action in ("test.first", "test.second"):
        with transaction.atomic():
            audit_record(actor=None, action=action)

    # then the first commit sealed its entry; the second did not run the sequencer again
    assert list(AuditEntry.objects.order_by("id").values_list("action", "seq")) == [
        ("test.first", 1),
        ("test.second", None),
    ]
    # and the scheduler's relay, at its next wake-up, seals what was left
    assert audit_sequence_relay() == (1, "1 audit entry(ies) sequenced")
    assert list(AuditEntry.objects.order_by("id").values_list("seq", flat=True)) == [1, 2]
    assert audit_verify().ok
    # with nothing left, the relay only looks
    assert audit_sequence_relay() == (0, "")


@pytest.mark.django_db(transaction=True)
def test_with_no_interval_every_commit_runs_the_sequencer(settings):
    settings.YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS = 0

    for action in ("test.first", "test.second", "test.third"):
        with transaction.atomic():
            audit_record(actor=None, action=action)

    assert list(AuditEntry.objects.order_by("id").values_list("seq", flat=True)) == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_the_entries_of_a_transaction_are_sealed_after_its_commit():
    # given two entries appended in one transaction
    with transaction.atomic():
        audit_record(actor=None, action="test.one")
        audit_record(actor=None, action="test.two")
        # one sequencer run is due after the commit, not one per entry
        assert len(connection.run_on_commit) == 1
        assert AuditEntry.objects.filter(seq__isnull=False).count() == 0

    # then the commit sealed both
    assert list(AuditEntry.objects.order_by("id").values_list("seq", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_append_leaves_nothing_to_seal():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError

    audit_record(actor=None, action="test.kept")  # outside a transaction: sealed at once

    assert list(AuditEntry.objects.values_list("action", "seq")) == [("test.kept", 1)]


def test_a_user_who_acted_cannot_be_deleted(users):
    from django.db.models import ProtectedError

    audit_record(actor=users[0], action="test.protect")

    with pytest.raises(ProtectedError):
        users[0].delete()


# --- verification: the intact log ---------------------------------------------------------------


def test_an_intact_log_is_ok(checkpointed):
    output = _verify()

    assert output.startswith("Audit log OK: 5 entries checked")
    assert f"head seq=5 hash={checkpointed[-1].hash}" in output
    assert "2 checkpoint(s) verified (in the database, " in output
    assert "the newest at seq 5, issued 2026-03-03T02:00:00.000000+00:00" in output
    assert "0 entries not yet checkpointed" in output
    assert "0 pending sequencing" in output


def test_an_empty_log_is_ok():
    output = _verify()

    assert output.startswith("Audit log OK: 0 entries checked")
    assert "No checkpoint yet" in output


def _unprotected(*args):
    with pytest.raises(CommandError) as error:
        _verify(*args)
    assert error.value.returncode == 3
    return str(error.value)


def test_entries_left_without_a_checkpoint_too_long_fail_with_exit_code_3(checkpointed, clock):
    # Given: two entries sealed at 10:00:00 after the checkpoint, and no checkpoint since
    audit_record(actor=None, action="test.six")
    audit_record(actor=None, action="test.seven")
    audit_sequence()

    # When / then: at 10:00:50 (ten periods of 5 s) the log is still OK …
    clock.shift(timedelta(seconds=50))
    assert _verify().startswith("Audit log OK: 7 entries checked")

    # … a second later the signer has been silent too long: a distinct failure
    clock.shift(timedelta(seconds=1))
    message = _unprotected()
    assert message.startswith("Audit log NOT PROTECTED: intact, but 2 sealed entries have no")
    assert "the oldest sealed 51 s ago (at 2026-03-03T10:00:00+08:00)" in message

    # and a longer allowance, given, passes again
    assert _verify("--checkpoint-max-age", "3600").startswith("Audit log OK")
    # until a checkpoint covers them, which clears it whatever their age
    clock.shift(timedelta(hours=2))
    assert "the oldest sealed 2.0 h ago" in _unprotected("--checkpoint-max-age", "3600")
    audit_checkpoint_issue()
    assert _verify().startswith("Audit log OK: 7 entries checked")


def test_a_log_never_checkpointed_fails_once_its_entries_are_old(chain, clock):
    clock.shift(timedelta(minutes=10))

    message = _unprotected()

    assert "5 sealed entries have no checkpoint, the oldest sealed 10 min ago" in message


def test_entries_after_the_last_checkpoint_and_unsequenced_ones_are_reported(checkpointed):
    audit_record(actor=None, action="test.six")
    audit_record(actor=None, action="test.seven")
    audit_sequence()
    audit_record(actor=None, action="test.eight")  # not sequenced yet

    output = _verify()

    assert output.startswith("Audit log OK: 7 entries checked")
    assert "2 entries not yet checkpointed" in output
    assert "1 pending sequencing" in output


def test_many_entries_stream_through_batches_checkpoints_and_progress(monkeypatch):
    # given 2,500 entries sealed in three batches, with checkpoints at seq 1,000 and 2,500
    monkeypatch.setattr("yiwang.core.audit.verify.PROGRESS_EVERY", 1000)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            created_at=NOW,
            actor_label="system",
            action="test.bulk",
            data={"n": n},
            content_hash=content_hash(
                AuditEntry(created_at=NOW, actor_label="system", action="test.bulk", data={"n": n})
            ),
        )
        for n in range(2500)
    )
    assert audit_sequence(batch_size=1000, max_batches=1) == 1000
    assert audit_checkpoint_issue().seq == 1000
    # the signer runs the sequencer after it (sequencers skipped while it held the head)
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert audit_checkpoint_issue().seq == 2500
    seen = []

    # when verified
    result = audit_verify(
        checkpoint_logs=[Path(django_settings.YIWANG_AUDIT_CHECKPOINT_LOG)],
        progress=lambda checked, total: seen.append((checked, total)),
    )

    # then every entry and both checkpoints (database and file) were checked
    assert result.ok, result
    assert (result.checked, result.checkpoints_checked) == (2500, 4)
    assert result.newest_checkpoint.seq == 2500
    assert seen == [(1000, 2500), (2000, 2500)]


def test_progress_is_shown_on_a_terminal_only(chain, monkeypatch):
    monkeypatch.setattr("yiwang.core.audit.verify.PROGRESS_EVERY", 2)

    class Terminal(StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), StringIO()
    call_command("verify_audit", stdout=StringIO(), stderr=terminal)
    call_command("verify_audit", stdout=StringIO(), stderr=pipe)

    assert "\r4 / 5 entries" in terminal.getvalue()
    assert "/ 5 entries" not in pipe.getvalue()


# --- verification: tampering ------------------------------------------------------------------

EDITS = {
    "created_at": datetime(2026, 3, 3, 1, 0, tzinfo=UTC),
    "actor_id": "other user",
    "actor_label": "someone else",
    "action": "case.approve",
    "target_type": "cases.Case",
    "target_id": "999",
    "target_label": "another case",
    "data": '{"n": 99}',
}


#: Columns the sequencer writes when it seals (format 2 covers them in the chain hash; the
#: content hash is computed at the INSERT, before they exist). ``seq`` and ``hash`` have
#: tests of their own (a gap, a rewritten hash).
SEAL_EDITS = {
    "id": "new id",
    "sealed_at": datetime(2026, 3, 3, 2, 0, 1, tzinfo=UTC),
    "chain_format": 1,
}


def test_an_entry_sealed_without_a_format_by_the_previous_release_verifies_as_format_1(users):
    """A scheduler of the previous release still running while the upgrade migrated seals in
    format 1 and writes no format: the chain verifies (and goes on); a format-2 entry whose
    format is cleared does not."""
    old = audit_record(actor=users[0], action="test.old")
    previous = hashlib.sha256(f"{GENESIS}:1:{old.content_hash}".encode()).hexdigest()
    _raw(
        "UPDATE {entries} SET seq = 1, hash = %s, sealed_at = %s, chain_format = NULL "
        "WHERE id = %s",
        [previous, NOW, old.pk],
    )
    _raw("UPDATE {head} SET seq = 1, hash = %s", [previous])
    assert audit_verify().ok

    new = audit_record(actor=users[0], action="test.new")
    audit_sequence()
    assert audit_verify().ok
    _raw("UPDATE {entries} SET chain_format = NULL WHERE id = %s", [new.pk])

    result = audit_verify()
    assert (result.ok, result.broken_seq, result.first_broken_id) == (False, 2, new.pk)


@pytest.mark.parametrize("column", sorted(EDITS) + sorted(SEAL_EDITS))
def test_an_edit_of_any_column_is_found_with_the_entry_and_exit_code_1(chain, users, column):
    value = {**EDITS, **SEAL_EDITS}[column]
    value = {"other user": users[1].pk, "new id": chain[-1].pk + 100}.get(value, value)
    _raw(f"UPDATE {{entries}} SET {column} = %s WHERE id = %s", [value, chain[2].pk])  # noqa: S608

    message = _broken()

    entry_id = value if column == "id" else chain[2].pk
    assert f"BROKEN at seq=3 (entry id={entry_id})" in message
    if column in SEAL_EDITS:
        assert "its chain hash does not match the chain recomputed up to it" in message
        assert "its id, seal time or chain format was edited" in message
    else:
        assert "its content does not match its content hash (the row was edited)" in message
    assert "2 entries before it are intact" in message


def test_an_edit_with_its_content_hash_recomputed_breaks_the_chain_there(chain):
    tampered = AuditEntry.objects.get(pk=chain[1].pk)
    tampered.data = {"n": 99}
    _raw(
        "UPDATE {entries} SET data = %s, content_hash = %s WHERE id = %s",
        ['{"n": 99}', content_hash(tampered), chain[1].pk],
    )

    result = audit_verify()

    assert (result.reason, result.broken_seq, result.first_broken_id) == ("chain", 2, chain[1].pk)


def test_a_consistently_recomputed_chain_is_found_by_the_checkpoint(checkpointed):
    # given the first entry rewritten, and every hash after it recomputed (the head too)
    _raw("UPDATE {entries} SET actor_label = %s WHERE id = %s", ["nobody", checkpointed[0].pk])
    _rehash_everything()

    # then the chain is consistent in itself, but not with what was signed at seq 5
    message = _broken()

    assert f"BROKEN at seq=5 (entry id={checkpointed[4].pk})" in message
    assert "does not match the checkpoint issued 2026-03-03T02:00:00.000000+00:00" in message
    assert "rewritten after seq 0" in message
    assert "4 entries before it are consistent with each other, but not with that checkpoint" in (
        message
    )


def test_the_checkpoints_narrow_down_where_a_rewrite_happened(checkpointed, clock):
    for n in range(3):
        audit_record(actor=None, action="test.more", data={"n": n})
    audit_sequence()
    clock.shift(timedelta(seconds=5))
    audit_checkpoint_issue()  # at seq 8
    _raw("UPDATE {entries} SET data = %s WHERE seq = 7", ['{"n": 7}'])
    _rehash_everything()

    result = audit_verify()

    assert (result.reason, result.broken_seq) == ("checkpoint", 8)
    assert "rewritten after seq 5" in result.detail


def test_a_deleted_entry_is_found(chain):
    _raw("DELETE FROM {entries} WHERE id = %s", [chain[2].pk])

    message = _broken()

    assert f"BROKEN at seq=4 (entry id={chain[3].pk})" in message
    assert "the entries at seq 3 are missing (removed)" in message


def test_a_deleted_first_entry_is_found(chain):
    _raw("DELETE FROM {entries} WHERE id = %s", [chain[0].pk])

    result = audit_verify()

    assert (result.reason, result.first_broken_id) == ("gap", chain[1].pk)


def test_an_inserted_entry_is_found(chain):
    # given a forged entry put in at seq 3 (the later ones moved up one), with a correct
    # content hash and the chain hash it would have had
    _raw("UPDATE {entries} SET seq = -seq WHERE seq >= 3")
    _raw("UPDATE {entries} SET seq = 1 - seq WHERE seq < 0")
    forged = AuditEntry(created_at=NOW, actor_label="auditor", action="case.approve", data={})
    forged.content_hash = content_hash(forged)
    forged.seq, forged.sealed_at, forged.chain_format = 3, NOW, 2
    forged.save(force_insert=True)
    forged.hash = chain_hash_v2(chain[1].hash, 3, forged.content_hash, forged.pk, NOW)
    forged.save(update_fields=["hash"])

    # then the entry after it no longer links
    result = audit_verify()

    assert (result.reason, result.broken_seq, result.first_broken_id) == ("chain", 4, chain[2].pk)


def test_reordered_entries_are_found(chain):
    _raw("UPDATE {entries} SET seq = -2 WHERE id = %s", [chain[1].pk])
    _raw("UPDATE {entries} SET seq = 2 WHERE id = %s", [chain[2].pk])
    _raw("UPDATE {entries} SET seq = 3 WHERE id = %s", [chain[1].pk])

    result = audit_verify()

    assert (result.reason, result.broken_seq, result.first_broken_id) == ("chain", 2, chain[2].pk)


def test_newest_entries_deleted_are_found_by_the_database_checkpoint(checkpointed):
    # given the last two entries deleted, and the head moved back to hide it
    _raw("DELETE FROM {entries} WHERE seq > 3")
    _raw("UPDATE {head} SET seq = 3, hash = %s", [checkpointed[2].hash])

    message = _broken()

    assert "the chain ends at seq 3, but the checkpoint issued" in message
    assert "covers seq 5: entries were removed from its end" in message


def test_newest_entries_deleted_with_their_checkpoints_are_found_by_the_external_log(
    checkpointed, tmp_path
):
    # given the last two entries deleted, the database's checkpoints too, and the head moved
    _raw("DELETE FROM {entries} WHERE seq > 3")
    _raw("DELETE FROM {checkpoints}")
    _raw("UPDATE {head} SET seq = 3, hash = %s", [checkpointed[2].hash])
    shipped = tmp_path / "shipped.jsonl"
    shipped.write_text(Path(django_settings.YIWANG_AUDIT_CHECKPOINT_LOG).read_text())

    # then the database alone no longer tells…
    Path(django_settings.YIWANG_AUDIT_CHECKPOINT_LOG).rename(tmp_path / "moved-away.jsonl")
    assert _verify().startswith("Audit log OK: 3 entries checked")
    # …but the checkpoint log shipped off the host does
    message = _broken("--checkpoints", str(shipped))

    assert f"({shipped} line 1) covers seq 5: entries were removed from its end" in message


def test_the_configured_checkpoint_log_is_checked_by_default(checkpointed):
    _raw("DELETE FROM {entries} WHERE seq > 3")
    _raw("DELETE FROM {checkpoints}")
    _raw("UPDATE {head} SET seq = 3, hash = %s", [checkpointed[2].hash])

    message = _broken()

    assert f"{django_settings.YIWANG_AUDIT_CHECKPOINT_LOG} line 1" in message


def test_entries_cut_off_the_end_are_told_by_the_head_row_when_nothing_else_is(chain):
    _raw("DELETE FROM {entries} WHERE seq = 5")

    message = _broken()

    assert "the chain ends at seq 4, but its head row says seq 5" in message


def test_an_altered_checkpoint_is_found(checkpointed):
    # given the database's checkpoint moved to a rewritten chain's hash, signature kept
    _raw("UPDATE {entries} SET action = %s WHERE seq = 2", ["case.approve"])
    _rehash_everything()
    _raw("UPDATE {checkpoints} SET hash = %s", [AuditEntry.objects.get(seq=5).hash])

    message = _broken("--checkpoints", os.devnull)

    assert "the checkpoint at seq 5 in the database has a signature that does not verify" in (
        message
    )


def test_a_checkpoint_signed_with_another_key_is_found(checkpointed):
    # given a rewritten chain, and a checkpoint of it signed with the tamperer's own key
    _raw("UPDATE {entries} SET action = %s WHERE seq = 2", ["case.approve"])
    _rehash_everything()
    _raw("DELETE FROM {checkpoints}")
    forger = Ed25519PrivateKey.generate()
    forged = SignedCheckpoint(
        seq=5,
        hash=AuditEntry.objects.get(seq=5).hash,
        issued_at="2026-03-03T02:00:00.000000+00:00",
        key_id=key_id(forger.public_key()),
        signature="",
    )
    signature = base64.b64encode(forger.sign(forged.statement())).decode()
    AuditCheckpoint.objects.create(
        seq=5, hash=forged.hash, issued_at=NOW, key_id=forged.key_id, signature=signature
    )

    message = _broken("--checkpoints", os.devnull)

    assert f"is signed by key '{forged.key_id}', which is not among the configured" in message


def test_a_forged_line_in_the_checkpoint_log_is_found(checkpointed, tmp_path):
    line = json.loads(_log_lines()[0])
    line["seq"] = 3  # claims an older point of the chain with the newest hash
    forged = tmp_path / "forged.jsonl"
    forged.write_text(json.dumps(line) + "\n")

    message = _broken("--checkpoints", str(forged))

    assert f"the checkpoint at seq 3 in {forged} line 1 has a signature that does not verify" in (
        message
    )


def test_a_line_of_the_log_that_is_not_a_checkpoint_is_found(checkpointed, tmp_path):
    garbled = tmp_path / "garbled.jsonl"
    garbled.write_text(_log_lines()[0] + "\n{not json\n")

    message = _broken("--checkpoints", str(garbled))

    assert f"{garbled} line 2 is not a checkpoint" in message


def test_an_interrupted_write_to_the_log_is_skipped_and_the_next_line_starts_anew(
    checkpointed, clock
):
    # given a checkpoint line cut short (the disk filled up while it was written)
    log = Path(django_settings.YIWANG_AUDIT_CHECKPOINT_LOG)
    with log.open("ab") as file:
        file.write(b'{"hash":"ab')
    # then it is not a checkpoint (yet): the log verifies…
    assert _verify().startswith("Audit log OK")
    # …and the signer builds on the last complete line, on a line of its own
    audit_record(actor=None, action="test.six")
    audit_sequence()
    clock.shift(timedelta(seconds=5))
    assert audit_checkpoint_issue().seq == 6
    lines = log.read_text().splitlines()
    assert (lines[1], json.loads(lines[2])["seq"]) == ('{"hash":"ab', 6)
    # and the fragment, now inside the log, is reported
    assert f"{log} line 2 is not a checkpoint" in _broken()


def test_a_log_out_of_order_is_found(checkpointed, tmp_path, clock):
    audit_record(actor=None, action="test.six")
    audit_sequence()
    clock.shift(timedelta(seconds=5))
    audit_checkpoint_issue()
    swapped = tmp_path / "swapped.jsonl"
    swapped.write_text("\n".join(reversed(_log_lines())) + "\n")

    message = _broken("--checkpoints", str(swapped))

    assert "line 2: seq 5 after seq 6" in message


def test_the_anchor_of_an_earlier_run_still_works(checkpointed):
    assert _verify("--anchor", checkpointed[3].hash).startswith("Audit log OK")

    message = _broken("--anchor", "f" * 64)

    assert "no longer passes through the anchor" in message


def test_checkpoints_need_a_public_key_from_configuration(checkpointed, settings):
    # production never falls back to the key file: without public keys, exit status 2
    settings.YIWANG_ENV = "production"

    with pytest.raises(CommandError) as error:
        _verify()

    assert error.value.returncode == 2
    assert "YIWANG_AUDIT_PUBLIC_KEYS" in str(error.value)


def test_the_configured_public_keys_are_used(checkpointed, settings):
    # a configured list without the signing key's public key: its checkpoints do not verify
    settings.YIWANG_AUDIT_PUBLIC_KEYS = [public_key_text(Ed25519PrivateKey.generate().public_key())]

    assert "which is not among the configured public keys" in _broken()


# --- checkpoints ------------------------------------------------------------------------------


def test_a_checkpoint_is_signed_stored_and_logged_only_when_the_chain_grew(chain, clock, settings):
    first = audit_checkpoint_issue()
    assert first is not None
    # nothing to sign when nothing was sealed since
    clock.shift(timedelta(seconds=5))
    assert audit_checkpoint_issue() is None
    audit_record(actor=None, action="test.six")
    audit_sequence()
    second = audit_checkpoint_issue()

    assert (first.seq, second.seq) == (5, 6)
    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [5, 6]
    lines = [json.loads(line) for line in _log_lines()]
    assert lines == [
        {
            "seq": checkpoint.seq,
            "hash": checkpoint.hash,
            "issued_at": checkpoint.issued_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "key_id": checkpoint.key_id,
            "signature": checkpoint.signature,
        }
        for checkpoint in (first, second)
    ]
    assert lines[1]["issued_at"] == "2026-03-03T02:00:05.000000+00:00"
    # and it verifies with the public key that audit_key prints
    out = StringIO()
    call_command("audit_key", stdout=out)
    printed = dict(line.split(": ", 1) for line in out.getvalue().strip().splitlines())
    assert printed["key id"].strip() == first.key_id
    settings.YIWANG_AUDIT_PUBLIC_KEYS = [printed["public key"].strip()]
    assert audit_verify().checkpoints_checked == 2


def test_the_signing_key_is_generated_once_outside_production(chain):
    key_file = Path(django_settings.YIWANG_AUDIT_SIGNING_KEY_FILE)
    assert not key_file.exists()

    audit_checkpoint_issue()

    assert key_file.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert key_file.stat().st_mode & 0o777 == 0o600
    before = key_file.read_bytes()
    audit_record(actor=None, action="test.six")
    audit_checkpoint_issue()
    assert key_file.read_bytes() == before


def test_production_never_generates_a_signing_key(chain, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.YIWANG_ENV = "production"

    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        audit_checkpoint_issue()

    assert not Path(settings.YIWANG_AUDIT_SIGNING_KEY_FILE).exists()
    assert not AuditCheckpoint.objects.exists()


def test_the_signer_refuses_to_sign_a_rewritten_chain(checkpointed):
    # given the chain rewritten and its database checkpoints deleted: only the log remembers
    _raw("UPDATE {entries} SET target_label = %s WHERE seq = 1", ["someone else"])
    _rehash_everything()
    _raw("DELETE FROM {checkpoints}")
    audit_record(actor=None, action="test.six")
    audit_sequence()

    with pytest.raises(AuditCheckpointRefused, match="does not extend the checkpoint at seq 5"):
        audit_checkpoint_issue()

    assert not AuditCheckpoint.objects.exists()
    assert len(_log_lines()) == 1
    # the log keeps growing while the alarm is raised
    audit_record(actor=None, action="test.seven")
    audit_sequence()
    assert AuditEntry.objects.filter(seq=7).exists()


def test_the_signer_refuses_when_entries_were_removed_after_its_checkpoint(checkpointed):
    _raw("DELETE FROM {entries} WHERE seq > 3")
    _raw("UPDATE {head} SET seq = 3, hash = %s", [checkpointed[2].hash])

    with pytest.raises(AuditCheckpointRefused, match="the chain ends at seq 3, before the"):
        audit_checkpoint_issue()


def test_the_signer_refuses_to_build_on_a_forged_checkpoint(checkpointed):
    _raw("UPDATE {checkpoints} SET hash = %s", ["0" * 64])
    audit_record(actor=None, action="test.six")

    with pytest.raises(AuditCheckpointRefused, match="signature that does not verify"):
        audit_checkpoint_issue()


# --- the scheduler signs --------------------------------------------------------------------


def test_the_scheduler_seals_and_signs_each_round(chain):
    audit_record(actor=None, action="test.six")
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    # the relay sealed the entry at the wake-up, then the audit round found nothing left
    # to seal and signed the chain's end
    lines = out.getvalue().splitlines()
    assert "1 audit entry(ies) sequenced" in lines
    assert "0 audit entry(ies) sequenced, checkpoint at seq 6" in lines
    assert AuditCheckpoint.objects.get().seq == 6


def test_the_scheduler_wakes_for_checkpoints_between_its_rounds(
    chain, monkeypatch, clock, settings
):
    # given a scheduler whose other upkeep runs hourly and checkpoints every 5 s
    from yiwang.core.management.commands import run_scheduler

    settings.YIWANG_AUDIT_CHECKPOINT_SECONDS = 5
    settings.YIWANG_OUTBOX_RELAY_SECONDS = 5
    rounds, naps = [], []
    monkeypatch.setattr(run_scheduler.Command, "_round", lambda self, *a: rounds.append(a) or [])

    class Stop(Exception):
        pass

    monotonic = [1000.0]  # the scheduler's timer, moved by its naps only

    def nap(seconds):
        naps.append(seconds)
        if len(naps) == 3:
            raise Stop
        monotonic[0] += seconds
        clock.shift(timedelta(seconds=seconds))
        audit_record(actor=None, action="test.between", data={"n": len(naps)})

    monkeypatch.setattr(run_scheduler.time, "sleep", nap)
    monkeypatch.setattr(run_scheduler.time, "monotonic", lambda: monotonic[0])

    with pytest.raises(Stop):
        call_command("run_scheduler", "--interval", "3600", stdout=StringIO())

    # then the other upkeep ran once, and a checkpoint was signed at every wake
    assert len(rounds) == 1
    assert all(0 < seconds <= 5 for seconds in naps)
    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [5, 6, 7]


def test_the_scheduler_logs_a_refusal_and_goes_on(checkpointed, caplog):
    _raw("UPDATE {entries} SET action = %s WHERE seq = 1", ["case.approve"])
    _rehash_everything()
    _raw("DELETE FROM {checkpoints}")
    audit_record(actor=None, action="test.six")
    out = StringIO()

    # (--once exits with an error naming what failed, for the cron job that runs it)
    with pytest.raises(CommandError, match="audit_upkeep"):
        call_command("run_scheduler", "--once", stdout=out)

    assert "Audit log: no checkpoint signed: the chain does not extend" in caplog.text
    assert "case(s) updated" in out.getvalue()


def test_the_scheduler_refuses_to_start_without_its_signing_key(settings):
    settings.YIWANG_ENV = "production"
    settings.YIWANG_AUDIT_SIGNING_KEY_FILE = ""

    with pytest.raises(CommandError, match="YIWANG_AUDIT_SIGNING_KEY_FILE is not set"):
        call_command("run_scheduler", "--once", stdout=StringIO())


def test_the_scheduler_refuses_a_key_missing_from_the_public_keys(settings):
    settings.YIWANG_AUDIT_PUBLIC_KEYS = [public_key_text(Ed25519PrivateKey.generate().public_key())]

    with pytest.raises(CommandError, match="is not among YIWANG_AUDIT_PUBLIC_KEYS"):
        call_command("run_scheduler", "--once", stdout=StringIO())


# --- the admin ----------------------------------------------------------------------------------


def test_the_admin_shows_how_the_log_is_doing(checkpointed, client, clock):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    audit_record(actor=None, action="test.waiting")

    page = client.get("/admin/core/auditentry/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'id="audit-status"' in page
    assert "seq 5" in page
    assert "median 0.0 s, longest 0.0 s, over the newest 5 sealed entries" in page
    assert "seq 5, issued" in page
    zh = client.get("/admin/core/auditentry/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "审计日志运行状况" in zh


# --- the operator's command line ----------------------------------------------------------------


@pytest.mark.postgres  # the in-memory SQLite test database is not visible to another process
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_python_m_yiwang_verify_audit(chain, tmp_path):
    """The operator's command line, in a real process against the same database."""
    audit_checkpoint_issue()
    env = {
        **os.environ,
        "YIWANG_ENV": "test",
        "PYTHONPATH": "src",
        "YIWANG_AUDIT_SIGNING_KEY_FILE": django_settings.YIWANG_AUDIT_SIGNING_KEY_FILE,
        "YIWANG_AUDIT_CHECKPOINT_LOG": django_settings.YIWANG_AUDIT_CHECKPOINT_LOG,
    }
    env.pop("YIWANG_AUDIT_PUBLIC_KEYS", None)
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    )

    ok = subprocess.run(
        [sys.executable, "-m", "yiwang", "verify-audit"], env=env, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "Audit log OK: 5 entries checked" in ok.stdout
    assert "2 checkpoint(s) verified" in ok.stdout

    _raw("UPDATE {entries} SET target_label = %s WHERE id = %s", ["someone else", chain[0].pk])
    broken = subprocess.run(
        [sys.executable, "-m", "yiwang", "verify-audit"], env=env, capture_output=True, text=True
    )
    assert broken.returncode == 1
    assert f"BROKEN at seq=1 (entry id={chain[0].pk})" in broken.stderr


def test_verify_audit_dashed_name_in_process(chain, monkeypatch, capsys):
    """``python -m yiwang verify-audit`` maps to the command, with its exit status."""
    from yiwang.__main__ import main

    monkeypatch.setattr(sys, "argv", ["yiwang", "verify-audit"])
    # A command closes the connections when it ends; keep the test's transaction open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    main()
    assert "Audit log OK: 5 entries checked" in capsys.readouterr().out

    _raw("UPDATE {entries} SET data = %s WHERE id = %s", ['{"n": 7}', chain[4].pk])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    assert f"BROKEN at seq=5 (entry id={chain[4].pk})" in capsys.readouterr().err


def test_audit_key_generates_a_key_and_shows_public_keys(tmp_path, settings):
    # given a key generated by the command
    key_file = tmp_path / "new.pem"
    out = StringIO()
    call_command("audit_key", "--generate", str(key_file), stdout=out)
    generated = dict(line.split(": ", 1) for line in out.getvalue().strip().splitlines())
    assert key_file.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="Cannot create"):
        call_command("audit_key", "--generate", str(key_file), stdout=StringIO())

    # then --key shows the same public key, and both forms of it are accepted in configuration:
    # the raw 32 bytes, and the DER line of ``openssl pkey -pubout``
    out = StringIO()
    call_command("audit_key", "--key", str(key_file), stdout=out)
    assert dict(line.split(": ", 1) for line in out.getvalue().strip().splitlines()) == generated
    raw = base64.b64decode(generated["public key"].strip())
    der = base64.b64encode(bytes.fromhex("302a300506032b6570032100") + raw).decode()
    settings.YIWANG_AUDIT_PUBLIC_KEYS = [generated["public key"].strip(), der]
    from yiwang.core.audit.keys import verification_keys

    assert list(verification_keys()) == [generated["key id"].strip()]
    settings.YIWANG_AUDIT_PUBLIC_KEYS = ["not a key"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="is not an Ed25519 public key"):
        verification_keys()
