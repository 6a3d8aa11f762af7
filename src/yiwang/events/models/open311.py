"""Open311: API keys and the asynchronous intake queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiwang.events.models.events import Event


class ApiKey(models.Model):
    """An Open311 integrator's key: only its SHA-256 hash is stored; revocable, rate-limited."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_keys",
        verbose_name=_("integrator"),
    )
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IntakeRequest(models.Model):
    """An Open311 ``POST requests`` accepted asynchronously: answered at once with a ``token``
    (GeoReport v2, services of type ``batch``), registered as an event later by a worker
    (``services.open311_intake_register``), which sets ``event`` (GET ``tokens/{token}``
    then gives its ``service_request_id``) or, when registration refuses it, ``failed``
    with the refusal (``error``, and the HTTP status the POST would have answered).

    ``payload`` is the request as checked at the edge: the arguments of ``event_register``
    in JSON (the service code, the place, the reporter, the description, the attributes,
    the media URL). ``received_at`` is the event's registration instant: its deadlines
    count from when the city received it, not from when a worker got to it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("intake", "queued")
        REGISTERED = "registered", pgettext_lazy("intake", "registered")
        FAILED = "failed", pgettext_lazy("intake", "failed")

    token = models.CharField(_("token"), max_length=40, unique=True)
    key = models.ForeignKey(
        ApiKey,
        on_delete=models.PROTECT,
        related_name="intake_requests",
        verbose_name=_("Open311 API key"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    payload = models.JSONField(_("request"), default=dict)
    state = models.CharField(
        pgettext_lazy("intake", "state"), max_length=12, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    event = models.OneToOneField(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_request",
        verbose_name=_("city event"),
    )
    error = models.CharField(_("error"), max_length=1000, blank=True)
    error_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("queued Open311 request")
        verbose_name_plural = _("queued Open311 requests")
        indexes = [
            # The workers' claim: the oldest queued rows, a small index of only those.
            models.Index(fields=["id"], condition=Q(state="queued"), name="events_intake_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.token} ({self.state})"
