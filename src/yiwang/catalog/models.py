"""The service catalog: service items (政务服务事项), their versions, materials and fees.

A service item is the stable identity (code, department). Everything an
applicant reads lives on a ServiceVersion: a draft is edited, publishing
freezes it, and a published version is never changed again (only marked as
superseded when a newer one is published). Cases pin the version they were
submitted under.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.identity.models import Department

#: The files a guide offers to download (结果样本, 空白表格, 示范文本), by extension, with the
#: content type they are served with.
GUIDE_FILE_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
GUIDE_FILE_TYPES = list(GUIDE_FILE_CONTENT_TYPES)


class ImmutableVersionError(ValidationError):
    """Raised when something tries to change a published service version."""


# The topic icons shipped as SVG in portal/static/portal/icons/topics/ (see its README).
TOPIC_ICONS = [
    ("archive", _("archive box")),
    ("baby", _("baby")),
    ("bowl", _("bowl and chopsticks")),
    ("briefcase", _("briefcase")),
    ("car", _("car")),
    ("document", _("document")),
    ("helmet", _("safety helmet")),
    ("house", _("house")),
    ("id-card", _("ID card")),
    ("leaf", _("leaf")),
    ("medical", _("medical cross")),
    ("pencil", _("pencil")),
    ("people", _("people")),
    ("rings", _("rings")),
    ("school", _("graduation cap")),
    ("shield", _("shield")),
    ("shop", _("shop front")),
    ("sunset", _("sunset")),
    ("truck", _("truck")),
]


class Topic(models.Model):
    """A life event or business event under which the portal groups services."""

    class Audience(models.TextChoices):
        PERSON = "person", _("Personal matters")
        BUSINESS = "business", _("Business matters")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    icon = models.CharField(
        _("icon"),
        max_length=20,
        blank=True,
        choices=TOPIC_ICONS,
        help_text=_("An icon shipped with the portal; empty shows a document."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["audience", "order", "code"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name_zh


class CertificateType(models.Model):
    """A kind of electronic certificate (电子证照) that can stand in for a material."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    issuer = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("issuer")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")

    def __str__(self) -> str:
        return self.name_zh


