"""Appends never wait for each other; sequencers never wait for anyone (PostgreSQL).

Each thread has its own database connection, so these are real concurrent
transactions. Times are bounded with ``time.monotonic`` (which the test clock
does not stop) and generous margins: a wait on a lock would take the whole
10 s timeout of the other side.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from tests.clock import NOW
from yiwang.core.audit import audit_checkpoint_issue, audit_record, audit_sequence, audit_verify
from yiwang.core.audit import log as audit_log
from yiwang.core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_thread(target, name="other"):
    """Run ``target`` in a thread with its own connection; started, returned."""

    def run():
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


def test_an_open_transaction_that_appended_does_not_hold_up_another_writer():
    # given transaction A has appended an entry and stays open
    appended, release = threading.Event(), threading.Event()

    def transaction_a():
        with transaction.atomic():
            audit_record(actor=None, action="test.a")
            appended.set()
            release.wait(timeout=10)

    a = _in_thread(transaction_a)
    try:
        assert appended.wait(timeout=10)

        # when transaction B, on another connection, appends and commits
        started = time.monotonic()
        with transaction.atomic():
            b = audit_record(actor=None, action="test.b")
        elapsed = time.monotonic() - started

        # then B did not wait for A, and its entry was sealed at once: A's is not committed
        assert elapsed < 1.0
        b.refresh_from_db()
        assert b.seq == 1
    finally:
        release.set()
        a.join(timeout=15)

    # and when A commits, its entry follows B's in the chain
    assert list(AuditEntry.objects.order_by("seq").values_list("action", "seq")) == [
        ("test.b", 1),
        ("test.a", 2),
    ]
    assert audit_verify().ok


def _writers(count, each):
    """``count`` threads released together, each appending ``each`` entries, one
    transaction per entry; the errors they met."""
    barrier = threading.Barrier(count, timeout=10)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", data={"w": n, "i": i})
        except Exception as exc:  # collected and asserted on
            errors.append(exc)

    threads = [_in_thread(lambda n=n: write(n), name=f"writer-{n}") for n in range(count)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def test_ten_writers_at_once_leave_a_complete_chain_that_verifies():
    errors = _writers(10, 20)

    # then every entry is there, and the sequencers that ran after the commits sealed
    # them all (no scheduler needed): seq 1 to 200 without a gap
    assert errors == []
    assert AuditEntry.objects.count() == 200
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(
        range(1, 201)
    )
    assert audit_checkpoint_issue().seq == 200
    result = audit_verify()
    assert result.ok, result
    assert (result.checked, result.checkpoints_checked) == (200, 1)


@pytest.mark.frozen_at(NOW, tick=True)  # the lag is measured on a running clock
def test_entries_are_sealed_within_two_seconds_of_their_creation_under_load():
    errors = _writers(8, 50)

    assert errors == []
    lags = [
        (sealed - created).total_seconds()
        for created, sealed in AuditEntry.objects.values_list("created_at", "sealed_at")
    ]
    assert len(lags) == 400
    assert max(lags) <= 2.0, sorted(lags)[-5:]


@pytest.mark.frozen_at(NOW, tick=True)  # the lag is measured on a running clock
def test_with_the_production_interval_and_the_relay_entries_are_still_sealed_within_two_seconds(
    settings, monkeypatch
):
    # given the production setting (a process runs the sequencer after a commit at most
    # every 500 ms) and the scheduler's relay waking every second beside the writers
    settings.YIWANG_AUDIT_SEQUENCE_AFTER_COMMIT_MS = 500
    monkeypatch.setitem(audit_log._after_commit, "last", float("-inf"))
    stop = threading.Event()

    def scheduler():
        while not stop.wait(1.0):
            audit_log.audit_sequence_relay()

    relay = _in_thread(scheduler, name="scheduler")
    try:
        # when eight writers append 50 entries each, one transaction per entry
        errors = _writers(8, 50)
        time.sleep(1.5)  # the writers stop: what they left waits for the relay
    finally:
        stop.set()
        relay.join(timeout=15)

    # then every entry was sealed, none later than two seconds after its creation
    assert errors == []
    assert not AuditEntry.objects.filter(seq__isnull=True).exists()
    lags = [
        (sealed - created).total_seconds()
        for created, sealed in AuditEntry.objects.values_list("created_at", "sealed_at")
    ]
    assert len(lags) == 400
    assert max(lags) <= 2.0, sorted(lags)[-5:]
    assert audit_verify().ok


def test_a_sequencer_skips_a_locked_head_and_the_holder_looks_again(monkeypatch):
    # given a sequencer that holds the head lock a while after sealing its batch
    holding, go_on = threading.Event(), threading.Event()
    seal = audit_log._seal

    def slow_seal(head, batch_size):
        sealed = seal(head, batch_size)
        if threading.current_thread().name == "slow":
            holding.set()
            go_on.wait(timeout=10)
        return sealed

    monkeypatch.setattr(audit_log, "_seal", slow_seal)
    slow = _in_thread(audit_sequence, name="slow")
    try:
        assert holding.wait(timeout=10)

        # when a writer commits meanwhile (outside a transaction: its sequencer runs at once)
        started = time.monotonic()
        entry = audit_record(actor=None, action="test.meanwhile")
        another = audit_sequence()
        elapsed = time.monotonic() - started

        # then neither the writer nor its sequencer, nor another, waited: they skipped
        assert elapsed < 1.0
        assert another == 0
        entry.refresh_from_db()
        assert entry.seq is None
    finally:
        go_on.set()
        slow.join(timeout=15)

    # and the holder, after its commit, looked again and sealed the entry
    entry.refresh_from_db()
    assert entry.seq == 1
    assert audit_verify().ok


def test_a_writer_does_not_wait_for_a_checkpoint_being_signed(monkeypatch):
    # given the signer holding the chain head while it writes the checkpoint log
    audit_record(actor=None, action="test.first")
    writing, go_on = threading.Event(), threading.Event()
    from yiwang.core.audit import checkpoints

    append = checkpoints._append

    def slow_append(path, checkpoint):
        writing.set()
        go_on.wait(timeout=10)
        append(path, checkpoint)

    monkeypatch.setattr(checkpoints, "_append", slow_append)
    signer = _in_thread(audit_checkpoint_issue, name="signer")
    try:
        assert writing.wait(timeout=10)

        # when a writer appends and commits
        started = time.monotonic()
        with transaction.atomic():
            entry = audit_record(actor=None, action="test.second")
        elapsed = time.monotonic() - started

        # then it did not wait
        assert elapsed < 1.0
    finally:
        go_on.set()
        signer.join(timeout=15)

    # and the signer sealed it after releasing the head
    entry.refresh_from_db()
    assert entry.seq == 2
    assert audit_verify().ok


def test_an_officer_viewing_a_case_logs_it_without_waiting_for_a_lock():
    # given a case, and another connection holding the chain head (a sequencer or
    # the signer at work) and an open transaction that appended an entry
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.factories import case_world, submitted_case

    world = case_world()
    case = submitted_case(world)
    client = Client()
    client.force_login(world.clerk)
    holding, release = threading.Event(), threading.Event()

    def hold_the_head_and_an_append():
        with transaction.atomic():
            audit_log.locked_chain_head(skip_locked=False)
            audit_record(actor=None, action="test.open")
            holding.set()
            release.wait(timeout=60)

    holder = _in_thread(hold_the_head_and_an_append, name="holder")
    try:
        assert holding.wait(timeout=10)

        # when the clerk opens the case page (personal data in full: a recorded view)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("workbench:case", kwargs={"number": case.number}))

        # then the page came while the other transaction still held the head (a page
        # that waited for it would come only after its release, up to 60 s later), the
        # view is recorded, and the only statements on the audit tables were the
        # INSERT and a sequencer that skipped the held head
        assert response.status_code == 200
        assert holder.is_alive() and not release.is_set()
        viewed = AuditEntry.objects.get(action="case.personal_data_view")
        assert viewed.actor == world.clerk and viewed.seq is None
        audit_sql = [q["sql"] for q in queries if "core_audit" in q["sql"]]
        assert any(sql.startswith("INSERT INTO") for sql in audit_sql)
        for sql in audit_sql:
            assert not sql.startswith("UPDATE"), sql
            assert "FOR UPDATE" not in sql or "SKIP LOCKED" in sql, sql
    finally:
        release.set()
        holder.join(timeout=15)
