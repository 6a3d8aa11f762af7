"""City events (一网统管, the 12345 hotline): categories, the dispatch directory, districts,
events and what happens to them, the knowledge base, IoT devices and Open311 API keys.

Rows are written only by ``yiwang.events.services``; reads that check who may
see what go through ``yiwang.events.selectors``. The rules are cited in
docs/events.md (GB/T 33358-2016, GB/T 39666-2020, 国办发〔2020〕53号,
国办函〔2025〕66号, 山东省政务服务热线管理办法).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiwang.identity.models import Department, Region

#: 山东省政务服务热线管理办法: handle and reply within 5 working days, one extension of at
#: most 10, return a matter outside the unit's remit within 2 working days with a reason.
DEFAULT_HANDLE_DAYS = 5
DEFAULT_EXTENSION_MAX_DAYS = 10
DEFAULT_RETURN_WINDOW_DAYS = 2
#: The centre's default sign-for limit (签收时限), in working hours.
DEFAULT_SIGN_HOURS = Decimal("2")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 hotline")
    WEB = "web", _("Web portal")
    OPEN311 = "open311", _("Open311 API")
    IOT = "iot", _("IoT alarm")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Status(models.TextChoices):
    """The event's workflow state (``city_event.yaml``), copied for filtering."""

    REGISTERED = "registered", _("Registered")
    DISPATCHED = "dispatched", _("Dispatched, awaiting signature")
    HANDLING = "handling", _("Being handled")
    RETURNED = "returned", _("Returned to the centre")
    ARBITRATION = "arbitration", _("Awaiting arbitration")
    REPLIED = "replied", _("Answered, awaiting callback")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another event")


OPEN_STATUSES = (
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.HANDLING,
    Status.RETURNED,
    Status.ARBITRATION,
    Status.REPLIED,
)


class Outcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    EXPLAINED = "explained", _("Explained, not resolvable")
    FORWARDED = "forwarded", _("Not our remit, forwarded")


