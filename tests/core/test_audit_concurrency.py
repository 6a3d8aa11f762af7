"""Concurrent writers never fork the audit chain (PostgreSQL, real connections)."""

import threading

import pytest
from django.db import connection

from yiwang.core.audit import audit_record, audit_verify
from yiwang.core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_writers_appending_at_once_each_link_to_the_previous_entry():
    # given a chain with one entry and eight writers released together
    audit_record(actor=None, action="test.seed")
    barrier = threading.Barrier(8)
    errors = []

    def append(n: int) -> None:
        try:
            barrier.wait()
            audit_record(actor=None, action="test.concurrent", data={"n": n})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every entry is there and the chain verifies
    assert errors == []
    assert AuditEntry.objects.count() == 9
    result = audit_verify()
    assert result.ok, result


def test_removing_the_newest_entry_is_detected():
    audit_record(actor=None, action="test.one")
    last = audit_record(actor=None, action="test.two")
    AuditEntry.objects.filter(pk=last.pk).delete()
    result = audit_verify()
    assert not result.ok
    assert result.first_broken_id == last.pk
