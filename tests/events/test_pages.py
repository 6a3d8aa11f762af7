"""The city-operations pages (一网统管): who gets which page, and each page doing its one job.

Expectations are written by hand from issue 10's permissions: a department sees only its
events (lead or supporting); a district supervisor its district; operators what they
registered and the centre's queues; citizens only their own reports. A page a role has no
business on is 403; an event the user may not see is 404 (its existence is not told). Bad
input is a form error (422) that changes nothing.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    DONGYING,
    QIANFO_MOUNTAIN,
    QUANCHENG_SQUARE,
    T0,
    UserFactory,
    dispatched_event,
    event_world,
    registered_event,
)
from yiwang.events import services
from yiwang.events.models import Event, EventPhoto, Status
from yiwang.identity import services as identity_services
from yiwang.identity.landing import landing_url
from yiwang.identity.models import Role

pytestmark = pytest.mark.django_db

#: The smallest valid PNG (1×1, transparent).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def png(name: str = "pic.png") -> io.BytesIO:
    f = io.BytesIO(PNG)
    f.name = name
    return f


@pytest.fixture
def world():
    w = event_world()

    def city(role: str, username: str):
        user = UserFactory(username=username)
        identity_services.role_assign(user=user, role=role, department=None, actor=None)
        return user

    w.extra["leader"] = city(Role.CITY_LEADER, "boss")
    w.extra["integrator"] = city(Role.INTEGRATOR, "api")
    w.extra["other_citizen"] = city(Role.CITIZEN, "neighbour")
    return w


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


def actors(world) -> dict:
    return {
        "anonymous": None,
        "citizen": world.citizen,
        "other_citizen": world.extra["other_citizen"],
        "operator": world.operator,
        "supervisor": world.supervisor,
        "district_supervisor": world.district_supervisor,
        "handler_cgj": world.handler_cgj,
        "handler_sthj": world.handler_sthj,
        "handler_jtj": world.handler_jtj,
        "leader": world.extra["leader"],
        "integrator": world.extra["integrator"],
    }


# --- landing -----------------------------------------------------------------------------------

LANDINGS = {
    "citizen": "portal:home",
    "operator": "city:console",
    "supervisor": "city:board",
    "district_supervisor": "city:board",
    "handler_cgj": "city:queue",
    "leader": "city:map",
    "integrator": "city:integrator",
}


@pytest.mark.parametrize(("actor", "page"), sorted(LANDINGS.items()))
def test_each_role_lands_on_its_page(world, actor, page):
    user = actors(world)[actor]

    response = client_for(user).get(reverse("city:landing"))

    assert response.status_code == 302
    assert response.url == reverse(page) == landing_url(user)


def test_signing_in_lands_the_operator_on_the_console(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(
        reverse("identity:login"),
        {"username": world.operator.username, "password": "correct-horse-battery"},
    )

    assert response.status_code == 302
    assert response.url == reverse("city:console")


# --- the permission matrix of the pages ---------------------------------------------------------

STAFF = {
    "operator",
    "supervisor",
    "district_supervisor",
    "handler_cgj",
    "handler_sthj",
    "handler_jtj",
    "leader",
}
SIGNED_IN = set(LANDINGS) | STAFF | {"other_citizen", "integrator"}
PAGES = {
    "city:console": {"operator"},
    "city:callbacks": {"operator"},
    "city:knowledge": STAFF,
    "city:queue": {"handler_cgj", "handler_sthj", "handler_jtj"},
    "city:board": {"supervisor", "district_supervisor"},
    "city:map": STAFF,
    "city:map_data": STAFF,
    "city:districts": STAFF,
    "city:integrator": {"integrator"},
    "city:reports": SIGNED_IN,
    "city:report_new": SIGNED_IN,
}
#: Who sees an event registered by the operator at 泉城广场 (历下区), dispatched from the
#: directory to 城管局 (lead) with 生态环境局 (supporting), reported by the citizen.
EVENT_SEEN_BY = {
    "citizen",
    "operator",
    "supervisor",
    "district_supervisor",
    "handler_cgj",
    "handler_sthj",
}


def test_who_gets_which_page(world):
    event = dispatched_event(world, citizen=world.citizen)
    outcomes, expected = {}, {}
    for actor, user in actors(world).items():
        client = client_for(user)
        for name, allowed in PAGES.items():
            status = client.get(reverse(name)).status_code
            outcomes[(actor, name)] = status
            if actor == "anonymous":
                expected[(actor, name)] = 302
            else:
                expected[(actor, name)] = 200 if actor in allowed else 403
        status = client.get(reverse("city:event", args=[event.number])).status_code
        outcomes[(actor, "event")] = status
        if actor == "anonymous":
            expected[(actor, "event")] = 302
        elif actor == "citizen":
            expected[(actor, "event")] = 302  # the reporter is sent to "my report"
        else:
            expected[(actor, "event")] = 200 if actor in EVENT_SEEN_BY else 404
        status = client.get(reverse("city:report", args=[event.number])).status_code
        outcomes[(actor, "report")] = status
        if actor == "anonymous":
            expected[(actor, "report")] = 302
        else:
            expected[(actor, "report")] = 200 if actor in EVENT_SEEN_BY else 404
    mismatches = {k: (outcomes[k], expected[k]) for k in expected if outcomes[k] != expected[k]}
    assert mismatches == {}


@pytest.mark.parametrize(
    ("actor", "action", "expected"),
    [
        ("handler_jtj", "sign", 404),  # not their event: its existence is not told
        ("other_citizen", "sign", 404),
        ("handler_sthj", "return", 403),  # supporting, not lead: may not return
        ("operator", "sign", 403),  # the centre does not sign for a department
        ("handler_cgj", "arbitrate", 403),
        ("handler_cgj", "no-such-action", 404),
    ],
)
def test_a_refused_action_changes_nothing(world, actor, action, expected):
    event = dispatched_event(world)
    before = (event.status, event.entries.count(), event.assignments.count())

    response = client_for(actors(world)[actor]).post(
        reverse("city:action", args=[event.number, action]), {"reason": "not ours"}
    )

    assert response.status_code == expected
    event.refresh_from_db()
    assert (event.status, event.entries.count(), event.assignments.count()) == before


# --- the operator console ----------------------------------------------------------------------


def _call(world, **overrides):
    data = {
        "phone": "13905319999",
        "name": "李先生",
        "category": world.noise.code,
        "address": "济南市历下区泉城路",
        "latitude": QUANCHENG_SQUARE[0],
        "longitude": QUANCHENG_SQUARE[1],
        "description": "夜间施工噪声扰民",
        "urgency": "normal",
    }
    data.update(overrides)
    return data


def test_the_operator_registers_a_call(world):
    client = client_for(world.operator)

    response = client.post(reverse("city:console"), _call(world))

    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("city:event", args=[event.number])
    assert event.channel == "hotline"
    assert event.status == Status.REGISTERED
    assert event.category == world.noise
    assert event.district == world.lixia
    assert event.reporter_phone == "13905319999"
    assert event.registered_by == world.operator


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "9999"}, "category"),  # no such category
        ({"category": "05"}, "category"),  # a branch, not a leaf
        ({"description": ""}, "description"),
        ({"description": "x" * 4001}, "description"),
        ({"phone": ""}, "phone"),  # not anonymous: a phone is needed
        ({"latitude": "91"}, "latitude"),
        ({"longitude": ""}, None),  # half a point
        ({"resident_id": "370102199003071230"}, "resident_id"),  # wrong check character
        ({"urgency": "whenever"}, "urgency"),
    ],
)
def test_bad_input_at_the_console_is_a_form_error_and_registers_nothing(world, overrides, field):
    response = client_for(world.operator).post(reverse("city:console"), _call(world, **overrides))

    assert response.status_code == 422
    form = response.context["form"]
    assert (field in form.errors) if field else form.non_field_errors()
    assert 'class="error-summary"' in response.content.decode()
    assert Event.objects.count() == 0


def test_an_anonymous_call_needs_no_phone(world):
    response = client_for(world.operator).post(
        reverse("city:console"), _call(world, phone="", name="", anonymous="on")
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert event.anonymous and event.reporter_phone == ""


def test_an_informational_call_is_answered_directly_from_the_knowledge_base(world):
    article = services.article_save(
        actor=world.supervisor,
        key="noise-hours",
        category=world.noise,
        title="施工噪声的时间限制",
        body="夜间22时至次日6时禁止产生噪声的建筑施工作业。",
    )

    response = client_for(world.operator).post(
        reverse("city:console"), _call(world, article=str(article.pk), note="已告知")
    )

    assert response.status_code == 302
    assert response.url == reverse("city:console")
    event = Event.objects.get()
    assert event.answered_directly is True
    assert event.article == article
    assert event.status == Status.CLOSED


def test_a_direct_answer_with_an_old_version_registers_nothing(world):
    old = services.article_save(
        actor=world.supervisor, key="k", category=world.noise, title="v1", body="one"
    )
    services.article_save(
        actor=world.supervisor, key="k", category=world.noise, title="v2", body="two"
    )

    response = client_for(world.operator).post(
        reverse("city:console"), _call(world, article=str(old.pk))
    )

    assert response.status_code == 422
    assert Event.objects.count() == 0


def test_the_console_lookups_answer_json(world):
    earlier = registered_event(world, phone="13905310001", category=world.noise)
    client = client_for(world.operator)

    caller = client.get(reverse("city:caller_json"), {"phone": "13905310001"}).json()
    nearby = client.get(
        reverse("city:nearby_json"),
        {"lat": QUANCHENG_SQUARE[0], "lon": QUANCHENG_SQUARE[1], "category": world.noise.code},
    ).json()
    far = client.get(
        reverse("city:nearby_json"), {"lat": QIANFO_MOUNTAIN[0], "lon": QIANFO_MOUNTAIN[1]}
    ).json()
    categories = client.get(reverse("city:categories_json"), {"q": "噪声"}).json()

    assert [row["number"] for row in caller["results"]] == [earlier.number]
    assert nearby["duplicates"] is True
    assert [row["number"] for row in nearby["results"]] == [earlier.number]
    # 千佛山 is about 2.9 km from 泉城广场: nothing open within 300 m of it.
    assert far["results"] == []
    assert [row["code"] for row in categories["results"]] == [world.noise.code]


@pytest.mark.parametrize(
    "params",
    [{"lat": "north", "lon": "1"}, {"lat": "95", "lon": "117"}, {"lat": "nan", "lon": "1"}],
)
def test_a_bad_point_is_a_json_422(world, params):
    response = client_for(world.operator).get(reverse("city:nearby_json"), params)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] == "lat"


def test_the_lookups_refuse_others_as_json(world):
    response = client_for(world.citizen).get(reverse("city:caller_json"), {"phone": "139"})

    assert response.status_code == 403
    assert response.json()["detail"]


# --- the department handler --------------------------------------------------------------------


def test_the_queue_lists_the_departments_events_with_lights(world, django_assert_max_num_queries):
    mine = dispatched_event(world)
    dispatched_event(world, category=world.signal)  # 交通运输局's
    client = client_for(world.handler_cgj)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("city:queue"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [e.number for e, _ in response.context["rows"]] == [mine.number]
    assert 'data-count="open">1<' in html


def test_the_handler_signs_returns_and_gets_a_form_error_without_a_reason(world):
    event = dispatched_event(world)
    client = client_for(world.handler_cgj)

    refused = client.post(reverse("city:action", args=[event.number, "return"]), {"reason": ""})
    event.refresh_from_db()
    assert refused.status_code == 422
    assert "reason" in refused.context["actions"]["return"].errors
    assert event.status == Status.DISPATCHED

    signed = client.post(reverse("city:action", args=[event.number, "sign"]))
    event.refresh_from_db()
    assert signed.status_code == 302
    assert event.status == Status.HANDLING

    returned = client.post(
        reverse("city:action", args=[event.number, "return"]), {"reason": "不属于城管职责"}
    )
    event.refresh_from_db()
    assert returned.status_code == 302
    assert event.status == Status.RETURNED


def test_the_handler_handles_with_a_photo_and_replies(world):
    event = dispatched_event(world)
    client = client_for(world.handler_cgj)
    client.post(reverse("city:action", args=[event.number, "sign"]))

    handled = client.post(
        reverse("city:action", args=[event.number, "handle"]),
        {"note": "已到现场", "photos": [png()]},
    )
    replied = client.post(
        reverse("city:action", args=[event.number, "reply"]),
        {"outcome": "resolved", "result": "井盖已更换", "reply": "您反映的井盖已更换。"},
    )

    event.refresh_from_db()
    assert handled.status_code == 302 and replied.status_code == 302
    assert event.status == Status.REPLIED
    photo = EventPhoto.objects.get(event=event, kind=EventPhoto.Kind.RESULT)
    assert photo.file.name.endswith(".png")
    page = client.get(reverse("city:photo", args=[photo.pk]))
    assert page.status_code == 200 and page["Content-Type"] == "image/png"
    assert (
        client_for(world.handler_jtj).get(reverse("city:photo", args=[photo.pk])).status_code == 404
    )


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_recorded(world):
    event = dispatched_event(world)
    client = client_for(world.handler_cgj)
    client.post(reverse("city:action", args=[event.number, "sign"]))
    entries = event.entries.count()
    fake = io.BytesIO(b"<script>alert(1)</script>")
    fake.name = "photo.png"

    response = client.post(
        reverse("city:action", args=[event.number, "handle"]), {"note": "x", "photos": [fake]}
    )

    assert response.status_code == 422
    assert "photos" in response.context["actions"]["handle"].errors
    assert event.entries.count() == entries
    assert not EventPhoto.objects.exists()


def test_reporter_contact_is_masked_to_the_handler(world):
    event = dispatched_event(world, phone="13905310001", name="王女士")

    handler = client_for(world.handler_cgj).get(reverse("city:event", args=[event.number]))
    centre = client_for(world.operator).get(reverse("city:event", args=[event.number]))

    assert "13905310001" not in handler.content.decode()
    assert "13905310001" in centre.content.decode()


# --- supervision -------------------------------------------------------------------------------


def test_the_supervisor_issues_a_supervision_order_and_the_handler_answers(world):
    event = dispatched_event(world)

    issued = client_for(world.supervisor).post(
        reverse("city:action", args=[event.number, "supervise"]), {"note": "请今日内处置"}
    )
    order = event.supervisions.get()
    queue = client_for(world.handler_cgj).get(reverse("city:queue"))
    answered = client_for(world.handler_cgj).post(
        reverse("city:order_answer", args=[event.number, order.pk]), {"answer": "已安排人员"}
    )

    order.refresh_from_db()
    assert issued.status_code == 302
    assert order.department == world.cgj
    assert list(queue.context["orders"]) == [order]
    assert answered.status_code == 302
    assert order.answer == "已安排人员"


def test_the_board_shows_cards_disputes_and_extensions(world, clock):
    late = dispatched_event(world)
    disputed = dispatched_event(world, category=world.noise)
    services.event_dispute(actor=world.handler_sthj, event=disputed, reason="应由城管处理")
    asking = dispatched_event(world, category=world.signal)
    services.event_sign(actor=world.handler_jtj, event=asking)
    services.event_extend_request(actor=world.handler_jtj, event=asking, days=3, reason="待配件")
    # Dispatched Monday 2 March 09:01, 2 working hours to sign: overdue from 11:01 that day;
    # by Tuesday 3 March 10:00 the card is red.
    services.cards_refresh()

    response = client_for(world.supervisor).get(reverse("city:board"))

    board = response.context["board"]
    assert response.status_code == 200
    assert late.number in [e.number for e in board.carded]
    assert [a.event.number for a in board.arbitrations] == [disputed.number]
    assert [x.event.number for x in board.extensions] == [asking.number]

    decided = client_for(world.supervisor).post(
        reverse("city:extension_decide", args=[asking.number, board.extensions[0].pk]),
        {"approved": "yes", "next": "board"},
    )
    asking.refresh_from_db()
    assert decided.status_code == 302 and decided.url == reverse("city:board")
    assert asking.extension_days == 3


def test_the_supervisor_arbitrates_a_dispute(world):
    event = dispatched_event(world, category=world.noise)
    services.event_dispute(actor=world.handler_sthj, event=event, reason="应由城管处理")

    response = client_for(world.supervisor).post(
        reverse("city:action", args=[event.number, "arbitrate"]),
        {"lead": world.cgj.pk, "fault": "centre", "decision": "由城管局主办"},
    )

    event.refresh_from_db()
    assert response.status_code == 302
    assert event.lead_department == world.cgj
    assert event.status == Status.DISPATCHED


# --- the callback list and the citizen ---------------------------------------------------------


def _replied(world, **kw):
    event = dispatched_event(world, **kw)
    services.event_sign(actor=world.handler_cgj, event=event)
    return services.event_reply(
        actor=world.handler_cgj, event=event, outcome="resolved", result="已修复", reply="已修复"
    )


def test_the_callback_list_and_a_bad_callback_reopens(world):
    event = _replied(world)

    listed = client_for(world.operator).get(reverse("city:callbacks"))
    called = client_for(world.operator).post(
        reverse("city:action", args=[event.number, "callback"]),
        {"satisfaction": "dissatisfied", "resolved": "no", "note": "井盖仍松动"},
    )

    event.refresh_from_db()
    assert [e.number for e in listed.context["events"]] == [event.number]
    assert called.status_code == 302
    assert event.reopen_count == 1
    assert event.status in (Status.HANDLING, Status.DISPATCHED)


def test_a_citizen_reports_with_a_photo_and_a_point(world):
    client = client_for(world.citizen)

    response = client.post(
        reverse("city:report_new"),
        {
            "category": world.manhole.code,
            "description": "人行道井盖缺失",
            "address": "泉城广场东侧",
            "latitude": QUANCHENG_SQUARE[0],
            "longitude": QUANCHENG_SQUARE[1],
            "photos": [png("a.png")],
        },
    )

    event = Event.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("city:report", args=[event.number])
    assert event.channel == "web" and event.citizen == world.citizen
    assert event.lead_department == world.cgj  # dispatched from the directory at once
    assert event.photos.get().kind == EventPhoto.Kind.REPORT
    mine = client.get(reverse("city:reports"))
    assert [e.number for e in mine.context["events"]] == [event.number]
    page = client.get(reverse("city:report", args=[event.number]))
    assert page.status_code == 200
    assert 'data-kind="registered"' in page.content.decode()


def test_a_report_outside_the_city_or_without_a_place_changes_nothing(world):
    client = client_for(world.citizen)
    base = {"category": world.manhole.code, "description": "井盖缺失"}

    nowhere = client.post(reverse("city:report_new"), base)
    half = client.post(reverse("city:report_new"), {**base, "latitude": DONGYING[0]})

    assert nowhere.status_code == half.status_code == 422
    assert Event.objects.count() == 0


def test_the_reporter_rates_badly_and_the_event_reopens(world):
    event = _replied(world, citizen=world.citizen)
    client = client_for(world.citizen)

    page = client.get(reverse("city:report", args=[event.number]))
    bad = client.post(reverse("city:report_rate", args=[event.number]), {"resolved": "no"})
    rated = client.post(
        reverse("city:report_rate", args=[event.number]),
        {"satisfaction": "very_dissatisfied", "resolved": "no", "note": "没修好"},
    )

    event.refresh_from_db()
    assert page.context["rate_form"] is not None
    assert bad.status_code == 422
    assert rated.status_code == 302
    assert event.reopen_count == 1
    other = client_for(world.extra["other_citizen"]).post(
        reverse("city:report_rate", args=[event.number]),
        {"satisfaction": "satisfied", "resolved": "yes"},
    )
    assert other.status_code == 404


def test_merge_and_close_are_offered_to_operators_only(world):
    """Only an operator merges (并单) or closes a replied event without a callback; the
    supervisor's page does not offer what the services would refuse."""
    registered = registered_event(world)
    replied = _replied(world)

    def offered(user, event) -> set[str]:
        page = client_for(user).get(reverse("city:event", args=[event.number]))
        assert page.status_code == 200
        return set(page.context["actions"])

    assert "merge" in offered(world.operator, registered)
    assert "merge" not in offered(world.supervisor, registered)
    assert "close" in offered(world.operator, replied)
    assert "close" not in offered(world.supervisor, replied)


