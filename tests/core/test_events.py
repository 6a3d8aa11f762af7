"""Domain events: services announce, apps subscribe (one wiring for every side effect)."""

from __future__ import annotations

import pytest

from tests.factories import UserFactory, accepted_case, case_world, fan_out
from yiwang.core.events import DomainEvent, announce, subscribe
from yiwang.identity.models import Role, RoleAssignment
from yiwang.integrations.models import EventType, WebhookDelivery
from yiwang.integrations.services import webhook_endpoint_register


def test_a_subscriber_hears_each_announcement_once_even_if_subscribed_twice():
    heard: list[DomainEvent] = []
    subscribe("test.said", heard.append, key="test.listener")
    subscribe("test.said", heard.append, key="test.listener")  # an app loaded twice

    announce("test.said", what="你好")

    assert [(e.name, dict(e.data)) for e in heard] == [("test.said", {"what": "你好"})]


@pytest.mark.django_db
def test_the_webhook_of_an_acceptance_carries_its_new_due_date():
    # Found in review: the entry was published before its due date was written on it.
    integrator = UserFactory()
    RoleAssignment.objects.create(user=integrator, role=Role.INTEGRATOR)
    webhook_endpoint_register(
        owner=integrator, url="https://8.8.8.8/hook", event_types=[EventType.CASE_ACCEPTED]
    )

    case = accepted_case(case_world())
    fan_out()

    delivery = WebhookDelivery.objects.get(event_type=EventType.CASE_ACCEPTED)
    detail = delivery.payload["data"]["detail"]
    # accepted Mon 2 Mar 2026 10:00; 10 working days: 3–6, 9–13, 16 March
    assert detail["due_at"].startswith("2026-03-16T23:59:59")
    assert case.due_at.isoformat().startswith("2026-03-16")
