"""Webhooks can't reach the city's internal network, belong to integrators, and stop when
their endpoint is deactivated. Found by a probe: integrators could register loopback,
link-local and private addresses (a blind port scan through yiwang), a catalog
administrator could register webhooks, and deliveries to a deactivated endpoint stayed
pending forever, requeued every round."""

from __future__ import annotations

import socket

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.clock import NOW
from tests.factories import UserFactory
from yiwang.core.models import AuditEntry
from yiwang.identity.models import Role, RoleAssignment
from yiwang.integrations.models import EventType, WebhookDelivery, WebhookEndpoint
from yiwang.integrations.services import (
    webhook_deliver,
    webhook_deliveries_requeue,
    webhook_endpoint_deactivate,
    webhook_endpoint_register,
    webhook_event_publish,
)

pytestmark = pytest.mark.django_db

PUBLIC = "https://8.8.8.8/hooks/yiwang"  # a public address: no DNS needed in the test


@pytest.fixture
def integrator():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.INTEGRATOR)
    return user


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/",  # loopback: the database
        "http://localhost:6379/",  # loopback by name
        "http://[::1]/",
        "http://10.0.0.5/admin",  # private
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
        "http://100.64.0.1/",  # shared address space
        "http://0.0.0.0/",
        "http://[fe80::1]/",  # IPv6 link-local
        "http://[fd00::1]/",  # IPv6 unique local (private)
        "http://[::ffff:127.0.0.1]/",  # IPv4-mapped loopback
        "http://[::ffff:10.0.0.1]/",  # IPv4-mapped private
        "http://[64:ff9b::7f00:1]/",  # NAT64 (RFC 6052) of 127.0.0.1
        "http://[2002:7f00:1::]/",  # 6to4 (RFC 3056) of 127.0.0.1
        "http://[::127.0.0.1]/",  # IPv4-compatible (RFC 4291) loopback
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",  # Teredo, client 127.0.0.1
        "http://[::ffff:0:7f00:1]/",  # IPv4-translated (SIIT, RFC 2765) loopback
        "http://[fec0::1]/",  # site-local (RFC 3879, deprecated)
        "http://[3fff::1]/",  # documentation (RFC 9637)
    ],
)
def test_an_internal_address_is_refused_by_default(integrator, url):
    before = (WebhookEndpoint.objects.count(), AuditEntry.objects.count())

    with pytest.raises(ValidationError) as refused:
        webhook_endpoint_register(owner=integrator, url=url, event_types=[EventType.PING])

    assert "url" in refused.value.message_dict
    assert (WebhookEndpoint.objects.count(), AuditEntry.objects.count()) == before


def test_a_public_address_is_accepted(integrator):
    registered = webhook_endpoint_register(
        owner=integrator, url=PUBLIC, event_types=[EventType.PING]
    )

    assert registered.endpoint.active


@pytest.mark.parametrize(
    "url",
    [
        "http://[::ffff:8.8.8.8]/",  # IPv4-mapped, public inside
        "http://[64:ff9b::808:808]/",  # NAT64 of 8.8.8.8
        "http://[2002:808:808::1]/",  # 6to4 of 8.8.8.8
        "http://[2400:3200::1]/",  # a public IPv6 address (AliDNS)
    ],
)
def test_an_ipv6_form_of_a_public_address_is_accepted(integrator, url):
    registered = webhook_endpoint_register(owner=integrator, url=url, event_types=[EventType.PING])

    assert registered.endpoint.active


@pytest.mark.parametrize("url", ["http://127.0.0.1:9000/", "http://[64:ff9b::7f00:1]:9000/"])
def test_internal_addresses_are_allowed_only_by_the_development_setting(integrator, settings, url):
    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

    registered = webhook_endpoint_register(owner=integrator, url=url, event_types=[EventType.PING])

    assert registered.endpoint.url == url


def test_staff_who_are_not_integrators_cannot_register_webhooks():
    catalog_admin = UserFactory(is_staff=True)
    RoleAssignment.objects.create(user=catalog_admin, role=Role.CATALOG_ADMIN)

    with pytest.raises(PermissionDenied):
        webhook_endpoint_register(owner=catalog_admin, url=PUBLIC, event_types=[EventType.PING])

    assert not WebhookEndpoint.objects.exists()


