"""Webhooks: publication with the change, signed delivery to a real HTTP server, retries."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from tests.clock import NOW
from tests.factories import UserFactory, accepted_case, case_world, fan_out, submitted_case
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role, RoleAssignment
from yiwang.integrations.models import EventType, Scope, WebhookDelivery
from yiwang.integrations.services import (
    api_token_create,
    webhook_deliver,
    webhook_deliveries_requeue,
    webhook_delivery_retry,
    webhook_endpoint_register,
    webhook_event_publish,
)

pytestmark = pytest.mark.django_db


class Receiver:
    """A local HTTP server on 127.0.0.1 that records requests and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if receiver.status < 300 else b"boom")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    """The receivers here listen on 127.0.0.1: allowed for these tests only (development)."""
    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def integrator():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.INTEGRATOR)
    return user


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300, now: int | None = None):
    """What an integrator writes (docs/api.md): check the HMAC and the timestamp."""
    parts = dict(p.split("=", 1) for p in headers["X-Yiwang-Signature"].split(","))
    timestamp = int(parts["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), parts["v1"]):
        return False
    return now is None or abs(now - timestamp) <= tolerance


def register(integrator, url, *types):
    return webhook_endpoint_register(owner=integrator, url=url, event_types=types)


def test_a_delivery_reaches_the_receiver_signed(receiver, integrator):
    registered = register(integrator, receiver.url, EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={"hello": "济南"})

    webhook_deliver(delivery_id=delivery.pk, at=NOW)

    [request] = receiver.requests
    headers, body = request["headers"], request["body"]
    assert verify(registered.secret, headers, body, now=int(NOW.timestamp()))
    assert not verify("whsec_wrong", headers, body)
    assert headers["X-Yiwang-Event"] == "ping"
    assert headers["X-Yiwang-Delivery"] == str(delivery.event_id)
    assert headers["X-Yiwang-Timestamp"] == "1772503200"  # 2026-03-03 02:00:00 UTC
    event = json.loads(body)
    assert event["type"] == "ping" and event["data"] == {"hello": "济南"}
    assert event["id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    assert delivery.last_response_code == 200
    assert delivery.history[0]["status_code"] == 200


def test_failures_are_retried_with_exponential_backoff_then_given_up(
    receiver, integrator, settings
):
    settings.YIWANG_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.status = 500
    register(integrator, receiver.url, EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    t0 = NOW

    webhook_deliver(delivery_id=delivery.pk, at=t0)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert delivery.last_response_code == 500
    assert delivery.last_response_body == "boom"
    assert delivery.next_attempt_at == t0 + timedelta(minutes=1)
    retry = DBTaskResult.objects.filter(run_after=t0 + timedelta(minutes=1)).get()
    assert retry.args_kwargs["args"] == [delivery.pk]

    # not due yet: nothing happens
    assert webhook_deliver(delivery_id=delivery.pk, at=t0 + timedelta(seconds=30)) is None
    assert len(receiver.requests) == 1

    t1 = t0 + timedelta(minutes=1)
    webhook_deliver(delivery_id=delivery.pk, at=t1)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == t1 + timedelta(minutes=2)

    t2 = t1 + timedelta(minutes=2)
    webhook_deliver(delivery_id=delivery.pk, at=t2)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert [h["status_code"] for h in delivery.history] == [500, 500, 500]
    assert [h["attempt"] for h in delivery.history] == [1, 2, 3]
    assert len(receiver.requests) == 3

    # an administrator retries it after the receiver is fixed
    receiver.status = 204
    webhook_delivery_retry(delivery=delivery, actor=None, at=t2 + timedelta(hours=1))
    webhook_deliver(delivery_id=delivery.pk, at=t2 + timedelta(hours=1))
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert len(delivery.history) == 4


def test_an_unreachable_receiver_is_recorded_and_retried(integrator):
    register(integrator, "http://127.0.0.1:9/hook", EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    webhook_deliver(delivery_id=delivery.pk, at=NOW)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_response_code is None
    assert delivery.last_error
    assert delivery.history[0]["error"]


def test_redirects_are_not_followed(receiver, integrator):
    receiver.status = 302
    register(integrator, receiver.url, EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    webhook_deliver(delivery_id=delivery.pk, at=NOW)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.last_response_code == 302


def test_delivering_twice_sends_once(receiver, integrator):
    register(integrator, receiver.url, EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    webhook_deliver(delivery_id=delivery.pk, at=NOW)
    assert webhook_deliver(delivery_id=delivery.pk, at=NOW) is None
    assert len(receiver.requests) == 1


def test_publishing_reaches_only_subscribed_active_endpoints(integrator):
    wanted = register(integrator, "https://a.example.org/h", EventType.CASE_SUBMITTED)
    register(integrator, "https://b.example.org/h", EventType.CASE_RATED)
    off = register(integrator, "https://c.example.org/h", EventType.CASE_SUBMITTED)
    off.endpoint.active = False
    off.endpoint.save()
    deliveries = webhook_event_publish(type=EventType.CASE_SUBMITTED, payload={"n": 1})
    assert [d.endpoint_id for d in deliveries] == [wanted.endpoint.pk]
    assert DBTaskResult.objects.count() == 1


def test_a_rolled_back_change_publishes_nothing(integrator):
    register(integrator, "https://a.example.org/h", EventType.PING)
    with pytest.raises(RuntimeError), transaction.atomic():
        webhook_event_publish(type=EventType.PING, payload={})
        raise RuntimeError("the change fails")
    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_case_changes_publish_case_events_without_personal_data(integrator):
    register(
        integrator,
        "https://a.example.org/h",
        EventType.CASE_SUBMITTED,
        EventType.CASE_ACCEPTED,
    )
    world = case_world()
    case = accepted_case(world, at=NOW - timedelta(hours=3))
    assert not WebhookDelivery.objects.exists()  # published after the commit, by the worker
    fan_out()
    deliveries = list(WebhookDelivery.objects.order_by("id"))
    assert [d.event_type for d in deliveries] == ["case.submitted", "case.accepted"]
    # each event says what the case was when it happened, not when the worker ran
    assert deliveries[0].payload["data"]["case"]["step"] == "submitted"
    assert fan_out() == 0  # told once
    assert WebhookDelivery.objects.count() == 2
    data = deliveries[1].payload["data"]
    assert data["case"]["number"] == case.number
    assert data["case"]["step"] == "under_review"
    assert data["case"]["service_code"] == world.service.item.code
    assert data["case"]["department_code"] == world.department.code
    text = json.dumps(deliveries[1].payload, ensure_ascii=False)
    assert "张三" not in text
    assert world.applicant.citizen.resident_id not in text


def test_a_worker_crash_is_recovered_by_requeue(integrator):
    register(integrator, "https://a.example.org/h", EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    DBTaskResult.objects.all().delete()  # the claimed job died with its worker
    assert webhook_deliveries_requeue(at=NOW) == 0  # not overdue yet
    assert webhook_deliveries_requeue(at=NOW + timedelta(hours=1)) == 1
    assert DBTaskResult.objects.get().args_kwargs["args"] == [delivery.pk]


def test_a_delivery_held_by_a_dead_workers_lease_waits_for_it_then_is_taken_over(
    receiver, integrator
):
    # Given: a worker claimed the delivery at NOW and died. Its lease is two request
    # timeouts and 30 s: 2 × 10 s + 30 s = 50 s (the default timeout).
    register(integrator, receiver.url, EventType.PING)
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=1, lease_holder="dead-worker", lease_until=NOW + timedelta(seconds=50)
    )
    tasks = DBTaskResult.objects.count()

    # While the lease holds: nothing sent, nothing written, no task enqueued.
    assert webhook_deliver(delivery_id=delivery.pk, at=NOW + timedelta(seconds=49)) is None
    assert receiver.requests == [] and DBTaskResult.objects.count() == tasks
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.lease_holder == "dead-worker"

    # The sweep takes it for lost a lease and 30 s (80 s) after the lease ended.
    assert webhook_deliveries_requeue(at=NOW + timedelta(seconds=130)) == 0
    assert webhook_deliveries_requeue(at=NOW + timedelta(seconds=131)) == 1
    assert DBTaskResult.objects.count() == tasks + 1

    taken_over = webhook_deliver(delivery_id=delivery.pk, at=NOW + timedelta(seconds=131))
    assert taken_over.status == WebhookDelivery.Status.SUCCEEDED and taken_over.attempts == 2
    assert len(receiver.requests) == 1
    taken_over.refresh_from_db()
    assert taken_over.lease_holder == "" and taken_over.lease_until is None


def test_registration_is_for_integrators_and_validates(integrator):
    citizen_user = UserFactory()
    with pytest.raises(Exception, match="integrators"):
        register(citizen_user, "https://a.example.org/h", EventType.PING)
    with pytest.raises(Exception) as excinfo:
        register(integrator, "ftp://a.example.org/h", "case.nothing")
    assert set(excinfo.value.message_dict) == {"url", "event_types"}


def test_the_webhooks_api(receiver, integrator):
    secret = api_token_create(owner=integrator, name="hooks", scopes=[Scope.WEBHOOKS]).secret
    auth = {"Authorization": f"Bearer {secret}"}
    client = Client()
    created = client.post(
        "/api/v1/webhooks",
        {"url": receiver.url, "event_types": ["case.submitted", "case.decided"]},
        "application/json",
        headers=auth,
    )
    assert created.status_code == 201, created.json()
    assert created.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/webhooks", headers=auth).json()
    assert "secret" not in listed[0]
    endpoint_id = created.json()["id"]
    submitted_case(case_world(), at=NOW - timedelta(hours=1))
    fan_out()
    deliveries = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=auth).json()
    assert [d["event_type"] for d in deliveries] == ["case.submitted"]
    assert client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=auth).status_code == 204
    assert client.get("/api/v1/webhooks", headers=auth).json()[0]["active"] is False
    bad = client.post(
        "/api/v1/webhooks", {"url": "x", "event_types": []}, "application/json", headers=auth
    )
    assert bad.status_code == 422
    # another user's endpoint does not exist for me; a token without the scope is refused
    other = UserFactory()
    RoleAssignment.objects.create(user=other, role=Role.INTEGRATOR)
    other_secret = api_token_create(owner=other, name="x", scopes=[Scope.WEBHOOKS]).secret
    response = client.get(
        f"/api/v1/webhooks/{endpoint_id}/deliveries",
        headers={"Authorization": f"Bearer {other_secret}"},
    )
    assert response.status_code == 404
    no_scope = api_token_create(owner=integrator, name="r", scopes=[Scope.CASES_READ]).secret
    response = client.get("/api/v1/webhooks", headers={"Authorization": f"Bearer {no_scope}"})
    assert response.status_code == 403


def test_a_citizen_cannot_register_webhooks_through_the_api():
    user = UserFactory()
    client = Client()
    client.force_login(user)
    client.cookies["csrftoken"] = "b" * 32
    response = client.post(
        "/api/v1/webhooks",
        {"url": "https://a.example.org/h", "event_types": ["ping"]},
        "application/json",
        headers={"X-CSRFToken": "b" * 32},
    )
    assert response.status_code == 403


def test_the_admin_shows_delivery_history_read_only(receiver, integrator):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    created = client.post(
        "/admin/integrations/webhookendpoint/add/",
        {"owner": integrator.pk, "url": receiver.url, "event_types": ["ping"]},
        follow=True,
    )
    assert created.status_code == 200
    assert any("whsec_" in str(m) for m in created.context["messages"])
    receiver.status = 500
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    webhook_deliver(delivery_id=delivery.pk, at=NOW)
    page = client.get(f"/admin/integrations/webhookdelivery/{delivery.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "500" in html and "boom" in html
    assert 'name="_save"' not in html
    assert client.get("/admin/integrations/webhookdelivery/add/").status_code == 403
    listing = client.get("/admin/integrations/webhookdelivery/")
    assert listing.status_code == 200
    retried = client.post(
        "/admin/integrations/webhookdelivery/",
        {"action": "retry", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert retried.status_code == 200
    assert AuditEntry.objects.filter(action="webhook_delivery.retry").exists()
