"""The notices (PDF documents) issued to an applicant, stored immutably."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models.case import Case


def notice_upload_to(instance: CaseNotice, filename: str) -> str:
    """``notices/<yyyy>/<mm>/<random>.pdf``: never guessable from the case number."""
    import secrets

    now = timezone.localtime(instance.issued_at or timezone.now())
    return f"notices/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.pdf"


class CaseNotice(models.Model):
    """A written notice the applicant receives (受理通知书, 不予受理决定书, 一次性告知书,
    准予/不予行政许可决定书): a PDF generated when its act happens, stored once with its
    SHA-256 (also in the act's audit entry) and never changed: there is no update path."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Acceptance notice")
        REFUSAL_TO_ACCEPT = "refusal_to_accept", _("Refusal-to-accept notice")
        SUPPLEMENT = "supplement", _("One-time supplement notice")
        APPROVAL = "approval", _("Licensing approval decision")
        DENIAL = "denial", _("Licensing denial decision")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="notices", verbose_name=_("case")
    )
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("document number"), max_length=48, unique=True, editable=False)
    issued_at = models.DateTimeField(_("issued"), editable=False)
    file = models.FileField(_("file"), upload_to=notice_upload_to, max_length=200, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        ordering = ["case", "issued_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["case", "issued_at"], name="cases_notice_case_issued")]

    def __str__(self) -> str:
        return self.number
