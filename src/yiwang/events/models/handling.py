"""What happens to an event: assignments to departments, the timeline, photos, extension
requests (延期), arbitration (仲裁) and supervision orders (督办单).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.events.models.events import Event
from yiwang.identity.models import Department


class Assignment(models.Model):
    """One department's part in an event (lead 主办 or supporting 协办), from dispatch on.

    A return (退单) or a reassignment (改派) ends it (``ended_at``); a new one starts.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (主办)")
        SUPPORTING = "supporting", _("Supporting (协办)")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("event")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="event_assignments"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    dispatched_at = models.DateTimeField(_("dispatched"))
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    from_directory = models.BooleanField(_("from the directory"), default=False)
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    return_reason = models.CharField(_("return reason"), max_length=500, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        ordering = ["event", "dispatched_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(
                fields=["department", "event"],
                name="events_assignment_active",
                condition=Q(ended_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.role} {self.department_id}"


class EventEntry(models.Model):
    """The event's history: every step, note and decision, in order (the timeline).

    ``public`` entries are shown to the reporter in "my reports".
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="entries", verbose_name=_("event")
    )
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=30)
    text = models.TextField(_("text"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    public = models.BooleanField(_("shown to the reporter"), default=False)

    class Meta:
        ordering = ["event", "at", "id"]
        verbose_name = _("event history entry")
        verbose_name_plural = _("event history")

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"


def photo_upload_to(instance: EventPhoto, filename: str) -> str:
    stamp = timezone.now()
    return f"events/{stamp:%Y/%m}/{instance.event_id}/{filename}"


class EventPhoto(models.Model):
    """A photo: of the problem (reported) or of the result (handling evidence)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Reported")
        RESULT = "result", _("Result")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=photo_upload_to, max_length=200, blank=True)
    url = models.URLField(_("external URL"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["event", "uploaded_at", "id"]
        verbose_name = _("event photo")
        verbose_name_plural = _("event photos")

    def __str__(self) -> str:
        return f"{self.event_id} {self.kind}"


class ExtensionRequest(models.Model):
    """A request for the one extension (延期), decided by a supervisor."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("event")
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    requested_at = models.DateTimeField(_("requested"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved = models.BooleanField(_("approved"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["event", "requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(approved__isnull=True), name="events_one_pending_ext"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} +{self.days}"


class Arbitration(models.Model):
    """A dispatch dispute (派单异议) or two returns between the same units: a supervisor decides.

    The decision binds: the named department handles the event. ``fault`` says
    who was wrong, which decides whom the bounce time counts against.
    """

    class Reason(models.TextChoices):
        DISPUTE = "dispute", _("Dispatch dispute (派单异议)")
        RETURNS = "returns", _("Returned twice")

    class Fault(models.TextChoices):
        DEPARTMENT = "department", _("The department (its refusal was wrong)")
        CENTRE = "centre", _("The centre (the dispatch was wrong)")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="arbitrations", verbose_name=_("event")
    )
    reason_kind = models.CharField(_("why"), max_length=10, choices=Reason.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    reason = models.TextField(_("reason"))
    raised_at = models.DateTimeField(_("raised"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fault = models.CharField(_("fault"), max_length=12, choices=Fault.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)

    class Meta:
        ordering = ["event", "raised_at"]
        verbose_name = _("arbitration")
        verbose_name_plural = _("arbitrations")

    def __str__(self) -> str:
        return f"{self.event_id} {self.reason_kind}"


class SupervisionOrder(models.Model):
    """A 督办单: issued by a supervisor to a department, which is notified and must answer."""

    class Trigger(models.TextChoices):
        OVERDUE = "overdue", _("Overdue")
        SECOND_FAILURE = "second_failure", _("Unsatisfied after reopening")
        MANUAL = "manual", _("Supervisor's decision")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="supervisions", verbose_name=_("event")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="supervision_orders"
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    note = models.TextField(_("instruction"))
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer_due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("supervision order (督办单)")
        verbose_name_plural = _("supervision orders (督办单)")
        indexes = [
            models.Index(
                fields=["department", "issued_at"],
                name="events_supervision_open",
                condition=Q(answered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.department_id}"
