"""IoT alarms through a real MQTT broker (docs/iot.md): Mosquitto at 127.0.0.1:1883 on the
development and CI machines, and a private Mosquitto of the test's own (persistence on) for
the restarts, so that restarting it disturbs no one else.

The subscriber's network thread talks to the broker; the test's thread takes the batches
(``process``), so they commit in the test's database. Each test has its own topic and
client id, and leaves no session behind at the shared broker.
"""

from __future__ import annotations

import getpass
import json
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from yiwang.events.models import AlarmReceipt, DeadLetter, Event
from yiwang.events.mqtt import AlarmSubscriber
from yiwang.events.services.iot import alarms_receive

from ..conftest import MQTT_BROKER, ON_CI
from ..factories import JINGSI_ROAD, alarm_body, event_world, iot_device

pytestmark = [pytest.mark.django_db, pytest.mark.mqtt]

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if Path("/usr/sbin/mosquitto").exists() else None
)


def publish(port: int, topic: str, payload: bytes, *, host: str = "127.0.0.1") -> None:
    """Publish once at QoS 1 as a device would (MQTT 3.1.1) and wait for the broker's PUBACK."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"device-{uuid.uuid4().hex[:8]}")
    client.connect(host, port)
    client.loop_start()
    try:
        info = client.publish(topic, payload, qos=1)
        info.wait_for_publish(timeout=10)
        assert info.is_published()
    finally:
        client.disconnect()
        client.loop_stop()


alarm = alarm_body


def drain(subscriber: AlarmSubscriber, count: int, *, timeout: float = 20.0) -> int:
    """Take batches until ``count`` messages were taken (or the time is up)."""
    taken, deadline = 0, time.monotonic() + timeout
    while taken < count and time.monotonic() < deadline:
        taken += subscriber.process(timeout=0.2)
    return taken


def drain_until(
    subscriber: AlarmSubscriber, message_ids: set[str], *, timeout: float = 40.0
) -> set[str]:
    """Take batches until every one of ``message_ids`` has a receipt (or the time is up), and
    return the message ids received. QoS 1 is at least once: a message whose acknowledgement
    had not reached the broker when it or the connection went down comes again, so what
    counts is what was registered, not how many deliveries were taken."""
    deadline = time.monotonic() + timeout
    received: set[str] = set()
    while time.monotonic() < deadline:
        received = set(AlarmReceipt.objects.values_list("message_id", flat=True))
        if message_ids <= received:
            break
        subscriber.process(timeout=0.2)
    return received


def forget_session(client_id: str, port: int) -> None:
    """Connect once with a clean start, which ends the session the broker kept."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    try:
        client.connect("127.0.0.1", port, clean_start=True)
        client.loop_start()
        time.sleep(0.2)
        client.disconnect()
        client.loop_stop()
    except OSError:
        pass


