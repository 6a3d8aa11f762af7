"""manage.py mqtt_subscriber: off without YIWANG_MQTT_URL (make run needs no broker)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yiwang.events.mqtt import BrokerAddress


def test_without_a_broker_url_the_subscriber_says_it_is_off(settings):
    settings.YIWANG_MQTT_URL = ""
    out = StringIO()

    call_command("mqtt_subscriber", stdout=out)

    assert out.getvalue() == "IoT alarms over MQTT are off: YIWANG_MQTT_URL is not set.\n"


def test_a_url_that_is_not_mqtt_is_refused(settings):
    settings.YIWANG_MQTT_URL = "http://broker.internal"

    with pytest.raises(CommandError, match="YIWANG_MQTT_URL must be mqtt://host"):
        call_command("mqtt_subscriber")


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("mqtt://127.0.0.1", BrokerAddress("127.0.0.1", 1883)),
        ("mqtts://broker.internal", BrokerAddress("broker.internal", 8883, tls=True)),
        (
            "mqtt://yiwang:s3cr%40t@broker.internal:1884",
            BrokerAddress("broker.internal", 1884, username="yiwang", password="s3cr@t"),
        ),
    ],
)
def test_the_broker_url_is_read(url, address):
    assert BrokerAddress.parse(url) == address
    assert "s3cr" not in str(address)
