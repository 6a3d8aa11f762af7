"""Who sees which event, and how much of the reporter: a matrix per role (issue 10).

A department sees only its events (lead or supporting); a district sees its district;
operators what they registered and the centre's queues; citizens only their own reports;
phone numbers and names masked to handlers unless the category needs contact.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from yiwang.events import services
from yiwang.events.selectors import (
    event_reporter_view,
    event_visible_to,
    events_for_citizen,
    events_for_handler,
    events_for_operator,
    events_for_supervisor,
    events_visible_to,
)
from yiwang.events.types import Place, Reporter

from ..factories import (
    JINAN_WEST_STATION,
    T0,
    UserFactory,
    dispatched_event,
    event_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """Four events: A 井盖 in 历下 dispatched to cgj (sthj supporting), reported on the web by
    the citizen; B 噪声 in 槐荫 dispatched to sthj; C 信号灯 in 历下 registered by another
    operator, not dispatched; D 井盖 in 槐荫 dispatched to cgj and handled, awaiting callback."""
    world = event_world()
    other_operator = UserFactory(username="op2")
    from yiwang.identity import services as identity_services

    identity_services.role_assign(user=other_operator, role="hotline_operator", actor=None)
    a = dispatched_event(world, channel="web", citizen=world.citizen)
    b = dispatched_event(
        world, category=world.noise, point=JINAN_WEST_STATION, at=T0 + timedelta(minutes=5)
    )
    c = services.event_register(
        actor=other_operator,
        channel="hotline",
        category=world.signal,
        reporter=Reporter(phone="13700000000", name="李先生"),
        place=Place(36.6398, 117.0372),
        description="信号灯不亮",
        at=T0 + timedelta(minutes=10),
    )
    d = dispatched_event(world, point=JINAN_WEST_STATION, at=T0 + timedelta(minutes=15))
    services.event_sign(actor=world.handler_cgj, event=d, at=T0 + timedelta(minutes=30))
    services.event_reply(
        actor=world.handler_cgj,
        event=d,
        outcome="resolved",
        result="已补装",
        reply="已补装",
        at=T0 + timedelta(hours=2),
    )
    return world, other_operator, {"A": a, "B": b, "C": c, "D": d}


#: role → the events it sees, worked out by hand from the scene above.
EXPECTED = {
    "handler_cgj": {"A", "D"},  # lead of A and D
    "handler_sthj": {"A", "B"},  # supporting on A, lead of B
    "handler_jtj": set(),  # C is not dispatched yet
    "supervisor": {"A", "B", "C", "D"},  # the centre's supervisor: the city
    "district_supervisor": {"A", "C"},  # 历下区: A and C lie in it
    "operator": {"B", "C", "D"},  # registered B and D; the queues: C new, D awaiting callback
    "other_operator": {"C", "D"},  # registered C, and the queues
    "citizen": {"A"},  # reported A
    "stranger": set(),
}


def user_for(world, other_operator, role):
    if role == "other_operator":
        return other_operator
    if role == "stranger":
        return UserFactory(username="nobody")
    return getattr(world, role)


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_events(scene, role):
    world, other_operator, events = scene
    user = user_for(world, other_operator, role)
    names = {pk: name for name, pk in ((n, e.pk) for n, e in events.items())}

    seen = {names[pk] for pk in events_visible_to(user=user).values_list("pk", flat=True)}

    assert seen == EXPECTED[role]
    for name, event in events.items():
        assert event_visible_to(user=user, event=event) == (name in EXPECTED[role])


def test_each_roles_own_list(scene):
    world, _, events = scene

    def names(qs):
        return {n for n, e in events.items() if qs.filter(pk=e.pk).exists()}

    assert names(events_for_handler(user=world.handler_cgj)) == {"A", "D"}
    assert names(events_for_handler(user=world.handler_sthj)) == {"A", "B"}
    assert names(events_for_supervisor(user=world.district_supervisor)) == {"A", "C"}
    assert names(events_for_supervisor(user=world.handler_cgj)) == set()
    assert names(events_for_operator(user=world.operator)) == {"B", "C", "D"}
    assert names(events_for_citizen(user=world.citizen)) == {"A"}
    assert names(events_for_handler(user=world.citizen)) == set()


def test_a_list_costs_a_fixed_number_of_queries(scene, django_assert_max_num_queries):
    world, _, _ = scene

    with django_assert_max_num_queries(3):
        rows = list(events_visible_to(user=world.handler_cgj))
        [(e.category.code, e.lead_department and e.lead_department.code) for e in rows]


def test_reporter_is_masked_to_handlers_unless_the_category_needs_contact(scene):
    world, _, events = scene
    a = events["A"]  # 井盖: no contact needed
    c = events["C"]  # 信号灯: the category needs contact

    assert event_reporter_view(user=world.handler_cgj, event=a)["phone"] == "139****0001"
    assert event_reporter_view(user=world.handler_cgj, event=a)["name"] != "王女士"
    assert event_reporter_view(user=world.operator, event=a)["phone"] == "13905310001"
    assert event_reporter_view(user=world.supervisor, event=a)["name"] == "王女士"
    assert event_reporter_view(user=world.handler_jtj, event=c)["phone"] == "13700000000"


def test_an_anonymous_reporter_shows_nothing_and_a_confidential_one_only_to_the_centre(scene):
    world, _, _ = scene
    secret = services.event_register(
        actor=world.operator,
        channel="hotline",
        category=world.signal,
        reporter=Reporter(phone="13600000000", name="赵先生", confidential=True),
        place=Place(36.6398, 117.0372),
        description="信号灯故障",
        at=T0 + timedelta(hours=3),
    )
    anonymous = services.event_register(
        actor=world.operator,
        channel="hotline",
        category=world.signal,
        reporter=Reporter(phone="13500000000", name="钱女士", anonymous=True),
        place=Place(36.6398, 117.0372),
        description="信号灯故障",
        at=T0 + timedelta(hours=3),
    )

    assert event_reporter_view(user=world.handler_jtj, event=secret)["phone"] == "***"
    assert event_reporter_view(user=world.operator, event=secret)["phone"] == "13600000000"
    assert event_reporter_view(user=world.operator, event=anonymous)["phone"] == ""