def test_deactivating_an_endpoint_cancels_its_pending_deliveries(integrator):
    # Given: two pending deliveries to an endpoint
    webhook_endpoint_register(owner=integrator, url=PUBLIC, event_types=[EventType.PING])
    first, second = (
        webhook_event_publish(type=EventType.PING, payload={"n": n})[0] for n in (1, 2)
    )
    endpoint = first.endpoint

    # When
    webhook_endpoint_deactivate(endpoint=endpoint, actor=integrator)

    # Then: both cancelled, never requeued, never sent
    statuses = set(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == {WebhookDelivery.Status.CANCELLED}
    assert webhook_deliveries_requeue(at=NOW.replace(year=2027)) == 0
    assert webhook_deliver(delivery_id=second.pk, at=NOW) is None
    entry = AuditEntry.objects.get(action="webhook_endpoint.deactivate")
    assert entry.data["deliveries_cancelled"] == 2


def test_a_delivery_cancelled_while_its_request_is_out_stays_cancelled(integrator, monkeypatch):
    """The endpoint is deactivated while an attempt is on the wire (its answer a 500): the
    attempt goes into the history, but the delivery stays cancelled and is not retried."""
    from yiwang.integrations.services.deliveries import _Answer

    registered = webhook_endpoint_register(
        owner=integrator, url=PUBLIC, event_types=[EventType.PING]
    )
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})

    def answer_after_the_cancellation(*args, **kwargs):
        webhook_endpoint_deactivate(endpoint=registered.endpoint, actor=integrator)
        return _Answer(status_code=500, body="", error="", duration_ms=3)

    monkeypatch.setattr(
        "yiwang.integrations.services.deliveries._post", answer_after_the_cancellation
    )

    attempted = webhook_deliver(delivery_id=delivery.pk, at=NOW)

    attempted.refresh_from_db()
    assert attempted.status == WebhookDelivery.Status.CANCELLED
    assert attempted.next_attempt_at is None
    assert [a["status_code"] for a in attempted.history] == [500]
    assert webhook_deliveries_requeue(at=NOW.replace(year=2027)) == 0


def test_a_host_that_now_resolves_inside_is_not_called(integrator, settings, monkeypatch):
    # Given: an endpoint registered while its address was public
    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    registered = webhook_endpoint_register(
        owner=integrator, url=PUBLIC, event_types=[EventType.PING]
    )
    WebhookEndpoint.objects.filter(pk=registered.endpoint.pk).update(url="http://127.0.0.1:1/")
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    calls = []
    monkeypatch.setattr(
        "yiwang.integrations.services.deliveries._post", lambda *args, **kwargs: calls.append(args)
    )

    # When
    attempted = webhook_deliver(delivery_id=delivery.pk, at=NOW)

    # Then: the attempt is recorded as refused, and no request was made
    assert calls == []
    assert "internal address" in attempted.last_error
    assert attempted.status == WebhookDelivery.Status.PENDING  # retried later, as any failure


def test_a_host_that_rebinds_after_the_check_is_not_called(integrator, settings, monkeypatch):
    """DNS rebinding: the name answers a public address to the check, then 127.0.0.1
    (a short TTL). The request must go to the address that was checked."""
    from tests.integrations.test_webhooks import Receiver

    # Given: a service on 127.0.0.1 that must never be reached
    internal = Receiver()
    port = internal.server.server_address[1]
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["8.8.8.8"])  # the first answer: public

    def rebinding_dns(host, *args, **kwargs):
        if host != "hooks.rebind.example":
            return real_getaddrinfo(host, *args, **kwargs)
        address = next(answers, "127.0.0.1")  # every later answer: loopback
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]

    connected_to = []
    real_create_connection = socket.create_connection

    def recording_connect(address, *args, **kwargs):
        connected_to.append(address[0])
        if address[0] == "8.8.8.8":
            raise OSError("no route in the test")  # the public host is not reachable here
        return real_create_connection(address, *args, **kwargs)

    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    registered = webhook_endpoint_register(
        owner=integrator, url=PUBLIC, event_types=[EventType.PING]
    )
    WebhookEndpoint.objects.filter(pk=registered.endpoint.pk).update(
        url=f"http://hooks.rebind.example:{port}/hook"
    )
    [delivery] = webhook_event_publish(type=EventType.PING, payload={})
    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    monkeypatch.setattr(socket, "create_connection", recording_connect)

    # When
    try:
        attempted = webhook_deliver(delivery_id=delivery.pk, at=NOW)
    finally:
        internal.close()

    # Then: only the checked address was tried; the internal service saw nothing
    assert connected_to == ["8.8.8.8"]
    assert internal.requests == []
    assert attempted.status == WebhookDelivery.Status.PENDING
    assert "no route in the test" in attempted.last_error


def test_a_pinned_request_names_the_host_it_was_sent_to(integrator, settings):
    """The connection goes to the vetted address; the Host header still names the URL's host."""
    from tests.integrations.test_webhooks import Receiver

    settings.YIWANG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver()
    port = receiver.server.server_address[1]
    try:
        webhook_endpoint_register(
            owner=integrator,
            url=f"http://localhost:{port}/hook?source=yiwang",
            event_types=[EventType.PING],
        )
        [delivery] = webhook_event_publish(type=EventType.PING, payload={})
        attempted = webhook_deliver(delivery_id=delivery.pk, at=NOW)
    finally:
        receiver.close()

    assert attempted.status == WebhookDelivery.Status.SUCCEEDED
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"localhost:{port}"
