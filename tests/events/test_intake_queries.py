"""What registering one event costs in queries: the budget of the intake's hot path.

Peak intake (issue 10: 30,000 events a day, ingested in under a minute) is bound by the
CPU each event costs, most of it in queries. The budgets below are what the path takes
now (counted on SQLite and PostgreSQL alike, savepoints included); a change that adds a
query to every event must raise them here, on purpose. docs/open311.md ("Throughput")
itemises them.

The world is tests/factories.py ``event_world``: 井盖缺失 at 泉城广场 (历下区) goes to
市城管局 (lead) with 市生态环境局 supporting, each department with one handler, who is
notified (in-app and e-mail: a notification, a delivery, its task).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.clock import NOW
from tests.factories import QUANCHENG_SQUARE, event_world, open311_key, registered_event
from yiwang.events.models import Assignment, Event
from yiwang.events.services.open311 import Submitter, open311_request_create
from yiwang.events.types import Place

pytestmark = pytest.mark.django_db

#: Registered and dispatched from the directory (Open311 POST, IoT-like auto dispatch).
REGISTER_AND_DISPATCH = 31
#: Registered only (a hotline call the operator dispatches later).
REGISTER_ONLY = 14


@pytest.fixture
def world():
    w = event_world()
    registered_event(w, at=NOW - timedelta(hours=1))  # caches (districts, calendar) warm
    return w


def test_an_open311_request_registered_and_dispatched(world, django_assert_max_num_queries):
    key, _raw = open311_key()

    with django_assert_max_num_queries(REGISTER_AND_DISPATCH):
        event = open311_request_create(
            key=key,
            category=world.manhole,
            place=Place(*QUANCHENG_SQUARE),
            description="泉城广场东侧井盖缺失",
            submitter=Submitter(first_name="丽", last_name="王", phone="13905310002"),
        )

    event = Event.objects.get(pk=event.pk)
    assert event.status == "dispatched" and event.lead_department == world.cgj
    assert Assignment.objects.filter(event=event).count() == 2


def test_a_hotline_call_registered(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(REGISTER_ONLY):
        event = registered_event(world)

    assert Event.objects.get(pk=event.pk).status == "registered"
