"""MQTT intake speed: IoT alarms per second through the broker into PostgreSQL, end to end.

What is measured. BENCH_EVENTS alarms (default 30,000, the city's peak day) are
published at QoS 1, as fast as one publisher can, each by its own registered
device, to a Mosquitto of the bench's own (persistence on, no queue limit:
the configuration docs/iot.md recommends; the machine's broker at 1883 keeps
Mosquitto's default of 1,000 queued messages per client, which a backlog of
30,000 would overflow). ``manage.py mqtt_subscriber``, the real process, takes
them (batches of BENCH_BATCH, default 500, one transaction each, acknowledged
after commit) and registers each as a new city event (``event_alarm``:
workflow started, history, audit entries, dispatched to the device's
department with its deadlines). The clock runs from the first publish to the
moment the database holds a receipt for every message: events per second.
Then the same number of alarms again from the same devices, within their
repeat window: each updates its device's open event (the cheap path).

Beside them, in the same run, the ceilings of the stack:
- a trivial round trip through the same broker: the same number of QoS 1
  messages to a subscriber that only acknowledges them (no database);
- ``/healthz`` of gunicorn (deploy/gunicorn.conf.py, production settings):
  BENCH_HTTP requests (default 2,000) from 4 client threads.

And the district lookup with every district polygon of the city loaded (the
demo's Jinan boundaries, 12 polygons): the STRtree lookup per point
(``district_index().lookup``) over BENCH_POINTS random points in the city's
bounding box (default 100,000), and ``district_for_point`` (the lookup plus
reading the Region) over 2,000.

Beside each intake figure: the CPU seconds of the subscriber, of the
PostgreSQL backends of the bench database and of Mosquitto, read from /proc,
so what bounds the rate shows (the load average before the run is printed).

Set-up, not timed: create the database (dropped and recreated each run),
migrate, the regions and district boundaries of the Jinan demo, one category,
one department, and BENCH_EVENTS devices in bulk at random points in the city.

    make bench
    .venv/bin/python bench/mqtt_intake.py
    BENCH_EVENTS=3000 .venv/bin/python bench/mqtt_intake.py

Environment: BENCH_PG_URL (server, default postgres://postgres@127.0.0.1:5432),
BENCH_DB (default yiwang_bench_mqtt), BENCH_EVENTS, BENCH_BATCH, BENCH_SUBSCRIBERS (default
1; more share an MQTT 5 shared subscription, each with its own client id), BENCH_HTTP,
BENCH_POINTS, BENCH_MAX_SECONDS (stop waiting for a round after this long and print the
rate reached, default 300), BENCH_KEEP_DB=1 (keep the database afterwards). Needs Debian's
mosquitto (``apt-get install mosquitto``).
"""

from __future__ import annotations

import getpass
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import psycopg
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DB_NAME = os.environ.get("BENCH_DB", "yiwang_bench_mqtt")
EVENTS = int(os.environ.get("BENCH_EVENTS", "30000"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1"))
HTTP = int(os.environ.get("BENCH_HTTP", "2000"))
POINTS = int(os.environ.get("BENCH_POINTS", "100000"))
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "300"))
KEEP_DB = os.environ.get("BENCH_KEEP_DB", "") == "1"
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DB_NAME):
    sys.exit(f"BENCH_DB must be a plain lower-case identifier, not {DB_NAME!r}")
if not Path(MOSQUITTO).exists():
    sys.exit("bench/mqtt_intake.py needs Debian's mosquitto (apt-get install mosquitto)")

TMP = Path(tempfile.mkdtemp(prefix="yiwang-bench-mqtt-"))
(TMP / "static").mkdir()
CITY = "bench"
ENV = {
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
    "YIWANG_MQTT_CLIENT_ID": "yiwang-bench",
    "YIWANG_MQTT_TOPIC": f"yiwang/iot/{CITY}/alarms/+",
    "YIWANG_LOG_LEVEL": "INFO",
    "DJANGO_SETTINGS_MODULE": "yiwang.settings",
}
os.environ.update(ENV)

import django  # noqa: E402


def admin_sql(sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql)  # type: ignore[arg-type]
        return cursor.fetchall() if cursor.description else []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pids: list[int]) -> float:
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def backend_pids() -> list[int]:
    rows = admin_sql(f"SELECT pid FROM pg_stat_activity WHERE datname = '{DB_NAME}'")  # noqa: S608
    return [row[0] for row in rows]


# --- the broker ----------------------------------------------------------------------


