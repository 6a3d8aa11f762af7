"""The hash-chained audit log and its check: verify_audit (python -m yiwang verify-audit)."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.factories import UserFactory
from yiwang.core.audit import audit_record, audit_verify
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Five entries appended the only way the product allows."""
    actor = UserFactory(username="auditor")
    target = UserFactory(username="citizen-a")
    return [
        audit_record(actor=actor, action=f"case.step{n}", target=target, data={"n": n})
        for n in range(5)
    ]


def _verify(*args):
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def _raw(sql, params):
    """Change the table behind the product's back, as someone with database access could."""
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", AuditEntry._meta.db_table), params)


def test_an_intact_chain_is_ok(chain):
    output = _verify()

    assert output.startswith("Audit log OK: 5 entries checked")
    assert f"head id={chain[-1].pk} hash={chain[-1].hash}" in output


def test_an_empty_log_is_ok():
    assert _verify().startswith("Audit log OK: 0 entries checked")


def test_an_edited_row_is_reported_with_its_id_and_exit_code_1(chain):
    _raw("UPDATE {table} SET action = %s WHERE id = %s", ["case.approve", chain[2].pk])

    with pytest.raises(CommandError) as error:
        _verify()

    assert error.value.returncode == 1
    message = str(error.value)
    assert f"BROKEN at entry id={chain[2].pk}" in message
    assert "content does not match its hash" in message
    assert "2 entries before it are intact" in message


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link(chain):
    tampered = AuditEntry.objects.get(pk=chain[1].pk)
    tampered.data = {"n": 99}
    from yiwang.core.audit import _entry_hash

    _raw(
        "UPDATE {table} SET data = %s, hash = %s WHERE id = %s",
        ['{"n": 99}', _entry_hash(tampered), chain[1].pk],
    )

    result = audit_verify()

    assert result.first_broken_id == chain[2].pk
    assert result.reason == "previous hash does not match"


def test_a_deleted_row_is_detected(chain):
    _raw("DELETE FROM {table} WHERE id = %s", [chain[3].pk])

    with pytest.raises(CommandError) as error:
        _verify()

    assert error.value.returncode == 1
    assert f"BROKEN at entry id={chain[4].pk}" in str(error.value)
    assert "previous-hash link does not match" in str(error.value)


def test_a_deleted_first_row_is_detected(chain):
    _raw("DELETE FROM {table} WHERE id = %s", [chain[0].pk])

    assert audit_verify().first_broken_id == chain[1].pk


def test_rows_cut_off_the_end_are_caught_by_the_anchor(chain):
    anchor = chain[-1].hash
    assert _verify("--anchor", anchor).startswith("Audit log OK")
    _raw("DELETE FROM {table} WHERE id = %s", [chain[-1].pk])

    # the recorded head of the chain tells without an anchor…
    with pytest.raises(CommandError) as error:
        _verify()
    assert error.value.returncode == 1
    assert "entries were removed" in str(error.value)
    # …and an anchor kept elsewhere tells even if the head row was rewritten too
    _raw("UPDATE core_auditchainhead SET hash = %s", [chain[-2].hash])
    assert _verify().startswith("Audit log OK: 4 entries checked")
    with pytest.raises(CommandError) as error:
        _verify("--anchor", anchor)

    assert error.value.returncode == 1
    assert "anchor entry" in str(error.value)


@pytest.mark.postgres  # the in-memory SQLite test database is not visible to another process
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_python_m_yiwang_verify_audit(chain, tmp_path):
    """The operator's command line, in a real process against the same database."""
    env = {**os.environ, "YIWANG_ENV": "test", "PYTHONPATH": "src"}
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

    _raw("UPDATE {table} SET target_label = %s WHERE id = %s", ["someone else", chain[0].pk])
    broken = subprocess.run(
        [sys.executable, "-m", "yiwang", "verify-audit"], env=env, capture_output=True, text=True
    )
    assert broken.returncode == 1
    assert f"BROKEN at entry id={chain[0].pk}" in broken.stderr


def test_verify_audit_dashed_name_in_process(chain, monkeypatch, capsys):
    """``python -m yiwang verify-audit`` maps to the command, with its exit status."""
    from yiwang.__main__ import main

    monkeypatch.setattr(sys, "argv", ["yiwang", "verify-audit"])
    # A command closes the connections when it ends; keep the test's transaction open.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    main()
    assert "Audit log OK: 5 entries checked" in capsys.readouterr().out

    _raw("UPDATE {table} SET data = %s WHERE id = %s", ['{"n": 7}', chain[4].pk])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 1
    assert f"BROKEN at entry id={chain[4].pk}" in capsys.readouterr().err
