"""Core data: the working-day calendar and the append-only audit log with its checkpoints."""

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
    """One line of the append-only audit log (``yiwang.core.audit``).

    Written only by ``audit_record``, which INSERTs the content and its
    ``content_hash`` (SHA-256 of the canonical JSON of every content column)
    in the transaction of the change. The sequencer then gives committed
    entries their place: ``seq`` 1, 2, 3 … and the chain ``hash`` (over the
    previous entry's hash, ``seq``, ``content_hash``, ``id`` and ``sealed_at``),
    ``sealed_at`` and ``chain_format``.
    Never updated otherwise, never deleted through the product (the admin is
    read-only). An actor who appears here cannot be deleted (deactivate the
    account): ``actor_id`` is part of the hashed content.
    """

    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
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
    content_hash = models.CharField(_("content hash"), max_length=64)
    seq = models.BigIntegerField(_("sequence number"), null=True, blank=True, unique=True)
    hash = models.CharField(_("chain hash"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("sealed"), null=True, blank=True)
    #: Which chain hash the sequencer sealed it with (``core.audit.hashing``): 1 before
    #: the chain covered ``id`` and ``sealed_at``, 2 since. None until sealed.
    chain_format = models.PositiveSmallIntegerField(_("chain format"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # What the sequencer looks for: small, whatever the size of the log.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="core_audit_unsealed"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
        )


class AuditChainHead(models.Model):
    """The sealed end of the audit chain (its newest ``seq`` and ``hash``): one row, pk 1.

    The sequencer locks it (``SELECT … FOR UPDATE SKIP LOCKED``) to seal
    entries one batch at a time and continues the chain from it; checkpoints
    are signed from it. Writers never touch it. Verification does not trust
    it: it recomputes the chain from the entries.
    """

    seq = models.BigIntegerField(_("sequence number"), default=0)
    hash = models.CharField(_("chain hash"), max_length=64, blank=True)
    sealed_at = models.DateTimeField(_("last sealed"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"


class AuditCheckpoint(models.Model):
    """A signed statement that the audit chain had ``hash`` at ``seq`` (Ed25519).

    Issued by the scheduler every few seconds while the chain grows, and
    appended to the checkpoint log outside the database as well. The private
    key is never in the database, so someone who can write the database can
    rewrite the chain but not sign a checkpoint that matches it.
    """

    seq = models.BigIntegerField(_("sequence number"), unique=True)
    hash = models.CharField(_("chain hash"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    key_id = models.CharField(_("key id"), max_length=16)
    signature = models.CharField(_("signature"), max_length=100)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash}"
