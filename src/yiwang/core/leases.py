"""Leases: one worker at a time on one outbox row (a notification or webhook delivery).

A task that delivers something (an e-mail, an SMS, a webhook POST) must not
hold a row lock while it talks to the outside world, yet two workers must not
deliver the same row at once. So it *claims* the row in a short transaction
and then works without a lock, under a **lease**: a holder token and an
expiry written on the row (the :class:`Leased` columns).

- :func:`lease_claim` locks the row (``SELECT … FOR UPDATE``), and if no one
  holds an unexpired lease on it, writes ours and returns it. A lease that has
  expired belongs to a worker taken for dead: the next claimer takes it over.
- :func:`lease_complete` / :func:`lease_lock_held` record the outcome only if
  we still hold the lease (compare-and-set on the holder token): a worker so
  slow that its lease expired and another took over cannot overwrite the
  newer attempt. A lease that expired but that no one took over still holds.
- :attr:`Claim.held_until` / :func:`lease_free_before` say when a row is free
  again, for a task that re-queues itself for then (notifications) or a sweep
  that picks up rows whose worker died (webhooks).

The lease's length is the caller's: longer than an attempt can take, or a
slow worker and its successor deliver at once (each caller documents why its
length suffices). Like the rest of the outbox this gives *at least once*: a
worker that dies after the message went out but before recording it has it
sent again. docs/notifications.md and docs/api.md (webhooks) describe both
engines' use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Leased(models.Model):
    """The two columns of a lease, for a model whose rows :func:`lease_claim` claims."""

    lease_holder = models.CharField(_("lease holder"), max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)

    class Meta:
        abstract = True


M = TypeVar("M", bound=Leased)


@dataclass(frozen=True)
class Lease:
    """Our hold on row ``pk`` until ``until``; ``holder`` is the token written on the row."""

    pk: Any
    holder: str
    until: datetime


@dataclass(frozen=True)
class Claim(Generic[M]):
    """What :func:`lease_claim` found.

    ``row``: the row as read under its lock (None: no such row). ``lease``: ours,
    written on the row, when the claim succeeded. ``held_until``: when the
    claim failed because another holder's lease runs until then.
    """

    row: M | None
    lease: Lease | None = None
    held_until: datetime | None = None


def lease_held_until(row: Leased, *, at: datetime) -> datetime | None:
    """When the lease on ``row`` ends, if one is held at ``at``; None when it is free."""
    if row.lease_until is not None and row.lease_until > at:
        return row.lease_until
    return None


def lease_claim(
    queryset: models.QuerySet[M] | models.Manager[M],
    *,
    pk: Any,
    at: datetime,
    length: timedelta,
    eligible: Callable[[M], bool] = lambda row: True,
    held_otherwise: Callable[[M], datetime | None] = lambda row: None,
) -> Claim[M]:
    """Claim row ``pk`` of ``queryset`` for ``length`` from ``at``, unless someone holds it.

    Call inside ``transaction.atomic()``: the row stays locked (``SELECT … FOR
    UPDATE``; ``queryset`` may carry ``select_for_update(of=…)`` and
    ``select_related``) until the caller's transaction ends, so the caller can
    write what the claim means to it (an attempt counted, a status) in the same
    transaction. ``eligible(row)`` (checked only when no one else holds the
    lease) says whether the row is to be claimed at all (not delivered yet,
    due); an ineligible row is returned unclaimed, unchanged. ``held_otherwise(row)``
    is when a hold the row carries outside the lease columns ends (a claim written by
    the previous release, during a rolling upgrade), or None: until then the row is
    held, as by a lease.
    """
    queryset = queryset.all()
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    row = queryset.filter(pk=pk).first()
    if row is None:
        return Claim(row=None)
    held_until = lease_held_until(row, at=at)
    if held_until is None:
        other = held_otherwise(row)
        held_until = other if other is not None and other > at else None
    if held_until is not None:
        return Claim(row=row, held_until=held_until)
    if not eligible(row):
        return Claim(row=row)
    lease = Lease(pk=row.pk, holder=uuid.uuid4().hex, until=at + length)
    row.lease_holder, row.lease_until = lease.holder, lease.until
    row.save(update_fields=["lease_holder", "lease_until"])
    return Claim(row=row, lease=lease)


def lease_end(row: Leased) -> list[str]:
    """End the lease on ``row`` (not saved); the fields to save."""
    row.lease_holder, row.lease_until = "", None
    return ["lease_holder", "lease_until"]


def lease_complete(
    queryset: models.QuerySet[Any] | models.Manager[Any], lease: Lease, **values: Any
) -> bool:
    """Write ``values`` on the leased row and end the lease, if ``lease`` still holds it.

    One ``UPDATE … WHERE pk = … AND lease_holder = …`` (compare-and-set): False,
    and nothing written, when another worker took the lease over after ours
    expired (or the row is gone).
    """
    updated = queryset.filter(pk=lease.pk, lease_holder=lease.holder).update(
        **values, lease_holder="", lease_until=None
    )
    return bool(updated)


def lease_lock_held(queryset: models.QuerySet[M] | models.Manager[M], lease: Lease) -> M | None:
    """The leased row, locked, if ``lease`` still holds it; None if it was taken over.

    For outcomes that read the row before writing it (appending to a history):
    call inside ``transaction.atomic()``, then save with the lease ended
    (the fields :func:`lease_end` returns in ``update_fields``).
    """
    queryset = queryset.all()
    if not queryset.query.select_for_update:
        queryset = queryset.select_for_update()
    return queryset.filter(pk=lease.pk, lease_holder=lease.holder).first()


def lease_free_before(cutoff: datetime) -> Q:
    """Rows whose lease (if any) ended before ``cutoff``: free, and not claimed since."""
    return Q(lease_until__isnull=True) | Q(lease_until__lt=cutoff)
