"""Supplement requests and the files of an application and its case."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models.applications import Application
from yiwang.cases.models.case import Case


class SupplementRequest(models.Model):
    """A request for supplements (补正, 一次性告知): everything missing, listed at once."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="supplement_requests", verbose_name=_("case")
    )
    stage = models.CharField(
        _("stage"), max_length=60, help_text=_("The step the case was in (intake or review).")
    )
    items = models.JSONField(
        _("items"),
        default=list,
        help_text=_('[{"material_id": 1 or null, "name": "…", "reason": "…"}]'),
    )
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["case", "requested_at", "id"]
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.requested_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


def material_upload_to(instance: CaseMaterial, filename: str) -> str:
    """``cases/<yyyy>/<mm>/<random>.<ext>``: never the applicant's file name (kept separately)."""
    import secrets

    now = timezone.localtime(instance.uploaded_at or timezone.now())
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{ext[:8]}"


class CaseMaterial(models.Model):
    """One uploaded file for an application's material (申请材料): the case's once the
    application is submitted (``application.case``), without a link of its own, so that a
    submit writes nothing to its uploads."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("application"),
    )
    material = models.ForeignKey(
        "catalog.Material",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("catalog material"),
        help_text=_("Empty for an “other” document."),
    )
    file = models.FileField(_("file"), upload_to=material_upload_to, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    supplement_request = models.ForeignKey(
        SupplementRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("answers supplement request"),
    )
    superseded = models.BooleanField(_("superseded"), default=False)

    class Meta:
        ordering = ["application", "material__order", "uploaded_at", "id"]
        verbose_name = _("case material")
        verbose_name_plural = _("case materials")
        indexes = [models.Index(fields=["application", "material"], name="cases_material_app_mat")]

    def __str__(self) -> str:
        return self.original_name
