"""Submit path speed: submissions per second through the real HTTP server on PostgreSQL.

What is measured. ``POST /api/v1/applications/{id}/submit`` (with a fresh
``Idempotency-Key`` and an applicant's bearer token) against gunicorn started
with ``deploy/gunicorn.conf.py`` (sync workers, 2 × cores + 1 unless
GUNICORN_WORKERS says otherwise) in production mode (DEBUG off) on a fresh
PostgreSQL database. Each submit validates the answers and materials, takes
the day's case number (a row lock held to commit), starts the workflow,
creates the case, writes the timeline and the audit entry and enqueues the
applicant's notification: one transaction. Measured twice:

- sequential: one client, BENCH_SEQ submits one after the other (default 300);
- concurrent: BENCH_THREADS client threads (default 8), each submitting its
  share of BENCH_CONC submits (default 600).

Then the same two runs, with the same client code, request counts and
concurrency, against ``/healthz``: the whole middleware stack answering JSON
without touching the database, i.e. the ceiling of this server on this
machine. The ratio submit / healthz says what share of that ceiling the
submit path reaches. (/healthz rather than an /api/v1 endpoint: every API
endpoint authenticates its caller, which reads the database, so it would not
be a ceiling of the stack but a second database path.)

Set-up, not timed: create the database (dropped and recreated each run),
migrate, load the Jinan demo city, create one citizen per application (users
and profiles in bulk, API tokens through ``api_token_create``) and, in bulk,
each one's complete draft: form answers generated from the service's JSON
Schema (plus the profile prefill) and one upload per required material (a
small valid PDF, or PNG). The submit figures time exactly the submit request.

Beside each figure: the CPU per request of gunicorn (master and workers) and
of the PostgreSQL backends of the bench database, read from /proc, so the
cost of a request can be compared on a machine that is busy with other work
(the load average before the run is printed too).

Second figure, the whole applicant path over HTTP: BENCH_PATH more
applicants (default 32), BENCH_THREADS at a time, each creating a draft,
saving the answers, uploading each required material and submitting:
applications per second and the latency of each kind of request.

Printed too: the SQL statements of one submit (counted in this process through
the whole Django stack before the server starts, after a warm-up submit), and
each figure beside its goal from the issue "Performance at city scale":
submits/s on 8 threads at least 40 % of /healthz's, at least 250 submits/s,
and the whole applicant path at least 5 × 8.3 applications/s.
``bench/submit_path.py profile [N]`` instead profiles N submits in process
(cProfile, top entries) and prints the SQL of one (docs/performance.md).

Checked after the runs and printed, not asserted: every submit answered 201,
one case per submit in the database, no case number twice, and resending a
few Idempotency-Keys answers 200 with the same case. Each client thread uses
one ``http.client`` connection; gunicorn's sync workers close it after each
response, so every request opens a new loopback TCP connection, as behind a
proxy. The client runs on the same machine as the server and the database
(its CPU share is printed).

    make bench
    .venv/bin/python bench/submit_path.py
    BENCH_SEQ=100 BENCH_CONC=200 BENCH_THREADS=16 .venv/bin/python bench/submit_path.py
    BENCH_SERVICE=11370100MB285550750102803000 .venv/bin/python bench/submit_path.py

Environment: BENCH_PG_URL (server, default postgres://postgres@127.0.0.1:5432),
BENCH_DB (database name, default yiwang_bench_submit), BENCH_SEQ, BENCH_CONC,
BENCH_THREADS, BENCH_PATH, BENCH_SERVICE (a published demo service code for natural
persons; default the catering food business licence, a licensing case with
five required materials), BENCH_KEEP_DB=1 (keep the database afterwards),
GUNICORN_WORKERS. Worker recycling (GUNICORN_MAX_REQUESTS) is off unless set,
so no worker restarts in the middle of a measurement.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "yiwang_bench_submit")
SEQ = int(os.environ.get("BENCH_SEQ", "300"))
CONC = int(os.environ.get("BENCH_CONC", "600"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
PATH = int(os.environ.get("BENCH_PATH", "32"))
SERVICE = os.environ.get("BENCH_SERVICE", "11370100MB2855502M0101101000")
KEEP_DB = os.environ.get("BENCH_KEEP_DB", "") == "1"
REPLAYS = 20  # Idempotency-Keys resent after the runs
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DB_NAME):
    sys.exit(f"BENCH_DB must be a plain lower-case identifier, not {DB_NAME!r}")

TMP = Path(tempfile.mkdtemp(prefix="yiwang-bench-submit-"))
(TMP / "static").mkdir()
# The same production-like environment for this process (set-up, checks) and the server.
SERVER_ENV = {
    "YIWANG_ENV": "production",
    "YIWANG_DEBUG": "false",
    "YIWANG_SECRET_KEY": secrets.token_urlsafe(50),
    "YIWANG_ALLOWED_HOSTS": "127.0.0.1",
    "YIWANG_SSL_REDIRECT": "false",
    "YIWANG_SECURE_COOKIES": "false",
    "DATABASE_URL": f"{PG_URL}/{DB_NAME}",
    "YIWANG_DB_CONN_MAX_AGE": "60",
    "YIWANG_VAR_DIR": str(TMP),
    "YIWANG_STATIC_ROOT": str(TMP / "static"),
    "DJANGO_SETTINGS_MODULE": "yiwang.settings",
}
os.environ.update(SERVER_ENV)

import django  # noqa: E402

# --- the database and the applicants (set-up) ------------------------------------


def admin_sql(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def recreate_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(f"CREATE DATABASE \"{DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")


def drop_database() -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


@dataclass
class Applicant:
    user_id: int
    token: str
    uscc: str  # of the sole proprietorship (个体工商户) the citizen is the legal representative of
    application_id: int = 0


@dataclass
class Service:
    code: str
    name: str
    workflow: str
    answers: dict[str, Any]
    materials: list[tuple[int, str]]  # (material id, "pdf" or "png")
    uscc_fields: list[str]  # top-level answers that are a credit code (the applicant's own)

    def answers_of(self, applicant: Applicant) -> dict[str, Any]:
        return {**self.answers, **dict.fromkeys(self.uscc_fields, applicant.uscc)}


def pick_service() -> Service:
    from yiwang.cases.forms_schema import form_errors
    from yiwang.catalog.models import Material, ServiceVersion

    version = (
        ServiceVersion.objects.filter(item__code=SERVICE, status=ServiceVersion.Status.PUBLISHED)
        .select_related("item")
        .first()
    )
    if version is None or not version.online_available or version.service_object == "legal_person":
        sys.exit(f"BENCH_SERVICE={SERVICE}: no published online service for natural persons")
    schema = version.form_schema or {}
    answers = sample(schema) if schema else {}
    errors = form_errors(schema, answers, require=True)
    if errors:
        sys.exit(f"cannot generate valid answers for {SERVICE}: {errors}")
    materials = []
    for material in version.materials.filter(requirement=Material.Requirement.REQUIRED):
        kind = "pdf" if "pdf" in material.formats else "png"
        if kind not in material.formats:
            sys.exit(f"material {material.pk} of {SERVICE} takes neither PDF nor PNG")
        materials.append((material.pk, kind))
    uscc_fields = [
        name
        for name, sub in schema.get("properties", {}).items()
        if isinstance(sub, dict) and sub.get("format") == "cn-uscc"
    ]
    return Service(SERVICE, version.name_en, version.workflow, answers, materials, uscc_fields)


def sample(schema: dict[str, Any]) -> Any:
    """A valid value for a JSON Schema as the demo forms use it (checked by the caller)."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return sample(schema[key][0])
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "object":
        return {name: sample(sub) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema.get("items", {})) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "boolean":
        return True
    if kind in ("number", "integer"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        value = max(low + 1, 50)
        return min(value, schema.get("maximum", value))
    return sample_string(schema)


def sample_string(schema: dict[str, Any]) -> str:
    from yiwang.identity.validators import resident_id_check_character, uscc_check_character

    fmt = schema.get("format")
    if fmt == "date":
        return "2026-03-02"
    if fmt == "date-time":
        return "2026-03-02T09:30:00+08:00"
    if fmt == "email":
        return "bench@example.com"
    if fmt == "cn-uscc":
        return "91370100MA3CXK7B1" + uscc_check_character("91370100MA3CXK7B1")
    if fmt == "cn-resident-id":
        return "37010219900307123" + resident_id_check_character("37010219900307123")
    if fmt == "cn-phone":
        return "13805310001"
    pattern = schema.get("pattern")
    if pattern:
        candidates = [
            "91370100MA3CXK7B1" + uscc_check_character("91370100MA3CXK7B1"),
            "37010219900307123" + resident_id_check_character("37010219900307123"),
            "13805310001", "250000", "2026-03-02", "A12345", "1",
        ]  # fmt: skip
        for candidate in candidates:
            if re.search(pattern, candidate):
                return candidate
        sys.exit(f"no sample string matches the pattern {pattern!r}")
    text = "济南市历下区泉城路180号"
    return (text * 3)[
        : max(schema.get("minLength", 1), min(len(text), schema.get("maxLength", 99)))
    ]


def create_applicants(n: int, start: int = 0) -> list[Applicant]:
    """n citizens (numbered from ``start``: call again with a higher one for more): users and
    profiles in bulk, each with an API token from the service."""
    from django.contrib.auth.hashers import make_password

    from yiwang.identity.models import Citizen, Enterprise, EnterpriseMember, User
    from yiwang.identity.validators import resident_id_check_character, uscc_check_character
    from yiwang.integrations.models import Scope
    from yiwang.integrations.services import api_token_create

    password = make_password(None)  # unusable: these users only ever use their token
    users = User.objects.bulk_create(
        User(username=f"bench{i:05d}", display_name=f"压测用户{i}", password=password)
        for i in range(start, start + n)
    )
    citizens = []
    for i, user in enumerate(users, start=start):
        # 历下区, born on one of 1,000 days from 1980, sequence i % 1000.
        born = time.strftime("%Y%m%d", time.gmtime(315532800 + (i // 1000) * 86400))
        first17 = f"370102{born}{i % 1000:03d}"
        citizens.append(
            Citizen(
                user=user,
                name=f"王{i}",
                resident_id=first17 + resident_id_check_character(first17),
                phone=f"138{i:08d}",
                address="济南市历下区泉城路180号",
            )
        )
    Citizen.objects.bulk_create(citizens)
    # Each citizen runs a sole proprietorship (个体工商户) and applies in its own name with its
    # credit code, as the catering licence asks: the submit checks they act for it.
    codes = [f"92370102MA{i:07d}" for i in range(start, start + n)]
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"济南市历下区王{i}小吃店",
            uscc=code + uscc_check_character(code),
            legal_representative=f"王{i}",
            address="济南市历下区泉城路180号",
        )
        for i, code in enumerate(codes, start=start)
    )
    EnterpriseMember.objects.bulk_create(
        EnterpriseMember(enterprise=enterprise, user=user, is_legal_representative=True)
        for enterprise, user in zip(enterprises, users, strict=True)
    )
    scopes = [Scope.APPLICATIONS_WRITE, Scope.CASES_READ]
    return [
        Applicant(user.pk, api_token_create(owner=user, name="bench", scopes=scopes).secret, e.uscc)
        for user, e in zip(users, enterprises, strict=True)
    ]


def create_drafts(applicants: list[Applicant], service: Service) -> None:
    """A complete draft per applicant, in bulk: the answers (with the profile's prefill, as
    ``application_create_draft`` makes them) and one current upload per required material.

    A fast path for the set-up only (the uploads share one stored file per format); the
    drafts are what the services would leave, so the submit has its full work to do.
    """
    import hashlib

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from yiwang.cases.models import Application, CaseMaterial
    from yiwang.cases.services import application_prefill
    from yiwang.catalog.models import ServiceVersion
    from yiwang.identity.models import User

    version = ServiceVersion.objects.get(item__code=service.code, status="published")
    stored = {
        kind: default_storage.save(f"cases/bench/upload.{kind}", ContentFile(content))
        for kind, (content, _type) in FILES.items()
    }
    now = timezone.now()
    users = User.objects.select_related("citizen").in_bulk([a.user_id for a in applicants])
    drafts = Application.objects.bulk_create(
        Application(
            applicant=users[a.user_id],
            service_version=version,
            form_data={
                **service.answers_of(a),
                **application_prefill(applicant=users[a.user_id], service_version=version),
            },
            created_at=now,
            updated_at=now,
        )
        for a in applicants
    )
    CaseMaterial.objects.bulk_create(
        CaseMaterial(
            application=draft,
            material_id=material_id,
            file=stored[kind],
            original_name=f"m.{kind}",
            content_type=FILES[kind][1],
            size=len(FILES[kind][0]),
            sha256=hashlib.sha256(FILES[kind][0]).hexdigest(),
            uploaded_by_id=draft.applicant_id,
            uploaded_at=now,
        )
        for draft in drafts
        for material_id, kind in service.materials
    )
    for applicant, draft in zip(applicants, drafts, strict=True):
        applicant.application_id = draft.pk


# --- files -----------------------------------------------------------------------


def small_pdf() -> bytes:
    """A valid one-page PDF with a line of text (a correct cross-reference table)."""
    stream = b"BT /F1 12 Tf 72 720 Td (yiwang bench) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def small_png() -> bytes:
    """A valid 8×8 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (8).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * 8 for _ in range(8)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


FILES = {"pdf": (small_pdf(), "application/pdf"), "png": (small_png(), "image/png")}


def multipart(fields: dict[str, str], filename: str, kind: str) -> tuple[bytes, str]:
    content, content_type = FILES[kind]
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **SERVER_ENV,
        "PYTHONPATH": str(ROOT / "src"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": os.environ.get("GUNICORN_MAX_REQUESTS", "0"),
        "GUNICORN_CONTROL_SOCKET": str(TMP / "gunicorn.ctl"),
    }
    log = (TMP / "gunicorn.log").open("wb")
    return subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one in stop_server
    )


def wait_ready(server: subprocess.Popen[bytes], port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{server_log()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn not ready after {timeout:.0f} s:\n{server_log()}")


def worker_pids(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_of(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each process still alive."""
    tick, out = os.sysconf("SC_CLK_TCK"), {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


class CpuMeter:
    """CPU used by gunicorn (master and workers) and by the PostgreSQL backends serving
    the bench database between start() and stop(): what a request costs, whatever else
    runs on the machine. Sampled every 0.2 s, so a backend that exits in between (Django
    reconnects after YIWANG_DB_CONN_MAX_AGE) is counted up to its last sample."""

    INTERVAL = 0.2

    def __init__(self, server: subprocess.Popen[bytes]) -> None:
        self.server = server
        self.baseline: dict[int, float] = {}
        self.latest: dict[int, float] = {}
        self.db_pids: set[int] = set()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None

    def _sample(self, conn: psycopg.Connection[Any]) -> None:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (DB_NAME,)
        ).fetchall()
        db = [pid for (pid,) in rows]
        self.db_pids.update(db)
        for pid, seconds in cpu_of([self.server.pid, *worker_pids(self.server), *db]).items():
            self.baseline.setdefault(pid, 0.0)  # born during the run: all its CPU counts
            self.latest[pid] = seconds

    def start(self) -> None:
        conn = psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5)
        self.done.clear()
        self.latest, self.db_pids = {}, set()
        self._sample(conn)
        self.baseline = dict(self.latest)

        def loop() -> None:
            with conn:
                while not self.done.wait(self.INTERVAL):
                    self._sample(conn)
                self._sample(conn)

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()

    def stop(self) -> tuple[float, float]:
        """(gunicorn CPU seconds, PostgreSQL CPU seconds) since start()."""
        self.done.set()
        assert self.thread is not None
        self.thread.join()
        used = {pid: self.latest[pid] - self.baseline[pid] for pid in self.latest}
        db = sum(v for pid, v in used.items() if pid in self.db_pids)
        return sum(used.values()) - db, db


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def server_log(lines: int = 30) -> str:
    path = TMP / "gunicorn.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- the client --------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int  # 0: no HTTP answer (connection error, timeout)
    seconds: float
    body: bytes = b""


class Client:
    """One keep-alive-capable connection; reopened after the server closes it."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(
        self, kind: str, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> Sample:
        start = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
        except (http.client.HTTPException, OSError):
            self.conn.close()
            data, status = b"", 0
        return Sample(kind, status, time.perf_counter() - start, data)


@dataclass
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float = 0.0
    db_cpu: float = 0.0


def run(
    port: int,
    items: Sequence[Any],
    threads: int,
    work: Callable[[Client, Any], list[Sample]],
    meter: CpuMeter | None = None,
) -> Run:
    """``work(client, item)`` for every item, ``threads`` threads each taking its share;
    wall time from the moment all threads are ready to the last one finishing."""
    shares = [items[i::threads] for i in range(threads)]
    results: list[list[Sample]] = [[] for _ in range(threads)]
    ready = threading.Barrier(threads + 1)

    def worker(n: int) -> None:
        client = Client(port)
        ready.wait()
        for item in shares[n]:
            results[n].extend(work(client, item))

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    if meter:
        meter.start()
    ready.wait()
    cpu, start = time.process_time(), time.perf_counter()
    for thread in pool:
        thread.join()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    server_cpu, db_cpu = meter.stop() if meter else (0.0, 0.0)
    return Run([s for r in results for s in r], wall, cpu, server_cpu, db_cpu)


def bearer(applicant: Applicant) -> dict[str, str]:
    return {"Authorization": f"Bearer {applicant.token}"}


def apply_online(service: Service) -> Callable[[Client, Applicant], list[Sample]]:
    """The whole applicant path: draft, answers, one upload per required material, submit."""
    create_body = json.dumps({"service_code": service.code}).encode()
    json_type = {"Content-Type": "application/json"}

    def work(client: Client, applicant: Applicant) -> list[Sample]:
        auth = bearer(applicant)
        created = client.call(
            "create", "POST", "/api/v1/applications", create_body, **auth, **json_type
        )
        if created.status != 201:
            return [created]
        draft = json.loads(created.body)
        applicant.application_id = draft["id"]
        path = f"/api/v1/applications/{draft['id']}"
        answers = {**service.answers_of(applicant), **draft["form_data"]}  # prefill wins
        body = json.dumps({"form_data": answers}, ensure_ascii=False).encode()
        samples = [created, client.call("patch", "PATCH", path, body, **auth, **json_type)]
        for material_id, kind in service.materials:
            upload, content_type = multipart({"material_id": str(material_id)}, f"m.{kind}", kind)
            samples.append(
                client.call(
                    "upload", "POST", f"{path}/materials", upload, **auth,
                    **{"Content-Type": content_type},
                )
            )  # fmt: skip
        samples.extend(submit(client, Submit(applicant, str(uuid.uuid4()))))
        return samples

    return work


@dataclass
class Submit:
    applicant: Applicant
    key: str


def submit(client: Client, job: Submit) -> list[Sample]:
    path = f"/api/v1/applications/{job.applicant.application_id}/submit"
    return [
        client.call(
            "submit", "POST", path, b"", **bearer(job.applicant), **{"Idempotency-Key": job.key}
        )
    ]


def healthz(client: Client, _job: Any) -> list[Sample]:
    return [client.call("healthz", "GET", "/healthz")]


# --- reporting ---------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) > 1 else values[0]


def errors_of(samples: list[Sample], expected: int) -> str:
    bad = Counter(s.status for s in samples if s.status != expected)
    if not bad:
        return f"all {expected}"
    text = ", ".join(f"{n}× {status or 'no answer'}" for status, n in bad.items())
    first = next((s.body for s in samples if s.status != expected and s.body), b"")
    return f"ERRORS {text}" + (f" (first: {first[:200].decode(errors='replace')})" if first else "")


def report(name: str, result: Run, expected: int, unit: str) -> float:
    latencies = [s.seconds for s in result.samples]
    n = len(latencies)
    rate = n / result.wall
    print(
        f"  {name:<30} {rate:7.1f} {unit}/s   median {ms(statistics.median(latencies))}"
        f"   p95 {ms(p95(latencies))}   CPU/request: server {ms(result.server_cpu / n)}"
        f" + PostgreSQL {ms(result.db_cpu / n)}   client CPU {result.client_cpu / result.wall:4.0%}"
        f"   {errors_of(result.samples, expected)}"
    )
    return rate


def report_path(result: Run, applications: int, service: Service) -> float:
    """Prints the path's figures; returns applications per second."""
    steps = len(result.samples) / applications
    print(
        f"  {applications} applications on {THREADS} threads, {steps:.0f} requests each: "
        f"{applications / result.wall:.1f} applications/s ({len(result.samples) / result.wall:.1f}"
        f" requests/s); CPU per application: server {ms(result.server_cpu / applications)}"
        f" + PostgreSQL {ms(result.db_cpu / applications)}"
    )
    for kind, expected in (("create", 201), ("patch", 200), ("upload", 201), ("submit", 201)):
        samples = [s for s in result.samples if s.kind == kind]
        if samples:
            latencies = [s.seconds for s in samples]
            median = statistics.median(latencies)
            print(
                f"    {kind:<7} {len(samples):5d} requests   median {ms(median)}"
                f"   p95 {ms(p95(latencies))}   {errors_of(samples, expected)}"
            )
    return applications / result.wall


def check(submits: list[Run], jobs: list[Submit], port: int) -> None:
    """Every submit made exactly one case; resending a key returns the same case."""
    from yiwang.cases.models import Application, Case

    samples = [s for r in submits for s in r.samples]
    created = [json.loads(s.body)["number"] for s in samples if s.status == 201]
    application_ids = [job.applicant.application_id for job in jobs]
    cases = Case.objects.filter(application_id__in=application_ids)
    in_db = set(cases.values_list("number", flat=True))
    submitted = Application.objects.filter(
        pk__in=application_ids, status=Application.Status.SUBMITTED
    ).count()
    print("checks (timed submits):")
    print(
        f"  {len(samples)} submits, {errors_of(samples, 201)}; {len(in_db)} cases in the database, "
        f"{submitted} applications submitted, {len(created) - len(set(created))} numbers twice, "
        f"{len(set(created) - in_db)} answered numbers missing from the database"
    )
    replays = jobs[:REPLAYS]
    again = run(port, replays, 1, submit)
    same = sum(
        1
        for job, sample in zip(replays, again.samples, strict=True)
        if sample.status == 200
        and json.loads(sample.body)["number"]
        == cases.get(application_id=job.applicant.application_id).number
    )
    print(
        f"  {len(replays)} Idempotency-Keys resent: {same} answered 200 with the same case; "
        f"cases now {cases.count()} (was {len(in_db)})"
    )


def header(service: Service, workers: int, load: tuple[float, float, float]) -> None:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "?",
    )
    (pg_version,) = admin_sql("SHOW server_version")[0]
    import gunicorn

    cores = os.cpu_count() or 1
    print("Submit path through the HTTP server (gunicorn, PostgreSQL, YIWANG_ENV=production)")
    print(
        f"  machine: {cores} cores ({cpu}), Python {platform.python_version()}, load average "
        f"{load[0]:.1f} before the run"
        + ("  << busy machine: figures are noisy" if load[0] > cores / 2 else "")
    )
    print(
        f"  server: gunicorn {gunicorn.__version__}, {workers} sync workers, Django "
        f"{django.get_version()}, PostgreSQL {pg_version.split()[0]} on {PG_URL.split('@')[-1]}"
    )
    print(
        f"  service: {service.code} ({service.name}, workflow {service.workflow}), "
        f"{len(service.answers)} answers, {len(service.materials)} required materials"
    )
    print(f"  client: same machine, http.client, {THREADS} threads for the concurrent runs")


