"""Open311 GeoReport v2 at /open311/v2/: every endpoint in XML and JSON, every error.

Expected values are worked by hand from the specification
(wiki.open311.org/GeoReport_v2) and the test world (tests/factories.py
``event_world``): a request posted at NOW, Tuesday 3 March 2026 10:00 in
Jinan, at 泉城广场 (历下区) for 井盖缺失 is dispatched from the directory to
市城管局 (the 历下 rule, with 市生态环境局 supporting); its 5 working days
from dispatch end on Tuesday 10 March 2026, 23:59:59 local time.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import jsonschema
import pytest

from tests.clock import NOW
from tests.events import open311_support as o311
from tests.factories import (
    OPEN311_KEY,
    QUANCHENG_SQUARE,
    event_world,
    open311_key,
    registered_event,
)

pytestmark = pytest.mark.django_db

FORMATS = ["json", "xml"]
BASE = "/open311/v2"
NOISE_ATTRIBUTES = [
    {
        "code": "noise_source",
        "description": "噪声来源",
        "description_en": "Source of the noise",
        "datatype": "singlevaluelist",
        "required": True,
        "values": [
            {"key": "construction", "name": "施工", "name_en": "Construction"},
            {"key": "shop", "name": "商铺", "name_en": "Shop"},
        ],
    },
    {"code": "noise_hours", "description": "持续时段", "datatype": "string"},
    {"code": "notice", "description": "夜间施工须持许可证", "variable": False},
]


@pytest.fixture
def client():
    """The test client asking for English (error descriptions are checked in English; tests
    of Chinese names say zh-hans)."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def world():
    w = event_world()
    w.noise.attributes = NOISE_ATTRIBUTES
    w.noise.save(update_fields=["attributes"])
    return w


@pytest.fixture
def key(world):
    return open311_key()[0]


def post(client, fmt="json", **data):
    data.setdefault("api_key", OPEN311_KEY)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data)


def manhole_post(client, fmt="json", **data):
    lat, lng = QUANCHENG_SQUARE
    fields = {
        "service_code": "050101",
        "lat": str(lat),
        "long": str(lng),
        "description": "泉城广场东侧井盖缺失",
        **data,
    }
    return post(client, fmt, **fields)


def errors_of(response, fmt, status):
    assert response.status_code == status, response.content
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.ERRORS)
    assert all(e["code"] == status for e in body)
    return " ".join(e["description"] for e in body)


