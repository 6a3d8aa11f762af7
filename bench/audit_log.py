"""Audit log speed on PostgreSQL: appends, the lag to sealing, a backlog, verification.

What is measured, on a fresh database (dropped and recreated each run):

1. **Concurrent appends.** BENCH_THREADS writer threads (default 8), each on
   its own connection, append for BENCH_SECONDS (default 10) one entry per
   transaction (``audit_record`` inside ``transaction.atomic()``, as a
   service does; BENCH_HOLD_MS, default 0, keeps the transaction open that
   long after the append, as the rest of a service's work would). Meanwhile
   a signer thread runs the scheduler's audit round (``audit_upkeep``) every
   YIWANG_AUDIT_CHECKPOINT_SECONDS (5). Printed:
   appends per second, the commit latency (p50, p99, max), and the lag from
   an entry's creation to its sealing, ``sealed_at - created_at`` (p50, p99,
   max) over every entry: the bound is 2 s.
2. **A backlog.** BENCH_BACKLOG entries (default 100,000) inserted unsealed
   at once (as after an outage of every sequencer), then sealed by
   ``audit_sequence`` calls: entries sealed per second.
3. **Verification** of the whole log (``audit_verify`` with the checkpoint
   log): entries per second and the process's peak memory.

    .venv/bin/python bench/audit_log.py
    BENCH_THREADS=16 BENCH_SECONDS=30 .venv/bin/python bench/audit_log.py

Environment: BENCH_PG_URL (server, default postgres://postgres@127.0.0.1:5432),
BENCH_DB (default yiwang_bench_audit), BENCH_THREADS, BENCH_SECONDS,
BENCH_BACKLOG, BENCH_HOLD_MS, BENCH_KEEP_DB=1 (keep the database afterwards).
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "yiwang_bench_audit")
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
BACKLOG = int(os.environ.get("BENCH_BACKLOG", "100000"))
HOLD = float(os.environ.get("BENCH_HOLD_MS", "0")) / 1000
KEEP_DB = os.environ.get("BENCH_KEEP_DB", "") == "1"
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DB_NAME):
    sys.exit(f"BENCH_DB must be a plain lower-case identifier, not {DB_NAME!r}")

TMP = Path(tempfile.mkdtemp(prefix="yiwang-bench-audit-"))
os.environ.update(
    {
        "YIWANG_ENV": "development",
        "YIWANG_DEBUG": "false",  # DEBUG would keep every query in memory
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "YIWANG_VAR_DIR": str(TMP),  # the signing key and the checkpoint log
        "DJANGO_SETTINGS_MODULE": "yiwang.settings",
    }
)

import django  # noqa: E402


def admin_sql(sql: str) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )


def concurrent_appends() -> None:
    from django.db import connection, transaction

    from yiwang.core.audit import audit_record, audit_upkeep
    from yiwang.core.models import AuditCheckpoint, AuditEntry

    latencies: list[list[float]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS + 1)
    stop = threading.Event()

    def writer(n: int) -> None:
        try:
            start.wait()
            i = 0
            while not stop.is_set():
                began = time.perf_counter()
                with transaction.atomic():
                    audit_record(actor=None, action="bench.append", data={"w": n, "i": i})
                    time.sleep(HOLD)  # the rest of the service's transaction
                latencies[n].append(time.perf_counter() - began)
                i += 1
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def signer() -> None:
        from django.conf import settings

        try:
            while not stop.wait(settings.YIWANG_AUDIT_CHECKPOINT_SECONDS):
                audit_upkeep()
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    signing = threading.Thread(target=signer)
    signing.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(SECONDS)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    signing.join()
    if errors:
        raise errors[0]
    unsealed_at_end = AuditEntry.objects.filter(seq__isnull=True).count()
    audit_upkeep()
    count = sum(len(each) for each in latencies)
    lags = [
        (sealed - created).total_seconds()
        for created, sealed in AuditEntry.objects.values_list("created_at", "sealed_at")
    ]
    print(
        f"1. {THREADS} writers for {SECONDS:.0f} s, one entry per transaction, "
        f"which goes on {HOLD * 1000:.0f} ms after the append"
    )
    print(f"   appends:  {count} ({count / elapsed:.0f}/s)")
    print(f"   commit:   {percentiles([x for each in latencies for x in each])}")
    print(f"   lag created → sealed over {len(lags)} entries: {percentiles(lags)}")
    print(f"   unsealed when the writers stopped: {unsealed_at_end}")
    print(f"   checkpoints signed: {AuditCheckpoint.objects.count()}")


def backlog() -> None:
    from django.utils import timezone

    from yiwang.core.audit import audit_sequence, content_hash
    from yiwang.core.models import AuditEntry

    now = timezone.now()
    rows = []
    for n in range(BACKLOG):
        entry = AuditEntry(created_at=now, actor_label="system", action="bench.backlog", data={})
        entry.data = {"n": n}
        entry.content_hash = content_hash(entry)
        rows.append(entry)
    AuditEntry.objects.bulk_create(rows, batch_size=5000)
    began = time.perf_counter()
    sealed = 0
    while True:
        done = audit_sequence()
        if not done:
            break
        sealed += done
    elapsed = time.perf_counter() - began
    print(f"2. a backlog of {BACKLOG} unsealed entries")
    print(f"   sealed {sealed} in {elapsed:.1f} s ({sealed / elapsed:.0f}/s)")


def verification() -> None:
    from yiwang.core.audit import audit_upkeep, audit_verify, checkpoint_log_path

    audit_upkeep()
    began = time.perf_counter()
    result = audit_verify(checkpoint_logs=[checkpoint_log_path()])
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("3. verify-audit over the whole log")
    print(
        f"   {'OK' if result.ok else 'BROKEN: ' + result.detail}: {result.checked} entries, "
        f"{result.checkpoints_checked} checkpoints in {elapsed:.1f} s "
        f"({result.checked / elapsed:.0f} entries/s); peak memory of this process {peak:.0f} MB"
    )


def main() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(f"CREATE DATABASE \"{DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
    try:
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(f"PostgreSQL {PG_URL}/{DB_NAME}; {os.cpu_count()} CPUs, load {os.getloadavg()}")
        concurrent_appends()
        backlog()
        verification()
    finally:
        from django.db import connections

        connections.close_all()
        if not KEEP_DB:
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


if __name__ == "__main__":
    main()