def test_a_reporter_who_is_an_officer_elsewhere_reads_only_the_public_page(world):
    """Holding a role of another department gives no sight of one's own report's handling:
    its 督办单 and handling notes stay internal (the officer page sends the reporter to the
    public one)."""
    reporter = UserFactory(username="reporter_at_jtj")
    identity_services.role_assign(
        user=reporter, role=Role.DEPARTMENT_HANDLER, department=world.jtj, actor=None
    )
    event = dispatched_event(world, channel="web", citizen=reporter, phone="13905310009")
    services.supervision_issue(actor=world.supervisor, event=event, note="内部督办：今日内处置")
    client = client_for(reporter)

    officer_page = client.get(reverse("city:event", args=[event.number]))
    public_page = client.get(reverse("city:report", args=[event.number]))

    assert officer_page.status_code == 302
    assert officer_page.url == reverse("city:report", args=[event.number])
    assert public_page.status_code == 200
    assert "内部督办" not in public_page.content.decode()


# --- knowledge base, map, integrator -----------------------------------------------------------


def test_the_centre_maintains_the_knowledge_base_and_handlers_read_it(world):
    saved = client_for(world.supervisor).post(
        reverse("city:knowledge"),
        {
            "key": "manhole",
            "category": world.manhole.code,
            "title": "井盖缺失怎么办",
            "body": "请拨打12345或在网上报告。",
        },
    )
    refused = client_for(world.handler_cgj).post(
        reverse("city:knowledge"),
        {"key": "x", "category": world.manhole.code, "title": "t", "body": "b"},
    )
    bad = client_for(world.operator).post(reverse("city:knowledge"), {"key": "not a slug!"})
    read = client_for(world.handler_cgj).get(reverse("city:knowledge"), {"q": "井盖"})

    assert saved.status_code == 302
    assert refused.status_code == 403
    assert bad.status_code == 422
    assert [a.key for a in read.context["articles"]] == ["manhole"]


