"""The event (事件): what was reported, where, by whom, and its state in the workflow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.events.models.choices import (
    OPEN_STATUSES,
    Card,
    Channel,
    Outcome,
    Satisfaction,
    Status,
    Urgency,
)
from yiwang.events.models.directory import Category, DispatchDirectory
from yiwang.events.models.iot import Device
from yiwang.events.models.knowledge import KnowledgeArticle
from yiwang.identity.models import Department, Region


class Event(models.Model):
    """One city event: a request or complaint from any channel, tracked to closure.

    ``status`` mirrors the workflow instance (``city_event``); the deadlines
    and cards are counted by ``yiwang.events.deadlines`` from dispatch.
    """

    number = models.CharField(_("number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    workflow = models.OneToOneField(
        "processes.WorkflowInstance",
        on_delete=models.PROTECT,
        related_name="city_event",
        verbose_name=_("workflow"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    # reporter
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_resident_id = models.CharField(_("reporter resident ID"), max_length=18, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    confidential = models.BooleanField(_("confidential"), default=False)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_events",
        verbose_name=_("citizen account"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_events",
        verbose_name=_("registered by"),
    )
    # what and where
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=4000)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("device"),
    )
    alarm_count = models.PositiveIntegerField(_("alarms"), default=0)
    last_alarm_at = models.DateTimeField(_("last alarm"), null=True, blank=True)
    # dispatch and deadlines
    directory = models.ForeignKey(
        DispatchDirectory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directory version"),
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_events",
        verbose_name=_("lead department"),
    )
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("handling clock started"),
        null=True,
        blank=True,
        help_text=_("The dispatch the handling limit counts from."),
    )
    sign_due_at = models.DateTimeField(_("sign-for due"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("handling due"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    sign_card = models.CharField(
        _("sign-for card"), max_length=10, choices=Card.choices, blank=True, default=""
    )
    handle_card = models.CharField(
        _("handling card"), max_length=10, choices=Card.choices, blank=True, default=""
    )
    # handling and closure
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    result = models.TextField(_("result"), blank=True)
    reply = models.TextField(_("reply to the citizen"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=30, choices=Satisfaction.choices, blank=True
    )
    resolved_confirmed = models.BooleanField(_("reporter says resolved"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    answered_directly = models.BooleanField(_("answered directly (直办)"), default=False)
    article = models.ForeignKey(
        KnowledgeArticle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge base answer"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_events",
        verbose_name=_("merged into"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("city event")
        verbose_name_plural = _("city events")
        indexes = [
            models.Index(fields=["status", "category"], name="events_event_status_cat"),
            models.Index(fields=["lead_department", "status"], name="events_event_lead"),
            models.Index(fields=["district", "status"], name="events_event_district"),
            models.Index(fields=["reporter_phone", "created_at"], name="events_event_phone"),
            models.Index(fields=["citizen", "created_at"], name="events_event_citizen"),
            models.Index(fields=["device", "last_alarm_at"], name="events_event_device"),
            models.Index(fields=["updated_at"], name="events_event_updated"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
