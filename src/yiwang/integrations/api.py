"""Webhook endpoints of an integrator, through the API (scope ``webhooks``)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from yiwang.core.apitypes import INT_MAX, ApiError, ErrorOut
from yiwang.integrations import selectors, services
from yiwang.integrations.auth import api_auth, user_of
from yiwang.integrations.models import EventType, Scope, WebhookDelivery, WebhookEndpoint

router = Router(tags=["webhooks"], auth=api_auth(read=Scope.WEBHOOKS, write=Scope.WEBHOOKS))

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class EndpointIn(Schema):
    url: str = Field(..., max_length=500)
    event_types: list[Annotated[str, Field(max_length=60)]] = Field(
        ..., max_length=len(EventType.values), description=", ".join(EventType.values)
    )
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    event_types: list[str]
    active: bool
    created_at: datetime


class EndpointCreatedOut(EndpointOut):
    secret: str = Field(..., description="The signing secret: shown this once only")


class DeliveryOut(Schema):
    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_response_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    history: list[dict[str, Any]]


def _endpoint(e: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": e.pk,
        "url": e.url,
        "description": e.description,
        "event_types": e.event_types,
        "active": e.active,
        "created_at": e.created_at,
    }


def _delivery(d: WebhookDelivery) -> dict[str, Any]:
    return {
        **{
            f: getattr(d, f)
            for f in (
                "id", "event_type", "status", "attempts", "next_attempt_at",
                "last_response_code", "last_error", "created_at", "delivered_at", "history",
            )
        },
        "event_id": str(d.event_id),
    }  # fmt: skip


def _own(request: HttpRequest, endpoint_id: int) -> WebhookEndpoint:
    endpoint = selectors.webhook_endpoints_for_owner(owner=user_of(request)).filter(pk=endpoint_id)
    found = endpoint.first()
    if found is None:
        raise ApiError(404, "No such webhook endpoint.")
    return found


@router.get("/webhooks", response={200: list[EndpointOut], **ERRORS}, summary="My webhooks")
def webhook_list(request: HttpRequest) -> Any:
    return [_endpoint(e) for e in selectors.webhook_endpoints_for_owner(owner=user_of(request))]


@router.post(
    "/webhooks",
    response={201: EndpointCreatedOut, **ERRORS},
    summary="Register a webhook endpoint (integrators)",
)
def webhook_register(request: HttpRequest, payload: EndpointIn) -> Any:
    registered = services.webhook_endpoint_register(
        owner=user_of(request),
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
    )
    return Status(201, {**_endpoint(registered.endpoint), "secret": registered.secret})


@router.delete("/webhooks/{endpoint_id}", response={204: None, **ERRORS}, summary="Stop a webhook")
def webhook_deactivate(request: HttpRequest, endpoint_id: int = Path(..., ge=1, le=INT_MAX)) -> Any:
    services.webhook_endpoint_deactivate(
        endpoint=_own(request, endpoint_id), actor=user_of(request)
    )
    return Status(204, None)


@router.get(
    "/webhooks/{endpoint_id}/deliveries",
    response={200: list[DeliveryOut], **ERRORS},
    summary="Recent deliveries of a webhook, newest first, with every attempt",
)
def webhook_deliveries(
    request: HttpRequest,
    endpoint_id: int = Path(..., ge=1, le=INT_MAX),
    limit: int = Query(50, ge=1, le=200),
) -> Any:
    endpoint = _own(request, endpoint_id)
    return [_delivery(d) for d in selectors.webhook_deliveries(endpoint=endpoint)[:limit]]
