"""IoT alarms over MQTT: subscribe to the broker in YIWANG_MQTT_URL and register each alarm.

Runs until stopped (SIGTERM or Ctrl-C: it finishes the batch at hand, then
disconnects; the broker keeps its session and the messages published
meanwhile). Without ``YIWANG_MQTT_URL`` it says so and exits 0, so a
deployment without IoT devices needs no broker. See docs/iot.md.
"""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yiwang.events.mqtt import AlarmSubscriber


class Command(BaseCommand):
    help = (
        "Take IoT alarms from the MQTT broker in YIWANG_MQTT_URL (persistent session, QoS 1, "
        "acknowledged after commit) and register them as city events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Most messages registered in one transaction (default 500).",
        )

    def handle(self, *args, batch_size, **options):
        url = settings.YIWANG_MQTT_URL
        if not url:
            self.stdout.write("IoT alarms over MQTT are off: YIWANG_MQTT_URL is not set.")
            return
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            subscriber = AlarmSubscriber(
                url=url,
                client_id=settings.YIWANG_MQTT_CLIENT_ID,
                topic=settings.YIWANG_MQTT_TOPIC,
                batch_size=batch_size,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        stop = threading.Event()
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, lambda *_: stop.set())
        self.stdout.write(
            f"IoT alarms: subscribing to {settings.YIWANG_MQTT_TOPIC} at {subscriber.address} "
            f"as {settings.YIWANG_MQTT_CLIENT_ID}"
        )
        subscriber.start()
        try:
            subscriber.run(stop=stop)
        finally:
            subscriber.close()
        counts = subscriber.counts
        self.stdout.write(
            f"IoT alarms: {counts['event']} registered, {counts['dead_letter']} dead-lettered, "
            f"{counts['duplicate']} repeated deliveries ignored."
        )
