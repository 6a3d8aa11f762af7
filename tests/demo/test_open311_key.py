"""The demo city's Open311 key: issued once, printed on every run on a line of its own."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LINE = "Open311 demo api_key: yiwang-demo-open311-2026-jinan"


def test_every_run_prints_the_demo_key_on_a_line_of_its_own(client):
    from yiwang.events.models import ApiKey

    first, second = io.StringIO(), io.StringIO()

    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)

    assert LINE in first.getvalue().splitlines()
    assert LINE in second.getvalue().splitlines()
    key = ApiKey.objects.get()
    assert key.owner.username == "integrator"
    assert key.key_hash != "yiwang-demo-open311-2026-jinan"
    response = client.get(
        "/open311/v2/services.json", {"api_key": "yiwang-demo-open311-2026-jinan"}
    )
    assert response.status_code == 200