# --------------------------------------------------------------------------- discovery, services


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_the_v2_endpoint_and_both_formats(client, world, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")

    assert response.status_code == 200
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.DISCOVERY)
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_active_leaf_categories_with_codes_as_strings(client, world, fmt):
    response = client.get(f"{BASE}/services.{fmt}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.SERVICES)
    assert [s["service_code"] for s in body] == ["050101", "0601", "0701", "0801"]
    manhole = body[0]
    assert manhole["service_name"] == "井盖缺失"
    assert manhole["group"] == "市政设施"
    assert manhole["type"] == "realtime"
    assert manhole["metadata"] is False
    assert "keywords" not in manhole  # no keywords: left out, not null
    assert body[2]["metadata"] is True  # 噪声扰民 has a form


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_gives_the_category_form(client, world, fmt):
    response = client.get(f"{BASE}/services/0701.{fmt}", HTTP_ACCEPT_LANGUAGE="en")

    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.SERVICE_DEFINITION)
    assert body["service_code"] == "0701"
    source, hours, notice = body["attributes"]
    assert source == {
        "variable": True,
        "code": "noise_source",
        "datatype": "singlevaluelist",
        "required": True,
        "order": 1,
        "description": "Source of the noise",
        "values": [
            {"key": "construction", "name": "Construction"},
            {"key": "shop", "name": "Shop"},
        ],
    }
    assert (hours["code"], hours["datatype"], hours["required"], hours["order"]) == (
        "noise_hours",
        "string",
        False,
        2,
    )
    assert notice["variable"] is False


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404(client, world, fmt):
    response = client.get(f"{BASE}/services/9999.{fmt}")

    assert "9999" in errors_of(response, fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_parent_category_is_not_a_service(client, world, fmt):
    response = client.get(f"{BASE}/services/05.{fmt}")

    errors_of(response, fmt, 404)


# --------------------------------------------------------------------------- POST requests


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_an_event_dispatched_from_the_directory(client, world, key, fmt):
    from yiwang.core.models import AuditEntry
    from yiwang.events.models import Assignment, Event

    response = manhole_post(
        client,
        fmt,
        first_name="丽",
        last_name="王",
        phone="13905310002",
        email="wang@example.cn",
        media_url="https://img.example.cn/manhole.jpg",
    )

    assert response.status_code == 201, response.content
    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.CREATED)
    (created,) = body
    event = Event.objects.get(number=created["service_request_id"])
    assert event.channel == "open311"
    assert event.category == world.manhole
    assert event.description == "泉城广场东侧井盖缺失"
    assert (event.latitude, event.longitude) == QUANCHENG_SQUARE
    assert event.district == world.lixia
    assert (event.reporter_name, event.reporter_phone) == ("王丽", "13905310002")
    assert event.registered_by == key.owner
    assert event.attributes["_open311"]["email"] == "wang@example.cn"
    assert event.status == "dispatched"
    assert event.lead_department == world.cgj
    assert set(Assignment.objects.filter(event=event).values_list("department__code", "role")) == {
        ("jn-cgj", "lead"),
        ("jn-sthj", "supporting"),
    }
    assert event.photos.get().url == "https://img.example.cn/manhole.jpg"
    assert AuditEntry.objects.filter(
        action="event.registered", target_id=str(event.pk), actor=key.owner
    ).exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_an_address_only_and_form_attributes(client, world, key, fmt):
    from yiwang.events.models import Event

    response = post(
        client,
        fmt,
        service_code="0701",
        address_string="历下区泉城路180号",
        description="夜间施工噪声",
        **{"attribute[noise_source]": "construction", "attribute[noise_hours]": "22:00-02:00"},
    )

    assert response.status_code == 201, response.content
    event = Event.objects.get(number=o311.read(response, fmt)[0]["service_request_id"])
    assert event.address == "历下区泉城路180号"
    assert event.latitude is None
    assert event.attributes["noise_source"] == "construction"
    assert event.attributes["noise_hours"] == "22:00-02:00"
    assert event.lead_department == world.sthj


def test_post_with_an_address_id_only_keeps_it(client, world, key):
    from yiwang.events.models import Event

    response = post(client, service_code="0601", address_id="JN-ADDR-000123", description="占道")

    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    assert Event.objects.get(number=number).attributes["_open311"]["address_id"] == (
        "JN-ADDR-000123"
    )
    detail = client.get(f"{BASE}/requests/{number}.json").json()[0]
    assert detail["address_id"] == "JN-ADDR-000123"


def test_a_description_of_exactly_4000_characters_is_taken(client, world, key):
    response = manhole_post(client, description="井" * 4000)

    assert response.status_code == 201, response.content


def test_without_a_description_the_service_name_stands_for_it(client, world, key):
    from yiwang.events.models import Event

    response = manhole_post(client, description="")

    assert response.status_code == 201
    assert Event.objects.get().description == "井盖缺失"


def test_a_submitter_without_name_phone_or_email_is_anonymous(client, world, key):
    from yiwang.events.models import Event

    manhole_post(client)

    assert Event.objects.get().anonymous is True


def test_the_key_is_stored_only_as_its_sha256(world, key):
    assert key.key_hash == hashlib.sha256(OPEN311_KEY.encode()).hexdigest()
    assert OPEN311_KEY not in (key.prefix + key.name + key.key_hash)[8:]


