"""Domain events: how a service announces what happened, and who listens.

A service calls :func:`announce` once it has made its change (inside its
transaction); each app that cares registers a subscriber in its
``AppConfig.ready()`` with :func:`subscribe`. The notifications app tells the
applicant, the integrations app publishes webhooks, the cockpit will count —
and the service that announced knows none of them. Subscribers run in the
announcer's transaction, in the order they subscribed, so what they enqueue
(deliveries, tasks) commits or rolls back with what the announcer wrote; they
must not do slow work themselves (enqueue it).

Events so far (name: data). The case events are announced after the change
committed, by the worker that fans out the case's timeline entry
(``yiwang.cases.services.fan_out``), with the case as it was at the event:

- ``case.timeline``: ``case``, ``entry`` — a case timeline entry was written;
- ``case.notify``: ``case``, ``kind``, ``context`` — the applicant is to be told;
- ``case.rectification_opened``: ``case``, ``task`` — a bad rating opened a task.

Announced by the identity services inside their transaction:

- ``identity.role_lost``: ``user``, ``role``, ``actor`` — the user no longer holds
  ``role`` anywhere (``role_revoke``);
- ``identity.user_deactivated``: ``user``, ``actor`` — the account was switched off
  (``user_set_active``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Subscriber = Callable[["DomainEvent"], None]

_subscribers: dict[str, dict[str, Subscriber]] = {}


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened: its ``name`` and the objects it is about."""

    name: str
    data: Mapping[str, Any] = field(default_factory=dict)


def subscribe(name: str, subscriber: Subscriber, *, key: str) -> None:
    """Call ``subscriber`` on every ``name`` event. ``key`` names the subscription, so that
    subscribing twice (an app loaded twice in tests) replaces rather than duplicates it."""
    _subscribers.setdefault(name, {})[key] = subscriber


def announce(name: str, **data: Any) -> None:
    """Tell every subscriber of ``name``, now, in the caller's transaction."""
    event = DomainEvent(name, data)
    for subscriber in list(_subscribers.get(name, {}).values()):
        subscriber(event)