class Broker:
    def __init__(self) -> None:
        self.port = free_port()
        config = TMP / "mosquitto.conf"
        config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {TMP}/\n"
            "max_queued_messages 0\n"
            f"user {getpass.getuser()}\n"
            f"log_dest file {TMP}/mosquitto.log\n",
            encoding="utf-8",
        )
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(config)])  # noqa: S603
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def publish_all(port: int, messages: list[tuple[str, bytes]]) -> float:
    """Publish every message at QoS 1 from one client; seconds until the broker acked all."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-devices")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    started = time.perf_counter()
    infos = [client.publish(topic, payload, qos=1) for topic, payload in messages]
    for info in infos:
        info.wait_for_publish(timeout=120)
    elapsed = time.perf_counter() - started
    client.disconnect()
    client.loop_stop()
    return elapsed


def trivial_round_trip(port: int, n: int) -> float:
    """QoS 1 messages/s to a subscriber that only acknowledges them (manual ack, MQTT 5)."""
    done, received = threading.Event(), [0]
    sub = mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id="bench-trivial",
        protocol=mqtt.MQTTv5,
        manual_ack=True,
    )

    def on_message(client: Any, userdata: Any, message: Any) -> None:
        client.ack(message.mid, message.qos)
        received[0] += 1
        if received[0] >= n:
            done.set()

    sub.on_message = on_message
    props = Properties(PacketTypes.CONNECT)
    props.ReceiveMaximum = 1000
    sub.connect("127.0.0.1", port, clean_start=True, properties=props)
    sub.loop_start()
    subscribed = threading.Event()
    sub.on_subscribe = lambda *args: subscribed.set()
    sub.subscribe("bench/trivial/+", qos=1)
    subscribed.wait(10)
    payload = b'{"message_id": "x", "device_id": "d", "alarm_type": "t", "at": "now"}'
    started = time.perf_counter()
    threading.Thread(
        target=publish_all, args=(port, [(f"bench/trivial/{i % 100}", payload) for i in range(n)])
    ).start()
    done.wait(300)
    elapsed = time.perf_counter() - started
    sub.disconnect()
    sub.loop_stop()
    return n / elapsed


# --- the subscriber process ----------------------------------------------------------


class Subscriber:
    def __init__(self, port: int, index: int = 0) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "YIWANG_MQTT_URL": f"mqtt://127.0.0.1:{port}",
        }
        if SUBSCRIBERS > 1:  # an MQTT 5 shared subscription: the broker shares the messages out
            env["YIWANG_MQTT_CLIENT_ID"] = f"yiwang-bench-{index}"
            env["YIWANG_MQTT_TOPIC"] = "$share/yiwang/yiwang/iot/+/alarms/+"
        self.process = subprocess.Popen(  # noqa: S603 (a fixed command line)
            [sys.executable, "manage.py", "mqtt_subscriber", "--batch-size", str(BATCH)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.subscribed = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self.subscribed.wait(60):
            raise RuntimeError("the subscriber did not subscribe:\n" + "".join(self.lines))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            if "Subscription to" in line and "confirmed" in line:
                self.subscribed.set()

    def stop(self) -> str:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.lines[-1].strip() if self.lines else ""


def intake(port: int, subscribers: list[Subscriber], messages: list[tuple[str, bytes]], total: int):
    """(alarms taken, seconds, publish seconds, CPU seconds of subscribers, database, broker).

    Stops waiting after MAX_SECONDS: then the rate is what was reached until then."""
    from yiwang.events.models import AlarmReceipt

    pids = backend_pids()
    before = (
        cpu_seconds([subscriber.process.pid for subscriber in subscribers]),
        cpu_seconds(pids),
        cpu_seconds([BROKER.process.pid]),
    )
    started = time.perf_counter()
    published: list[float] = []
    thread = threading.Thread(target=lambda: published.append(publish_all(port, messages)))
    thread.start()
    first = AlarmReceipt.objects.count()
    done = first
    while done < total and time.perf_counter() - started < MAX_SECONDS:
        time.sleep(0.25)
        done = AlarmReceipt.objects.count()
    elapsed = time.perf_counter() - started
    thread.join()
    pids = sorted(set(pids) | set(backend_pids()))
    after = (
        cpu_seconds([subscriber.process.pid for subscriber in subscribers]),
        cpu_seconds(pids),
        cpu_seconds([BROKER.process.pid]),
    )
    cpu = tuple(a - b for a, b in zip(after, before, strict=True))
    return done - first, elapsed, published[0], cpu


# --- set-up ----------------------------------------------------------------------------


def seed() -> tuple[list[str], list[tuple[float, float]], tuple[float, float, float, float]]:
    """Regions, Jinan's district boundaries, a category, a department, EVENTS devices."""
    from shapely.geometry import Point
    from shapely.ops import unary_union

    from yiwang.demo.data.regions import regions
    from yiwang.events.geo import parse_geometry
    from yiwang.events.models import Category, Device, District
    from yiwang.events.services import districts_load
    from yiwang.identity.models import Department, Region

    made: dict[str, Region] = {}
    for row in regions():
        made[str(row["code"])] = Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "level": row["level"],
                "parent": made.get(str(row["parent"])) if row["parent"] else None,
            },
        )[0]
    geojson = ROOT / "src/yiwang/demo/data/geo/jinan_districts.geojson"
    districts_load(actor=None, geojson=geojson.read_text(encoding="utf-8"), source="bench")
    city = unary_union(
        [parse_geometry(g) for g in District.objects.values_list("geometry", flat=True)]
    )
    bounds = city.bounds  # (min lon, min lat, max lon, max lat)
    rng = random.Random(20260303)
    points: list[tuple[float, float]] = []
    while len(points) < EVENTS:
        lon, lat = rng.uniform(bounds[0], bounds[2]), rng.uniform(bounds[1], bounds[3])
        if city.contains(Point(lon, lat)):
            points.append((round(lat, 6), round(lon, 6)))
    parent = Category.objects.create(code="05", name_zh="城乡建设", name_en="Urban construction")
    municipal = Category.objects.create(
        code="0501", name_zh="市政设施", name_en="Municipal facilities", parent=parent
    )
    manhole = Category.objects.create(
        code="050101", name_zh="井盖缺失", name_en="Missing manhole cover", parent=municipal
    )
    department = Department.objects.create(
        code="jn-cgj", name_zh="市城管局", name_en="City management bureau", region=made["370100"]
    )
    codes = [f"JN-B-{i:06d}" for i in range(EVENTS)]
    Device.objects.bulk_create(
        Device(
            code=code,
            name=f"井盖传感器 {i}",
            category=manhole,
            department=department,
            latitude=points[i][0],
            longitude=points[i][1],
            alarm_window_minutes=24 * 60,
        )
        for i, code in enumerate(codes)
    )
    return codes, points, (bounds[1], bounds[0], bounds[3], bounds[2])


