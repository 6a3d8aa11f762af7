"""Reads at a million cases: each read on the demo-size database and on the big one, in one run.

What is measured. Each read an officer or an applicant makes, through the Django test
client in-process (the whole middleware stack, templates and JSON; no HTTP server), with
DEBUG off, on PostgreSQL: median and p95 of BENCH_REPEAT requests (default 30) after two
warm-up requests, and the number of SQL queries of one request. The reads:

- the officer queue of ``clerk_scjg``: the selector (capped count + first keyset page),
  its counts (``case_queue_counts``), ``/workbench/`` (default sort; light=red;
  assignee=me; one service) and ``GET /api/v1/officer/cases`` (the same filters, and its
  last page through the cursor and through the deprecated offset);
- the applicant's case list of the demo citizen (``citizen``, who files ~0.25 % of the
  generated cases: thousands at a million): portal ``/cases/`` and ``GET /api/v1/cases``;
- a case page: the workbench page and the API of the clerk's most urgent open case;
- the catalog search (portal ``/search/`` and ``GET /api/v1/services/search``);
- the scheduler's tick (``cases_tick_due``) once it has caught up;
- ``/healthz``, the floor of the stack (middleware, test client) in the same run.

Each read also reports this process's CPU per request (``time.process_time``: Django,
psycopg, the test client; PostgreSQL's backend is another process): on a shared machine
the wall-clock figures move with the load, the CPU much less.

The databases. The demo one (BENCH_DEMO_DB, default yiwang_bench_reads_demo) is made:
migrate, ``load_demo``, ``generate_history --cases BENCH_DEMO_CASES``
(default 300, received over the last five weeks) when it is missing or
BENCH_FRESH=1. The big one (BENCH_BIG_DB, default yiwang_bench_1m) is used as it is when it
has cases (migrated first, so new indexes are built), else made the same way with
``generate_history --cases BENCH_CASES`` (default 1,000,000: about an hour or more on a busy
2-core machine; set BENCH_CASES=100000 for a quicker, clearly labelled smaller scale). Each
database is measured in a process of its own (one DATABASE_URL per Django process).

    make bench
    .venv/bin/python bench/reads.py
    BENCH_CASES=100000 BENCH_BIG_DB=yiwang_bench_100k .venv/bin/python bench/reads.py

Targets (docs/performance.md, "Reads at a million cases"): the queue API at most 15 ms
median at a million cases; every read within 2× of the demo-size figure; the same query
count on both.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DEMO_DB = os.environ.get("BENCH_DEMO_DB", "yiwang_bench_reads_demo")
BIG_DB = os.environ.get("BENCH_BIG_DB", "yiwang_bench_1m")
BIG_CASES = int(os.environ.get("BENCH_CASES", "1000000"))
DEMO_CASES = int(os.environ.get("BENCH_DEMO_CASES", "300"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
FRESH = os.environ.get("BENCH_FRESH", "") == "1"
for _name in (DEMO_DB, BIG_DB):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", _name):
        sys.exit(f"database names must be plain lower-case identifiers, not {_name!r}")

ENV = {
    "YIWANG_ENV": "test",  # no production key files needed; DEBUG off below
    "YIWANG_DEBUG": "false",
    "YIWANG_ALLOWED_HOSTS": "testserver",
    "DJANGO_SETTINGS_MODULE": "yiwang.settings",
    "PYTHONPATH": str(ROOT / "src"),
}


def admin_sql(sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def manage(db: str, *args: str, quiet: bool = True) -> None:
    env = {
        **os.environ,
        **ENV,
        "DATABASE_URL": f"{PG_URL}/{db}",
        "YIWANG_AUDIT_CHECKPOINT_LOG": str(ROOT / "var" / f"audit-checkpoints-{db}.jsonl"),
    }
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def case_count(db: str) -> int | None:
    """Cases in ``db``; None when the database or its tables are missing."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_URL}/{db}", connect_timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM cases_case").fetchone()[0])  # type: ignore[index]
    except psycopg.Error:
        return None


