"""Single-use rating links (回访 by SMS link)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLink(models.Model):
    """A single-use, expiring link that lets a reporter rate an answered event without
    signing in (回访 by message). The link carries a signed token naming this row's
    ``nonce``; ``used_at`` makes it single-use (``yiwang.events.services.rating``)."""

    event = models.ForeignKey(
        "Event", on_delete=models.CASCADE, related_name="rating_links", verbose_name=_("event")
    )
    nonce = models.CharField(_("nonce"), max_length=32, unique=True)
    phone = models.CharField(_("sent to phone"), max_length=20, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")

    def __str__(self) -> str:
        return f"{self.event_id} {self.nonce[:6]}…"
