"""A load test with Locust, headless and bounded, against a server on 127.0.0.1 only.

``make loadtest`` (installs Locust from requirements-load.txt into the venv on
first use). What it does:

1. Set-up, not measured: a fresh PostgreSQL database (BENCH_DB, default
   ``yiwang_bench_load``), migrated, the Jinan demo city loaded, LOAD_DRAFTS
   citizens (default 200) each with an API token and a complete draft of the
   catering licence (食品经营许可, as ``bench/submit_path.py`` prepares them,
   whose helpers this script uses), and LOAD_SEED of those drafts (default 60)
   submitted at once so the officers' queues are not empty at the start.
2. gunicorn with ``deploy/gunicorn.conf.py`` in production mode on a free
   port of 127.0.0.1 (sync workers, 2 × cores + 1), plus the scheduler's audit
   round in this process every 5 s as in production.
3. ``locust --headless`` with ``bench/locustfile.py``: LOAD_USERS simulated
   users (default 30: browsing citizens, applying citizens and officers
   working their queues, 6:2:2), spawned LOAD_SPAWN a second (default 5), for
   LOAD_TIME (default 60s).
4. Prints, per request kind and in all, the count, failures, p50, p95 and
   p99 in ms and the requests per second, then the failures; stops the
   server and drops the database (unless BENCH_KEEP_DB=1).

    make loadtest
    LOAD_USERS=60 LOAD_TIME=3m make loadtest

Not part of CI. To load a server you run yourself instead (on this machine
only), set LOAD_HOST=http://127.0.0.1:8000 and YIWANG_LOAD_PLAN to a plan file
(the JSON ``prepare`` writes); anything but 127.0.0.1 or localhost is refused.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
USERS = int(os.environ.get("LOAD_USERS", "30"))
SPAWN = float(os.environ.get("LOAD_SPAWN", "5"))
RUN_TIME = os.environ.get("LOAD_TIME", "60s")
DRAFTS = int(os.environ.get("LOAD_DRAFTS", "200"))
SEED = int(os.environ.get("LOAD_SEED", "60"))
HOST = os.environ.get("LOAD_HOST", "")
os.environ.setdefault("BENCH_DB", "yiwang_bench_load")
# The submit bench's set-up: its database, production environment and server helpers.
sys.path.insert(0, str(ROOT))
import submit_path as setup  # noqa: E402

_sample_string = setup.sample_string


def sample_string(schema: dict[str, str]) -> str:
    """``submit_path.sample_string`` with the identifier formats of the demo forms (that
    script's copy on main predates them; a no-op once it knows them)."""
    from yiwang.identity.validators import resident_id_check_character, uscc_check_character

    if schema.get("format") == "cn-uscc":
        return "91370100MA3CXK7B1" + uscc_check_character("91370100MA3CXK7B1")
    if schema.get("format") == "cn-resident-id":
        return "37010219900307123" + resident_id_check_character("37010219900307123")
    return _sample_string(schema)


setup.sample_string = sample_string


def audit_key() -> None:
    """A signing key for this run's audit checkpoints (production settings want one)."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    path = setup.TMP / "audit-signing-key.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    os.environ["YIWANG_AUDIT_SIGNING_KEY_FILE"] = str(path)
    os.environ["YIWANG_AUDIT_PUBLIC_KEYS"] = base64.b64encode(raw).decode()


SEARCH_WORDS = ["食品经营许可", "营业执照", "社保", "公积金", "出生", "医保", "license", "户口"]
LOCALHOST = {"127.0.0.1", "localhost", "::1"}


def prepare(plan_path: Path) -> None:
    from django.core.management import call_command

    from yiwang.cases import services as case_services
    from yiwang.cases.models import Application
    from yiwang.catalog.models import ServiceVersion
    from yiwang.demo.data.accounts import DEMO_PASSWORD
    from yiwang.identity.models import Role, User

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # production: manifest
    call_command("load_demo", quiet=True, force=True)
    service = setup.pick_service()
    applicants = setup.create_applicants(DRAFTS)
    setup.create_drafts(applicants, service)
    version = ServiceVersion.objects.select_related("item").get(
        item__code=service.code, status="published"
    )
    act_for_own_business(applicants, version)
    seeded, drafts = applicants[:SEED], applicants[SEED:]
    for applicant in seeded:
        application = Application.objects.get(pk=applicant.application_id)
        case_services.application_submit(application=application, applicant=application.applicant)
    officers = list(
        User.objects.filter(
            role_assignments__department=version.item.department,
            role_assignments__role__in=[Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER],
        )
        .values_list("username", flat=True)
        .distinct()
    )
    guides = list(
        ServiceVersion.objects.filter(status="published")
        .order_by("item__code")
        .values_list("item__code", flat=True)[:20]
    )
    plan = {
        "password": DEMO_PASSWORD,
        "officers": officers,
        "drafts": [{"token": a.token, "id": a.application_id} for a in drafts],
        "guides": guides,
        "words": SEARCH_WORDS,
    }
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    print(
        f"  set-up: demo city, {DRAFTS} citizens with drafts of {service.code} "
        f"({service.name}), {SEED} submitted; officers {', '.join(officers)}"
    )


def act_for_own_business(applicants: list[Any], version: Any) -> None:
    """Each citizen runs a sole proprietorship (个体工商户) whose credit code their answers
    give, as the submit checks. ``submit_path``'s set-up does this itself once it knows
    credit-code answers (``Applicant.uscc``); until then, here."""
    from yiwang.cases.models import Application
    from yiwang.identity.models import Enterprise, EnterpriseMember
    from yiwang.identity.validators import uscc_check_character

    fields = [
        name
        for name, sub in (version.form_schema or {}).get("properties", {}).items()
        if isinstance(sub, dict) and sub.get("format") == "cn-uscc"
    ]
    if not fields or all(hasattr(a, "uscc") for a in applicants):
        return
    for i, applicant in enumerate(applicants):
        code = f"92370102MA{i:07d}"
        enterprise = Enterprise.objects.create(
            name=f"济南市历下区王{i}小吃店",
            uscc=code + uscc_check_character(code),
            legal_representative=f"王{i}",
            address="济南市历下区泉城路180号",
        )
        EnterpriseMember.objects.create(
            enterprise=enterprise, user_id=applicant.user_id, is_legal_representative=True
        )
        draft = Application.objects.get(pk=applicant.application_id)
        draft.form_data = {**draft.form_data, **dict.fromkeys(fields, enterprise.uscc)}
        draft.save(update_fields=["form_data"])


def audit_rounds(stop: threading.Event) -> None:
    """The scheduler's audit round (seal, sign) every 5 s, as ``run_scheduler`` does."""
    from django.db import connection

    from yiwang.core.audit import audit_upkeep

    while not stop.wait(5):
        audit_upkeep()
    connection.close()


def warm_up(port: int) -> None:
    """Each page once per worker, not measured: the first search of a worker loads the
    word segmenter's dictionary (seconds), which a long-running server has done."""
    import http.client

    started = time.monotonic()
    for _ in range(2 * (os.cpu_count() or 1) + 1):
        for path in ("/", "/services/", "/search/?q=%E8%90%A5%E4%B8%9A", "/accounts/login/"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
    print(f"  warm-up: {time.monotonic() - started:.1f} s")


def run_locust(host: str, plan_path: Path, prefix: Path) -> int:
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "locustfile.py"),
        "--headless", "--host", host, "--users", str(USERS), "--spawn-rate", str(SPAWN),
        "--run-time", RUN_TIME, "--stop-timeout", "10", "--csv", str(prefix),
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    print("  $", " ".join(command[1:]), flush=True)
    env = {**os.environ, "YIWANG_LOAD_PLAN": str(plan_path)}
    with Path(f"{prefix}.log").open("w") as log:  # its own tables: the report below is ours
        return subprocess.run(command, env=env, stdout=log, check=False).returncode  # noqa: S603


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def report(prefix: Path) -> None:
    rows = read_csv(Path(f"{prefix}_stats.csv"))
    print()
    print(
        f"  {'request':<44} {'count':>6} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} {'req/s':>6}"
    )
    for row in rows:
        name = row["Name"] if row["Type"] in ("", "None") else f"{row['Type']} {row['Name']}"
        print(
            f"  {name[:44]:<44} {row['Request Count']:>6} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {float(row['Requests/s']):>6.1f}"
        )
    print("  (milliseconds)")
    failures = read_csv(Path(f"{prefix}_failures.csv"))
    if failures:
        print("  failures:")
        for row in failures:
            print(f"    {row['Occurrences']}× {row['Method']} {row['Name']}: {row['Error'][:160]}")
    else:
        print("  failures: none")


def main() -> None:
    import django

    if HOST:
        if urlsplit(HOST).hostname not in LOCALHOST:
            sys.exit(f"LOAD_HOST={HOST}: this load test only runs against 127.0.0.1")
        plan_path = Path(os.environ.get("YIWANG_LOAD_PLAN", ""))
        if not plan_path.is_file():
            sys.exit("With LOAD_HOST, set YIWANG_LOAD_PLAN to a plan file of that server.")
        prefix = setup.TMP / "locust"
        run_locust(HOST, plan_path, prefix)
        report(prefix)
        return
    print(f"load test: {USERS} users, {SPAWN:g}/s spawned, for {RUN_TIME}; ", end="")
    print(f"{os.cpu_count()} CPUs, load {os.getloadavg()}")
    setup.recreate_database()
    audit_key()
    server = None
    stop = threading.Event()
    try:
        django.setup()
        plan_path = setup.TMP / "plan.json"
        prepare(plan_path)
        from django.db import connections

        connections.close_all()
        port = setup.free_port()
        server = setup.start_server(port)
        setup.wait_ready(server, port)
        print(f"  gunicorn on 127.0.0.1:{port}, {len(setup.worker_pids(server))} workers")
        warm_up(port)
        rounds = threading.Thread(target=audit_rounds, args=(stop,), daemon=True)
        rounds.start()
        prefix = setup.TMP / "locust"
        started = time.monotonic()
        run_locust(f"http://127.0.0.1:{port}", plan_path, prefix)
        print(f"  locust ran {time.monotonic() - started:.0f} s")
        report(prefix)
        from yiwang.core.audit import audit_status

        status = audit_status()
        print(
            f"  audit log after the run: sealed to seq {status.sealed_seq}, "
            f"{status.unsealed} waiting; lag median {status.lag_median}, longest {status.lag_max}"
        )
    finally:
        stop.set()
        if server is not None:
            setup.stop_server(server)
        from django.db import connections

        connections.close_all()
        if not setup.KEEP_DB:
            setup.drop_database()
        shutil.rmtree(setup.TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
