"""Lifecycle throughput: whole licensing cases per second through the services, on PostgreSQL,
on a database that already holds many cases.

What is measured. One lifecycle is what the applicant and the officers of a
department do to one licence, each step the service function that the portal,
the workbench and the API call (in its own transaction, audited, notifying):

    submit (the applicant's complete draft becomes a case: application_submit)
    → accept (intake clerk: case_accept)
    → review (reviewer: case_review, the opinion proposing approval, 审查意见)
    → decide (approver, from ``reviewed``: case_approve)
    → issue the certificate (certificate_issue) → complete (case_complete)
    → rate (the applicant: rating_submit, 5 非常满意)

BENCH_PROCS worker processes (default 4: more than the cores, so the database
and Python overlap) each run their share of BENCH_LIFECYCLES lifecycles (default
400) on their own connection, with production settings (DEBUG off). The figure
is lifecycles per second, beside DIGIT's published 6.3 lifecycles/s at 1 M rows
on 8–16 vCPU and the goal of 50/s on 2 cores (issue "Performance at city scale").

The database. With BENCH_DB (default ``yiwang_bench_1m``, the million-case
database of ``generate_history`` when it exists and has cases) the lifecycles
add cases to it: that database is changed (its ``cases`` migrations are brought
up to date first, which adds the case-number function). Otherwise a database
``yiwang_bench_submit_lifecycle`` is made: the Jinan demo city and
BENCH_BACKGROUND (default 5,000) cases submitted through the same service, so
the tables and indexes are not empty; it is dropped afterwards (BENCH_KEEP_DB=1
keeps it). The figures say which database and how many cases it held.

Set-up, not timed: one citizen per lifecycle with their complete draft (bulk,
as bench/submit_path.py makes them); the officers are the demo department's.

    make bench
    .venv/bin/python bench/lifecycle.py
    BENCH_DB=none BENCH_BACKGROUND=5000 .venv/bin/python bench/lifecycle.py

Environment: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), BENCH_DB,
BENCH_GENERATED_DB (the name of the generated one), BENCH_LIFECYCLES, BENCH_PROCS,
BENCH_BACKGROUND, BENCH_KEEP_DB, BENCH_SERVICE (as bench/submit_path.py).
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
LIFECYCLES = int(os.environ.get("BENCH_LIFECYCLES", "400"))
PROCS = int(os.environ.get("BENCH_PROCS", "4"))
BACKGROUND = int(os.environ.get("BENCH_BACKGROUND", "5000"))
DIGIT = 6.3  # lifecycles/s at 1 M rows, 8-16 vCPU (DIGIT's published figure)
GOAL = 50.0  # lifecycles/s on 2 cores


def existing_cases(name: str) -> int:
    """How many cases the database ``name`` holds (0 when it does not exist or has none)."""
    try:
        with psycopg.connect(f"{PG_URL}/{name}", connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case").fetchone()
    except psycopg.Error:
        return 0
    return int(row[0]) if row else 0


WANTED = os.environ.get("BENCH_DB", "yiwang_bench_1m")
HELD = existing_cases(WANTED) if WANTED != "none" else 0
GENERATED = HELD == 0
GENERATED_DB = os.environ.get("BENCH_GENERATED_DB", "yiwang_bench_submit_lifecycle")
os.environ["BENCH_DB"] = GENERATED_DB if GENERATED else WANTED
sys.path.insert(0, str(ROOT / "bench"))

import submit_path as bench  # noqa: E402  (sets the production environment)


def step_times() -> dict[str, list[float]]:
    steps = ("submit", "accept", "inspect", "review", "approve", "certificate", "complete", "rate")
    return {k: [] for k in steps}


def one_lifecycle(
    application_id: int, applicant: Any, clerk: Any, reviewer: Any, approver: Any, record: Any
) -> None:
    """Submit, accept, review, approve, issue, complete and rate one case; ``record(step,
    run)`` runs
    each step (and times or counts it)."""
    from yiwang.cases import services
    from yiwang.cases.models import Application

    case = record(
        "submit",
        lambda: services.application_submit(
            application=Application(pk=application_id), applicant=applicant
        ),
    )
    case = record("accept", lambda: services.case_accept(case=case, actor=clerk))
    if case.service_version.has_site_inspection:  # 现场核查 before the opinion
        case = record(
            "inspect",
            lambda: services.site_inspection_record(
                case=case, actor=reviewer, findings="经营场所与申请材料一致。"
            ),
        )
    case = record(
        "review",
        lambda: services.case_review(
            case=case, actor=reviewer, outcome="approve", opinion="材料齐全，符合法定条件。"
        ),
    )
    case = record("approve", lambda: services.case_approve(case=case, actor=approver))
    case = record("certificate", lambda: services.certificate_issue(case=case, actor=approver))
    case = record("complete", lambda: services.case_complete(case=case, actor=approver))
    record("rate", lambda: services.rating_submit(case=case, applicant=applicant, level=5))


def lifecycles(jobs: list[tuple[int, int]], officers: tuple[int, int, int], out: Any) -> None:
    """One worker: the lifecycle of each (application id, applicant id), timed per step."""
    import django

    django.setup()
    from django.db import connections

    from yiwang.identity.models import User

    connections.close_all()  # never the parent's connection
    clerk, reviewer, approver = (User.objects.get(pk=pk) for pk in officers)
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    cpu = bench.cpu_of([backend]).get(backend, 0.0), time.process_time()
    times = step_times()
    failures: list[str] = []

    def timed(step: str, run: Any) -> Any:
        start = time.perf_counter()
        result = run()
        times[step].append(time.perf_counter() - start)
        return result

    for application_id, applicant_id in jobs:
        try:
            applicant = User.objects.get(pk=applicant_id)
            one_lifecycle(application_id, applicant, clerk, reviewer, approver, timed)
        except Exception as exc:  # counted and shown, the run goes on
            failures.append(f"{type(exc).__name__}: {exc}")
    used = (bench.cpu_of([backend]).get(backend, cpu[0]) - cpu[0], time.process_time() - cpu[1])
    connections.close_all()
    out.put((times, failures, used))


def statements_per_step(job: tuple[int, int], officers: tuple[int, int, int]) -> str:
    """The SQL statements of each step of one lifecycle, in this process (after commit too:
    the audit sequencer runs in the request that committed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiwang.identity.models import User

    clerk, reviewer, approver = (User.objects.get(pk=pk) for pk in officers)
    counts: dict[str, int] = {}

    def counted(step: str, run: Any) -> Any:
        with CaptureQueriesContext(connection) as captured:
            result = run()
        counts[step] = len(captured.captured_queries)
        return result

    one_lifecycle(job[0], User.objects.get(pk=job[1]), clerk, reviewer, approver, counted)
    steps = ", ".join(f"{step} {n}" for step, n in counts.items())
    return f"  SQL statements per step: {steps}; {sum(counts.values())} per lifecycle"


def officers_of(department_id: int) -> tuple[int, int, int]:
    from yiwang.identity.models import Role, RoleAssignment

    def one(role: str) -> int:
        row = RoleAssignment.objects.filter(department_id=department_id, role=role).first()
        if row is None:
            sys.exit(f"the demo department {department_id} has no {role}")
        return row.user_id

    return one(Role.INTAKE_CLERK), one(Role.REVIEWER), one(Role.APPROVER)


def first_free_applicant() -> int:
    """A number after every bench citizen the database already has (a rerun, a bigger run)."""
    from yiwang.identity.models import User

    names = User.objects.filter(username__startswith="bench").values_list("username", flat=True)
    numbers = [int(n[5:]) for n in names if n[5:].isdigit()]
    return max(numbers, default=-1) + 1


def generate_background(n: int, service: bench.Service) -> None:
    """``n`` cases submitted through the service, so the tables are not empty."""
    from yiwang.cases import services
    from yiwang.cases.models import Application
    from yiwang.identity.models import User

    applicants = bench.create_applicants(n)
    bench.create_drafts(applicants, service)
    users = User.objects.in_bulk([a.user_id for a in applicants])
    for a in applicants:
        services.application_submit(
            application=Application(pk=a.application_id), applicant=users[a.user_id]
        )


def main() -> None:
    import django
    from django.core.management import call_command
    from django.db import connections

    began = time.perf_counter()
    if GENERATED:
        bench.recreate_database()
    try:
        django.setup()
        if GENERATED:
            call_command("migrate", verbosity=0)
            call_command("load_demo", quiet=True, force=True)
        else:
            call_command("migrate", "cases", verbosity=0)
        service = bench.pick_service()
        if GENERATED:
            generate_background(BACKGROUND, service)
        from yiwang.catalog.models import ServiceVersion

        version = ServiceVersion.objects.select_related("item").get(
            item__code=service.code, status=ServiceVersion.Status.PUBLISHED
        )
        officers = officers_of(version.item.department_id)
        applicants = bench.create_applicants(LIFECYCLES + 2, start=first_free_applicant())
        bench.create_drafts(applicants, service)
        extra, applicants = applicants[:2], applicants[2:]
        for warm_up in extra:  # the first warms this process (calendar, workflow); then count
            statements = statements_per_step((warm_up.application_id, warm_up.user_id), officers)
        held = existing_cases(os.environ["BENCH_DB"])
        connections.close_all()
        setup = time.perf_counter() - began

        jobs = [(a.application_id, a.user_id) for a in applicants]
        context = multiprocessing.get_context("fork")
        out = context.Queue()
        workers = [
            context.Process(target=lifecycles, args=(jobs[i::PROCS], officers, out))
            for i in range(PROCS)
        ]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        results = [out.get() for _ in workers]
        wall = time.perf_counter() - start
        for worker in workers:
            worker.join()

        times = step_times()
        failures: list[str] = []
        db_cpu = python_cpu = 0.0
        for part, failed, (db_used, python_used) in results:
            for name, values in part.items():
                times[name].extend(values)
            failures.extend(failed)
            db_cpu += db_used
            python_cpu += python_used
        done = len(times["rate"])
        rate = done / wall
        where = (
            f"generated: demo city + {BACKGROUND:,} submitted cases"
            if GENERATED
            else f"{os.environ['BENCH_DB']} (existing)"
        )
        print("Lifecycle throughput (services, PostgreSQL, production settings)")
        print(
            f"  machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
            f"database {where}, {held:,} cases before the run; set-up {setup:.0f} s"
        )
        print(
            f"  {done} lifecycles (submit → accept → review → approve → certificate → complete"
            f" → rate) on {PROCS} processes in {wall:.1f} s: {rate:.1f} lifecycles/s"
            + (f"   FAILED {len(failures)} (first: {failures[0]})" if failures else "")
        )
        print(statements)
        for name, values in times.items():
            if values:
                print(
                    f"    {name:<12} median {statistics.median(values) * 1000:6.1f} ms"
                    f"   p95 {bench.p95(values) * 1000:6.1f} ms"
                )
        per = (python_cpu + db_cpu) / max(done, 1)
        bound = (os.cpu_count() or 1) / per if per else 0.0
        print(
            f"  CPU per lifecycle: Python {python_cpu / max(done, 1) * 1000:.0f} ms + PostgreSQL "
            f"{db_cpu / max(done, 1) * 1000:.0f} ms: on {os.cpu_count()} idle cores at most "
            f"{bound:.1f} lifecycles/s (CPU-bound; a busy machine gives less wall-clock figure)"
        )
        for label, goal in (("DIGIT's published figure (8-16 vCPU)", DIGIT), ("the goal", GOAL)):
            print(
                f"  against {label}: {goal} lifecycles/s -> measured {rate / goal:.2f}×, "
                f"CPU bound {bound / goal:.2f}×"
            )
    finally:
        connections.close_all()
        if GENERATED and not bench.KEEP_DB:
            bench.drop_database()
        shutil.rmtree(bench.TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