def _refused(client, fmt, status, response):
    from yiwang.events.models import Event

    text = errors_of(response, fmt, status)
    assert Event.objects.count() == 0  # nothing created
    return text


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_an_api_key_is_403(client, world, key, fmt):
    assert "api_key" in _refused(client, fmt, 403, manhole_post(client, fmt, api_key=None))


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_an_unknown_api_key_is_403(client, world, key, fmt):
    response = manhole_post(client, fmt, api_key="not-a-key-of-this-city")

    assert "api_key" in _refused(client, fmt, 403, response)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_revoked_key_stops_working_at_once(client, world, key, fmt):
    from yiwang.events import services as event_services

    assert manhole_post(client, fmt).status_code == 201
    event_services.api_key_revoke(actor=None, key=key)

    from yiwang.events.models import Event

    before = Event.objects.count()
    response = manhole_post(client, fmt)

    assert "revoked" in errors_of(response, fmt, 403)
    assert Event.objects.count() == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_key_of_a_disabled_account_is_403(client, world, key, fmt):
    key.owner.is_active = False
    key.owner.save(update_fields=["is_active"])

    _refused(client, fmt, 403, manhole_post(client, fmt))


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_rate_per_key_answers_429_with_retry_after(client, world, fmt, clock):
    from yiwang.events.models import Event

    open311_key(rate_per_minute=2)
    assert manhole_post(client, fmt).status_code == 201
    assert manhole_post(client, fmt).status_code == 201

    response = manhole_post(client, fmt)

    assert "2 requests per minute" in errors_of(response, fmt, 429)
    assert response["Retry-After"] == "30"  # one more request per 60/2 s
    assert Event.objects.count() == 2
    clock.shift(timedelta(seconds=30))
    assert manhole_post(client, fmt).status_code == 201


def test_keys_are_rate_limited_each_on_its_own(client, world):
    open311_key(rate_per_minute=1)
    other = "another-integrators-key-0123456789"
    open311_key(raw=other, rate_per_minute=1)

    assert manhole_post(client).status_code == 201
    assert manhole_post(client).status_code == 429
    assert manhole_post(client, api_key=other).status_code == 201


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("fields", "status", "says"),
    [
        ({"service_code": "9999"}, 404, "9999"),
        ({"service_code": "05"}, 404, "05"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "north"}, 400, "lat"),
        ({"lat": "91"}, 400, "lat"),
        ({"long": "-180.5"}, 400, "long"),
        ({"lat": "nan"}, 400, "lat"),
        ({"long": ""}, 400, "lat and long"),
        ({"lat": "", "long": ""}, 400, "location"),
        ({"description": "井" * 4001}, 400, "4000"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"jurisdiction_id": "qingdao.gov.cn"}, 404, "jurisdiction_id"),
    ],
)
def test_post_refusals(client, world, key, fmt, fields, status, says):
    response = manhole_post(client, fmt, **fields)

    assert says in _refused(client, fmt, status, response)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("attributes", "says"),
    [
        ({}, "noise_source"),
        ({"attribute[noise_source]": "factory"}, "noise_source"),
    ],
)
def test_post_refuses_a_missing_or_unknown_attribute_value(
    client, world, key, fmt, attributes, says
):
    response = post(client, fmt, service_code="0701", address_string="泉城路", **attributes)

    assert says in _refused(client, fmt, 400, response)


def test_the_servers_own_jurisdiction_id_is_accepted_in_any_case(client, world, key):
    assert manhole_post(client, jurisdiction_id="Jinan.gov.cn").status_code == 201


# --------------------------------------------------------------------------- GET requests