def make_database(db: str, cases: int, years: float = 3) -> float:
    """Create ``db`` with the demo city and ``cases`` generated cases; seconds it took."""
    started = time.monotonic()
    admin_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    admin_sql(f'CREATE DATABASE "{db}"')
    (ROOT / "var" / f"audit-checkpoints-{db}.jsonl").unlink(missing_ok=True)
    manage(db, "migrate", "--noinput")
    manage(db, "load_demo", "--quiet")
    manage(db, "generate_history", "--cases", str(cases), "--years", str(years), quiet=False)
    return time.monotonic() - started


# --- the measuring process --------------------------------------------------------------------


def measure() -> dict[str, Any]:
    """In a process whose DATABASE_URL is the database to measure: every read's figures."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from yiwang.cases import selectors
    from yiwang.cases.models import Case
    from yiwang.cases.services import cases_tick_due
    from yiwang.identity.models import User

    clerk = User.objects.get(username="clerk_scjg")
    citizen = User.objects.get(username="citizen")
    departments = selectors.officer_department_id_list(clerk)
    open_cases = Case.objects.filter(department_id__in=departments, closed_at__isnull=True)
    urgent = open_cases.order_by("due_at", "id").values_list("number", flat=True).first()
    service = (
        open_cases.values_list("service_version__item__code", flat=True)
        .order_by("service_version__item__code")
        .first()
    )
    last_page = max(1, -(-open_cases.count() // 20))
    officer, applicant = Client(), Client()
    officer.force_login(clerk)
    applicant.force_login(citizen)

    def queue_selector() -> None:
        selectors.case_queue_count(officer=clerk, department_ids=departments)
        selectors.case_queue_page(officer=clerk, department_ids=departments)

    # The cursor of the queue's last page, walked to once (keyset pages: no offset).
    page = selectors.case_queue_page(officer=clerk, department_ids=departments)
    last_cursor = ""
    while page.next:
        last_cursor = page.next
        page = selectors.case_queue_page(
            officer=clerk, cursor=page.next, department_ids=departments
        )

    def counts() -> None:
        selectors.case_queue_counts(officer=clerk, department_ids=departments)

    def get(client: Client, url: str) -> Any:
        def run() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return run

    reads: dict[str, Any] = {
        "queue selector (capped count + 20 rows)": queue_selector,
        "case_queue_counts": counts,
        "/workbench/": get(officer, "/workbench/"),
        "/workbench/?light=red": get(officer, "/workbench/?light=red"),
        "/workbench/?assignee=me": get(officer, "/workbench/?assignee=me"),
        "/workbench/?service=…": get(officer, f"/workbench/?service={service}"),
        "GET /api/v1/officer/cases": get(officer, "/api/v1/officer/cases"),
        "  ?light=red": get(officer, "/api/v1/officer/cases?light=red"),
        "  ?assignee=me": get(officer, "/api/v1/officer/cases?assignee=me"),
        "  ?service=…": get(officer, f"/api/v1/officer/cases?service={service}"),
        "  last page (cursor)": get(officer, f"/api/v1/officer/cases?cursor={last_cursor}"),
        "  last page (offset, deprecated)": get(officer, f"/api/v1/officer/cases?page={last_page}"),
        "portal /cases/ (citizen)": get(applicant, "/cases/"),
        "GET /api/v1/cases (citizen)": get(applicant, "/api/v1/cases"),
        "workbench case page (open case)": get(officer, f"/workbench/cases/{urgent}/"),
        "GET /api/v1/officer/cases/{number}": get(officer, f"/api/v1/officer/cases/{urgent}"),
        "portal /search/?q=营业执照": get(applicant, "/search/?q=营业执照"),
        "GET /api/v1/services/search": get(applicant, "/api/v1/services/search?q=营业执照"),
        "scheduler tick (caught up)": lambda: cases_tick_due(),
        "/healthz (the stack's floor)": get(officer, "/healthz"),
    }
    cases_tick_due(limit=100_000)  # catch up once: the scheduler runs every few seconds
    out: dict[str, Any] = {
        "cases": Case.objects.count(),
        "open": open_cases.count(),
        "citizen_cases": Case.objects.filter(applicant=citizen).count(),
        "reads": {},
    }
    for name, read in reads.items():
        read()
        read()
        statements: list[str] = []

        def count(execute: Any, sql: str, *args: Any, log: list[str] = statements) -> Any:
            log.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            read()
        times = []
        cpu_started = time.process_time()
        for _ in range(REPEAT):
            started = time.perf_counter()
            read()
            times.append((time.perf_counter() - started) * 1000)
        cpu = (time.process_time() - cpu_started) * 1000 / REPEAT
        times.sort()
        out["reads"][name] = {
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
            "cpu": cpu,
            "queries": len(statements),
        }
    return out


def measure_in(db: str) -> dict[str, Any]:
    env = {**os.environ, **ENV, "DATABASE_URL": f"{PG_URL}/{db}"}
    result = subprocess.run(  # noqa: S603 - this script, measuring
        [sys.executable, __file__, "--measure"], env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"measuring {db} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _figures(read: dict[str, Any]) -> str:
    """median / p95, CPU (ms), queries: one database's column."""
    return (
        f"{read['median']:>7.1f} / {read['p95']:>5.1f}, {read['cpu']:>5.1f}, {read['queries']:>2} q"
    )


