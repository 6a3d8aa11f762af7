"""The demo city's 12345 loop: ``load_demo`` loads boundaries, categories, the directory, the
knowledge base, devices, the integrator's Open311 key and demo events in every state."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from yiwang.demo.data.events import OPEN311_DEMO_KEY
from yiwang.events.models import (
    DispatchDirectory,
    District,
    Event,
    KnowledgeArticle,
    RatingLink,
    Status,
    SupervisionOrder,
)
from yiwang.events.selectors import api_key_for, events_for_handler, events_for_supervisor
from yiwang.identity.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_has_the_loop_in_every_state():
    out = io.StringIO()

    call_command("load_demo", force=True, stdout=out)

    assert District.objects.count() == 12
    assert DispatchDirectory.objects.filter(is_current=True).count() == 1
    assert KnowledgeArticle.objects.filter(is_current=True).count() >= 4
    assert set(Event.objects.values_list("status", flat=True)) == set(Status.values)
    assert Event.objects.filter(answered_directly=True).exists()
    assert Event.objects.filter(channel="iot").exists()
    assert SupervisionOrder.objects.exists()
    assert f"\nOpen311 demo api_key: {OPEN311_DEMO_KEY}\n" in out.getvalue()
    assert api_key_for(OPEN311_DEMO_KEY).owner.username == "integrator"
    # Each demo officer has something of their own to work on.
    for username in ("handler_cg", "handler_sthj", "handler_jtj", "handler_lixia", "handler_qcl"):
        assert events_for_handler(user=User.objects.get(username=username)).exists(), username
    # A street office leads the neighbourhood matter the directory gives it in its district.
    stairs = Event.objects.get(category__code="0204")
    assert stairs.lead_department.code == "lx-qcl"
    assert stairs.lead_department.kind == "street_office"
    assert stairs.district.code == "370102"
    # The web reporter of the answered 垃圾清运 event was sent a rating link (回访 by message).
    trash = Event.objects.get(category__code="0203")
    assert trash.category.callback_channel == "link"
    assert RatingLink.objects.filter(event=trash, used_at__isnull=True).exists()
    lixia = events_for_supervisor(user=User.objects.get(username="supervisor_lixia"))
    assert lixia.exists() and set(lixia.values_list("district__code", flat=True)) == {"370102"}
    # A second run changes nothing.
    before = Event.objects.count()
    call_command("load_demo", force=True, quiet=True)
    assert Event.objects.count() == before
