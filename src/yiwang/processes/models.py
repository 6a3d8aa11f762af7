"""A running workflow (one case's or event's process) and the events that made it.

The engine (``yiwang.workflow``) is plain Python over plain data; these two
tables are where its state and its event log live. ``WorkflowInstance.state``
is the engine's ``State.to_json()``; ``version``, ``status`` and ``due_at`` are
copies of what it holds, kept in columns so they can be locked on, filtered
and indexed. Rows are written only by ``yiwang.processes.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.workflow import Event


class WorkflowInstance(models.Model):
    """One run of a workflow definition, with its current state.

    ``due_at`` is the next instant at which time alone changes something (a
    warning window opens, a limit runs out, acceptance is deemed); it is empty
    when nothing is pending, e.g. in a final state. A scheduler wakes only the
    rows with ``due_at <= now`` (see ``selectors.workflow_instances_due``).

    ``counts_from``/``counts_until`` span the local days the working-day
    clocks count over (start to deadline); when the holiday schedule of a
    year in that span changes, the instance is rescheduled
    (``services.workflow_reschedule``). ``provisional`` says a deadline
    reached a year whose schedule is not entered yet.
    """

    definition = models.CharField(
        _("definition"), max_length=60, help_text=_("Name of the workflow definition.")
    )
    overrides = models.JSONField(
        _("definition overrides"),
        default=dict,
        blank=True,
        help_text=_("Overrides applied to the definition, e.g. the service's promised limit."),
    )
    state = models.JSONField(_("state"))
    version = models.PositiveIntegerField(
        _("version"), help_text=_("Grows by one with each change of state.")
    )
    status = models.CharField(_("status"), max_length=60)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional deadline"),
        default=False,
        help_text=_(
            "A deadline was counted through a year whose holiday schedule is not entered yet."
        ),
    )
    counts_from = models.DateField(
        _("counts from"),
        null=True,
        blank=True,
        help_text=_("First local day of the days its working-day clocks count over."),
    )
    counts_until = models.DateField(
        _("counts until"),
        null=True,
        blank=True,
        help_text=_("Last local day of the days its working-day clocks count over."),
    )
    event_count = models.PositiveIntegerField(
        _("events"), default=0, help_text=_("Number of recorded events (the last seq).")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("workflow instance")
        verbose_name_plural = _("workflow instances")
        indexes = [
            # Partial: finished instances (no due_at) stay out of the scheduler's index.
            models.Index(
                fields=["due_at"],
                name="processes_instance_due_at",
                condition=Q(due_at__isnull=False),
            ),
            models.Index(fields=["definition", "status"], name="processes_instance_status"),
            # Partial: only instances with a working-day clock, found by the years they span
            # when a year's holiday schedule is entered or edited.
            models.Index(
                fields=["counts_until", "counts_from"],
                name="processes_instance_counts",
                condition=Q(counts_until__isnull=False),
            ),
            # Partial: the few provisional instances, for the scheduler's check that none is
            # left provisional once its years are entered.
            models.Index(
                fields=["counts_from", "counts_until"],
                name="processes_instance_provisional",
                condition=Q(provisional=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition} #{self.pk} ({self.status})"


class WorkflowEventRecordQuerySet(models.QuerySet["WorkflowEventRecord"]):
    def of(self, instance: WorkflowInstance) -> WorkflowEventRecordQuerySet:
        """The instance's events in order (seq 1, 2, 3 …)."""
        return self.filter(instance=instance).order_by("seq")


class WorkflowEventRecord(models.Model):
    """One event of an instance's log, in order (``seq`` 1, 2, 3 … per instance).

    Replaying an instance's events through the engine gives back its state
    (``selectors.workflow_replay_check``).
    """

    instance = models.ForeignKey(
        WorkflowInstance,
        on_delete=models.PROTECT,
        related_name="events",
        db_index=False,  # the unique (instance, seq) index serves lookups by instance
        verbose_name=_("instance"),
    )
    seq = models.PositiveIntegerField(_("sequence number"))
    type = models.CharField(_("type"), max_length=60)
    at = models.DateTimeField(_("at"))
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = WorkflowEventRecordQuerySet.as_manager()

    class Meta:
        ordering = ["instance", "seq"]
        verbose_name = _("workflow event")
        verbose_name_plural = _("workflow events")
        constraints = [
            models.UniqueConstraint(fields=["instance", "seq"], name="processes_event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.instance_id}/{self.seq} {self.type}"

    def as_event(self) -> Event:
        """The engine's event this row records."""
        return Event(type=self.type, at=self.at, data=self.data)
