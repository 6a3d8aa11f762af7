"""Applications (drafts until submitted) and the per-region, per-day case number counter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Application(models.Model):
    """An application form being filled in (draft) or handed in (submitted) — 申请."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    enterprise = models.ForeignKey(
        "identity.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("on behalf of enterprise"),
    )
    service_version = models.ForeignKey(
        "catalog.ServiceVersion",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("service version"),
    )
    form_data = models.JSONField(_("form answers"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="cases_application_idempotency_key_unique",
            )
        ]
        indexes = [models.Index(fields=["applicant", "status"], name="cases_app_applicant_status")]

    def __str__(self) -> str:
        return f"{self.service_version_id}/{self.pk} ({self.status})"


class CaseNumberSequence(models.Model):
    """The last case number handed out per region and local day, on SQLite (one upsert per
    number). On PostgreSQL numbers come from a sequence per region and day
    (``cases.numbering``); rows written before that are where a day's sequence starts."""

    region_code = models.CharField(_("region code"), max_length=6)
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last sequence number"), default=0)

    class Meta:
        verbose_name = _("case number sequence")
        verbose_name_plural = _("case number sequences")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="cases_number_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.day:%Y%m%d}: {self.last}"