class Satisfaction(models.TextChoices):
    """The five levels of 好差评 (DESIGN.md)."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


BAD_SATISFACTION = (Satisfaction.DISSATISFIED, Satisfaction.VERY_DISSATISFIED)


class Card(models.TextChoices):
    """A deadline light: yellow 1 working day before, red from the first overdue day."""

    NONE = "", _("On time")
    YELLOW = "yellow", _("Yellow card")
    RED = "red", _("Red card")


# --------------------------------------------------------------------------- categories


class CallbackChannel(models.TextChoices):
    """How the centre asks the reporter (回访): a call, or a single-use rating link."""

    PHONE = "phone", _("Phone call")
    LINK = "link", _("Rating link (SMS / in-app)")


class Category(models.Model):
    """A node of the category tree (GB/T 39666-2020 政府热线服务分类与代码), with its limits.

    Only leaves are chosen for events; the limits default to the Shandong rules.
    """

    code = models.CharField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    sign_limit_hours = models.DecimalField(
        _("sign-for limit (working hours)"),
        max_digits=5,
        decimal_places=2,
        default=DEFAULT_SIGN_HOURS,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    handle_limit_days = models.PositiveSmallIntegerField(
        _("handling limit (working days)"),
        default=DEFAULT_HANDLE_DAYS,
        validators=[MinValueValidator(1)],
    )
    extension_max_days = models.PositiveSmallIntegerField(
        _("extension maximum (working days)"),
        default=DEFAULT_EXTENSION_MAX_DAYS,
        validators=[MaxValueValidator(DEFAULT_EXTENSION_MAX_DAYS)],
    )
    return_window_days = models.PositiveSmallIntegerField(
        _("return window (working days)"), default=DEFAULT_RETURN_WINDOW_DAYS
    )
    callback_required = models.BooleanField(_("callback required"), default=True)
    callback_channel = models.CharField(
        _("callback by"),
        max_length=10,
        choices=CallbackChannel.choices,
        default=CallbackChannel.PHONE,
        help_text=_(
            "Phone: the centre calls the reporter back. Rating link: the reporter gets a "
            "text message (and an in-app message) with a link to rate the answer."
        ),
    )
    needs_contact = models.BooleanField(
        _("handlers need the reporter's contact"),
        default=False,
        help_text=_("Handlers see the reporter's phone and name unmasked."),
    )
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=200)
    duplicate_window_hours = models.PositiveIntegerField(_("duplicate window (hours)"), default=72)
    attributes = models.JSONField(
        _("form attributes"),
        default=list,
        blank=True,
        help_text=_("Extra questions (Open311 attributes): a list of {code, description, …}."),
    )
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"


# --------------------------------------------------------------------------- districts


class District(models.Model):
    """A district's boundary (WGS-84 GeoJSON Polygon or MultiPolygon), loaded as data.

    ``manage.py load_districts <file.geojson>`` replaces them; lookups go through
    ``yiwang.events.geo`` (shapely STRtree).
    """

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="district_boundary", verbose_name=_("region")
    )
    geometry = models.TextField(_("geometry (GeoJSON)"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("district boundary")
        verbose_name_plural = _("district boundaries")

    def __str__(self) -> str:
        return str(self.region)


# --------------------------------------------------------------------------- dispatch directory


class DispatchDirectory(models.Model):
    """One version of the dispatch directory (派单目录, 国办函〔2025〕66号).

    Exactly one version is current; editing means creating a new version.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("dispatch directory version")
        verbose_name_plural = _("dispatch directory versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="events_one_directory"
            )
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class DispatchRule(models.Model):
    """Category × district → lead department (+ supporting). An empty district: city-wide."""

    directory = models.ForeignKey(
        DispatchDirectory, on_delete=models.CASCADE, related_name="rules", verbose_name=_("version")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    district = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    lead = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("lead department")
    )
    supporting = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("supporting departments")
    )

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")
        constraints = [
            models.UniqueConstraint(
                fields=["directory", "category", "district"], name="events_rule_unique"
            ),
            models.UniqueConstraint(
                fields=["directory", "category"],
                condition=Q(district__isnull=True),
                name="events_rule_unique_citywide",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id}/{self.district_id or '*'} → {self.lead}"


# --------------------------------------------------------------------------- knowledge base


class KnowledgeArticle(models.Model):
    """A standard answer (知识库), versioned: a new version supersedes the previous of its key."""

    key = models.SlugField(_("key"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("category"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    is_current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("knowledge base article")
        verbose_name_plural = _("knowledge base articles")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="events_article_version"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(is_current=True), name="events_article_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


# --------------------------------------------------------------------------- IoT


class Device(models.Model):
    """A registered IoT sensor: its alarms become events of its category for its department."""

    code = models.CharField(_("device id"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="devices", verbose_name=_("category")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="devices",
        verbose_name=_("owner department"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    alarm_window_minutes = models.PositiveIntegerField(
        _("repeat window (minutes)"),
        default=60,
        help_text=_("Repeated alarms of the device within this window update one event."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("IoT device")
        verbose_name_plural = _("IoT devices")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DeadLetter(models.Model):
    """An IoT message that could not become an event (unknown device, malformed): kept, shown."""

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    payload = models.TextField(_("payload"), blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    device_code = models.CharField(_("device id"), max_length=80, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        indexes = [models.Index(fields=["received_at"], name="events_deadletter_received")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.reason}"


class AlarmReceipt(models.Model):
    """One IoT alarm message taken from the broker, by the device's message id.

    Written in the transaction that registers the alarm (or its dead letter),
    before the broker is acknowledged: a message the broker delivers again
    (after a crash or a lost acknowledgement) finds its receipt and changes
    nothing. It also tells which event an alarm went to.
    """

    device_code = models.CharField(_("device id"), max_length=80)
    message_id = models.CharField(_("message id"), max_length=100)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    alarm_at = models.DateTimeField(_("alarm time (device clock)"), null=True, blank=True)
    alarm_type = models.CharField(_("alarm type"), max_length=80, blank=True)
    event = models.ForeignKey(
        "Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alarm_receipts",
        verbose_name=_("event"),
    )
    dead_letter = models.ForeignKey(
        DeadLetter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("dead letter"),
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("IoT alarm receipt")
        verbose_name_plural = _("IoT alarm receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["device_code", "message_id"], name="events_alarmreceipt_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_code}/{self.message_id}"


# --------------------------------------------------------------------------- Open311 keys


class ApiKey(models.Model):
    """An Open311 integrator's key: only its SHA-256 hash is stored; revocable, rate-limited."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_keys",
        verbose_name=_("integrator"),
    )
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=600)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --------------------------------------------------------------------------- rating links


class RatingLink(models.Model):
    """A single-use, expiring link that lets a reporter rate an answered event without
    signing in (回访 by message). The link carries a signed token naming this row's
    ``nonce``; ``used_at`` makes it single-use (``yiwang.events.services.rating``)."""

    event = models.ForeignKey(
        "Event", on_delete=models.CASCADE, related_name="rating_links", verbose_name=_("event")
    )
    nonce = models.CharField(_("nonce"), max_length=32, unique=True)
    phone = models.CharField(_("sent to phone"), max_length=20, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")

    def __str__(self) -> str:
        return f"{self.event_id} {self.nonce[:6]}…"


# --------------------------------------------------------------------------- events


class Event(models.Model):
    """One city event: a request or complaint from any channel, tracked to closure.

    ``status`` mirrors the workflow instance (``city_event``); the deadlines
    and cards are counted by ``yiwang.events.deadlines`` from dispatch.
    """

    number = models.CharField(_("number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    workflow = models.OneToOneField(
        "processes.WorkflowInstance",
        on_delete=models.PROTECT,
        related_name="city_event",
        verbose_name=_("workflow"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED
    )
    # reporter
    reporter_phone = models.CharField(_("reporter phone"), max_length=20, blank=True)
    reporter_name = models.CharField(_("reporter name"), max_length=50, blank=True)
    reporter_resident_id = models.CharField(_("reporter resident ID"), max_length=18, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    confidential = models.BooleanField(_("confidential"), default=False)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_events",
        verbose_name=_("citizen account"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_events",
        verbose_name=_("registered by"),
    )
    # what and where
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="events", verbose_name=_("category")
    )
    description = models.TextField(_("description"), max_length=4000)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    latitude = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    longitude = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    device = models.ForeignKey(
        Device,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("device"),
    )
    alarm_count = models.PositiveIntegerField(_("alarms"), default=0)
    last_alarm_at = models.DateTimeField(_("last alarm"), null=True, blank=True)
    # dispatch and deadlines
    directory = models.ForeignKey(
        DispatchDirectory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("directory version"),
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_events",
        verbose_name=_("lead department"),
    )
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    clock_started_at = models.DateTimeField(
        _("handling clock started"),
        null=True,
        blank=True,
        help_text=_("The dispatch the handling limit counts from."),
    )
    sign_due_at = models.DateTimeField(_("sign-for due"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("handling due"), null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    sign_card = models.CharField(
        _("sign-for card"), max_length=10, choices=Card.choices, blank=True, default=""
    )
    handle_card = models.CharField(
        _("handling card"), max_length=10, choices=Card.choices, blank=True, default=""
    )
    # handling and closure
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    result = models.TextField(_("result"), blank=True)
    reply = models.TextField(_("reply to the citizen"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=30, choices=Satisfaction.choices, blank=True
    )
    resolved_confirmed = models.BooleanField(_("reporter says resolved"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    answered_directly = models.BooleanField(_("answered directly (直办)"), default=False)
    article = models.ForeignKey(
        KnowledgeArticle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("knowledge base answer"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_events",
        verbose_name=_("merged into"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("city event")
        verbose_name_plural = _("city events")
        indexes = [
            models.Index(fields=["status", "category"], name="events_event_status_cat"),
            models.Index(fields=["lead_department", "status"], name="events_event_lead"),
            models.Index(fields=["district", "status"], name="events_event_district"),
            models.Index(fields=["reporter_phone", "created_at"], name="events_event_phone"),
            models.Index(fields=["citizen", "created_at"], name="events_event_citizen"),
            models.Index(fields=["device", "last_alarm_at"], name="events_event_device"),
            models.Index(fields=["updated_at"], name="events_event_updated"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


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


# --------------------------------------------------------------------------- Open311 intake queue


class IntakeRequest(models.Model):
    """An Open311 ``POST requests`` accepted asynchronously: answered at once with a ``token``
    (GeoReport v2, services of type ``batch``), registered as an event later by a worker
    (``services.open311_intake_register``), which sets ``event`` (GET ``tokens/{token}``
    then gives its ``service_request_id``) or, when registration refuses it, ``failed``
    with the refusal (``error``, and the HTTP status the POST would have answered).

    ``payload`` is the request as checked at the edge: the arguments of ``event_register``
    in JSON (the service code, the place, the reporter, the description, the attributes,
    the media URL). ``received_at`` is the event's registration instant: its deadlines
    count from when the city received it, not from when a worker got to it.
    """

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("intake", "queued")
        REGISTERED = "registered", pgettext_lazy("intake", "registered")
        FAILED = "failed", pgettext_lazy("intake", "failed")

    token = models.CharField(_("token"), max_length=40, unique=True)
    key = models.ForeignKey(
        ApiKey,
        on_delete=models.PROTECT,
        related_name="intake_requests",
        verbose_name=_("Open311 API key"),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    payload = models.JSONField(_("request"), default=dict)
    state = models.CharField(
        pgettext_lazy("intake", "state"), max_length=12, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    event = models.OneToOneField(
        Event,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake_request",
        verbose_name=_("city event"),
    )
    error = models.CharField(_("error"), max_length=1000, blank=True)
    error_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("queued Open311 request")
        verbose_name_plural = _("queued Open311 requests")
        indexes = [
            # The workers' claim: the oldest queued rows, a small index of only those.
            models.Index(fields=["id"], condition=Q(state="queued"), name="events_intake_queued"),
        ]

    def __str__(self) -> str:
        return f"{self.token} ({self.state})"