def alarms(codes: list[str], points: list[tuple[float, float]], round_: int):
    at = "2026-03-03T10:00:00+08:00"
    return [
        (
            f"yiwang/iot/{CITY}/alarms/{code}",
            json.dumps(
                {
                    "message_id": f"{round_}",
                    "device_id": code,
                    "alarm_type": "cover_open",
                    "value": 1,
                    "lat": points[i][0],
                    "lon": points[i][1],
                    "at": at,
                }
            ).encode(),
        )
        for i, code in enumerate(codes)
    ]


def healthz_ceiling() -> float:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_CONTROL_SOCKET": str(TMP / "gunicorn.ctl"),
    }
    server = subprocess.Popen(  # noqa: S603 (a fixed command line)
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=(TMP / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        per_thread, statuses = HTTP // 4, []

        def client() -> None:
            for _ in range(per_thread):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                statuses.append(response.status)
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(4)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        if set(statuses) != {200}:
            raise RuntimeError(f"/healthz answered {sorted(set(statuses))}")
        return len(statuses) / elapsed
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def district_lookup(bounds: tuple[float, float, float, float]) -> tuple[float, float, int]:
    """(µs per point of the STRtree lookup, µs per point of district_for_point, polygons)."""
    from yiwang.events.geo import district_index
    from yiwang.events.selectors import district_for_point

    index = district_index()
    rng = random.Random(7)
    points = [
        (rng.uniform(bounds[0], bounds[2]), rng.uniform(bounds[1], bounds[3]))
        for _ in range(POINTS)
    ]
    started = time.perf_counter()
    for lat, lon in points:
        index.lookup(lat, lon)
    tree = (time.perf_counter() - started) / len(points) * 1e6
    few = points[:2000]
    started = time.perf_counter()
    for lat, lon in few:
        district_for_point(lat, lon)
    full = (time.perf_counter() - started) / len(few) * 1e6
    return tree, full, len(index.region_ids)


def audit_backlog() -> None:
    """The audit entries the subscriber's after-commit sequencer left unsealed (it seals at
    most ``AFTER_COMMIT_MAX_ENTRIES`` per commit, the scheduler's round the rest), and what
    sealing them costs here: part of an event's cost the intake figures leave out."""
    from yiwang.core.audit import audit_sequence
    from yiwang.core.models import AuditEntry
    from yiwang.events.models import Event

    entries, events = AuditEntry.objects.count(), Event.objects.count()
    backlog = AuditEntry.objects.filter(seq__isnull=True).count()
    pids = backend_pids()
    before = (time.process_time(), cpu_seconds(pids), time.monotonic())
    sealed = audit_sequence(max_batches=10**6)
    own, pg = time.process_time() - before[0], cpu_seconds(pids) - before[1]
    wall = time.monotonic() - before[2]
    cost = (
        f"CPU per entry {own / sealed * 1000:.2f} ms + PostgreSQL {pg / sealed * 1000:.2f} ms"
        if sealed
        else "nothing to seal"
    )
    print(
        f"  audit: {entries} entries for {events} events; {backlog} left unsealed by the "
        f"subscriber; sealed afterwards ({sealed}) in {wall:.1f} s, {cost}"
    )


def queries_per_event() -> tuple[int, int]:
    """The statements a batch of one new alarm event costs, and a batch of 100, counted on
    new devices (DEBUG's log): the batch intake's count does not grow with the batch."""
    from django.conf import settings
    from django.db import connection, reset_queries

    from yiwang.events.models import Device
    from yiwang.events.services.iot import AlarmMessage, alarms_receive

    template = Device.objects.first()
    assert template is not None
    counts = []
    for size in (1, 100):
        codes = []
        for n in range(size):
            device = Device.objects.get(pk=template.pk)
            device.pk, device.code = None, f"JN-B-COUNT-{size}-{n}"
            device.save()
            codes.append(device.code)
        points = [(template.latitude, template.longitude)] * size
        messages = [AlarmMessage(t, p) for t, p in alarms(codes, points, 1)]
        settings.DEBUG = True
        reset_queries()
        try:
            alarms_receive(messages=messages)
            counts.append(len(connection.queries))
        finally:
            settings.DEBUG = False
    return counts[0], counts[1]


BROKER: Broker


def main() -> None:
    global BROKER
    print(
        f"bench/mqtt_intake.py: {EVENTS} alarms, batches of {BATCH}, {SUBSCRIBERS} subscriber(s), "
        f"on {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    admin_sql(f"CREATE DATABASE \"{DB_NAME}\" ENCODING 'UTF8' TEMPLATE template0")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from yiwang.events.models import AlarmReceipt, DeadLetter, Event

    try:
        call_command("migrate", verbosity=0)
        codes, points, bounds = seed()
        connection.close()
        BROKER = Broker()
        try:
            trivial = trivial_round_trip(BROKER.port, EVENTS)
            print(f"  trivial QoS 1 round trip through the broker: {trivial:8.0f} messages/s")
            healthz = healthz_ceiling()
            print(f"  /healthz (gunicorn, 4 client threads):       {healthz:8.0f} requests/s")
            subscribers = [Subscriber(BROKER.port, n) for n in range(SUBSCRIBERS)]
            try:
                for label, round_ in (("new events", 1), ("repeats (one event each)", 2)):
                    taken, elapsed, published, cpu = intake(
                        BROKER.port, subscribers, alarms(codes, points, round_), EVENTS * round_
                    )
                    rate = taken / elapsed
                    print(
                        f"  MQTT intake, {label}: {rate:6.0f} events/s "
                        f"({taken} of {EVENTS} in {elapsed:.1f} s; published in {published:.1f} s"
                        f"; {EVENTS / rate:.0f} s for {EVENTS}); per event, CPU ms: subscriber "
                        f"{cpu[0] / taken * 1000:.1f}, PostgreSQL {cpu[1] / taken * 1000:.1f}, "
                        f"Mosquitto {cpu[2] / taken * 1000:.2f}"
                    )
                    if taken < EVENTS:
                        print(f"  (stopped waiting after BENCH_MAX_SECONDS={MAX_SECONDS:.0f})")
                        break
            finally:
                for subscriber in subscribers:
                    print(f"  subscriber: {subscriber.stop()}")
        finally:
            BROKER.stop()
        counts = Counter(Event.objects.values_list("alarm_count", flat=True))
        print(
            f"  checked: {sum(counts.values())} events (of {EVENTS} devices), alarms per event "
            f"{dict(sorted(counts.items()))}, {AlarmReceipt.objects.count()} receipts, "
            f"{DeadLetter.objects.count()} dead letters"
        )
        audit_backlog()
        one, hundred = queries_per_event()
        print(
            f"  statements per batch of new alarm events: {one} for 1, {hundred} for 100 "
            f"({hundred / 100:.2f} per event)"
        )
        tree, full, polygons = district_lookup(bounds)
        print(
            f"  district lookup, {polygons} district polygons loaded: {tree:.1f} µs per point "
            f"(STRtree), {full:.0f} µs with the Region read (district_for_point)"
        )
    finally:
        connection.close()
        if not KEEP_DB:
            admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
