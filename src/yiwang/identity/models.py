"""Users, applicant profiles (citizens, enterprises), regions, departments and roles;
the counters that slow down guessing (throttles) and password-reset codes sent by SMS."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from yiwang.identity.validators import (
    normalize_resident_id,
    normalize_uscc,
    validate_resident_id,
    validate_uscc,
)


class Role(models.TextChoices):
    """The roles of DESIGN.md's user table. Each maps to a Django group of the same name."""

    CITIZEN = "citizen", _("Citizen")
    ENTERPRISE = "enterprise", _("Enterprise agent")
    INTAKE_CLERK = "intake_clerk", _("Intake clerk")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    CATALOG_ADMIN = "catalog_admin", _("Catalog administrator")
    CITY_LEADER = "city_leader", _("City leader")
    INTEGRATOR = "integrator", _("Integrator")


#: Roles that act for a department (officers); the others are city-wide or applicants.
DEPARTMENT_ROLES = frozenset(
    {
        Role.INTAKE_CLERK,
        Role.REVIEWER,
        Role.APPROVER,
        Role.DEPARTMENT_HANDLER,
        Role.SUPERVISOR,
    }
)


class User(AbstractUser):
    """A person who signs in: an applicant, an officer, an administrator or an integrator."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    oidc_subject = models.CharField(
        _("identity provider subject"),
        max_length=255,
        blank=True,
        help_text=_(
            "The “sub” claim of the city's unified identity service (统一身份认证), "
            "when the user signs in there; see docs/identity.md."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_subject"],
                condition=~models.Q(oidc_subject=""),
                name="user_oidc_subject_unique",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class Region(models.Model):
    """An administrative division identified by its GB/T 2260 code (e.g. 370102 历下区)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        DISTRICT = "district", _("District")
        COUNTY = "county", _("County")
        COUNTY_CITY = "county_city", _("County-level city")

    code = models.CharField(_("region code"), max_length=6, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-9][0-9]{5}$"), name="region_code_six_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"


class Department(models.Model):
    """A government department (委办局) or one of its units, in a region.

    ``kind`` tells a street office (街道办事处) from a municipal or district
    department: 国办函〔2025〕66号 forbids pushing a department's matter down to a
    street office (``yiwang.events.services.dispatch``).
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department (municipal or district)")
        STREET_OFFICE = "street_office", _("Street office")

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200)
    short_name_zh = models.CharField(_("short name (Chinese)"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent department"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    address_zh = models.CharField(_("service hall address (Chinese)"), max_length=200, blank=True)
    address_en = models.CharField(_("service hall address (English)"), max_length=300, blank=True)
    phone = models.CharField(
        _("consultation phone"), max_length=40, blank=True, help_text=_("咨询电话")
    )
    complaint_phone = models.CharField(
        _("complaint phone"),
        max_length=40,
        blank=True,
        help_text=_("监督投诉电话; the 12345 hotline where the department has no line of its own."),
    )
    windows_zh = models.CharField(
        _("service windows (Chinese)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where in the service hall its windows are (受理窗口), e.g. 二楼B区21—25号窗口."
        ),
    )
    windows_en = models.CharField(_("service windows (English)"), max_length=300, blank=True)
    office_hours_zh = models.CharField(_("office hours (Chinese)"), max_length=100, blank=True)
    office_hours_en = models.CharField(_("office hours (English)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name_zh


class RoleAssignment(models.Model):
    """A user holds a role, for one department (officers) or city-wide (department empty)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("department"),
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="role_assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(department__isnull=True),
                name="role_assignment_unique_citywide",
            ),
        ]

    def __str__(self) -> str:
        where = self.department or _("city-wide")
        return f"{self.user} · {self.get_role_display()} · {where}"

    def clean(self) -> None:
        """Officer roles act for one department; every other role is city-wide."""
        super().clean()
        if not self.role:
            return
        if self.role in DEPARTMENT_ROLES and self.department_id is None:
            raise ValidationError(
                {
                    "department": _(
                        "The role “%(role)s” acts for a department: choose the department."
                    )
                    % {"role": self.get_role_display()}
                },
                code="department_required",
            )
        if self.role not in DEPARTMENT_ROLES and self.department_id is not None:
            raise ValidationError(
                {
                    "department": _("The role “%(role)s” is city-wide: leave the department empty.")
                    % {"role": self.get_role_display()}
                },
                code="department_forbidden",
            )


class Citizen(models.Model):
    """A natural person (自然人) applicant profile of a user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen")
    name = models.CharField(_("name"), max_length=50)
    resident_id = models.CharField(
        _("resident ID number"),
        max_length=18,
        unique=True,
        validators=[validate_resident_id],
        # Names no one: whoever types a number learns only that it is taken.
        error_messages={
            "unique": _(
                "This resident ID number already has an account. If it is yours, sign in or "
                "reset your password; if you never registered, call the 12345 hotline."
            )
        },
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Runs after the field validators and before the uniqueness check, so
        # "…x" and "…X" cannot be stored as two people.
        super().clean()
        self.resident_id = normalize_resident_id(self.resident_id)


class Enterprise(models.Model):
    """A legal person (法人) applicant, identified by its unified social credit code."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    address = models.CharField(_("registered address"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("region")
    )
    members = models.ManyToManyField(
        User, through="EnterpriseMember", related_name="enterprises", verbose_name=_("agents")
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        self.uscc = normalize_uscc(self.uscc)


class EnterpriseMember(models.Model):
    """A user who may act for an enterprise (its legal representative or an authorised agent)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, verbose_name=_("enterprise")
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, verbose_name=_("user"))
    is_legal_representative = models.BooleanField(_("is the legal representative"), default=False)
    authorisation = models.CharField(
        _("authorisation"),
        max_length=200,
        blank=True,
        help_text=_("For an agent: the power of attorney (授权委托书) it acts under."),
    )
    valid_until = models.DateField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last day an agent may act (empty: until revoked)."),
    )

    class Meta:
        verbose_name = _("enterprise agent")
        verbose_name_plural = _("enterprise agents")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="enterprise_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class Throttle(models.Model):
    """A counter that slows down repeated attempts: failed sign-ins, reset requests, sign-ups.

    One row per (scope, key), e.g. (``signin_account``, ``zhangsan``) or
    (``signin_network``, ``203.0.113.7``). ``count`` is the number of attempts
    still remembered at ``last_at``; older attempts are forgotten at the
    scope's pace. Written only by ``yiwang.identity.services.throttle``; the
    rules (how many attempts are free, how long the waits grow) are there too.
    """

    scope = models.CharField(_("scope"), max_length=30)
    key = models.CharField(_("key"), max_length=300)
    count = models.PositiveIntegerField(_("attempts remembered"), default=0)
    last_at = models.DateTimeField(_("last attempt"))

    class Meta:
        verbose_name = _("throttle")
        verbose_name_plural = _("throttles")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="throttle_unique")]
        indexes = [models.Index(fields=["last_at"], name="throttle_last_at")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ×{self.count}"


class PasswordResetCode(models.Model):
    """A short code sent by SMS that lets ``user`` choose a new password once.

    The code itself is never stored: the background task that sends it keeps
    only its keyed hash (HMAC with the secret key). Valid until ``expires_at``,
    for a few attempts, once. Written only by
    ``yiwang.identity.services.password_reset``.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    phone = models.CharField(_("phone"), max_length=20)
    code_hash = models.CharField(_("code hash"), max_length=128, blank=True)
    created_at = models.DateTimeField(_("requested"))
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
        indexes = [models.Index(fields=["phone", "expires_at"], name="reset_code_phone")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
