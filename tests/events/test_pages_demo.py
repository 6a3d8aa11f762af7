"""The demo city's accounts each land on a page that is theirs, with work on it (issue 10:
"the demo accounts for the hotline centre, district and department handlers, supervisor
and integrator all land on a page that is theirs")."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from yiwang.demo.data.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

#: Where each demo account lands, and a text its page must show (by hand from the roles).
LANDINGS = {
    "hotline": ("/city/console/", "Register the call"),
    "handler_cg": ("/city/queue/", "data-event="),
    "handler_sthj": ("/city/queue/", "data-event="),
    "handler_jtj": ("/city/queue/", "data-event="),
    "handler_lixia": ("/city/queue/", "My queue"),
    "handler_qcl": ("/city/queue/", "data-event="),
    "supervisor": ("/city/board/", "Supervision board"),
    "supervisor_lixia": ("/city/board/", "Supervision board"),
    "leader": ("/city/map/", "data-events-map"),
    "integrator": ("/city/integrator/", "/open311/v2/discovery.json"),
    "clerk_scjg": ("/workbench/", "Case queue"),
    "catalog_admin": ("/admin/", "yiwang administration"),
    "citizen": ("/", ""),
}


def test_each_demo_account_lands_on_its_page():
    call_command("load_demo", force=True, stdout=io.StringIO())  # slow: once for every account
    landed = {}
    for username, (_path, text) in LANDINGS.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        signed_in = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        page = client.get(signed_in.url)
        landed[username] = (signed_in.url, page.status_code, text in page.content.decode())

    assert landed == {username: (path, 200, True) for username, (path, _) in LANDINGS.items()}