def test_the_map_shows_open_events_with_their_light_and_the_districts(world):
    event = dispatched_event(world)
    services.cards_refresh()  # signing overdue since Monday 11:01: red
    client = client_for(world.supervisor)

    data = client.get(reverse("city:map_data")).json()
    districts = client.get(reverse("city:districts"))
    page = client.get(reverse("city:map"))

    assert data["events"] == [
        {
            "number": event.number,
            "lat": QUANCHENG_SQUARE[0],
            "lon": QUANCHENG_SQUARE[1],
            "light": "red",
            "status": "dispatched",
            "category": world.manhole.code,
            "name": "井盖缺失",
        }
    ]
    geo = json.loads(districts.content)
    assert geo["type"] == "FeatureCollection"
    assert "370102" in {f["properties"]["code"] for f in geo["features"]}
    html = page.content.decode()
    assert "vendor/leaflet-1.9.4/leaflet.js" in html
    assert "tile" not in html.lower()
    assert page.context["counts"]["red"] == 1


def test_the_integrator_sees_their_keys_but_never_a_key(world):
    key, raw = services.api_key_issue(
        actor=None, owner=world.extra["integrator"], name="demo", raw="k" * 40
    )

    page = client_for(world.extra["integrator"]).get(reverse("city:integrator"))

    html = page.content.decode()
    assert key.prefix in html
    assert raw not in html
    assert "/open311/v2/discovery.json" in html


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_speak_the_language_asked_for(world, language):
    event = dispatched_event(world)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.handler_cgj)

    html = client.get(reverse("city:event", args=[event.number])).content.decode()

    if language == "en":
        assert "Sign for" in html and "Return" in html
    else:
        assert "签收" in html and "退单" in html


