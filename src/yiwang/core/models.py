"""Core data: the working-day calendar and the append-only audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose official holiday schedule (国务院办公厅 holiday notice) is known.

    Working days of a year without a CalendarYear row are unknown: see
    ``yiwang.core.calendar`` for what happens then.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("The notice that published this schedule, e.g. 国办发明电〔2025〕7号."),
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a statutory holiday or an adjusted working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (no work)")
        WORKDAY = "workday", _("Adjusted working day (调休上班)")

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50, help_text=_("e.g. 国庆节"))
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name_zh}"


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log.

    Written only by ``yiwang.core.audit.audit_record``; never updated or deleted
    through the product (the admin is read-only).
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=80, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
        )


class AuditChainHead(models.Model):
    """The one row that says where the audit chain ends (its newest entry's hash).

    Appending locks this row (``SELECT … FOR UPDATE``), so concurrent writers
    queue up and each links to the entry the previous one wrote; and a check
    can tell when entries were cut off the end of the chain.
    """

    entry_id = models.BigIntegerField(null=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return self.hash or "(empty)"
