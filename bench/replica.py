"""The replica path, for real: a second PostgreSQL cluster streaming from the local one.

What it does, on the machine's PostgreSQL (Debian's ``postgresql-common``
tools; run as root or as the ``postgres`` user):

1. Creates the database BENCH_DB (default ``yiwang_bench_replica``) on the
   primary (BENCH_PG_URL, default 127.0.0.1:5432), migrates it, loads the
   Jinan demo city (the catalog) and submits BENCH_CASES cases (default 200)
   to a department of its own through the services (``tests/factories.py``).
2. Creates a second cluster of the same major version, ``<version>/replica``
   on port BENCH_REPLICA_PORT (5433), as a streaming replica of the primary:
   ``pg_createcluster``, its data directory replaced by ``pg_basebackup -R
   -X stream`` from the primary, then started as a hot standby. When the
   primary's ``pg_hba.conf`` has no replication entry, one line for
   ``127.0.0.1`` is added for the run (and removed at the end).
3. Configures yiwang with both (``DATABASE_URL`` the primary,
   ``YIWANG_DATABASE_REPLICA_URL`` the replica) and, through Django's test
   client in this process, as that department's intake clerk:
   - **reads**: an officer's queue and the public search BENCH_READS times
     each (default 30), with the statements sent to each server counted and
     the latency (median, p95) beside the same pages with the replica off;
   - **writes**: the officer claims BENCH_WRITES cases (default 20), each a
     POST to the primary; after each, the time until the replica shows the
     claim's audit entry (commit → visible on the replica), and the next
     queue read (read-your-writes: it must go to the primary);
   - **lag under a write burst**: BENCH_BURST audit entries (default 5,000)
     appended by 4 writer threads while ``pg_stat_replication`` is sampled
     every 100 ms: replay lag (time) and the WAL bytes not yet replayed.
4. **Always** (success, failure, Ctrl-C) stops and drops the replica cluster
   (``pg_dropcluster --stop``), removes the pg_hba line it added, and drops
   the bench database unless BENCH_KEEP_DB=1. ``pg_lsclusters`` afterwards
   shows the primary alone.

    make bench-replica
    BENCH_READS=100 BENCH_BURST=20000 .venv/bin/python bench/replica.py

Not part of CI, nor of ``make bench``: it creates a cluster on the machine.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "yiwang_bench_replica")
REPLICA_PORT = int(os.environ.get("BENCH_REPLICA_PORT", "5433"))
CLUSTER = "replica"
READS = int(os.environ.get("BENCH_READS", "30"))
WRITES = int(os.environ.get("BENCH_WRITES", "20"))
BURST = int(os.environ.get("BENCH_BURST", "5000"))
KEEP_DB = os.environ.get("BENCH_KEEP_DB", "") == "1"
CASES = int(os.environ.get("BENCH_CASES", "200"))
HBA_MARK = "# added by yiwang bench/replica.py, removed at its end"
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DB_NAME):
    sys.exit(f"BENCH_DB must be a plain lower-case identifier, not {DB_NAME!r}")

PRIMARY = urlsplit(PG_URL)
REPLICA_URL = f"postgres://{PRIMARY.username or 'postgres'}@127.0.0.1:{REPLICA_PORT}"
TMP = Path(tempfile.mkdtemp(prefix="yiwang-bench-replica-"))
(TMP / "static").mkdir()
os.environ.update(
    {
        "YIWANG_ENV": "development",
        "YIWANG_DEBUG": "false",
        "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
        "YIWANG_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "YIWANG_VAR_DIR": str(TMP),
        "YIWANG_STATIC_ROOT": str(TMP / "static"),
        "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
        "YIWANG_DATABASE_REPLICA_URL": f"{REPLICA_URL}/{DB_NAME}",
        "YIWANG_DATABASE_REPLICA_PIN_SECONDS": "10",
        "DJANGO_SETTINGS_MODULE": "yiwang.settings",
    }
)

import django  # noqa: E402

# --- the clusters ------------------------------------------------------------------------


def admin_sql(sql: str, params: tuple[Any, ...] = (), *, url: str = PG_URL) -> list[Any]:
    with psycopg.connect(f"{url}/postgres", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def as_postgres(*command: str) -> list[str]:
    """``command`` run as the ``postgres`` user (we are root, or already that user)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


def run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    print("   $", " ".join(command), flush=True)
    return subprocess.run(command, check=check, capture_output=True, text=True)  # noqa: S603


def clusters() -> list[str]:
    out = run("pg_lsclusters", "--no-header", check=False).stdout
    return [line for line in out.splitlines() if line.strip()]