# --- in-process: queries and profile of one submit ---------------------------------


def client_for(applicant: Applicant) -> Any:
    from django.test import Client as DjangoClient

    return DjangoClient(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {applicant.token}")


def submit_in_process(applicant: Applicant) -> Any:
    response = client_for(applicant).post(
        f"/api/v1/applications/{applicant.application_id}/submit",
        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )
    if response.status_code != 201:
        sys.exit(f"in-process submit answered {response.status_code}: {response.content[:300]!r}")
    return response


def queries_of_submit(applicant: Applicant) -> list[str]:
    """The SQL statements of one submit through the whole Django stack (in this process)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        submit_in_process(applicant)
    return [q["sql"] for q in captured.captured_queries]


def statements_of_submit(applicants: list[Applicant]) -> str:
    """What one submit costs in SQL, counted in this process through the whole Django stack
    with production settings: the first applicant's submit warms the process (calendar,
    compiled workflow), the second is counted, after a GET with its token as a client
    makes before submitting (the token's last use is recorded at most once a minute)."""
    warm, counted = applicants
    submit_in_process(warm)
    client_for(counted).get(f"/api/v1/applications/{counted.application_id}")
    queries = queries_of_submit(counted)
    begin = queries.index("BEGIN") if "BEGIN" in queries else 0
    commit = queries.index("COMMIT") if "COMMIT" in queries else len(queries) - 1
    return (
        f"  SQL per submit: {len(queries)} statements: {begin} before the transaction, "
        f"{commit - begin + 1} in it (BEGIN and COMMIT included), "
        f"{len(queries) - commit - 1} after it (the audit sequencer and the answer)"
    )


def profile(applicants: list[Applicant], top: int) -> None:
    """cProfile of submits in this process (the first few warm the caches, untimed), then the
    SQL of one submit: what docs/performance.md keeps before and after."""
    import cProfile
    import io
    import pstats

    warm, timed, last = applicants[:5], applicants[5:-1], applicants[-1]
    for applicant in warm:
        submit_in_process(applicant)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for applicant in timed:
        submit_in_process(applicant)
    profiler.disable()
    wall = time.perf_counter() - start
    print(f"cProfile of {len(timed)} submits in process: {wall / len(timed) * 1000:.1f} ms each")
    for order, restriction in (("cumulative", "/yiwang/"), ("tottime", "")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats(order)
        stats.print_stats(restriction, top) if restriction else stats.print_stats(top)
        where = "yiwang's functions" if restriction else "all functions"
        print(f"--- top {top} of {where} by {order} time, over {len(timed)} submits ---")
        for line in out.getvalue().splitlines():
            if line.strip() and not line.lstrip().startswith(("Ordered by", "List reduced")):
                print(re.sub(r"\S*/(site-packages|src)/", "", line))
    queries = queries_of_submit(last)
    print(f"--- SQL of one submit: {len(queries)} statements ---")
    for n, sql in enumerate(queries, start=1):
        print(f"{n:3d}. {sql if len(sql) < 200 else sql[:197] + '...'}")


def main_profile() -> None:
    """``bench/submit_path.py profile [N]``: set up as the bench does, then profile N submits
    in this process (no HTTP server) and print the SQL of one."""
    from django.core.management import call_command
    from django.db import connections

    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    recreate_database()
    try:
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("load_demo", quiet=True, force=True)
        service = pick_service()
        applicants = create_applicants(n + 6)
        create_drafts(applicants, service)
        print(
            f"service {service.code}: {len(service.answers)} answers, "
            f"{len(service.materials)} required materials"
        )
        profile(applicants, top=int(os.environ.get("BENCH_TOP", "30")))
    finally:
        connections.close_all()
        if not KEEP_DB:
            drop_database()
        shutil.rmtree(TMP, ignore_errors=True)


# --- main --------------------------------------------------------------------------


def main() -> None:
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connections

    load = os.getloadavg()
    began = time.perf_counter()
    recreate_database()
    server = None
    try:
        django.setup()
        call_command("migrate", verbosity=0)
        call_command("load_demo", quiet=True, force=True)
        service = pick_service()
        applicants = create_applicants(SEQ + CONC + PATH + 2)
        timed, walkers = applicants[: SEQ + CONC], applicants[SEQ + CONC : -2]
        create_drafts([*timed, *applicants[-2:]], service)
        statements = statements_of_submit(applicants[-2:])
        connections.close_all()
        setup = time.perf_counter() - began

        port = free_port()
        server = start_server(port)
        wait_ready(server, port)
        meter = CpuMeter(server)
        header(service, len(worker_pids(server)), load)
        print(
            f"  set-up (database, demo city, {len(applicants)} applicants, {len(timed)} drafts "
            f"ready to submit): {setup:.1f} s"
        )
        print(statements)
        # Warm every worker: the middleware, token authentication, the API's routes.
        run(port, range(50), THREADS, healthz)
        run(port, timed[:40], THREADS, lambda client, a: [
            client.call("get", "GET", f"/api/v1/applications/{a.application_id}", **bearer(a))
        ])  # fmt: skip

        jobs = [Submit(a, str(uuid.uuid4())) for a in timed]
        sequential_jobs, concurrent_jobs = jobs[:SEQ], jobs[SEQ:]
        print("submit: POST /api/v1/applications/{id}/submit, a new Idempotency-Key each")
        seq = run(port, sequential_jobs, 1, submit, meter)
        conc = run(port, concurrent_jobs, THREADS, submit, meter)
        submit_seq = report(f"sequential, {len(sequential_jobs)} submits", seq, 201, "submits")
        submit_conc = report(
            f"concurrent, {len(concurrent_jobs)} on {THREADS} threads", conc, 201, "submits"
        )
        print("ceiling: GET /healthz (middleware stack and JSON, no database), same client")
        health_seq = report(
            f"sequential, {SEQ} requests", run(port, range(SEQ), 1, healthz, meter), 200, "req"
        )
        health_conc = report(
            f"concurrent, {CONC} on {THREADS} threads",
            run(port, range(CONC), THREADS, healthz, meter),
            200,
            "req",
        )
        print("ratio submit / healthz throughput:")
        for name, ours, ceiling in (
            ("sequential", submit_seq, health_seq),
            ("concurrent", submit_conc, health_conc),
        ):
            print(f"  {name}  {ours / ceiling:6.3f}   (healthz {ceiling / ours:.0f}× the submits)")
        print(f"  {THREADS} threads against 1: submits {submit_conc / submit_seq:.2f}×, "
              f"healthz {health_conc / health_seq:.2f}×")  # fmt: skip
        path_rate = 0.0
        if walkers:
            print(
                f"whole applicant path over HTTP: create, patch, {len(service.materials)} "
                "uploads, submit"
            )
            path_rate = report_path(
                run(port, walkers, THREADS, apply_online(service), meter), len(walkers), service
            )
        print("goals (issue 'Performance at city scale', on this machine, in this run):")
        goals = [
            (f"submits/s on {THREADS} threads / healthz", submit_conc / health_conc, 0.40, ".3f"),
            (f"submits/s on {THREADS} threads", submit_conc, 250.0, ".1f"),
            ("whole applicant path, applications/s (5 × 8.3)", path_rate, 5 * 8.3, ".1f"),
        ]
        for name, value, goal, fmt in goals:
            verdict = "met" if value >= goal else f"NOT met ({value / goal:.0%} of it)"
            print(f"  {name:<48} {value:{fmt}}   goal ≥ {goal:{fmt}}   {verdict}")
        check([seq, conc], jobs, port)
        print(f"total {time.perf_counter() - began:.1f} s")
    except BaseException:
        if server is not None:
            print(f"gunicorn log (last lines):\n{server_log()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            stop_server(server)
        if apps.ready:
            connections.close_all()
        if KEEP_DB:
            print(f"kept the database {DB_NAME} (BENCH_KEEP_DB=1)")
        else:
            drop_database()
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["profile"]:
        main_profile()
    else:
        main()