class ServiceItem(models.Model):
    """The stable identity of a government service: its code and responsible department."""

    code = models.CharField(
        _("item code"),
        max_length=40,
        unique=True,
        help_text=_("The implementation code (实施编码) of the service item."),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("department"),
    )
    published_version = models.OneToOneField(
        "ServiceVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current published version"),
        editable=False,
    )
    popular_order = models.PositiveSmallIntegerField(
        _("position among popular services"),
        null=True,
        blank=True,
        help_text=_(
            "The portal's popular services are those with the most applications over the last "
            "30 days; when too few services have applications, services with a position here "
            "fill the list, lowest first. Leave empty for services not to feature."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service item")
        verbose_name_plural = _("service items")

    def __str__(self) -> str:
        version = self.published_version
        return f"{self.code} {version.name_zh}" if version else self.code


class ServiceVersion(models.Model):
    """One version of a service item: everything its service guide (办事指南) says."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    class Kind(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing (行政许可)")
        CONFIRMATION = "confirmation", _("Administrative confirmation (行政确认)")
        PAYMENT = "payment", _("Administrative payment (行政给付)")
        PUBLIC_SERVICE = "public_service", _("Public service (公共服务)")
        REGISTRATION = "registration", _("Administrative registration (行政登记)")
        OTHER = "other", _("Other administrative power (其他行政权力)")

    class ServiceObject(models.TextChoices):
        PERSON = "person", _("Natural person")
        LEGAL_PERSON = "legal_person", _("Legal person")
        BOTH = "both", _("Natural and legal person")

    class Workflow(models.TextChoices):
        LICENSING = "licensing", _("Administrative licensing path")
        PUBLIC_SERVICE = "public_service", _("Simple public service path")
        PARALLEL_REVIEW = "parallel_review", _("Parallel review by several departments")

    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    service_object = models.CharField(
        _("service object"), max_length=15, choices=ServiceObject.choices
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="versions", verbose_name=_("topics")
    )
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    conditions_zh = models.TextField(_("conditions of acceptance (Chinese)"), blank=True)
    conditions_en = models.TextField(_("conditions of acceptance (English)"), blank=True)
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"), blank=True)
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=300,
        blank=True,
        help_text=_("Other words people use for this service, separated by spaces."),
    )
    legal_limit_days = models.PositiveSmallIntegerField(
        _("legal time limit (working days)"), help_text=_("法定时限")
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        help_text=_("承诺时限; 0 means decided on the spot (即办)."),
    )
    visits = models.PositiveSmallIntegerField(
        _("on-site visits"), default=0, help_text=_("0 = fully online; 1 = at most one visit.")
    )
    is_free = models.BooleanField(_("free of charge"), default=True)
    online_available = models.BooleanField(_("can be applied for online"), default=True)
    where_zh = models.CharField(_("where to go (Chinese)"), max_length=300, blank=True)
    where_en = models.CharField(_("where to go (English)"), max_length=400, blank=True)
    result_name_zh = models.CharField(
        _("result (Chinese)"),
        max_length=150,
        blank=True,
        help_text=_("What the applicant receives (办理结果), e.g. 食品经营许可证."),
    )
    result_name_en = models.CharField(_("result (English)"), max_length=250, blank=True)
    result_sample = models.FileField(
        _("sample of the result"),
        upload_to="catalog/guides/%Y/",
        blank=True,
        validators=[FileExtensionValidator(GUIDE_FILE_TYPES)],
        help_text=_("结果样本: PDF, OFD, Word or Excel."),
    )
    blank_form = models.FileField(
        _("blank form"),
        upload_to="catalog/guides/%Y/",
        blank=True,
        validators=[FileExtensionValidator(GUIDE_FILE_TYPES)],
        help_text=_("空白表格, to download and fill in: PDF, OFD, Word or Excel."),
    )
    sample_form = models.FileField(
        _("filled-in sample form"),
        upload_to="catalog/guides/%Y/",
        blank=True,
        validators=[FileExtensionValidator(GUIDE_FILE_TYPES)],
        help_text=_("示范文本: the form filled in as an example."),
    )
    steps = models.JSONField(
        _("process steps"),
        default=list,
        blank=True,
        help_text=_('A list of steps: [{"name_zh": "受理", "name_en": "Acceptance"}, …].'),
    )
    form_schema = models.JSONField(_("application form (JSON Schema)"), default=dict, blank=True)
    workflow = models.CharField(
        _("workflow"), max_length=30, choices=Workflow.choices, default=Workflow.LICENSING
    )
    workflow_overrides = models.JSONField(_("workflow overrides"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["item__code", "-number"]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="service_version_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=models.Q(status="draft"),
                name="service_version_one_draft",
            ),
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days")),
                name="service_version_promised_within_legal",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind", "service_object"])]

    def __str__(self) -> str:
        return f"{self.name_zh} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def fully_online(self) -> bool:
        return self.online_available and self.visits == 0

    #: The files of a guide: URL name → field.
    GUIDE_FILES = {
        "result-sample": "result_sample",
        "blank-form": "blank_form",
        "sample-form": "sample_form",
    }

    @property
    def on_the_spot(self) -> bool:
        """Whether the service is done on the spot (即办): a promised limit of 0 working days."""
        return self.promised_limit_days == 0

    #: The process step that says the department inspects the site (现场核查).
    SITE_INSPECTION_STEP = "现场核查"

    @property
    def has_site_inspection(self) -> bool:
        """Whether the guide's process steps include a site inspection (现场核查): then the
        reviewer records one before the review opinion (行政许可法 第三十四条第三款)."""
        return any(
            isinstance(step, dict) and step.get("name_zh") == self.SITE_INSPECTION_STEP
            for step in self.steps or []
        )

    def clean(self) -> None:
        if (
            self.legal_limit_days is not None
            and self.promised_limit_days is not None
            and self.promised_limit_days > self.legal_limit_days
        ):
            raise ValidationError(
                {
                    "promised_limit_days": _(
                        "The promised limit (%(promised)d) cannot exceed "
                        "the legal limit (%(legal)d)."
                    )
                    % {"promised": self.promised_limit_days, "legal": self.legal_limit_days}
                }
            )

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Guard, not a side effect: a published version's content never changes.
        # Status transitions go through services with update_fields.
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= {
            "status",
            "published_at",
            "superseded_at",
        }
        if self.pk and not lifecycle_only:
            stored = (
                ServiceVersion.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            )
            if stored is not None and stored != self.Status.DRAFT:
                raise ImmutableVersionError(
                    _("Version %(number)d is published and cannot be changed; create a new draft.")
                    % {"number": self.number}
                )
        super().save(*args, **kwargs)


class _VersionPart(models.Model):
    """Rows that belong to a version are frozen with it."""

    class Meta:
        abstract = True

    version_id: int

    def save(self, *args: Any, **kwargs: Any) -> None:
        status = (
            ServiceVersion.objects.filter(pk=self.version_id)
            .values_list("status", flat=True)
            .first()
        )
        if status is not None and status != ServiceVersion.Status.DRAFT:
            raise ImmutableVersionError(
                _("This version is published and cannot be changed; create a new draft.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        status = ServiceVersion.objects.filter(pk=self.version_id).values_list("status", flat=True)
        if status.first() != ServiceVersion.Status.DRAFT:
            raise ImmutableVersionError(
                _("This version is published and cannot be changed; create a new draft.")
            )
        return super().delete(*args, **kwargs)


class Material(_VersionPart):
    """A document an applicant provides (申请材料)."""

    class Requirement(models.TextChoices):
        REQUIRED = "required", _("Required")
        CONDITIONAL = "conditional", _("Required in some cases")

    FORMAT_CHOICES = ("pdf", "jpg", "png", "ofd")

    version = models.ForeignKey(
        ServiceVersion,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("version"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=250)
    requirement = models.CharField(
        _("requirement"), max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    condition_zh = models.CharField(
        _("when required (Chinese)"), max_length=200, blank=True,
        help_text=_("For conditional materials: the case in which it is required."),
    )  # fmt: skip
    condition_en = models.CharField(_("when required (English)"), max_length=300, blank=True)
    formats = models.JSONField(
        _("accepted formats"), default=list, help_text=_('e.g. ["pdf", "jpg", "png", "ofd"]')
    )
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    original_required = models.BooleanField(_("original to be shown"), default=False)
    certificate_type = models.ForeignKey(
        CertificateType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("e-certificate that can stand in"),
    )
    notes_zh = models.CharField(_("notes (Chinese)"), max_length=300, blank=True)
    notes_en = models.CharField(_("notes (English)"), max_length=400, blank=True)

    class Meta:
        ordering = ["version", "order", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self) -> str:
        return self.name_zh

    def clean(self) -> None:
        unknown = [f for f in self.formats or [] if f not in self.FORMAT_CHOICES]
        if unknown:
            raise ValidationError(
                {
                    "formats": _("Unknown format(s): %(formats)s. Allowed: pdf, jpg, png, ofd.")
                    % {"formats": ", ".join(map(str, unknown))}
                }
            )
        if self.requirement == self.Requirement.CONDITIONAL and not self.condition_zh:
            raise ValidationError(
                {"condition_zh": _("Say in which case a conditional material is required.")}
            )


class Fee(_VersionPart):
    """A charge for the service (收费项目)."""

    version = models.ForeignKey(
        ServiceVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("version")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=250)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2)
    basis_zh = models.CharField(_("charging basis (Chinese)"), max_length=300, blank=True)

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("fee")
        verbose_name_plural = _("fees")

    def __str__(self) -> str:
        return f"{self.name_zh} ¥{self.amount_yuan}"


class SearchTerm(models.Model):
    """The inverted index behind catalog search: one row per (version, term).

    Terms come from the jieba Chinese segmenter (search mode) over the names,
    keywords and summary, plus lower-cased English words; see
    docs/decisions/0002-catalog-search.md.
    """

    version = models.ForeignKey(ServiceVersion, on_delete=models.CASCADE, related_name="+")
    term = models.CharField(max_length=60)
    weight = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["term", "version"])]
        constraints = [
            models.UniqueConstraint(fields=["version", "term"], name="search_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.weight})"
