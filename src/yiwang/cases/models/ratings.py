"""Applicants' ratings and the rectification tasks a bad one opens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models.case import Case


class Rating(models.Model):
    """The applicant's rating of a completed case (好差评), five levels."""

    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        FAIRLY_SATISFIED = 3, _("Fairly satisfied")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    case = models.OneToOneField(
        Case, on_delete=models.CASCADE, related_name="rating", verbose_name=_("case")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="cases_rating_level_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.level}"

    @property
    def is_bad(self) -> bool:
        return self.level <= self.Level.DISSATISFIED


class RectificationTask(models.Model):
    """Follow-up of a bad rating (差评整改): the department's supervisor replies by a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        REPLIED = "replied", _("Replied")
        CLOSED = "closed", _("Closed")

    rating = models.OneToOneField(
        Rating, on_delete=models.CASCADE, related_name="rectification", verbose_name=_("rating")
    )
    department = models.ForeignKey(
        "identity.Department",
        on_delete=models.PROTECT,
        related_name="rectification_tasks",
        verbose_name=_("department"),
    )
    due_at = models.DateTimeField(_("due"))
    limit_days = models.PositiveSmallIntegerField(
        _("limit (working days)"), default=5, help_text=_("Working days to reply, from creation.")
    )
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_(
            "The due date was counted through a year whose holiday schedule is not published "
            "yet; it is counted again when the schedule is entered."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    follow_up_level = models.PositiveSmallIntegerField(
        _("follow-up rating"), choices=Rating.Level.choices, null=True, blank=True
    )
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")
        indexes = [
            models.Index(fields=["department", "status"], name="cases_rect_dept_status"),
            # Recounting after a calendar edit: the open tasks whose span meets a year, and
            # the scheduler's safety net: the open ones still provisional.
            models.Index(
                fields=["due_at", "created_at"],
                condition=models.Q(status="open"),
                name="cases_rect_open_span",
            ),
            models.Index(
                fields=["id"],
                condition=models.Q(status="open", due_provisional=True),
                name="cases_rect_open_provisional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} ({self.status})"
