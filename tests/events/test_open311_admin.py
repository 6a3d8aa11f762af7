"""The admin of Open311 API keys: issue (the key shown once, stored hashed), revoke, no delete."""

from __future__ import annotations

import hashlib
import re

import pytest

from tests.factories import OPEN311_KEY, UserFactory, open311_key

pytestmark = pytest.mark.django_db


def test_issuing_a_key_shows_it_once_and_stores_its_hash(admin_client):
    from yiwang.core.models import AuditEntry
    from yiwang.events.models import ApiKey

    owner = UserFactory(username="app-maker")

    response = admin_client.post(
        "/admin/events/apikey/add/",
        {"name": "济南随手拍", "owner": owner.pk, "rate_per_minute": 120},
        follow=True,
    )

    assert response.status_code == 200
    shown = re.search(r"<code>([^<]+)</code>", response.content.decode()).group(1)
    key = ApiKey.objects.get()
    assert (key.owner, key.name, key.rate_per_minute) == (owner, "济南随手拍", 120)
    assert key.key_hash == hashlib.sha256(shown.encode()).hexdigest()
    assert key.prefix == shown[:8]
    assert AuditEntry.objects.filter(action="event.api_key_issued", target_id=str(key.pk)).exists()
    page = admin_client.get(f"/admin/events/apikey/{key.pk}/change/").content.decode()
    assert shown not in page


def test_the_revoke_action_stops_the_key(admin_client, client):
    from yiwang.events.models import ApiKey

    key, _ = open311_key()

    admin_client.post(
        "/admin/events/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )

    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    response = client.get("/open311/v2/services.json", {"api_key": OPEN311_KEY})
    assert response.status_code == 403


def test_keys_cannot_be_deleted(admin_client):
    key, _ = open311_key()

    response = admin_client.post(f"/admin/events/apikey/{key.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
