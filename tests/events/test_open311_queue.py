"""The Open311 intake queue (``YIWANG_OPEN311_ASYNC``): POST requests answered with a token,
registered later by the intake workers in batches, GET tokens/{token} giving the
service_request_id.

GeoReport v2 (wiki.open311.org/GeoReport_v2, "POST Service Request" and "GET
service_request_id from a token"): a service of type ``batch`` answers the POST with a
``token`` instead of the ``service_request_id``; ``tokens/{token}`` answers
``<service_requests><request><service_request_id/><token/></request></service_requests>``.

The world is tests/factories.py ``event_world``: a request posted at NOW, Tuesday 3 March
2026 10:00 in Jinan, at 泉城广场 (历下区) for 井盖缺失 goes to 市城管局 (lead) with
市生态环境局 supporting; 5 working days from its receipt end on Tuesday 10 March 2026
(4, 5, 6, 9, 10 March), 23:59:59.999999 local time — counted from when the city received
it, not from when a worker registered it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jsonschema
import pytest

from tests.clock import NOW
from tests.events import open311_support as o311
from tests.factories import OPEN311_KEY, QUANCHENG_SQUARE, event_world, open311_key
from yiwang.events.models import Event, IntakeRequest
from yiwang.events.services import batch as batch_services
from yiwang.events.services import open311 as open311_services
from yiwang.events.services import open311_intake_register

pytestmark = pytest.mark.django_db

FORMATS = ["json", "xml"]
BASE = "/open311/v2"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world(settings):
    settings.YIWANG_OPEN311_ASYNC = True
    return event_world()


@pytest.fixture
def key(world):
    return open311_key()[0]


def manhole_post(client, fmt="json", **data):
    lat, lng = QUANCHENG_SQUARE
    fields = {
        "api_key": OPEN311_KEY,
        "service_code": "050101",
        "lat": str(lat),
        "long": str(lng),
        "description": "泉城广场东侧井盖缺失",
        **data,
    }
    return client.post(f"{BASE}/requests.{fmt}", {k: v for k, v in fields.items() if v is not None})


def accepted_token(response, fmt) -> str:
    assert response.status_code == 202, response.content
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.ACCEPTED)
    return body[0]["token"]


def token_answer(client, token, fmt):
    response = client.get(f"{BASE}/tokens/{token}.{fmt}")
    assert response.status_code == 200, response.content
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.TOKEN)
    return body[0]


def errors_of(response, fmt, status):
    assert response.status_code == status, response.content
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.ERRORS)
    assert all(e["code"] == status for e in body)
    return " ".join(e["description"] for e in body)


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_of_type_batch(client, world, fmt):
    body = o311.read(client.get(f"{BASE}/services.{fmt}"), fmt)

    assert {s["type"] for s in body} == {"batch"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_post_is_answered_with_a_token_and_registered_by_the_worker(
    client, world, key, fmt, clock
):
    # given a request accepted at NOW
    token = accepted_token(manhole_post(client, fmt, account_id="acct-7"), fmt)

    # then nothing is registered yet, the token is queued and says so (no service_request_id)
    assert not Event.objects.exists()
    queued = IntakeRequest.objects.get()
    assert (queued.token, queued.state, queued.received_at) == (token, "queued", NOW)
    assert token_answer(client, token, fmt) == {"token": token}

    # when a worker takes the queue ten minutes later
    clock.move_to(NOW + timedelta(minutes=10))
    assert open311_intake_register() == 1

    # then the token gives the service_request_id of an event registered at the receipt
    answer = token_answer(client, token, fmt)
    event = Event.objects.get()
    assert answer == {"service_request_id": event.number, "token": token}
    assert event.number == f"20260303{event.pk:08d}"
    assert event.channel == "open311" and event.registered_by == key.owner
    assert event.created_at == NOW
    assert event.status == "dispatched" and event.lead_department == world.cgj
    assert event.district == world.lixia
    assert event.handle_due_at == datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert event.attributes["_open311"]["account_id"] == "acct-7"
    # and the request is readable by its number as any other
    detail = o311.read(client.get(f"{BASE}/requests/{event.number}.{fmt}"), fmt)
    assert detail[0]["service_request_id"] == event.number
    queued.refresh_from_db()
    assert (queued.state, queued.event, queued.attempts) == ("registered", event, 1)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_token_is_404_in_the_error_format(client, world, fmt):
    says = errors_of(client.get(f"{BASE}/tokens/no-such-token.{fmt}"), fmt, 404)

    assert says == "token no-such-token was not found."


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_refused_at_the_edge_is_not_queued(client, world, key, fmt):
    says = errors_of(manhole_post(client, fmt, lat=None, long=None), fmt, 400)

    assert "A location is required" in says
    assert not IntakeRequest.objects.exists() and not Event.objects.exists()


def test_an_unknown_service_code_is_404_and_not_queued(client, world, key):
    errors_of(manhole_post(client, service_code="999999"), "json", 404)

    assert not IntakeRequest.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_refusal_found_at_registration_is_kept_and_answered_at_the_token(client, world, key, fmt):
    # given two accepted requests, then the category of the first retired before the worker ran
    first = accepted_token(manhole_post(client, fmt), fmt)
    second = accepted_token(manhole_post(client, fmt, service_code="0801"), fmt)
    world.manhole.is_active = False
    world.manhole.save(update_fields=["is_active"])

    # when the worker takes the queue
    assert open311_intake_register() == 2

    # then the first failed with the reason, visible at its token with the POST's status
    failed = IntakeRequest.objects.get(token=first)
    assert (failed.state, failed.error_status, failed.event) == ("failed", 400, None)
    assert failed.error == "Choose an active leaf category."
    says = errors_of(client.get(f"{BASE}/tokens/{first}.{fmt}"), fmt, 400)
    assert says == (
        f"The request of token {first} was refused at registration: Choose an active leaf category."
    )
    # and the second is registered all the same
    event = Event.objects.get()
    assert event.category == world.signal
    assert token_answer(client, second, fmt)["service_request_id"] == event.number
    # and a second run has nothing left to do
    assert open311_intake_register() == 0


def test_a_worker_killed_mid_batch_loses_nothing(client, world, key, monkeypatch):
    # given three accepted requests
    tokens = [
        accepted_token(manhole_post(client, description=f"井盖{i}"), "json") for i in (1, 2, 3)
    ]
    real = batch_services.events_register_many
    calls = []

    def dies_after_writing(intakes):
        calls.append([i.description for i in intakes])
        real(intakes)
        raise SystemExit("killed")  # what a SIGTERM's default handler does mid-batch

    monkeypatch.setattr(batch_services, "events_register_many", dies_after_writing)

    # when the worker dies once the batch's events are written, before it marks the rows
    with pytest.raises(SystemExit):
        open311_intake_register()

    # then the batch rolled back: no event, every request still queued, untouched
    assert calls == [["井盖1", "井盖2", "井盖3"]]
    assert not Event.objects.exists()
    assert (
        list(IntakeRequest.objects.order_by("id").values_list("state", "attempts"))
        == [("queued", 0)] * 3
    )

    # when the next worker takes the queue
    monkeypatch.setattr(batch_services, "events_register_many", real)
    assert open311_intake_register() == 3

    # then all three are registered, once each, in the order received
    numbers = [token_answer(client, t, "json")["service_request_id"] for t in tokens]
    events = Event.objects.order_by("id")
    assert [e.number for e in events] == numbers
    assert [e.description for e in events] == ["井盖1", "井盖2", "井盖3"]


def test_an_unexpected_error_is_retried_then_given_up_visibly(client, world, key, monkeypatch):
    token = accepted_token(manhole_post(client), "json")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # the batch fails, and so does each request taken one by one after it
    monkeypatch.setattr(batch_services, "events_register_many", broken)
    monkeypatch.setattr(open311_services, "event_register", broken)

    # two failed attempts leave it queued, with the error
    assert open311_intake_register() == 1
    assert open311_intake_register() == 1
    row = IntakeRequest.objects.get()
    assert (row.state, row.attempts, row.error) == ("queued", 2, "RuntimeError: disk full")
    assert token_answer(client, token, "json") == {"token": token}

    # the third gives it up: failed, 500 at its token
    assert open311_intake_register() == 1
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error_status) == ("failed", 3, 500)
    says = errors_of(client.get(f"{BASE}/tokens/{token}.json"), "json", 500)
    assert "disk full" in says
    assert open311_intake_register() == 0
    assert not Event.objects.exists()


def test_batches_take_the_oldest_first_up_to_the_limit(client, world, key):
    tokens = [
        accepted_token(manhole_post(client, description=f"井盖{i}"), "json") for i in range(5)
    ]

    assert open311_intake_register(limit=2) == 2
    assert (
        list(
            IntakeRequest.objects.filter(state="registered")
            .order_by("id")
            .values_list("token", flat=True)
        )
        == tokens[:2]
    )
    assert open311_intake_register(limit=10) == 3
    assert Event.objects.count() == 5


def test_the_scheduler_round_registers_what_the_workers_left(client, world, key):
    from yiwang.events.tasks import open311_intake_round

    for i in range(3):
        accepted_token(manhole_post(client, description=f"井盖{i}"), "json")

    assert open311_intake_round() == (3, "3 queued Open311 request(s) taken")
    assert open311_intake_round() == (0, "")
    assert Event.objects.count() == 3


def test_synchronous_when_the_setting_is_off(client, world, key, settings):
    settings.YIWANG_OPEN311_ASYNC = False

    response = manhole_post(client)

    assert response.status_code == 201
    jsonschema.validate(o311.read(response, "json"), o311.CREATED)
    assert not IntakeRequest.objects.exists()
