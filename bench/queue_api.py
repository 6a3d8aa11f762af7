"""The officer queue API's cost per request, and where it goes: ``GET /api/v1/officer/cases``
of ``clerk_scjg`` beside ``/healthz`` (the floor of the stack), in-process through the Django
test client, production settings (DEBUG off), on PostgreSQL.

Reports, for BENCH_REPEAT requests (default 300) after ten warm-up requests: the median
and p95 wall-clock time, this process's CPU per request (Django, psycopg, the test client;
not PostgreSQL's backend), the queries of one request, the load average before and after.
With BENCH_PROFILE=1, a cProfile of as many requests, its top entries by cumulative and by
own time (the profiler inflates many small calls: read it for where, not how much).

The database is BENCH_DB (default ``yiwang_bench_reads_demo``, the demo-size database of
``bench/reads.py``, made as that script makes it when it has no cases).

    .venv/bin/python bench/queue_api.py
    BENCH_DB=yiwang_bench_1m BENCH_PROFILE=1 .venv/bin/python bench/queue_api.py
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import reads  # the bench's sibling module

DB = os.environ.get("BENCH_DB", reads.DEMO_DB)
REPEAT = int(os.environ.get("BENCH_REPEAT", "300"))
PROFILE = os.environ.get("BENCH_PROFILE", "") == "1"
URLS = ("/api/v1/officer/cases", "/api/v1/officer/cases?light=red", "/healthz")


def main() -> None:
    if not reads.case_count(DB):
        seconds = reads.make_database(DB, reads.DEMO_CASES, years=0.1)
        print(f"{DB}: made in {seconds:.0f} s ({reads.DEMO_CASES} generated cases)")
    os.environ.update({**reads.ENV, "DATABASE_URL": f"{reads.PG_URL}/{DB}"})
    sys.path.insert(0, reads.ENV["PYTHONPATH"])
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from yiwang.cases.models import Case
    from yiwang.identity.models import User

    clerk = User.objects.get(username="clerk_scjg")
    client = Client()
    client.force_login(clerk)
    print(f"{DB}: {Case.objects.count():,} cases; load average before {os.getloadavg()[0]:.2f}")
    print(f"median / p95 ms over {REPEAT} requests, this process's CPU per request, queries")
    for url in URLS:
        for _ in range(10):
            assert client.get(url).status_code == 200, url
        statements: list[str] = []

        def count(execute: Any, sql: str, *args: Any, log: list[str] = statements) -> Any:
            log.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            client.get(url)
        times = []
        cpu_started = time.process_time()
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        cpu = (time.process_time() - cpu_started) * 1000 / REPEAT
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"  {url:<36} {statistics.median(times):6.2f} / {p95:6.2f}, "
            f"CPU {cpu:5.2f} ms, {len(statements)} q"
        )
    print(f"load average after {os.getloadavg()[0]:.2f}")
    if PROFILE:
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(REPEAT):
            client.get(URLS[0])
        profile.disable()
        stats = pstats.Stats(profile)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
