"""The city events REST API (/api/v1/events): each endpoint's happy path, who may use which
(roles × endpoints), bad input named by field, and list query counts independent of size."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from tests.factories import (
    QUANCHENG_SQUARE,
    T0,
    dispatched_event,
    event_world,
    registered_event,
)
from yiwang.core.models import AuditEntry
from yiwang.events.models import Event, EventEntry

pytestmark = pytest.mark.django_db

API = "/api/v1"


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict) -> object:
    return client.post(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def world():
    return event_world()


def _snapshot(event: Event) -> tuple:
    """What a refused request must leave as it was."""
    event.refresh_from_db()
    return (
        event.status,
        event.lead_department_id,
        event.signed_at,
        event.outcome,
        event.reply,
        event.extension_days,
        EventEntry.objects.filter(event=event).count(),
        AuditEntry.objects.count(),
    )


# --- citizens ----------------------------------------------------------------------------------


def test_a_citizen_reports_reads_lists_and_rates(world):
    me = as_user(world.citizen)

    # when the citizen reports a missing manhole cover at 泉城广场 (历下区)
    answer = post(
        me,
        "/events/mine",
        {
            "category_code": "050101",
            "description": "井盖丢失",
            "latitude": QUANCHENG_SQUARE[0],
            "longitude": QUANCHENG_SQUARE[1],
        },
    )

    # then it is registered on the web channel and dispatched from the directory at once:
    # 历下区's rule for 井盖缺失 names 市城管局 (lead)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    number = body["number"]
    assert (body["channel"], body["status"], body["lead_department_code"]) == (
        "web",
        "dispatched",
        "jn-cgj",
    )
    assert body["district_code"] == "370102"
    listed = me.get(f"{API}/events/mine").json()
    assert [r["number"] for r in listed["results"]] == [number]
    assert me.get(f"{API}/events/mine/{number}").json()["number"] == number

    # when the department answers and the citizen rates it satisfied and resolved
    handler = as_user(world.handler_cgj)
    assert post(handler, f"/events/{number}/sign", {}).status_code == 200
    replied = post(
        handler,
        f"/events/{number}/reply",
        {"outcome": "resolved", "result": "已补装井盖", "reply": "井盖已补装，感谢反映"},
    )
    assert replied.status_code == 200, replied.content
    assert replied.json()["status"] == "replied"
    rated = post(
        me, f"/events/mine/{number}/rating", {"satisfaction": "satisfied", "resolved": True}
    )

    # then the event closes with the rating
    assert rated.status_code == 200, rated.content
    assert (rated.json()["status"], rated.json()["satisfaction"]) == ("closed", "satisfied")


def test_a_citizen_sees_no_other_citizens_report(world):
    theirs = registered_event(world, channel="web", citizen=world.citizen, phone="13905310001")
    other = as_user(world.handler_cgj.__class__.objects.create(username="neighbour"))
    before = _snapshot(theirs)

    for path in (f"/events/mine/{theirs.number}", f"/events/{theirs.number}"):
        answer = other.get(API + path)
        assert answer.status_code == 404
        assert "13905310001" not in answer.content.decode()
    rated = post(
        other,
        f"/events/mine/{theirs.number}/rating",
        {"satisfaction": "satisfied", "resolved": True},
    )
    assert rated.status_code == 404
    assert other.get(f"{API}/events/mine").json()["count"] == 0
    assert other.get(f"{API}/events").json()["count"] == 0
    assert _snapshot(theirs) == before


def test_anonymous_requests_are_401(world):
    assert Client().get(f"{API}/events/mine").status_code == 401
    assert Client().get(f"{API}/events").status_code == 401


# --- officers ----------------------------------------------------------------------------------


def test_handlers_see_the_reporter_masked_the_centre_in_full(world):
    event = dispatched_event(world, at=T0)

    handler = as_user(world.handler_cgj).get(f"{API}/events/{event.number}").json()
    operator = as_user(world.operator).get(f"{API}/events/{event.number}").json()

    # 13905310001 and 王女士, masked as everywhere (identity.masking): 139****0001, 王**
    assert handler["reporter"]["phone"] == "139****0001"
    assert handler["reporter"]["name"] == "王**"
    assert operator["reporter"]["phone"] == "13905310001"
    assert operator["reporter"]["name"] == "王女士"


def test_an_operator_registers_and_dispatches_and_merges(world):
    op = as_user(world.operator)

    made = post(
        op,
        "/events",
        {
            "category_code": "0701",
            "description": "夜间施工噪声",
            "address": "济南市历下区某工地",
            "reporter_phone": "13905310002",
            "reporter_name": "李先生",
        },
    )
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["status"] == "registered"

    dispatched = post(op, f"/events/{number}/dispatch", {})
    assert dispatched.status_code == 200, dispatched.content
    assert dispatched.json()["lead_department_code"] == "jn-sthj"

    first = registered_event(world)
    duplicate = registered_event(world)
    merged = post(op, f"/events/{duplicate.number}/merge", {"into": first.number})
    assert merged.status_code == 200, merged.content
    assert merged.json()["status"] == "merged"


def test_return_dispute_and_arbitration(world):
    returned = dispatched_event(world)
    disputed = dispatched_event(world)
    handler = as_user(world.handler_cgj)

    answer = post(handler, f"/events/{returned.number}/return", {"reason": "不属于本单位职责"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "returned"

    answer = post(handler, f"/events/{disputed.number}/dispute", {"reason": "应由生态环境局办理"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "arbitration"

    decided = post(
        as_user(world.supervisor),
        f"/events/{disputed.number}/arbitration",
        {"lead_department_code": "jn-sthj", "fault": "centre", "decision": "改由生态环境局办理"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["lead_department_code"] == "jn-sthj"


def test_handle_extension_and_supervision(world):
    event = dispatched_event(world)
    handler, supervisor = as_user(world.handler_cgj), as_user(world.supervisor)
    assert post(handler, f"/events/{event.number}/sign", {}).status_code == 200

    noted = post(handler, f"/events/{event.number}/handle", {"note": "已到现场查看"})
    assert noted.status_code == 200, noted.content
    assert any(e["kind"] == "handled" or "现场" in e["text"] for e in noted.json()["timeline"])

    asked = post(handler, f"/events/{event.number}/extension", {"days": 3, "reason": "需采购井盖"})
    assert asked.status_code == 200, asked.content
    due_before = Event.objects.get(pk=event.pk).handle_due_at
    approved = post(supervisor, f"/events/{event.number}/extension/decision", {"approved": True})
    assert approved.status_code == 200, approved.content
    # dispatched Mon 2 March 09:01, 5 working days: end of Mon 9 March; +3: end of Thu 12 March
    assert Event.objects.get(pk=event.pk).handle_due_at - due_before == timedelta(days=3)

    issued = post(supervisor, f"/events/{event.number}/supervision", {"note": "请加快办理"})
    assert issued.status_code == 200, issued.content
    assert event.supervisions.count() == 1


def test_officer_list_filters_by_status_and_category(world):
    dispatched_event(world)
    registered_event(world, category=world.noise)
    op = as_user(world.operator)

    everything = op.get(f"{API}/events").json()
    registered = op.get(f"{API}/events", {"status": "registered"}).json()
    noise = op.get(f"{API}/events", {"category": "07"}).json()
    red = op.get(f"{API}/events", {"light": "red"}).json()

    assert registered["count"] == 1 and registered["results"][0]["category_code"] == "0701"
    assert noise["count"] == 1
    assert red["count"] == 0
    # the supervisor of the centre sees both; the operator the registered one (centre queue)
    assert as_user(world.supervisor).get(f"{API}/events").json()["count"] == 2
    assert everything["count"] >= 1


# --- the permission matrix -----------------------------------------------------------------

ACTIONS = [
    ("sign", {}),
    ("return", {"reason": "不属于本单位"}),
    ("dispute", {"reason": "派单错误"}),
    ("handle", {"note": "处理中"}),
    ("reply", {"outcome": "resolved", "result": "已处理", "reply": "已处理"}),
    ("extension", {"days": 2, "reason": "需要时间"}),
    ("supervision", {"note": "督办"}),
    ("arbitration", {"lead_department_code": "jn-sthj", "fault": "centre", "decision": "改派"}),
    ("dispatch", {}),
]


@pytest.mark.parametrize(("action", "body"), ACTIONS, ids=[a for a, _ in ACTIONS])
@pytest.mark.parametrize("who", ["handler_jtj", "citizen", "stranger"])
def test_nobody_outside_acts_on_a_departments_event(world, who, action, body):
    """Another department, a citizen (not the reporter) and a user with no role: 403 or 404,
    and nothing changed."""
    event = dispatched_event(world)
    user = (
        getattr(world, who)
        if who != "stranger"
        else world.citizen.__class__.objects.create(username="stranger")
    )
    before = _snapshot(event)

    answer = post(as_user(user), f"/events/{event.number}/{action}", body)

    assert answer.status_code in (403, 404), (who, action, answer.content)
    assert "13905310001" not in answer.content.decode()
    assert _snapshot(event) == before


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("return", {"reason": "不属于本单位"}),
        ("reply", {"outcome": "resolved", "result": "x", "reply": "x"}),
        ("arbitration", {"lead_department_code": "jn-sthj", "fault": "centre", "decision": "x"}),
        ("supervision", {"note": "督办"}),
        ("dispatch", {}),
    ],
)
def test_a_supporting_unit_or_a_handler_cannot_take_the_lead_or_centre_actions(world, action, body):
    """At 泉城广场 市生态环境局 supports 市城管局: it may not return, reply, arbitrate, issue
    督办单 or dispatch (403 or a wrong-state 409), and nothing changes."""
    event = dispatched_event(world)
    before = _snapshot(event)

    answer = post(as_user(world.handler_sthj), f"/events/{event.number}/{action}", body)

    assert answer.status_code in (403, 409), answer.content
    assert _snapshot(event) == before


def test_a_district_supervisor_sees_only_the_district(world):
    inside = dispatched_event(world)  # 泉城广场, 历下区
    outside = dispatched_event(world, point=(36.6402, 116.9750))  # 市中区

    lx = as_user(world.district_supervisor)

    assert lx.get(f"{API}/events/{inside.number}").status_code == 200
    assert lx.get(f"{API}/events/{outside.number}").status_code == 404
    assert [r["number"] for r in lx.get(f"{API}/events").json()["results"]] == [inside.number]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        ("/events/mine", {"description": "x"}, {"category_code"}),
        ("/events/mine", {"category_code": "999999", "description": "x"}, {"category_code"}),
        ("/events/mine", {"category_code": "050101", "description": ""}, {"description"}),
        (
            "/events/mine",
            {"category_code": "050101", "description": "x", "latitude": 91},
            {"latitude"},
        ),
        ("/events/mine", {"category_code": "050101", "description": "x", "extra": 1}, {"extra"}),
    ],
)
def test_a_bad_report_is_422_naming_the_field(world, path, body, fields):
    before = Event.objects.count()

    answer = post(as_user(world.citizen), path, body)

    assert answer.status_code == 422, answer.content
    assert {e["field"] for e in answer.json()["errors"]} == fields
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    ("action", "body", "fields"),
    [
        ("return", {}, {"reason"}),
        ("reply", {"outcome": "done", "result": "x", "reply": "x"}, {"outcome"}),
        ("extension", {"days": 11, "reason": "x"}, {"days"}),
        ("extension", {"days": "two", "reason": "x"}, {"days"}),
        ("sign", {"department_code": "nowhere"}, {"department_code"}),
    ],
)
def test_a_bad_action_is_422_naming_the_field_and_changes_nothing(world, action, body, fields):
    event = dispatched_event(world)
    before = _snapshot(event)

    answer = post(as_user(world.handler_cgj), f"/events/{event.number}/{action}", body)

    assert answer.status_code == 422, answer.content
    assert {e["field"] for e in answer.json()["errors"]} == fields
    assert _snapshot(event) == before


def test_a_bad_rating_is_422(world):
    event = registered_event(world, channel="web", citizen=world.citizen)
    answer = post(
        as_user(world.citizen),
        f"/events/mine/{event.number}/rating",
        {"satisfaction": "great", "resolved": "maybe"},
    )
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"satisfaction", "resolved"}


def test_a_bad_filter_is_422(world):
    answer = as_user(world.operator).get(f"{API}/events", {"light": "blue", "page": 0})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"light", "page"}


@pytest.mark.parametrize("page", [3, 221436066004123264])
def test_a_page_past_the_last_is_422_naming_it(world, page):
    """One event is one page of 20: page 3 does not exist, and neither does a page whose offset
    would pass the database's 64-bit integers (found by the API fuzz: a 500 on SQLite)."""
    dispatched_event(world)
    operator, citizen = as_user(world.operator), as_user(world.citizen)

    for answer in (
        operator.get(f"{API}/events", {"page": page, "page_size": 100}),
        citizen.get(f"{API}/events/mine", {"page": page}),
    ):
        assert answer.status_code == 422
        assert answer.json()["errors"] == [
            {"field": "page", "message": f"Page {page} does not exist; there are 1."}
        ]
    assert operator.get(f"{API}/events", {"page": 1}).json()["pages"] == 1


