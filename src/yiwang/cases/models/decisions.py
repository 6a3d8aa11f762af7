"""Decisions on a case and its timeline (the outbox of its events)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models.case import Case


class CaseDecision(models.Model):
    """The decision on a case: approved (准予), denied (不予许可) or not accepted (不予受理)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        REJECTED_AT_INTAKE = "rejected_at_intake", _("Not accepted")

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="decision", verbose_name=_("case")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.outcome}"


class CaseTimelineEntry(models.Model):
    """One step of a case's history as people see it (parcel-tracker style).

    ``kind`` names what happened; its title comes from
    ``yiwang.cases.texts.TIMELINE_TITLES`` (translatable). ``actor`` is who did
    it (the applicant, an officer, or nobody for the clock's own entries); the
    selector ``case_timeline`` decides how each audience sees them (the applicant
    reads "you" or the department, never an officer's name). ``public=False``
    entries (assignment) are for officers only.
    """

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("case")
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=40)
    department = models.ForeignKey(
        "identity.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    detail = models.TextField(_("detail"), blank=True)
    data: models.JSONField[Any] = models.JSONField(_("data"), default=dict, blank=True)
    public = models.BooleanField(_("shown to the applicant"), default=True)
    #: What the entry still has to tell the world, after the commit (the outbox of the
    #: case's event): the case as it was (``case``: what the webhook payload says), the
    #: applicant's notification (``notify``: kind and context), a rectification task whose
    #: supervisors are told (``rectification``). NULL once fanned out (or nothing to tell).
    outbox: models.JSONField[Any] = models.JSONField(_("to fan out"), null=True, blank=True)

    class Meta:
        ordering = ["case", "at", "id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="cases_timeline_outbox",
                condition=models.Q(outbox__isnull=False),
            )
        ]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} @ {self.at:%Y-%m-%d %H:%M}"