def _open311_event(client, **fields):
    response = manhole_post(client, **fields)
    assert response.status_code == 201, response.content
    return response.json()[0]["service_request_id"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_request_shows_status_agency_and_the_deadline(client, world, key, fmt):
    number = _open311_event(client, media_url="https://img.example.cn/a.jpg")

    response = client.get(f"{BASE}/requests/{number}.{fmt}", HTTP_ACCEPT_LANGUAGE="zh-hans")

    body = o311.read(response, fmt)
    jsonschema.validate(body, o311.REQUESTS)
    (request,) = body
    assert request["service_request_id"] == number
    assert request["status"] == "open"
    assert request["service_code"] == "050101"
    assert request["service_name"] == "井盖缺失"
    assert request["agency_responsible"] == "市城管局"
    assert request["requested_datetime"] == "2026-03-03T10:00:00+08:00"
    assert request["updated_datetime"] == "2026-03-03T10:00:00+08:00"
    assert request["expected_datetime"] == "2026-03-10T23:59:59+08:00"
    assert request["lat"] == QUANCHENG_SQUARE[0]
    assert request["long"] == QUANCHENG_SQUARE[1]
    assert request["media_url"] == "https://img.example.cn/a.jpg"
    assert request["status_notes"]
    for absent in ("address", "address_id", "zipcode", "extended_attributes"):
        assert absent not in request


def test_a_photo_uploaded_through_the_portal_is_not_given_out_as_media_url(client, world, key):
    # a report with a photo file stored privately (as the portal's uploads are) and no URL
    from django.core.files.base import ContentFile

    from tests.factories import JPEG_BYTES
    from yiwang.events.models import Event, EventPhoto

    number = _open311_event(client)
    event = Event.objects.get(number=number)
    photo = EventPhoto(event=event, kind=EventPhoto.Kind.REPORT)
    photo.file.save("manhole.jpg", ContentFile(JPEG_BYTES))

    (request,) = client.get(f"{BASE}/requests/{number}.json").json()

    # its storage path is neither public nor an absolute URL: left out, not leaked
    assert "media_url" not in request


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_id_is_404(client, world, fmt):
    assert "2026" in errors_of(client.get(f"{BASE}/requests/202603039999.{fmt}"), fmt, 404)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_confidential_event_is_not_published(client, world, fmt):
    from yiwang.events.models import Event

    event = registered_event(world)
    Event.objects.filter(pk=event.pk).update(confidential=True)

    errors_of(client.get(f"{BASE}/requests/{event.number}.{fmt}"), fmt, 404)
    assert o311.read(client.get(f"{BASE}/requests.{fmt}"), fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_lists_every_channel_newest_first(client, world, key, fmt):
    hotline = registered_event(world, at=NOW - timedelta(days=1))
    number = _open311_event(client)

    body = o311.read(client.get(f"{BASE}/requests.{fmt}"), fmt)

    jsonschema.validate(body, o311.REQUESTS)
    assert [r["service_request_id"] for r in body] == [number, hotline.number]
    assert body[1]["status"] == "open"
    assert "agency_responsible" not in body[1]  # registered, not yet dispatched
    assert "expected_datetime" not in body[1]


def test_the_default_window_is_the_last_90_days(client, world):
    inside = registered_event(world, at=NOW - timedelta(days=89))
    registered_event(world, at=NOW - timedelta(days=91))

    body = client.get(f"{BASE}/requests.json").json()

    assert [r["service_request_id"] for r in body] == [inside.number]


def test_start_and_end_date_choose_the_window(client, world):
    first = registered_event(world, at=NOW - timedelta(days=120))
    registered_event(world, at=NOW - timedelta(days=100))

    body = client.get(
        f"{BASE}/requests.json",
        {"start_date": "2025-11-01T00:00:00+08:00", "end_date": "2025-11-10T00:00:00Z"},
    ).json()

    # NOW - 120 days is Saturday 3 November 2025, 10:00 in Jinan.
    assert [r["service_request_id"] for r in body] == [first.number]
    assert body[0]["requested_datetime"] == "2025-11-03T10:00:00+08:00"


def test_service_request_id_lists_override_every_other_filter(client, world):
    old = registered_event(world, at=NOW - timedelta(days=200))
    noise = registered_event(world, category=world.noise)
    registered_event(world)

    body = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{old.number},{noise.number}", "service_code": "0801"},
    ).json()

    assert {r["service_request_id"] for r in body} == {old.number, noise.number}


def test_service_code_and_status_filter(client, world):
    from yiwang.events.models import Event

    noise = registered_event(world, category=world.noise)
    signal = registered_event(world, category=world.signal)
    closed = registered_event(world, category=world.noise)
    Event.objects.filter(pk=closed.pk).update(status="closed", closed_at=NOW)

    def ids(**query):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", query).json()]

    assert set(ids(service_code="0701,0801")) == {noise.number, signal.number, closed.number}
    assert set(ids(service_code="0701", status="open")) == {noise.number}
    assert ids(status="closed") == [closed.number]
    assert set(ids(status="open,closed")) == {noise.number, signal.number, closed.number}


def test_a_merged_event_follows_the_one_it_was_merged_into(client, world):
    from yiwang.events import services as event_services

    target = registered_event(world)
    duplicate = registered_event(world, phone="13905310009")
    event_services.event_merge(actor=world.operator, event=duplicate, into=target)

    (request,) = client.get(f"{BASE}/requests/{duplicate.number}.json").json()

    assert request["status"] == "open"
    assert target.number in request["status_notes"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"}, "before"),
        ({"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"}, "90 days"),
        ({"start_date": "2025-10-01T00:00:00Z"}, "90 days"),
        ({"status": "pending"}, "status"),
        ({"page": "0"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"updated_after": "soon"}, "updated_after"),
        ({"jurisdiction_id": "example.gov"}, "jurisdiction_id"),
    ],
)
def test_get_requests_refusals(client, world, fmt, query, says):
    status = 404 if "jurisdiction_id" in query else 400

    assert says in errors_of(client.get(f"{BASE}/requests.{fmt}", query), fmt, status)