def preflight(version: str) -> None:
    for tool in ("pg_createcluster", "pg_dropcluster", "pg_ctlcluster", "pg_lsclusters"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: this bench needs Debian's postgresql-common tools.")
    if os.geteuid() != 0 and os.environ.get("USER") != "postgres":
        sys.exit("Run as root or as the postgres user: it creates and drops a cluster.")
    for line in clusters():
        fields = line.split()
        if fields[:2] == [version, CLUSTER] or fields[2] == str(REPLICA_PORT):
            sys.exit(
                f"A cluster {fields[0]}/{fields[1]} on port {fields[2]} exists already. "
                f"If a previous run left it: pg_dropcluster --stop {fields[0]} {fields[1]}"
            )


def allow_replication() -> Path | None:
    """Add a replication line for 127.0.0.1 to the primary's pg_hba.conf when it has
    none (``all`` in the database column does not cover replication); the file changed."""
    hba = Path(admin_sql("SHOW hba_file")[0][0])
    for line in hba.read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and "replication" in fields[1].split(","):
            return None
    user = PRIMARY.username or "postgres"
    with hba.open("a") as file:
        file.write(f"host replication {user} 127.0.0.1/32 trust {HBA_MARK}\n")
    admin_sql("SELECT pg_reload_conf()")
    return hba


def restore_hba(hba: Path) -> None:
    kept = [line for line in hba.read_text().splitlines(keepends=True) if HBA_MARK not in line]
    hba.write_text("".join(kept))
    admin_sql("SELECT pg_reload_conf()")


def create_replica(version: str) -> Path:
    run("pg_createcluster", version, CLUSTER, "-p", str(REPLICA_PORT))
    data = Path(f"/var/lib/postgresql/{version}/{CLUSTER}")
    # A small cluster: the machine is shared. Clients are let in as by the primary.
    run("pg_conftool", version, CLUSTER, "set", "shared_buffers", "32MB")
    hba = Path(admin_sql("SHOW hba_file")[0][0])
    shutil.copyfile(hba, Path(f"/etc/postgresql/{version}/{CLUSTER}/pg_hba.conf"))
    run(*as_postgres("find", str(data), "-mindepth", "1", "-delete"))
    started = time.monotonic()
    run(
        *as_postgres(
            "pg_basebackup",
            "-h",
            PRIMARY.hostname or "127.0.0.1",
            "-p",
            str(PRIMARY.port or 5432),
            "-U",
            PRIMARY.username or "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",
        )
    )
    copied = time.monotonic() - started
    run("pg_ctlcluster", version, CLUSTER, "start")
    deadline = time.monotonic() + 60
    while True:
        try:
            if admin_sql("SELECT pg_is_in_recovery()", url=REPLICA_URL)[0][0]:
                break
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                log = Path(f"/var/log/postgresql/postgresql-{version}-{CLUSTER}.log")
                tail = log.read_text()[-2000:] if log.exists() else ""
                sys.exit(f"The replica did not come up in 60 s: {exc}\n{tail}")
        time.sleep(0.5)
    size = admin_sql("SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database")[0][0]
    print(f"   the primary's {size} copied by pg_basebackup in {copied:.1f} s; streaming")
    return data


def drop_replica(version: str) -> None:
    run("pg_dropcluster", "--stop", version, CLUSTER, check=False)


# --- the measurements --------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def sent() -> Iterator[dict[str, list[str]]]:
    """The statements each server received during the block."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    found: dict[str, list[str]] = {}
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield found
    found["primary"] = [q["sql"] for q in primary.captured_queries]
    found["replica"] = [q["sql"] for q in replica.captured_queries]


def timed_reads(label: str, get: Callable[[], Any]) -> None:
    from django.conf import settings

    for replica_on in (True, False):
        settings.YIWANG_DATABASE_REPLICA_READS = replica_on
        get()  # warm
        with sent() as statements:
            get()
        times = []
        for _ in range(READS):
            started = time.perf_counter()
            get()
            times.append(time.perf_counter() - started)
        where = "replica on " if replica_on else "replica off"
        print(
            f"   {label}, {where}: median {ms(statistics.median(times))}, "
            f"p95 {ms(p95(times))}; statements: primary {len(statements['primary'])}, "
            f"replica {len(statements['replica'])}"
        )
    settings.YIWANG_DATABASE_REPLICA_READS = True


def measure_reads(clerk: Any) -> None:
    from django.test import Client

    print(f"1. reads ({READS} each)")
    officer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    officer.force_login(clerk)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")

    def queue() -> None:
        assert officer.get("/workbench/").status_code == 200

    def search() -> None:
        assert visitor.get("/search/", {"q": "食品经营许可"}).status_code == 200

    timed_reads(f"the queue of {CASES} cases (/workbench/)", queue)
    timed_reads("the public search (/search/?q=食品经营许可)", search)


def newest_audit_id() -> int:
    from yiwang.core.models import AuditEntry

    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def measure_writes(clerk: Any, numbers: list[str]) -> None:
    from django.test import Client

    print(f"2. writes: the clerk claims {WRITES} cases")
    officer = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    officer.force_login(clerk)
    open_cases = numbers[:WRITES]
    visible: list[float] = []
    pinned_ok = 0
    with psycopg.connect(f"{REPLICA_URL}/{DB_NAME}", autocommit=True) as replica:
        for number in open_cases:
            with sent() as statements:
                response = officer.post(f"/workbench/cases/{number}/claim/")
            assert response.status_code == 302, response.status_code
            assert statements["replica"] == [], "a write went to the replica"
            committed = time.perf_counter()
            entry = newest_audit_id()
            while not replica.execute(
                "SELECT 1 FROM core_auditentry WHERE id = %s", (entry,)
            ).fetchone():
                time.sleep(0.0005)
            visible.append(time.perf_counter() - committed)
            with sent() as statements:
                officer.get("/workbench/")
            pinned_ok += not statements["replica"] and bool(statements["primary"])
    if not visible:
        print("   no unassigned open case to claim")
        return
    print(
        f"   commit → visible on the replica over {len(visible)} writes: median "
        f"{ms(statistics.median(visible))}, p95 {ms(p95(visible))}, max {ms(max(visible))}"
    )
    print(f"   the queue read right after each write came from the primary: {pinned_ok}/{WRITES}")


def create_cases() -> tuple[Any, list[str]]:
    """A department with one officer per role and ``CASES`` submitted cases; its clerk."""
    sys.path.insert(0, str(ROOT))
    from tests.factories import case_world, submitted_case

    started = time.monotonic()
    world = case_world()
    numbers = [submitted_case(world).number for _ in range(CASES)]
    print(f"   {CASES} cases submitted in {time.monotonic() - started:.1f} s")
    return world.clerk, numbers


def measure_burst() -> None:
    from django.db import connection, transaction

    from yiwang.core.audit import audit_record

    print(f"3. a write burst: {BURST} audit entries, 4 writer threads")
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
            while not stop.is_set():
                row = (
                    conn.execute(
                        "SELECT extract(epoch FROM coalesce(replay_lag, '0')), "
                        "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) "
                        "FROM pg_stat_replication WHERE application_name = %s",
                        (f"{VERSION}/{CLUSTER}",),
                    ).fetchone()
                    or conn.execute(
                        "SELECT extract(epoch FROM coalesce(replay_lag, '0')), "
                        "pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) FROM pg_stat_replication"
                    ).fetchone()
                )
                if row:
                    samples.append((float(row[0]), int(row[1] or 0)))
                time.sleep(0.1)

    def write(n: int) -> None:
        try:
            for i in range(BURST // 4):
                with transaction.atomic():
                    audit_record(actor=None, action="bench.burst", data={"w": n, "i": i})
        finally:
            connection.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    writers = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    elapsed = time.perf_counter() - started
    time.sleep(1)
    stop.set()
    sampler.join()
    lags = [lag for lag, _ in samples]
    behind = [size for _, size in samples]
    print(f"   {BURST} appends in {elapsed:.1f} s ({BURST / elapsed:.0f}/s)")
    if samples:
        print(
            f"   replay lag over {len(samples)} samples: median {ms(statistics.median(lags))}, "
            f"p95 {ms(p95(lags))}, max {ms(max(lags))}; WAL not yet replayed: median "
            f"{statistics.median(behind) / 1024:.0f} kB, max {max(behind) / 1024:.0f} kB"
        )
    else:
        print("   the replica was not in pg_stat_replication")


VERSION = ""


def main() -> None:
    global VERSION
    VERSION = str(int(admin_sql("SHOW server_version_num")[0][0]) // 10000)
    preflight(VERSION)
    print(f"PostgreSQL {VERSION}: primary {PG_URL}, replica 127.0.0.1:{REPLICA_PORT}")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()}")
    hba: Path | None = None
    interrupted = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    try:
        print("0. set-up")
        admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin_sql(f"CREATE DATABASE \"{DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        clerk, numbers = create_cases()
        hba = allow_replication()
        if hba:
            print(f"   {hba}: a replication line for 127.0.0.1 added for this run")
        create_replica(VERSION)
        measure_reads(clerk)
        measure_writes(clerk, numbers)
        measure_burst()
    finally:
        from django.db import connections

        connections.close_all()
        print("4. clean-up")
        drop_replica(VERSION)
        if hba:
            restore_hba(hba)
        if not KEEP_DB:
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(TMP, ignore_errors=True)
        signal.signal(signal.SIGTERM, interrupted)
        print("   clusters now:")
        for line in clusters():
            print("     ", line)


if __name__ == "__main__":
    main()