# --- query counts ------------------------------------------------------------------------------


def _queries(client: Client, path: str, django_assert_max_num_queries, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(API + path).status_code == 200


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("supervisor", "/events"),
        ("handler_cgj", "/events"),
        ("operator", "/events"),
        ("citizen", "/events/mine"),
    ],
)
def test_list_query_counts_do_not_grow_with_the_events(
    world, who, path, django_assert_max_num_queries
):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = as_user(getattr(world, who))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(API + path).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        dispatched_event(world, channel="web", citizen=world.citizen)
    few = count()
    for _ in range(6):
        dispatched_event(world, channel="web", citizen=world.citizen)
    many = count()

    assert many == few
    _queries(as_user(getattr(world, who)), path, django_assert_max_num_queries, few)


def test_an_official_reading_the_reporter_in_full_through_the_api_is_recorded(world):
    event = dispatched_event(world, at=T0)

    as_user(world.handler_cgj).get(f"{API}/events/{event.number}")  # masked: not recorded
    response = as_user(world.operator).get(f"{API}/events/{event.number}")

    assert response.status_code == 200
    (entry,) = AuditEntry.objects.filter(action="event.personal_data_view")
    assert entry.actor_id == world.operator.pk and entry.data["number"] == event.number


def test_dispatch_to_a_street_office_is_refused_with_a_precise_message(world):
    from tests.factories import DepartmentFactory
    from yiwang.identity.models import Department

    DepartmentFactory(
        code="lx-qcgj", name_zh="泉城路街道办事处", region=world.lixia, kind="street_office"
    )
    event = registered_event(world)

    refused = post(
        as_user(world.operator),
        f"/events/{event.number}/dispatch",
        {"lead_department_code": "lx-qcgj", "reason": "就近处置"},
    )

    assert refused.status_code == 422, refused.content
    body = refused.json()
    assert "泉城路街道办事处" in body["detail"] and "市城管局" in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["lead"]
    event.refresh_from_db()
    assert event.status == "registered"
    assert Department.objects.get(code="lx-qcgj").kind == Department.Kind.STREET_OFFICE
