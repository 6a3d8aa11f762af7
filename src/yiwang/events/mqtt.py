"""The MQTT subscriber of IoT alarms: a persistent session, QoS 1, acknowledged after commit.

It connects with MQTT 5 under a stable client id, ``clean_start`` off and a
session expiry, so the broker keeps its subscription and the QoS 1 messages
published while it is away (a restart of the subscriber or of the broker with
persistence on) and delivers them when it is back. paho's network thread
reconnects by itself (1 s, doubling to 30 s) and only queues what arrives;
the thread that calls :meth:`AlarmSubscriber.run` takes the messages in
batches, registers them through ``alarms_receive`` in one transaction and
then acknowledges each (manual acknowledgement): a crash before the commit
leaves them unacknowledged, and the broker sends them again. A message
received on a connection that has dropped since is not acknowledged on the
next one (its packet id belonged to the old one): the broker sends it again
and its receipt makes the second delivery change nothing.

MQTT 5 because of *Receive Maximum*: a 3.1.1 client gets at most the
broker's ``max_inflight_messages`` (Mosquitto: 20) unacknowledged messages
at a time, which would cap a batch, and so the rate, at 20 per commit.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, connection
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from yiwang.events.services.iot import AlarmMessage, AlarmOutcome, alarms_receive

logger = logging.getLogger(__name__)

#: How long the broker keeps the session (subscription, queued messages) while the
#: subscriber is away: a week, for an outage over a long weekend.
SESSION_EXPIRY_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        """``mqtt://[user[:password]@]host[:port]`` (1883), or ``mqtts://`` for TLS (8883)."""
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError(f"YIWANG_MQTT_URL must be mqtt://host[:port] or mqtts://…: {url!r}")
        tls = parts.scheme == "mqtts"
        return cls(
            host=parts.hostname,
            port=parts.port or (8883 if tls else 1883),
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class _Delivery:
    generation: int
    mid: int
    qos: int
    topic: str
    payload: bytes
    dup: bool


Handler = Callable[..., list[AlarmOutcome]]


class AlarmSubscriber:
    """One subscriber: ``start()``, then ``run()`` (or ``process()`` batch by batch), ``close()``.

    ``handle`` (default ``alarms_receive``) is called as ``handle(messages=[…])``
    and must commit before it returns.
    """

    def __init__(
        self,
        *,
        url: str,
        client_id: str,
        topic: str,
        batch_size: int = 500,
        batch_seconds: float = 1.0,
        receive_maximum: int = 1000,
        session_expiry: int = SESSION_EXPIRY_SECONDS,
        keepalive: int = 30,
        handle: Handler = alarms_receive,
    ) -> None:
        self.address = BrokerAddress.parse(url)
        self.client_id = client_id
        self.topic = topic
        self.batch_size = batch_size
        self.batch_seconds = batch_seconds
        self._seconds_per_message = 0.0
        self.keepalive = keepalive
        self.handle = handle
        self.connected = threading.Event()
        #: Set when the broker has confirmed the subscription (SUBACK) on the current connection.
        self.subscribed = threading.Event()
        self.counts = {"event": 0, "dead_letter": 0, "duplicate": 0}
        self._queue: queue.Queue[_Delivery] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._properties = Properties(PacketTypes.CONNECT)
        self._properties.SessionExpiryInterval = session_expiry
        self._properties.ReceiveMaximum = receive_maximum
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if self.address.tls:
            client.tls_set()
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        self._client = client

    # --- the network thread --------------------------------------------------------------

    def start(self) -> None:
        """Connect in the background (paho's thread), reconnecting for as long as it runs."""
        self._client.connect_async(
            self.address.host,
            self.address.port,
            keepalive=self.keepalive,
            clean_start=False,
            properties=self._properties,
        )
        self._client.loop_start()

    def close(self) -> None:
        """Disconnect (the broker keeps the session) and stop the network thread."""
        self._client.disconnect()
        self._client.loop_stop()

    def _on_connect(self, client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        if reason.is_failure:
            logger.warning("MQTT broker %s refused the connection: %s", self.address, reason)
            return
        with self._lock:
            self._generation += 1
        client.subscribe(self.topic, options=SubscribeOptions(qos=1, retainHandling=1))
        logger.info(
            "Connected to %s as %s (session present: %s), subscribed to %s",
            self.address,
            self.client_id,
            flags.session_present,
            self.topic,
        )
        self.connected.set()

    def _on_subscribe(self, client: Any, userdata: Any, mid: Any, reasons: Any, _: Any) -> None:
        if any(reason.is_failure for reason in reasons):
            logger.error("MQTT broker %s refused the subscription to %s", self.address, self.topic)
            return
        logger.info("Subscription to %s confirmed by %s", self.topic, self.address)
        self.subscribed.set()

    def _on_disconnect(self, client: Any, userdata: Any, flags: Any, reason: Any, _: Any) -> None:
        with self._lock:
            self._generation += 1
        self.connected.clear()
        self.subscribed.clear()
        logger.warning("Disconnected from %s (%s); reconnecting", self.address, reason)

    def _on_message(self, client: Any, userdata: Any, message: Any) -> None:
        self._queue.put(
            _Delivery(
                self._generation,
                message.mid,
                message.qos,
                message.topic,
                bytes(message.payload),
                bool(message.dup),
            )
        )

    # --- the processing thread -----------------------------------------------------------

    def run(self, *, stop: threading.Event | None = None, poll: float = 0.5) -> None:
        """Process batches until ``stop`` is set."""
        stop = stop or threading.Event()
        while not stop.is_set():
            self.process(timeout=poll, stop=stop)

    def process(self, *, timeout: float, stop: threading.Event | None = None) -> int:
        """Wait up to ``timeout`` seconds for a message, then take it and what else is queued
        (up to ``batch_size``, and no more than the last batches' pace registers in about
        ``batch_seconds``, so a transaction stays short and the acknowledgements flow) in one
        transaction, and acknowledge them after the commit.

        A database error rolls the batch back; it is tried again after a pause (1 s,
        doubling to 30 s) until it commits, or until ``stop``. Returns how many
        messages were taken.
        """
        try:
            batch = [self._queue.get(timeout=timeout)]
        except queue.Empty:
            return 0
        size = min(self.batch_size, 50)  # until the pace is known
        if self._seconds_per_message > 0:
            size = max(1, min(self.batch_size, int(self.batch_seconds / self._seconds_per_message)))
        while len(batch) < size:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        pause = 1.0
        while True:
            batch = self._current(batch)
            if not batch:
                return 0
            started = time.monotonic()
            try:
                outcomes = self.handle(
                    messages=[AlarmMessage(d.topic, d.payload, d.dup) for d in batch]
                )
            except DatabaseError:
                logger.exception("IoT alarms not committed; trying again in %.0f s", pause)
                connection.close()
                if stop is not None and stop.wait(pause):
                    return 0
                if stop is None:
                    time.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            break
        pace = (time.monotonic() - started) / len(batch)
        self._seconds_per_message = (
            pace if not self._seconds_per_message else 0.7 * self._seconds_per_message + 0.3 * pace
        )
        self._acknowledge(batch)
        for outcome in outcomes:
            self.counts[outcome.kind] += 1
            if outcome.dead_letter is not None:
                logger.warning(
                    "IoT message on %s dead-lettered: %s",
                    outcome.dead_letter.topic,
                    outcome.dead_letter.reason,
                )
        return len(batch)

    def _current(self, batch: Sequence[_Delivery]) -> list[_Delivery]:
        """The deliveries of the connection still open; the broker sends the others again."""
        return [d for d in batch if d.generation == self._generation]

    def _acknowledge(self, batch: Sequence[_Delivery]) -> None:
        with self._lock:
            generation = self._generation
            for delivery in batch:
                if delivery.generation == generation and delivery.qos > 0:
                    self._client.ack(delivery.mid, delivery.qos)
