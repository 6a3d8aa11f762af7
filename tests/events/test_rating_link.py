"""The reporter's rating link (回访 by message): single-use, expiring, signed, public.

The world's 井盖缺失 category is switched to callback by rating link. A caller known only by
phone (13905310001) reports at T0; 市城管局 signs and answers at NOW (Tue 3 March 2026
10:00); the link is valid for 7 days (YIWANG_RATING_LINK_DAYS), to Tue 10 March 10:00.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client

from yiwang.events import services
from yiwang.events.errors import LinkInvalid, LinkSpent
from yiwang.events.models import Event, RatingLink, Status, SupervisionOrder
from yiwang.notifications.models import Notification, NotificationDelivery

from ..factories import SHANGHAI, dispatched_event, event_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = event_world()
    world.manhole.callback_channel = "link"
    world.manhole.save(update_fields=["callback_channel"])
    return world


def answered(world, **kw) -> Event:
    event = dispatched_event(world, **kw)
    services.event_sign(actor=world.handler_cgj, event=event)
    return services.event_reply(
        actor=world.handler_cgj,
        event=event,
        outcome="resolved",
        result="井盖已更换",
        reply="您反映的井盖已更换。",
    )


def link_path(world, **kw) -> tuple[Event, str]:
    event = answered(world, **kw)
    sent = Notification.objects.get(kind="event_rating_link")
    return event, urlsplit(sent.url).path


def test_the_caller_gets_a_text_message_with_the_link(world):
    event = answered(world)

    sent = Notification.objects.get(kind="event_rating_link")
    assert sent.user is None
    assert event.number in sent.body and sent.url in sent.body
    assert "2026-03-10 10:00" in sent.body  # valid for 7 days
    delivery = NotificationDelivery.objects.get(notification=sent)
    assert (delivery.channel, delivery.address) == ("sms", "13905310001")
    assert event.status == Status.REPLIED


def test_a_reporter_with_an_account_gets_it_in_app_too(world):
    answered(world, channel="web", citizen=world.citizen)

    sent = Notification.objects.get(kind="event_rating_link")
    assert sent.user == world.citizen


def test_a_phone_callback_category_sends_no_link(world):
    world.manhole.callback_channel = "phone"
    world.manhole.save(update_fields=["callback_channel"])

    answered(world)

    assert not Notification.objects.filter(kind="event_rating_link").exists()
    assert not RatingLink.objects.exists()


def test_the_link_works_once_without_signing_in(world):
    event, path = link_path(world)
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")

    page = anonymous.get(path)
    assert page.status_code == 200
    assert event.number in page.content.decode()

    rated = anonymous.post(path, {"satisfaction": "very_satisfied", "resolved": "yes"})
    event.refresh_from_db()
    assert rated.status_code == 200 and "Thank you" in rated.content.decode()
    assert event.status == Status.CLOSED
    assert event.satisfaction == "very_satisfied" and event.resolved_confirmed is True

    again = anonymous.post(path, {"satisfaction": "very_dissatisfied", "resolved": "no"})
    event.refresh_from_db()
    assert again.status_code == 410
    assert event.status == Status.CLOSED and event.satisfaction == "very_satisfied"
    assert anonymous.get(path).status_code == 410


def test_the_link_expires_after_seven_days(world, clock):
    event, path = link_path(world)
    entries = event.entries.count()

    clock.shift(timedelta(days=7))  # Tue 10 March 10:00: the expiry instant
    response = Client().post(path, {"satisfaction": "satisfied", "resolved": "yes"})

    event.refresh_from_db()
    assert response.status_code == 410
    assert event.status == Status.REPLIED and event.satisfaction == ""
    assert event.entries.count() == entries


def test_a_forged_or_altered_token_is_refused(world):
    event, path = link_path(world)
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    entries = event.entries.count()

    with pytest.raises(LinkInvalid):
        services.event_rate_by_link(token=forged, satisfaction="satisfied", resolved=True)
    response = Client().post(
        path.replace(token, forged), {"satisfaction": "satisfied", "resolved": "yes"}
    )
    page = Client().get("/city/rate/not-a-token/")

    event.refresh_from_db()
    assert response.status_code == 404 and page.status_code == 404
    assert event.number not in response.content.decode()
    assert event.status == Status.REPLIED and event.entries.count() == entries


def test_a_bad_rating_reopens_the_event_as_the_operators_callback_does(world):
    event, path = link_path(world)
    department_due_before = event.handle_due_at

    Client().post(path, {"satisfaction": "dissatisfied", "resolved": "no", "note": "还是没修好"})

    event.refresh_from_db()
    assert event.status == Status.HANDLING
    assert event.reopen_count == 1 and event.lead_department == world.cgj
    # Reopened at NOW (Tue 3 March 10:00): 5 working days, to the end of Tue 10 March.
    assert event.handle_due_at != department_due_before
    assert event.handle_due_at.astimezone(SHANGHAI).date() == date(2026, 3, 10)
    kinds = list(event.entries.values_list("kind", flat=True))
    assert kinds[-2:] == ["called_back", "reopened"]
    assert RatingLink.objects.get(event=event).used_at is not None


def test_a_second_bad_rating_raises_a_supervision_order(world):
    event, path = link_path(world)
    services.event_rate_by_link(
        token=path.rstrip("/").rsplit("/", 1)[1], satisfaction="dissatisfied", resolved=False
    )
    services.event_reply(
        actor=world.handler_cgj, event=event, outcome="resolved", result="重新更换", reply="已重修"
    )
    second = Notification.objects.filter(kind="event_rating_link").order_by("-id").first()
    token = urlsplit(second.url).path.rstrip("/").rsplit("/", 1)[1]

    services.event_rate_by_link(token=token, satisfaction="very_dissatisfied", resolved=False)

    assert SupervisionOrder.objects.filter(event=event, trigger="second_failure").count() == 1


def test_a_superseded_link_no_longer_works(world):
    event, path = link_path(world)
    first = path.rstrip("/").rsplit("/", 1)[1]
    services.event_reopen(actor=world.operator, event=event, reason="复核")
    services.event_reply(
        actor=world.handler_cgj, event=event, outcome="resolved", result="复核完成", reply="已复核"
    )

    with pytest.raises(LinkSpent):
        services.event_rate_by_link(token=first, satisfaction="satisfied", resolved=True)