def test_pages_and_page_size(client, world):
    events = [registered_event(world, at=NOW - timedelta(hours=h)) for h in range(5)]

    def page(n):
        query = {"page": n, "page_size": 2}
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", query).json()]

    assert page(1) == [events[0].number, events[1].number]
    assert page(3) == [events[4].number]
    assert page(4) == []


def test_updated_after_lists_what_changed_since(client, world, clock):
    from yiwang.events import services as event_services

    old = registered_event(world, at=NOW - timedelta(days=200))
    registered_event(world, at=NOW - timedelta(days=10))
    event_services.event_dispatch(actor=world.operator, event=old, at=NOW)

    body = client.get(
        f"{BASE}/requests.json", {"updated_after": "2026-03-01T00:00:00+08:00"}
    ).json()

    assert [r["service_request_id"] for r in body] == [old.number]


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_true_adds_the_public_history(client, world, key, fmt):
    number = _open311_event(client)

    (request,) = o311.read(
        client.get(f"{BASE}/requests/{number}.{fmt}", {"extensions": "true"}), fmt
    )

    extended = request["extended_attributes"]
    assert extended["channel"] == "open311"
    assert extended["district"] == "370102"
    kinds = [entry["kind"] for entry in extended["history"]]
    assert kinds[0] == "registered"
    assert extended["history"][0]["datetime"] == "2026-03-03T10:00:00+08:00"


def test_the_list_costs_a_fixed_number_of_queries(
    client, world, key, django_assert_max_num_queries
):
    for _ in range(3):
        _open311_event(client, media_url="https://img.example.cn/a.jpg")
    for _ in range(3):
        registered_event(world)

    # 8 for the list; 2 for the client address's throttle row of a keyless GET
    with django_assert_max_num_queries(10):
        body = client.get(f"{BASE}/requests.json", {"extensions": "true"}).json()

    assert len(body) == 6


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_get_with_a_bad_key_is_403_and_a_good_one_is_charged(client, world, fmt):
    open311_key(rate_per_minute=1)

    errors_of(client.get(f"{BASE}/services.{fmt}", {"api_key": "nope"}), fmt, 403)
    assert client.get(f"{BASE}/services.{fmt}", {"api_key": OPEN311_KEY}).status_code == 200
    errors_of(client.get(f"{BASE}/services.{fmt}", {"api_key": OPEN311_KEY}), fmt, 429)
    assert client.get(f"{BASE}/services.{fmt}").status_code == 200  # no key: public


# --------------------------------------------------------------------------- the rest


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_token_is_404(client, world, fmt):
    # Synchronous creation (the default) issues no token; tokens of the intake queue are
    # tested in test_open311_queue.py.
    says = errors_of(client.get(f"{BASE}/tokens/123.{fmt}"), fmt, 404)

    assert says == "token 123 was not found."


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_method_is_405_with_allow(client, world, fmt):
    response = client.post(f"{BASE}/services.{fmt}")

    errors_of(response, fmt, 405)
    assert response["Allow"] == "GET"


