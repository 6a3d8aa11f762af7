"""Where an event goes: categories (with how the reporter is called back), districts, and
the dispatch directory (派单目录) with its rules.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.events.models.choices import (
    DEFAULT_EXTENSION_MAX_DAYS,
    DEFAULT_HANDLE_DAYS,
    DEFAULT_RETURN_WINDOW_DAYS,
    DEFAULT_SIGN_HOURS,
)
from yiwang.identity.models import Department, Region


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
