"""IoT devices, the alarms they send (receipts, for deduplication) and the dead letters of
alarms that could not be registered.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.events.models.directory import Category
from yiwang.identity.models import Department


class Device(models.Model):
    """A registered IoT sensor: its alarms become events of its category for its department."""

    code = models.CharField(_("device id"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="devices", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("owner department"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    alarm_window_minutes = models.PositiveIntegerField(
        _("repeat window (minutes)"),
        default=60,
        help_text=_("Repeated alarms of the device within this window update one event."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("IoT device")
        verbose_name_plural = _("IoT devices")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DeadLetter(models.Model):
    """An IoT message that could not become an event (unknown device, malformed): kept, shown."""

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    payload = models.TextField(_("payload"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    device_code = models.CharField(_("device id"), max_length=80, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        indexes = [models.Index(fields=["received_at"], name="events_deadletter_received")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason}"


class AlarmReceipt(models.Model):
    """One IoT alarm message taken from the broker, by the device's message id.

    Written in the transaction that registers the alarm (or its dead letter),
    before the broker is acknowledged: a message the broker delivers again
    (after a crash or a lost acknowledgement) finds its receipt and changes
    nothing. It also tells which event an alarm went to.
    """

    device_code = models.CharField(_("device id"), max_length=80)
    message_id = models.CharField(_("message id"), max_length=100)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    alarm_at = models.DateTimeField(_("alarm time (device clock)"), null=True, blank=True)
    alarm_type = models.CharField(_("alarm type"), max_length=80, blank=True)
    event = models.ForeignKey(
        "Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_receipts",
        verbose_name=_("event"),
    )
    dead_letter = models.ForeignKey(
        DeadLetter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("dead letter"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("IoT alarm receipt")
        verbose_name_plural = _("IoT alarm receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["device_code", "message_id"], name="events_alarmreceipt_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_code}/{self.message_id}"
