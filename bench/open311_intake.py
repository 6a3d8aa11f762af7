"""Open311 intake speed: events per second through POST /open311/v2/requests.json, end to end.

What is measured. ``POST /open311/v2/requests.json`` (form-encoded as the
GeoReport v2 specification sends it: api_key, service_code, lat/long, a
description, the reporter's name and phone) against gunicorn started with
``deploy/gunicorn.conf.py`` (sync workers, 2 × cores + 1 unless
GUNICORN_WORKERS says otherwise) in production mode on a fresh PostgreSQL
database. Each request checks the key (its SHA-256 looked up) and charges it
against its rate (the throttle row, locked in its own short transaction),
finds the district of the point (shapely STRtree over the loaded boundaries),
starts the ``city_event`` workflow, creates the event, its history and audit
entries, dispatches it from the directory (assignments, sign-for and handling
deadlines on the working calendar) and enqueues the departments'
notifications, in one transaction, then answers the service_request_id.

Measured twice: sequential (one client, BENCH_SEQ requests, default 300) and
concurrent (BENCH_THREADS client threads, default 8, sharing BENCH_N
requests, default 3,000). Then the same two runs against ``/healthz`` (the
middleware stack, no database): the ceiling of this server on this machine.
The city's peak day, 30,000 events (Qingming 2021: 31,200 contacts), must
ingest in under a minute: 500 events/s; the report says whether the
concurrent run reaches it and what bounds it (CPU per request of gunicorn and
of PostgreSQL, from /proc, beside the cores there are).

Set-up, not timed: create the database, migrate, load the Jinan demo city
(regions, departments, the demo Open311 key) and, when the demo has no event
categories yet, a small GB/T 39666 slice with a city-wide directory; the demo
district boundaries; one bench key whose rate (BENCH_RATE, default 1,000,000
a minute) is not what is measured — the limiter's charge per request is.

Then the queued path (``YIWANG_OPEN311_ASYNC=true``, docs/open311.md "The intake
queue"): the server restarted with it, BENCH_QUEUED requests (default 3,000) posted
from BENCH_THREADS threads, each checked and stored with a token and answered 202
(accepted/s at the edge, gunicorn and PostgreSQL CPU per request); then
BENCH_INTAKE_WORKERS ``manage.py open311_intake`` processes (default: one per core,
batches of BENCH_BATCH, default 100) register the queue (registered/s by the workers,
their CPU and PostgreSQL's per event), timed from their start to the moment no request
is queued. End to end: accepted, then registered, the time for the peak day's 30,000
extrapolated from BENCH_QUEUED (the report says so when it is smaller). Last, as on the
day itself, another BENCH_QUEUED requests posted while the workers run: the time from the
first POST until every one is registered, the edge and the workers sharing the cores.

The server, the client and the CPU meter are those of bench/submit_path.py.

    make bench
    .venv/bin/python bench/open311_intake.py
    BENCH_N=6000 BENCH_THREADS=16 .venv/bin/python bench/open311_intake.py

Environment: BENCH_PG_URL, BENCH_DB (default yiwang_bench_open311), BENCH_SEQ,
BENCH_N, BENCH_QUEUED, BENCH_INTAKE_WORKERS, BENCH_BATCH, BENCH_THREADS, BENCH_RATE,
BENCH_KEEP_DB=1, GUNICORN_WORKERS.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

os.environ.setdefault("BENCH_DB", "yiwang_bench_open311")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import submit_path as sp

SEQ = int(os.environ.get("BENCH_SEQ", "300"))
N = int(os.environ.get("BENCH_N", "3000"))
THREADS = sp.THREADS
RATE = int(os.environ.get("BENCH_RATE", "1000000"))
QUEUED = int(os.environ.get("BENCH_QUEUED", "3000"))
INTAKE_WORKERS = int(os.environ.get("BENCH_INTAKE_WORKERS", str(os.cpu_count() or 1)))
BATCH = int(os.environ.get("BENCH_BATCH", "100"))
PEAK_DAY = 30_000
TARGET = PEAK_DAY / 60  # events per second: the peak day in under a minute
BENCH_KEY = "bench-open311-key-0123456789abcdef"
#: Points in 历下区 and 市中区 (WGS-84), jittered per request.
CENTRES = [(36.6617, 117.0196), (36.6512, 117.0009), (36.6780, 117.0620)]


def prepare() -> str:
    """Categories and a directory when the demo has none, the boundaries, the bench key.
    Returns the service_code posted."""
    from yiwang.events import services as event_services
    from yiwang.events.models import Category, DispatchDirectory
    from yiwang.events.selectors import categories_leaves
    from yiwang.identity.models import Department, User

    geojson = sp.ROOT / "src/yiwang/demo/data/geo/jinan_districts.geojson"
    event_services.districts_load(actor=None, geojson=geojson.read_text(encoding="utf-8"))
    leaf = categories_leaves().first()
    if leaf is None:
        building = Category.objects.create(code="05", name_zh="城乡建设", name_en="Construction")
        municipal = Category.objects.create(
            code="0501", name_zh="市政设施", name_en="Municipal facilities", parent=building
        )
        leaf = Category.objects.create(
            code="050101", name_zh="井盖缺失", name_en="Missing manhole cover", parent=municipal
        )
    if not DispatchDirectory.objects.filter(is_current=True, rules__category=leaf).exists():
        lead = Department.objects.filter(is_active=True).order_by("code").first()
        assert lead is not None, "the demo city has no department"
        event_services.directory_publish(actor=None, rules=[(leaf, None, lead, [])], note="bench")
    owner = User.objects.get(username="integrator")
    event_services.api_key_issue(
        actor=None, owner=owner, name="bench", rate_per_minute=RATE, raw=BENCH_KEY
    )
    return leaf.code


def bodies(code: str, n: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lat, lng = rng.choice(CENTRES)
        fields = {
            "api_key": BENCH_KEY,
            "service_code": code,
            "lat": f"{lat + rng.uniform(-0.01, 0.01):.6f}",
            "long": f"{lng + rng.uniform(-0.01, 0.01):.6f}",
            "description": f"压测：路面井盖缺失，行人有跌落危险（{seed}-{i}）",
            "first_name": "先生",
            "last_name": "张",
            "phone": f"139{seed:02d}{i:06d}",
        }
        out.append(urllib.parse.urlencode(fields).encode())
    return out


FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


def post(client: sp.Client, body: bytes) -> list[sp.Sample]:
    return [client.call("post", "POST", "/open311/v2/requests.json", body, **FORM)]


def post_queued(client: sp.Client, body: bytes) -> list[sp.Sample]:
    return [client.call("queued", "POST", "/open311/v2/requests.json", body, **FORM)]


def start_intake_workers(n: int) -> list[subprocess.Popen[bytes]]:
    env = {**os.environ, **sp.SERVER_ENV, "PYTHONPATH": str(sp.ROOT / "src")}
    log = (sp.TMP / "intake.log").open("ab")
    return [
        subprocess.Popen(  # noqa: S603 (a fixed command line)
            [sys.executable, "manage.py", "open311_intake", "--batch-size", str(BATCH)],
            cwd=sp.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(n)
    ]


def stop_intake_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=5)


def queued_left() -> int:
    from yiwang.events.models import IntakeRequest

    return IntakeRequest.objects.filter(state=IntakeRequest.State.QUEUED).count()


def run_queued(code: str, cores: int, health_conc: float) -> tuple[Any, float]:
    """The queued path: restart the server with YIWANG_OPEN311_ASYNC, flood it, then drain
    the queue with the intake workers. Returns the flood's run and the drain's wall time."""
    from django.db import connections

    sp.SERVER_ENV["YIWANG_OPEN311_ASYNC"] = "true"
    port = sp.free_port()
    server = sp.start_server(port)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        sp.wait_ready(server, port, timeout=300)
        meter = sp.CpuMeter(server)
        sp.run(port, range(50), THREADS, sp.healthz)  # warm every worker
        print(
            f"queued path (YIWANG_OPEN311_ASYNC=true): POST answers a token, "
            f"{INTAKE_WORKERS} intake worker(s) register in batches of {BATCH}"
        )
        flood = sp.run(port, bodies(code, QUEUED, 3), THREADS, post_queued, meter)
        accepted = sp.report(f"edge, {QUEUED} on {THREADS} threads", flood, 202, "accepted")
        connections.close_all()
        meter = sp.CpuMeter(server)  # the workers' PostgreSQL backends count here
        meter.start()
        began = time.perf_counter()
        workers = start_intake_workers(INTAKE_WORKERS)
        while queued_left():
            if any(w.poll() is not None for w in workers):
                raise RuntimeError("an intake worker exited:\n" + intake_log())
            time.sleep(0.5)
        drain = time.perf_counter() - began
        worker_cpu = sum(sp.cpu_of([w.pid for w in workers]).values())
        _gunicorn_cpu, db_cpu = meter.stop()
        registered = QUEUED / drain
        print(
            f"  {'workers, ' + str(QUEUED) + ' queued':<30} {registered:7.1f} registered/s "
            f"(from the workers' start, {INTAKE_WORKERS} processes, start-up included)   "
            f"CPU/event: workers {sp.ms(worker_cpu / QUEUED)} + PostgreSQL "
            f"{sp.ms(db_cpu / QUEUED)}"
        )
        end_to_end = QUEUED / (flood.wall + drain)
        scale = PEAK_DAY / QUEUED
        said = "" if QUEUED >= PEAK_DAY else f" (extrapolated from {QUEUED:,})"
        print(
            f"  end to end: {end_to_end:.1f} events/s accepted then registered; the peak day "
            f"({PEAK_DAY:,}){said}: accepted in {flood.wall * scale:.0f} s "
            f"({'meets' if accepted >= TARGET else 'MISSES'} the minute at the edge), "
            f"registered in {drain * scale:.0f} s more "
            f"({(flood.wall + drain) * scale / 60:.1f} min in all)"
        )
        print(
            f"  ratio accepted / healthz (concurrent) {accepted / health_conc:6.3f}; "
            f"CPU per event in all: "
            f"{sp.ms((flood.server_cpu + flood.db_cpu) / QUEUED + (worker_cpu + db_cpu) / QUEUED)}"
            f" on {cores} cores"
        )
        together(port, code, workers)
        return flood, drain
    finally:
        stop_intake_workers(workers)
        sp.stop_server(server)


def together(port: int, code: str, workers: list[subprocess.Popen[bytes]]) -> None:
    """As on the day itself: another BENCH_QUEUED requests posted while the workers (already
    started, idle) register them; timed from the first POST to the moment none is queued.
    On a CPU-bound machine this is the figure for the peak day: the edge and the workers
    share the cores instead of taking turns."""
    began = time.perf_counter()
    flood = sp.run(port, bodies(code, QUEUED, 4), THREADS, post_queued)
    while queued_left():
        if any(w.poll() is not None for w in workers):
            raise RuntimeError("an intake worker exited:\n" + intake_log())
        time.sleep(0.1)
    wall = time.perf_counter() - began
    scale = PEAK_DAY / QUEUED
    said = "" if QUEUED >= PEAK_DAY else f" (extrapolated from {QUEUED:,})"
    verdict = "meets" if wall * scale <= 60 else "MISSES"
    print(
        f"  both at once: {QUEUED} posted while the workers register: accepted in "
        f"{flood.wall:.1f} s, all registered {wall:.1f} s after the first POST "
        f"({QUEUED / wall:.1f} events/s, {sp.errors_of(flood.samples, 202)}); the peak day"
        f"{said}: {wall * scale:.0f} s: {verdict} the minute"
    )
    check_queued(flood)


def intake_log(lines: int = 30) -> str:
    path = sp.TMP / "intake.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def check_queued(flood: Any) -> None:
    """Every 202 named a token whose request is registered, once, as a dispatched event."""
    from yiwang.events.models import IntakeRequest

    tokens = [json.loads(s.body)[0]["token"] for s in flood.samples if s.status == 202]
    rows = IntakeRequest.objects.filter(token__in=tokens)
    print(
        f"checks (queued): {len(flood.samples)} posted, {sp.errors_of(flood.samples, 202)}; "
        f"{rows.filter(state='registered', event__status='dispatched').count()} of the "
        f"{len(tokens)} tokens registered and dispatched, "
        f"{rows.filter(state='failed').count()} failed, {rows.filter(state='queued').count()} "
        f"still queued"
    )


def main() -> None:
    import django
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connections

    load = os.getloadavg()
    began = time.perf_counter()
    sp.recreate_database()
    server = None
    try:
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("load_demo", quiet=True, force=True)
        code = prepare()
        connections.close_all()
        setup = time.perf_counter() - began

        port = sp.free_port()
        server = sp.start_server(port)
        sp.wait_ready(server, port, timeout=300)  # workers boot slowly on a busy machine
        meter = sp.CpuMeter(server)
        workers = len(sp.worker_pids(server))
        cores = os.cpu_count() or 1
        print("Open311 intake through the HTTP server (gunicorn, PostgreSQL, production mode)")
        print(
            f"  machine: {cores} cores, load average {load[0]:.1f} before the run"
            + ("  << busy machine: figures are noisy" if load[0] > cores / 2 else "")
        )
        print(
            f"  server: {workers} gunicorn sync workers; client: same machine, {THREADS} "
            f"threads for the concurrent runs; set-up {setup:.1f} s"
        )
        sp.run(port, range(50), THREADS, sp.healthz)  # warm every worker
        sp.run(port, bodies(code, 40, 99), THREADS, post)
        print(f"POST /open311/v2/requests.json (service_code {code}, a point, dispatched at once)")
        seq = sp.run(port, bodies(code, SEQ, 1), 1, post, meter)
        conc = sp.run(port, bodies(code, N, 2), THREADS, post, meter)
        post_seq = sp.report(f"sequential, {SEQ} requests", seq, 201, "events")
        post_conc = sp.report(f"concurrent, {N} on {THREADS} threads", conc, 201, "events")
        print("ceiling: GET /healthz (middleware stack and JSON, no database), same client")
        health_seq = sp.report(
            f"sequential, {SEQ} requests",
            sp.run(port, range(SEQ), 1, sp.healthz, meter),
            200,
            "req",
        )
        health_conc = sp.report(
            f"concurrent, {N} on {THREADS} threads",
            sp.run(port, range(N), THREADS, sp.healthz, meter),
            200,
            "req",
        )
        print("ratio Open311 POST / healthz throughput:")
        for name, ours, ceiling in (
            ("sequential", post_seq, health_seq),
            ("concurrent", post_conc, health_conc),
        ):
            print(f"  {name}  {ours / ceiling:6.3f}")
        per_event = (conc.server_cpu + conc.db_cpu) / max(1, len(conc.samples))
        bound = cores / per_event if per_event else 0.0
        verdict = "meets" if post_conc >= TARGET else "MISSES"
        print(
            f"peak day: {PEAK_DAY:,} events need {TARGET:.0f} events/s to ingest in a minute; "
            f"reached {post_conc:.0f}/s ({PEAK_DAY / post_conc:.0f} s for the day): {verdict} it"
        )
        print(
            f"  bound: {per_event * 1000:.1f} ms of CPU per event (gunicorn "
            f"{conc.server_cpu / max(1, len(conc.samples)) * 1000:.1f} + PostgreSQL "
            f"{conc.db_cpu / max(1, len(conc.samples)) * 1000:.1f}) on {cores} cores: at most "
            f"~{bound:.0f} events/s with the client's CPU taken out"
        )
        check(seq, conc)
        sp.stop_server(server)
        server = None
        if QUEUED:
            flood, _drain = run_queued(code, cores, health_conc)
            check_queued(flood)
        print(f"total {time.perf_counter() - began:.1f} s")
    except BaseException:
        if server is not None:
            print(f"gunicorn log (last lines):\n{sp.server_log()}", file=sys.stderr)
        print(f"intake log (last lines):\n{intake_log()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            sp.stop_server(server)
        if apps.ready:
            connections.close_all()
        if sp.KEEP_DB:
            print(f"kept the database {sp.DB_NAME} (BENCH_KEEP_DB=1)")
        else:
            sp.drop_database()
        shutil.rmtree(sp.TMP, ignore_errors=True)


def check(*runs: Any) -> None:
    """Every 201 named an event that is in the database, once, dispatched."""
    from yiwang.events.models import Event

    samples = [s for r in runs for s in r.samples]
    numbers = [json.loads(s.body)[0]["service_request_id"] for s in samples if s.status == 201]
    events = Event.objects.filter(number__in=numbers)
    print(
        f"checks: {len(samples)} timed requests, {sp.errors_of(samples, 201)}; "
        f"{events.count()} of the {len(numbers)} answered numbers in the database, "
        f"{events.filter(status='dispatched').count()} dispatched, "
        f"{len(numbers) - len(set(numbers))} numbers twice"
    )


if __name__ == "__main__":
    main()