def test_a_deadline_moves_only_by_an_approved_extension(world, clock):
    """The handler asks on the event page; the handling deadline waits for the supervisor."""
    event = dispatched_event(world)
    client = client_for(world.handler_cgj)
    client.post(reverse("city:action", args=[event.number, "sign"]))
    due = Event.objects.get(pk=event.pk).handle_due_at

    asked = client.post(
        reverse("city:action", args=[event.number, "extend"]), {"days": "11", "reason": "x"}
    )
    assert asked.status_code == 422  # at most 10 working days
    client.post(
        reverse("city:action", args=[event.number, "extend"]), {"days": "2", "reason": "待料"}
    )

    assert Event.objects.get(pk=event.pk).handle_due_at == due
    assert T0 + timedelta(days=1) < due


def test_the_leader_sees_the_whole_city_on_the_map_but_no_event_page(world):
    ours = dispatched_event(world)
    theirs = dispatched_event(world, category=world.signal)
    client = client_for(world.extra["leader"])

    data = client.get(reverse("city:map_data")).json()
    page = client.get(reverse("city:map"))

    assert sorted(e["number"] for e in data["events"]) == sorted([ours.number, theirs.number])
    assert page.context["counts"]["open"] == 2
    assert client.get(reverse("city:event", args=[ours.number])).status_code == 404


def test_an_official_who_sees_the_reporter_in_full_is_recorded_and_a_masked_view_is_not(world):
    from yiwang.core.models import AuditEntry

    event = dispatched_event(world)
    views = AuditEntry.objects.filter(action="event.personal_data_view")

    client_for(world.operator).get(reverse("city:event", args=[event.number]))
    client_for(world.handler_cgj).get(reverse("city:event", args=[event.number]))

    (entry,) = views
    assert entry.actor_id == world.operator.pk
    assert entry.data["number"] == event.number
    assert set(entry.data["fields"]) == {"phone", "name"}


def test_dispatch_to_a_street_office_is_a_form_error(world):
    from tests.factories import DepartmentFactory

    office = DepartmentFactory(
        code="lx-qcgj", name_zh="泉城路街道办事处", region=world.lixia, kind="street_office"
    )
    event = registered_event(world)

    response = client_for(world.operator).post(
        reverse("city:action", args=[event.number, "dispatch"]),
        {"lead": office.pk, "reason": "就近处置"},
    )

    event.refresh_from_db()
    assert response.status_code == 422
    assert "lead" in response.context["actions"]["dispatch"].errors
    assert "may not be pushed down" in response.content.decode()
    assert event.status == Status.REGISTERED