def main() -> None:
    print("Reads at a million cases (Django test client in-process, PostgreSQL, DEBUG off)")
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    if FRESH or case_count(DEMO_DB) != DEMO_CASES:
        # A young city: its cases of the last five weeks, so a page of them is open.
        seconds = make_database(DEMO_DB, DEMO_CASES, years=0.1)
        print(f"demo database {DEMO_DB}: made in {seconds:.0f} s ({DEMO_CASES} generated cases)")
    else:
        manage(DEMO_DB, "migrate", "--noinput")
        print(
            f"demo database {DEMO_DB}: {DEMO_CASES} cases, used as it is (BENCH_FRESH=1 remakes it)"
        )
    have = case_count(BIG_DB)
    if not have:
        print(f"big database {BIG_DB}: generating {BIG_CASES:,} cases (generate_history) …")
        seconds = make_database(BIG_DB, BIG_CASES)
        print(f"  made in {seconds:,.0f} s")
    else:
        manage(BIG_DB, "migrate", "--noinput")
        print(f"big database {BIG_DB}: {have:,} cases, used as it is (migrated)")
    demo, big = measure_in(DEMO_DB), measure_in(BIG_DB)
    if big["cases"] < 1_000_000:
        print(
            f"NOTE: the big database has {big['cases']:,} cases, not a million: the figures "
            "below are at that scale."
        )
    print(
        f"\ncases: demo {demo['cases']:,} ({demo['open']:,} open in clerk_scjg's departments, "
        f"citizen {demo['citizen_cases']:,}); big {big['cases']:,} ({big['open']:,} open, "
        f"citizen {big['citizen_cases']:,})"
    )
    print(
        f"median / p95 ms over {REPEAT} requests, this process's CPU per request (Django, "
        "psycopg; not PostgreSQL's), queries per request\n"
    )
    head = f"{'read':<36} {'demo':>27} {'big':>27} {'big/demo':>9}"
    print(head)
    print("-" * len(head))
    worst = 0.0
    for name, d in demo["reads"].items():
        b = big["reads"][name]
        ratio = b["median"] / max(d["median"], 1e-6)
        worst = max(worst, ratio)
        differ = "" if d["queries"] == b["queries"] else "  (query counts differ)"
        print(f"{name:<36} {_figures(d)} {_figures(b)} {ratio:>8.2f}×{differ}")
    api = big["reads"]["GET /api/v1/officer/cases"]
    print(
        f"\nqueue API at {big['cases']:,} cases: {api['median']:.1f} ms median, "
        f"{api['cpu']:.1f} ms CPU (target ≤ 15 ms median); worst big/demo ratio {worst:.2f}× "
        f"(target ≤ 2×); load average after: {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
    else:
        main()
