"""Notifications to a person: the in-app inbox and the deliveries by e-mail and SMS.

A :class:`Notification` is what the person sees in their inbox (站内消息). Each
outside channel the person can be reached on gets one
:class:`NotificationDelivery`, created in the same transaction and sent by the
``deliver_notification`` task (the transactional outbox: see
docs/notifications.md).

Rows are written only by :mod:`yiwang.notifications.services` and
:mod:`yiwang.notifications.tasks`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.leases import Leased


class Notification(models.Model):
    """One message in a person's inbox, e.g. "Application accepted"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
        help_text=_("Empty for a text message to a phone number without an account."),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("case"),
    )
    kind = models.CharField(
        _("kind"), max_length=60, help_text=_("What happened, e.g. accepted or decided.")
    )
    context = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("The values the text is made of (case number, reasons, …)."),
    )
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The inbox (newest first) and the unread badge.
            models.Index(fields=["user", "-created_at"], name="notif_user_created"),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notif_user_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationDelivery(Leased):
    """Sending one notification through one outside channel (e-mail or SMS).

    ``pending`` → ``sending`` (claimed by a worker, under a lease: see
    ``yiwang.core.leases``) → ``sent``; a failed attempt goes back to ``pending``
    with a later retry, and to ``failed`` after the last attempt. ``claimed_at``
    records when the last claim was made (the lease says who holds it and until
    when; a worker of the release before the lease still reads ``claimed_at``).
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(
        Notification,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("notification"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(
        _("address"),
        max_length=254,
        help_text=_("The e-mail address or phone number at the time of the notification."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notif_delivery_one_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status"], name="notif_delivery_status")]

    def __str__(self) -> str:
        return f"{self.notification_id}/{self.channel}: {self.status}"