class Broker:
    """A Mosquitto of the test's own on a free port, persistence on, restartable."""

    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.config = directory / "mosquitto.conf"
        self.config.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence true\n"
            f"persistence_location {directory}/\n"
            f"user {getpass.getuser()}\n"
            f"log_dest file {directory}/mosquitto.log\n",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(self.config)])  # noqa: S603
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"the private Mosquitto did not start on port {self.port}")

    def stop(self) -> None:
        """SIGTERM: Mosquitto writes its persistence file (sessions, queued messages) and exits."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def world():
    return event_world()


@pytest.fixture
def subscribers():
    """Make subscribers with the test's own topic and client id; close them and end their
    sessions at the broker afterwards."""
    made: list[AlarmSubscriber] = []
    city = f"t{uuid.uuid4().hex[:10]}"
    client_id = f"yiwang-test-{city}"

    def make(port: int = MQTT_BROKER[1], **kw) -> AlarmSubscriber:
        subscriber = AlarmSubscriber(
            url=f"mqtt://127.0.0.1:{port}",
            client_id=client_id,
            topic=f"yiwang/iot/{city}/alarms/+",
            **kw,
        )
        made.append(subscriber)
        subscriber.start()
        # Until the broker confirms the subscription, what is published is not for it yet.
        assert subscriber.subscribed.wait(20), "the subscriber did not subscribe"
        return subscriber

    make.topic = lambda device="JN-MH-0001": f"yiwang/iot/{city}/alarms/{device}"
    make.ports = set()
    yield make
    for subscriber in made:
        subscriber.close()
        make.ports.add(subscriber.address.port)
    for port in make.ports:
        forget_session(client_id, port)


@pytest.fixture
def broker(tmp_path):
    if MOSQUITTO is None:
        if ON_CI:
            pytest.fail("mosquitto is required on CI for the broker restart test")
        pytest.skip("needs Debian's mosquitto for a private broker (apt-get install mosquitto)")
    broker = Broker(tmp_path)
    broker.start()
    yield broker
    broker.stop()


def test_an_alarm_through_the_broker_becomes_an_event(world, subscribers):
    device = iot_device(world)
    subscriber = subscribers()

    publish(
        MQTT_BROKER[1], subscribers.topic(), alarm("m-1", lat=JINGSI_ROAD[0], lon=JINGSI_ROAD[1])
    )

    assert drain(subscriber, 1) == 1
    event = Event.objects.get()
    assert (event.channel, event.device, event.category) == ("iot", device, world.manhole)
    assert event.lead_department == world.cgj  # the device's owner department
    assert event.district.code == "370103"  # 经四路, 市中区
    assert subscriber.counts == {"event": 1, "dead_letter": 0, "duplicate": 0}


def test_repeated_alarms_of_a_device_update_one_event(world, subscribers):
    iot_device(world)
    subscriber = subscribers()

    for message_id in ("m-1", "m-2", "m-3"):
        publish(MQTT_BROKER[1], subscribers.topic(), alarm(message_id))

    assert drain(subscriber, 3) == 3
    event = Event.objects.get()
    assert event.alarm_count == 3
    assert AlarmReceipt.objects.filter(event=event).count() == 3


def test_malformed_and_unknown_device_messages_are_dead_lettered(world, subscribers):
    iot_device(world)
    subscriber = subscribers()
    topic = subscribers.topic()

    publish(MQTT_BROKER[1], topic, b"{not json")
    publish(MQTT_BROKER[1], topic, json.dumps({"device_id": "JN-MH-0001"}).encode())
    publish(MQTT_BROKER[1], subscribers.topic("JN-XX-9"), alarm("m-9", device="JN-XX-9"))

    assert drain(subscriber, 3) == 3
    assert Event.objects.count() == 0
    reasons = sorted(DeadLetter.objects.values_list("reason", "device_code"))
    assert reasons == [
        ("missing field: message_id, alarm_type, at", "JN-MH-0001"),
        (
            "not JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            "JN-MH-0001",
        ),
        ("unknown device", "JN-XX-9"),
    ]
    assert all(letter.topic.startswith("yiwang/iot/t") for letter in DeadLetter.objects.all())


def test_a_message_not_committed_is_delivered_again_and_taken_once(world, subscribers):
    iot_device(world)

    def crash(**kwargs):
        raise RuntimeError("the subscriber died before the commit")

    dying = subscribers(handle=crash)
    publish(MQTT_BROKER[1], subscribers.topic(), alarm("m-1"))
    with pytest.raises(RuntimeError):
        dying.process(timeout=10)
    dying.close()  # never acknowledged
    assert Event.objects.count() == 0

    def commit_then_crash(**kwargs):
        alarms_receive(**kwargs)
        raise RuntimeError("the subscriber died after the commit, before the acknowledgement")

    late = subscribers(handle=commit_then_crash)
    with pytest.raises(RuntimeError):
        late.process(timeout=10)  # the broker delivered m-1 again
    late.close()
    assert Event.objects.get().alarm_count == 1

    again = subscribers()
    assert drain(again, 1) == 1  # delivered a third time: seen, acknowledged at last
    assert again.counts == {"event": 0, "dead_letter": 0, "duplicate": 1}
    assert Event.objects.get().alarm_count == 1
    assert AlarmReceipt.objects.count() == 1
    again.close()  # its acknowledgement goes out before its DISCONNECT

    fresh = subscribers()
    assert drain(fresh, 1, timeout=1.5) == 0  # nothing is left at the broker


def test_a_broker_restart_loses_nothing(world, subscribers, broker):
    iot_device(world)
    topic = subscribers.topic()
    subscriber = subscribers(port=broker.port)
    publish(broker.port, topic, alarm("m-1"))
    assert drain_until(subscriber, {"m-1"}) == {"m-1"}

    # The broker restarts under a running subscriber, which reconnects and resumes.
    broker.restart()
    publish(broker.port, topic, alarm("m-2"))
    assert drain_until(subscriber, {"m-1", "m-2"}) == {"m-1", "m-2"}
    assert subscriber.connected.is_set()

    # The subscriber is down: what is published meanwhile, before and after another
    # restart of the broker, waits in its persistent session.
    subscriber.close()
    publish(broker.port, topic, alarm("m-3"))
    broker.restart()
    publish(broker.port, topic, alarm("m-4"))
    back = subscribers(port=broker.port)
    assert drain_until(back, {"m-1", "m-2", "m-3", "m-4"}) == {"m-1", "m-2", "m-3", "m-4"}

    # A message delivered again (its acknowledgement lost in a restart) counts once.
    assert Event.objects.get().alarm_count == 4
    assert DeadLetter.objects.count() == 0
