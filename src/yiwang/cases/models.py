"""Applications, cases and everything attached to them.

An :class:`Application` is what an applicant fills in (a draft until submitted).
Submitting it creates exactly one :class:`Case`, which pins the service version,
gets a readable number and runs a workflow instance (``yiwang.processes``).
The case keeps a few denormalised copies of the engine's state (``step``,
``due_at``, ``warn_at``, ``due_provisional``, ``paused_light``, ``version``)
so that officers' queues filter and sort in SQL; they are written only by
``cases.services``.

Rows are written only by :mod:`yiwang.cases.services`.
"""

from __future__ import annotations

from typing import Any

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
    """One uploaded file for an application's (and later its case's) material (申请材料)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("application"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("case"),
        help_text=_("Set once the application is submitted."),
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
