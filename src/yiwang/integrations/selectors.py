"""Reads of the integrations app, limited to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.identity.models import User
from yiwang.integrations.models import ApiToken, WebhookDelivery, WebhookEndpoint


def webhook_endpoints_for_owner(*, owner: User) -> QuerySet[WebhookEndpoint]:
    """The user's webhook endpoints, newest first."""
    return WebhookEndpoint.objects.filter(owner_id=owner.pk).order_by("-created_at", "-id")


def webhook_deliveries(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first."""
    return WebhookDelivery.objects.filter(endpoint_id=endpoint.pk).order_by("-created_at", "-id")


def api_tokens_for_owner(*, owner: User) -> QuerySet[ApiToken]:
    """The user's API tokens (never their secrets: those are not stored)."""
    return ApiToken.objects.filter(owner_id=owner.pk).order_by("-created_at", "-id")
