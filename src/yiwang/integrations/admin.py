"""Admin for integrators' credentials: API tokens, webhook endpoints, delivery history.

Tokens and endpoints are created through the services; the token string and
the signing secret are shown once, in a message after saving, and never
again (only a hash of the token is stored). Deliveries are read-only, with
every attempt; "Retry now" sends a failed one again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from yiwang.integrations import services
from yiwang.integrations.models import (
    ApiToken,
    EventType,
    Scope,
    WebhookDelivery,
    WebhookEndpoint,
)


def _report(request: HttpRequest, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            messages.error(request, f"{field}: {error}")


class ApiTokenAddForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiToken
        fields = ["name", "owner", "scopes", "expires_at"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name", "owner", "prefix", "scope_list", "created_at", "expires_at", "last_used_at",
        "revoked_at",
    ]  # fmt: skip
    list_filter = ["created_at", "revoked_at"]
    search_fields = ["name", "prefix", "owner__username"]
    autocomplete_fields = ["owner"]
    actions = ["revoke"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiToken) -> str:
        return ", ".join(obj.scopes or [])

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [
            "name", "owner", "scope_list", "prefix", "created_at", "expires_at", "last_used_at",
            "revoked_at",
        ]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "owner", "scopes", "expires_at"]
        return self.get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            return  # tokens are immutable; revoke and create a new one
        created = services.api_token_create(
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
            actor=request.user,  # type: ignore[arg-type]
        )
        # Let the admin carry on (log entry, redirect) with the row the service made.
        obj.__dict__.update({k: v for k, v in created.token.__dict__.items() if k != "_state"})
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy the token now: it is not stored and will not be shown again."),
                created.secret,
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            services.api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Revoked %(n)d tokens.") % {"n": queryset.count()})


class WebhookEndpointAddForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("event types"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["owner", "url", "description", "event_types"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "active", "event_list", "created_at", "deliveries_link"]
    list_filter = ["active"]
    search_fields = ["url", "owner__username", "description"]
    autocomplete_fields = ["owner"]
    actions = ["deactivate"]

    @admin.display(description=_("event types"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.event_types or [])

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj: WebhookEndpoint) -> str:
        url = reverse("admin:integrations_webhookdelivery_changelist")
        return format_html('<a href="{}?endpoint__id__exact={}">{}</a>', url, obj.pk, _("history"))

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = WebhookEndpointAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["owner", "url", "description", "event_types"]
        return self.get_readonly_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        return [
            "owner", "url", "description", "event_list", "active", "created_at", "deliveries_link",
        ]  # fmt: skip

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        if change:
            return
        try:
            registered = services.webhook_endpoint_register(
                owner=form.cleaned_data["owner"],
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data.get("description") or "",
                actor=request.user,  # type: ignore[arg-type]
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc
        obj.__dict__.update(
            {k: v for k, v in registered.endpoint.__dict__.items() if k != "_state"}
        )
        obj._state.adding = False
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy the signing secret now: it will not be shown again."),
                registered.secret,
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Deactivate the selected endpoints"), permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.webhook_endpoint_deactivate(endpoint=endpoint, actor=request.user)  # type: ignore[arg-type]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at", "event_type", "endpoint", "status", "attempts", "last_response_code",
        "next_attempt_at",
    ]  # fmt: skip
    list_filter = ["status", "event_type", "endpoint"]
    search_fields = ["event_id", "endpoint__url"]
    date_hierarchy = "created_at"
    list_select_related = ["endpoint"]
    actions = ["retry"]
    fields = [
        "endpoint", "event_id", "event_type", "status", "attempts", "created_at",
        "next_attempt_at", "lease_until", "last_attempt_at", "delivered_at", "last_response_code",
        "last_response_body", "last_error", "history_table", "payload",
    ]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("history"))
    def history_table(self, obj: WebhookDelivery) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td></tr>",
            (
                (
                    h.get("attempt"),
                    h.get("at"),
                    h.get("status_code") or "—",
                    h.get("error") or "",
                    h.get("duration_ms"),
                )
                for h in obj.history or []
            ),
        )
        return format_html(
            "<table><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>",
            _("at"),
            _("response"),
            _("error"),
            _("duration"),
            rows,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the history is evidence: view only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return super().has_change_permission(request)

    @admin.action(description=_("Retry the selected deliveries now"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            services.webhook_delivery_retry(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Enqueued %(n)d deliveries.") % {"n": queryset.count()})