def test_unknown_format_and_path_are_404_in_the_specifications_form(client, world):
    errors_of(client.get(f"{BASE}/services.csv"), "xml", 404)
    errors_of(client.get(f"{BASE}/nothing.json"), "json", 404)
    errors_of(client.get(f"{BASE}/services"), "xml", 404)


def test_english_names_with_accept_language(client, world):
    world.manhole.name_en = "Missing manhole cover"
    world.manhole.save(update_fields=["name_en"])

    body = client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body[0]["service_name"] == "Missing manhole cover"


def test_errors_are_described_in_chinese_by_default(world):
    from django.test import Client

    response = Client().get(f"{BASE}/services/9999.json")

    assert response.json() == [{"code": 404, "description": "未找到 service_code 9999。"}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_input_refused_at_the_edge_is_the_error_list_too(client, world, fmt):
    response = client.get(f"{BASE}/requests.{fmt}", {"service_code": "05\x000101"})

    errors_of(response, fmt, 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_crash_is_a_500_in_the_error_list(world, fmt, monkeypatch):
    from django.test import Client

    from yiwang.events.open311 import views

    def broken():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "open311_services", broken)

    response = Client(raise_request_exception=False).get(f"{BASE}/services.{fmt}")

    errors_of(response, fmt, 500)


# --------------------------------------------------------------------------- rates and language


@pytest.mark.parametrize("fmt", FORMATS)
def test_gets_without_a_key_are_rate_limited_per_client_address(
    client, world, fmt, clock, settings
):
    settings.YIWANG_OPEN311_ADDRESS_RATE = 3
    here = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert client.get(f"{BASE}/services.{fmt}", **here).status_code == 200

    response = client.get(f"{BASE}/services.{fmt}", **here)

    assert "3 requests per minute" in errors_of(response, fmt, 429)
    assert response["Retry-After"] == "20"  # one more request per 60/3 s
    elsewhere = client.get(f"{BASE}/services.{fmt}", REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 200
    clock.shift(timedelta(seconds=20))
    assert client.get(f"{BASE}/services.{fmt}", **here).status_code == 200


def test_a_get_with_a_key_counts_against_the_key_not_the_address(client, world, settings):
    settings.YIWANG_OPEN311_ADDRESS_RATE = 1
    open311_key(rate_per_minute=5)
    here = {"REMOTE_ADDR": "203.0.113.7"}
    assert client.get(f"{BASE}/services.json", **here).status_code == 200
    assert client.get(f"{BASE}/services.json", **here).status_code == 429

    for _ in range(5):
        keyed = client.get(f"{BASE}/services.json", {"api_key": OPEN311_KEY}, **here)
        assert keyed.status_code == 200
    assert client.get(f"{BASE}/services.json", {"api_key": OPEN311_KEY}, **here).status_code == 429


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("accept", "language", "says"),
    [
        (None, "zh-hans", "未找到"),  # the site's language by default
        ("zh-CN,zh;q=0.9", "zh-hans", "未找到"),
        ("en-US,en;q=0.8", "en", "was not found"),
        ("fr-FR", "zh-hans", "未找到"),
    ],
)
def test_error_descriptions_follow_accept_language_and_codes_stay(
    world, fmt, accept, language, says
):
    from django.test import Client

    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = Client(**headers).get(f"{BASE}/services/9999.{fmt}")

    assert says in errors_of(response, fmt, 404)
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_service_refusals_are_translated_too(world, key):
    from django.test import Client

    zh = post(Client(), api_key="no-such-key", service_code="050101", address_string="泉城路")
    en = post(
        Client(HTTP_ACCEPT_LANGUAGE="en"),
        api_key="no-such-key",
        service_code="050101",
        address_string="泉城路",
    )

    assert "api_key" in errors_of(zh, "json", 403) and "unknown or revoked" not in zh.text
    assert "unknown or revoked" in errors_of(en, "json", 403)
