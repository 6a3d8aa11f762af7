"""The case: what a submitted application becomes, with its denormalised workflow state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.cases.models.applications import Application


class Case(models.Model):
    """A submitted application being processed by a department (办件), under the statutory clock."""

    class Light(models.TextChoices):
        GREEN = "green", _("On track")
        YELLOW = "yellow", _("Due soon")
        RED = "red", _("Overdue")

    number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="case", verbose_name=_("application")
    )
    service_version = models.ForeignKey(
        "catalog.ServiceVersion",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("service version"),
    )
    department = models.ForeignKey(
        "identity.Department",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("department"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("applicant"),
    )
    enterprise = models.ForeignKey(
        "identity.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("enterprise"),
    )
    workflow_instance = models.OneToOneField(
        "processes.WorkflowInstance",
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name=_("workflow instance"),
    )
    step = models.CharField(
        _("current step"), max_length=60, help_text=_("The workflow state the case is in.")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    received_at = models.DateTimeField(_("received"))
    due_at = models.DateTimeField(
        _("due"), null=True, blank=True, help_text=_("Deadline of the clock that is counting.")
    )
    warn_at = models.DateTimeField(
        _("warning from"), null=True, blank=True, help_text=_("When the light turns yellow.")
    )
    due_provisional = models.BooleanField(
        _("due date provisional"),
        default=False,
        help_text=_(
            "The due date was counted through a year whose holiday schedule is not published "
            "yet; it is counted again when the schedule is entered."
        ),
    )
    paused_light = models.CharField(
        _("light while paused"),
        max_length=6,
        choices=Light.choices,
        blank=True,
        help_text=_("Set while the clock is stopped: the light it had when it stopped."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("The workflow instance's version, for stale checks.")
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["department", "step"], name="cases_case_dept_step"),
            models.Index(fields=["department", "due_at"], name="cases_case_dept_due"),
            # The officers' queue and its counts: the open cases of a department by due date
            # (a few percent of the table; docs/performance.md, "Reads at a million cases").
            # (With the lights' columns: the capped light counts read it index-only on
            # PostgreSQL, without visiting a case row; docs/performance.md.)
            models.Index(
                fields=["department", "due_at", "id"],
                include=["paused_light", "warn_at"],
                condition=Q(closed_at__isnull=True),
                name="cases_case_open_dept_due",
            ),
            # The queue sorted by date received (either way): its keyset pages read this index.
            models.Index(
                fields=["department", "received_at", "id"],
                condition=Q(closed_at__isnull=True),
                name="cases_case_open_dept_recv",
            ),
            models.Index(fields=["assignee"], name="cases_case_assignee"),
            # The portal's popular services: applications per service over the last 30 days.
            models.Index(fields=["received_at", "service_version"], name="cases_case_recv_version"),
            # "My cases", newest first, read in the index's order (and keyset pages of it).
            models.Index(
                "applicant",
                models.F("received_at").desc(),
                models.F("id").desc(),
                name="cases_case_applicant_recv",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None
