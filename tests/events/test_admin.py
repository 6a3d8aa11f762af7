"""The centre's admin pages for the events app: each list and form opens; an API key is
issued by the service and shown once; events are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yiwang.events.models import ApiKey, Event

from ..factories import UserFactory, dispatched_event, event_world

pytestmark = pytest.mark.django_db

PAGES = [
    "category", "dispatchdirectory", "dispatchrule", "knowledgearticle", "district", "device",
    "deadletter", "apikey", "event",
]  # fmt: skip


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", PAGES)
def test_every_list_opens(admin_client, model):
    event_world()

    response = admin_client.get(reverse(f"admin:events_{model}_changelist"))

    assert response.status_code == 200


def test_an_event_is_read_only_in_the_admin(admin_client):
    event = dispatched_event(event_world())

    page = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    posted = admin_client.post(
        reverse("admin:events_event_change", args=[event.pk]), {"description": "x"}
    )

    assert page.status_code == 200 and "13905310001" not in page.content.decode()
    assert posted.status_code == 403
    assert Event.objects.get(pk=event.pk).description != "x"


def test_an_api_key_is_shown_once_and_stored_hashed(admin_client):
    world = event_world()

    response = admin_client.post(
        reverse("admin:events_apikey_add"),
        {"name": "市交通平台", "owner": world.operator.pk, "rate_per_minute": 60},
        follow=True,
    )

    key = ApiKey.objects.get(name="市交通平台")
    shown = [str(m) for m in response.context["messages"]]
    assert any(key.prefix in m for m in shown)
    raw = next(m for m in shown if key.prefix in m).split(": ")[-1]
    assert key.key_hash != raw and len(key.key_hash) == 64
