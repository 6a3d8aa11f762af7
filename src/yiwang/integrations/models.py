"""API tokens with scopes, webhook endpoints and their deliveries.

Rows are written only by :mod:`yiwang.integrations.services`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.leases import Leased


class Scope(models.TextChoices):
    """What an API token may do; the token acts as its owner, limited to these."""

    CATALOG_READ = "catalog:read", _("Read the catalog")
    CASES_READ = "cases:read", _("Read applications and cases")
    APPLICATIONS_WRITE = "applications:write", _("Apply: drafts, uploads, submit, answer, rate")
    CASES_WRITE = "cases:write", _("Process cases: claim, assign, officer commands")
    WEBHOOKS = "webhooks", _("Manage webhook endpoints and read their deliveries")
    EVENTS_READ = "events:read", _("Read city events (12345): my reports, the events my roles see")
    EVENTS_WRITE = (
        "events:write",
        _("Act on city events (12345): report, rate, register, dispatch, handle, upload photos"),
    )


class EventType(models.TextChoices):
    """Webhook event types (one per case timeline step that matters outside yiwang)."""

    CASE_SUBMITTED = "case.submitted", _("Case submitted")
    CASE_ACCEPTED = "case.accepted", _("Case accepted")
    CASE_REJECTED = "case.rejected", _("Case not accepted")
    CASE_SUPPLEMENT_REQUESTED = "case.supplement_requested", _("Supplements requested")
    CASE_SUPPLEMENT_ANSWERED = "case.supplement_answered", _("Supplements answered")
    CASE_SPECIAL_PROCEDURE_STARTED = (
        "case.special_procedure_started",
        _("Special procedure started"),
    )
    CASE_SPECIAL_PROCEDURE_FINISHED = (
        "case.special_procedure_finished",
        _("Special procedure finished"),
    )
    CASE_EXTENDED = "case.extended", _("Time limit extended")
    CASE_DEADLINE_CHANGED = (
        "case.deadline_changed",
        _("Time limit counted again (a holiday schedule was entered or changed)"),
    )
    CASE_DECIDED = "case.decided", _("Case decided (approved or denied)")
    CASE_CERTIFICATE_ISSUED = "case.certificate_issued", _("Certificate issued")
    CASE_COMPLETED = "case.completed", _("Case completed")
    CASE_WITHDRAWN = "case.withdrawn", _("Case withdrawn")
    CASE_RATED = "case.rated", _("Case rated")
    PING = "ping", _("Test event")


class ApiToken(models.Model):
    """A bearer token for the REST API (API key). Only a SHA-256 of the secret is kept.

    The token string is ``yw_<prefix>_<secret>``; ``prefix`` finds the row,
    the hash of the whole string proves it. The secret is shown once, when
    the token is created.
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("owner"),
        help_text=_("The token acts as this user, limited to its scopes."),
    )
    scopes: models.JSONField[Any] = models.JSONField(_("scopes"), default=list)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("SHA-256 of the token"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (yw_{self.prefix}_…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return not self.revoked and (self.expires_at is None or self.expires_at > at)


class WebhookEndpoint(models.Model):
    """A URL of an integrator that receives signed JSON events of the types it subscribed to."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("owner"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        editable=False,
        help_text=_("HMAC-SHA256 key of the X-Yiwang-Signature header; shown once."),
    )
    event_types: models.JSONField[Any] = models.JSONField(_("event types"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in (self.event_types or [])


class WebhookDelivery(Leased):
    """One event for one endpoint, with every attempt to deliver it.

    ``next_attempt_at`` is when the next attempt is due; while a worker makes
    one, it holds the delivery under a lease (``yiwang.core.leases``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")
        CANCELLED = "cancelled", _("Cancelled (endpoint deactivated)")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event type"), max_length=60)
    payload: models.JSONField[Any] = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_response_body = models.TextField(_("last response (excerpt)"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    history: models.JSONField[Any] = models.JSONField(
        _("history"),
        default=list,
        help_text=_('Every attempt: [{"attempt", "at", "status_code", "error", "duration_ms"}]'),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="integrations_delivery_event_unique"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="integr_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
