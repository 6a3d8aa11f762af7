"""Admin for users, roles, departments, regions and enterprises.

Roles change through ``role_assign``/``role_revoke`` even here, so group
membership, staff status and the audit log stay right; so do an enterprise's
agents (``enterprise_add_member`` / ``enterprise_member_update`` /
``enterprise_member_remove``), a department's activation
(``department_set_active``) and a user's (``user_set_active``). Resident ID
numbers are masked in lists and shown in full only on a citizen's own form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from yiwang.identity import services
from yiwang.identity.masking import mask_phone, mask_resident_id
from yiwang.identity.models import (
    Citizen,
    Department,
    Enterprise,
    EnterpriseMember,
    Region,
    RoleAssignment,
    Throttle,
    User,
)


def _roles_sync(
    request: HttpRequest,
    user: User,
    before: set[tuple[str, int | None]],
    after: set[tuple[str, int | None]],
) -> None:
    """Apply the difference between two sets of (role, department id) through the services."""
    departments = Department.objects.in_bulk(
        {dept for _role, dept in before ^ after if dept is not None}
    )
    for role, dept in sorted(before - after, key=str):
        services.role_revoke(
            user=user, role=role, department=departments.get(dept), actor=request.user
        )
    for role, dept in sorted(after - before, key=str):
        services.role_assign(
            user=user, role=role, department=departments.get(dept), actor=request.user
        )


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "department", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("department",)
    verbose_name = _("role")
    verbose_name_plural = _("roles (officer roles need a department; the others are city-wide)")


class CitizenInline(admin.StackedInline):
    model = Citizen
    fk_name = "user"
    extra = 0
    max_num = 1
    can_delete = False
    fields = ("name", "resident_id", "phone", "address")
    verbose_name_plural = _("citizen profile")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "masked_resident_id",
        "masked_phone",
        "role_list",
        "is_staff",
        "is_active",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "role_assignments__role", "groups")
    search_fields = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "citizen__name",
        "=citizen__resident_id",
        "=phone",
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("display_name", "first_name", "last_name", "email", "phone")},
        ),
        (
            _("Sign-in"),
            {
                "fields": ("oidc_subject",),
                "description": _(
                    "Failed sign-ins only slow down further attempts (see the throttles); "
                    "the action “Forget failed sign-ins of the selected accounts” in the "
                    "user list clears them early."
                ),
            },
        ),
        (
            _("Permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "classes": ("collapse",),
                "description": _(
                    "Roles (below) give their groups and staff status automatically; "
                    "use these fields only for exceptions."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    inlines = (RoleAssignmentInline, CitizenInline)
    actions = ("forget_failed_signins",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .select_related("citizen")
            .prefetch_related("role_assignments__department")
        )

    def get_inlines(self, request: HttpRequest, obj: User | None) -> Any:
        return self.inlines if obj is not None else ()

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        # Switching an account off stops what hangs on it (an integrator's webhooks) and
        # is recorded: that goes through the service.
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        active = obj.is_active
        obj.is_active = not active  # as stored; the service changes it
        super().save_model(request, obj, form, change)
        services.user_set_active(user=obj, active=active, actor=request.user)

    @admin.display(description=_("resident ID"))
    def masked_resident_id(self, obj: User) -> str:
        citizen = getattr(obj, "citizen", None)
        return mask_resident_id(citizen.resident_id) if citizen else ""

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: User) -> str:
        return mask_phone(obj.phone)

    @admin.display(description=_("roles"))
    def role_list(self, obj: User) -> str:
        return ", ".join(
            str(a.get_role_display()) + (f" ({a.department})" if a.department else "")
            for a in obj.role_assignments.all()
        )

    @admin.action(
        description=_("Forget failed sign-ins of the selected accounts"), permissions=["change"]
    )
    def forget_failed_signins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            services.signin_throttle_clear(user=user, actor=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext(
                "Failed sign-ins of %(count)d account forgotten.",
                "Failed sign-ins of %(count)d accounts forgotten.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    def save_formset(
        self, request: Any, form: Any, formset: BaseInlineFormSet, change: Any
    ) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        user = form.instance
        before = set(user.role_assignments.values_list("role", "department_id"))
        after = set()
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("role"):
                continue
            department = data.get("department")
            after.add((data["role"], department.pk if department else None))
        # The services write the rows and the audit entries; the admin's own
        # change message then only names the user.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            _roles_sync(request, user, before, after)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "department", "created_at")
    list_filter = ("role", ("department", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__display_name", "department__name_zh", "=role")
    autocomplete_fields = ("user", "department")
    list_select_related = ("user", "department")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # An assignment is granted or revoked, never edited in place.
        return ("user", "role", "department", "created_at") if obj else ("created_at",)

    def save_model(self, request: Any, obj: RoleAssignment, form: Any, change: bool) -> None:
        if change:
            return
        assigned = services.role_assign(
            user=obj.user, role=obj.role, department=obj.department, actor=request.user
        )
        obj.pk = assigned.pk
        obj.created_at = assigned.created_at

    def delete_model(self, request: Any, obj: RoleAssignment) -> None:
        services.role_revoke(
            user=obj.user, role=obj.role, department=obj.department, actor=request.user
        )

    def delete_queryset(self, request: Any, queryset: QuerySet[RoleAssignment]) -> None:
        for obj in queryset.select_related("user", "department"):
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_zh", "name_en")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name_zh", "code", "short_name_zh", "region", "parent", "phone", "is_active")
    list_filter = ("is_active", "kind", "region")
    search_fields = ("code", "name_zh", "name_en", "short_name_zh")
    autocomplete_fields = ("parent", "region")
    list_select_related = ("region", "parent")
    fieldsets = (
        (None, {"fields": ("code", "name_zh", "name_en", "short_name_zh", "kind", "is_active")}),
        (_("Place in the government"), {"fields": ("region", "parent")}),
        (
            _("Service hall"),
            {
                "fields": (
                    "address_zh",
                    "address_en",
                    "windows_zh",
                    "windows_en",
                    "phone",
                    "complaint_phone",
                    "office_hours_zh",
                    "office_hours_en",
                )
            },
        ),
    )

    def save_model(self, request: Any, obj: Department, form: Any, change: bool) -> None:
        # Switching a department off takes its cases away from its officers (and on, gives
        # them back): that goes through the service, which records it.
        if not change or "is_active" not in form.changed_data:
            super().save_model(request, obj, form, change)
            return
        active = obj.is_active
        obj.is_active = not active  # as stored; the service changes it
        super().save_model(request, obj, form, change)
        services.department_set_active(department=obj, active=active, actor=request.user)


class EnterpriseMemberFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("user"):
                continue
            errors = services.enterprise_member_errors(
                is_legal_representative=bool(data.get("is_legal_representative")),
                authorisation=data.get("authorisation") or "",
            )
            for field, field_errors in errors.items():
                for error in field_errors:
                    form.add_error(field, error)


class EnterpriseMemberInline(admin.TabularInline):
    model = EnterpriseMember
    formset = EnterpriseMemberFormSet
    extra = 0
    autocomplete_fields = ("user",)
    verbose_name_plural = _("agents who may act for this enterprise")


def _members_sync(request: Any, formset: BaseInlineFormSet) -> None:
    """Apply an enterprise's agent rows as edited through the services (each audited)."""
    actor = request.user
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        member = form.instance
        if not data or (member.pk is None and (data.get("DELETE") or not data.get("user"))):
            continue
        if data.get("DELETE"):
            services.enterprise_member_remove(member=member, actor=actor)
            continue
        terms = {
            "is_legal_representative": bool(data.get("is_legal_representative")),
            "authorisation": data.get("authorisation") or "",
            "valid_until": data.get("valid_until"),
        }
        if member.pk is not None and "user" in form.changed_data:
            # Another person on the row: the one who was there stops acting for it.
            services.enterprise_member_remove(member=member, actor=actor)
        if member.pk is None or "user" in form.changed_data:
            services.enterprise_add_member(
                enterprise=formset.instance, user=data["user"], actor=actor, **terms
            )
        elif form.has_changed():
            services.enterprise_member_update(member=member, actor=actor, **terms)


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "region")
    list_filter = (("region", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name", "=uscc", "legal_representative")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)
    inlines = (EnterpriseMemberInline,)

    def save_formset(
        self, request: Any, form: Any, formset: BaseInlineFormSet, change: Any
    ) -> None:
        if formset.model is not EnterpriseMember:
            super().save_formset(request, form, formset, change)
            return
        # The services write the rows and the audit entries; the admin's own change
        # message then only names the enterprise.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            with transaction.atomic():  # all the rows or none
                _members_sync(request, formset)
        except (ValidationError, PermissionDenied) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)


@admin.register(Throttle)
class ThrottleAdmin(admin.ModelAdmin):
    """Read-only: who is being slowed down, and why (clear an account's from the user list)."""

    list_display = ("scope", "key", "count", "last_at")
    list_filter = ("scope",)
    search_fields = ("key",)
    date_hierarchy = "last_at"
    ordering = ("-last_at",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
