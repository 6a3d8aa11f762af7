"""Published Open311 clients written by others, against a real HTTP server (live_server).

- ``georeport`` 0.3.1 (PyPI; Pramod Anandarao, Apache-2.0): reads services,
  definitions and requests, in JSON and in XML (parsed with xmltodict);
- ``civicbot`` 0.4.0 (PyPI; MIT): its ``Open311Client`` lists services,
  validates a request against the service definition, POSTs it
  (form-encoded, ``attribute[code]``), reads it back, and reports errors; with
  the intake queue on, follows the token it gets back to the service_request_id.

Expected values are worked by hand as in test_open311.py.
"""

from __future__ import annotations

import pytest

from tests.factories import OPEN311_KEY, QUANCHENG_SQUARE, event_world, open311_key

pytestmark = [
    pytest.mark.live_server,  # in a pass of its own (Makefile)
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOISE_FORM = [
    {
        "code": "noise_source",
        "description": "噪声来源",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [{"key": "construction", "name": "施工"}, {"key": "shop", "name": "商铺"}],
    }
]


@pytest.fixture
def world():
    w = event_world()
    w.noise.attributes = NOISE_FORM
    w.noise.save(update_fields=["attributes"])
    open311_key()
    return w


@pytest.fixture
def civic(live_server):
    from civicbot.http import HttpTransport, RateLimiter
    from civicbot.open311 import Open311Client
    from civicbot.registry import Endpoint

    endpoint = Endpoint(
        id="jinan", name="济南 12345", base_url=f"{live_server.url}/open311/v2", write=True
    )
    transport = HttpTransport(rate_limiter=RateLimiter(min_interval=0), timeout=30)
    return Open311Client(endpoint, transport=transport, jurisdiction_id="jinan.gov.cn")


def test_civicbot_posts_a_request_validated_against_the_definition(world, civic):
    from yiwang.events.models import Event

    services = civic.list_services()
    assert [s["service_code"] for s in services] == ["050101", "0601", "0701", "0801"]

    prepared = civic.create_request(
        "0701",
        dry_run=False,
        confirm="SEND",
        api_key=OPEN311_KEY,
        validate_remote=True,
        lat=QUANCHENG_SQUARE[0],
        lng=QUANCHENG_SQUARE[1],
        description="夜间施工噪声",
        attributes={"noise_source": "construction"},
        first_name="丽",
        last_name="王",
        phone="13905310002",
    )

    (created,) = prepared.response
    number = created["service_request_id"]
    event = Event.objects.get(number=number)
    assert (event.channel, event.attributes["noise_source"]) == ("open311", "construction")
    assert event.lead_department == world.sthj
    request = civic.get_request(number)
    assert request["status"] == "open"
    assert request["agency_responsible"] == "市生态环境局"
    assert request["requested_datetime"] == "2026-03-03T10:00:00+08:00"
    listed = civic.list_requests(service_code="0701", status="open")
    assert [r["service_request_id"] for r in listed] == [number]


def test_civicbot_follows_a_token_of_the_intake_queue(world, civic, settings):
    from yiwang.events.models import Event
    from yiwang.events.services import open311_intake_register

    settings.YIWANG_OPEN311_ASYNC = True
    assert {s["type"] for s in civic.list_services()} == {"batch"}

    prepared = civic.create_request(
        "050101",
        dry_run=False,
        confirm="SEND",
        api_key=OPEN311_KEY,
        lat=QUANCHENG_SQUARE[0],
        lng=QUANCHENG_SQUARE[1],
        description="泉城广场东侧井盖缺失",
    )

    (accepted,) = prepared.response
    token = accepted["token"]
    assert "service_request_id" not in accepted
    assert civic.get_token(token) == [{"token": token}]
    assert open311_intake_register() == 1
    (resolved,) = civic.get_token(token)
    event = Event.objects.get()
    assert resolved == {"service_request_id": event.number, "token": token}
    assert civic.get_request(event.number)["agency_responsible"] == "市城管局"


def test_civicbot_sees_the_specifications_errors(world, civic):
    from civicbot.http import HttpError
    from civicbot.open311 import ValidationError

    from yiwang.events.models import Event

    with pytest.raises(ValidationError):  # the client checks the required attribute first
        civic.create_request(
            "0701", dry_run=False, confirm="SEND", api_key=OPEN311_KEY, validate_remote=True,
            address_string="泉城路",
        )  # fmt: skip
    with pytest.raises(HttpError) as refused:
        civic.create_request(
            "050101", dry_run=False, confirm="SEND", api_key="wrong-key-0123456789",
            address_string="泉城路",
        )  # fmt: skip
    assert refused.value.status == 403
    assert '"code":403' in refused.value.body
    assert Event.objects.count() == 0


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_reads_services_definitions_and_requests(world, live_server, fmt):
    from georeport import GeoReport

    from tests.factories import registered_event

    event = registered_event(world)
    client = GeoReport(
        f"{live_server.url}/open311/v2", jurisdiction="jinan.gov.cn", output_format=fmt
    )

    services = client.get_service_list()
    definition = client.get_service_definition("0701")
    requests = client.get_service_requests(service_code="050101", status="open")
    one = client.get_service_request(event.number)

    assert [s["service_code"] for s in services] == ["050101", "0601", "0701", "0801"]
    attributes = definition["attributes"]
    attribute = attributes[0] if fmt == "json" else attributes["attribute"]
    assert attribute["code"] == "noise_source"
    if fmt == "xml":  # one <request> is a mapping to xmltodict, several a list
        requests = [requests] if isinstance(requests, dict) else requests
    assert [r["service_request_id"] for r in requests] == [event.number]
    assert one["service_request_id"] == event.number
    assert one["status"] == "open"
    assert one["requested_datetime"] == "2026-03-02T09:00:00+08:00"  # T0 of the factories


def test_georeport_raises_on_an_unknown_service(world, live_server):
    import requests
    from georeport import GeoReport

    client = GeoReport(f"{live_server.url}/open311/v2", jurisdiction="jinan.gov.cn")

    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_definition("9999")
    assert refused.value.response.status_code == 404
    assert refused.value.response.json()[0]["code"] == 404
