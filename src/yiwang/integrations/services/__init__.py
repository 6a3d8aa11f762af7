"""Every write of the integrations app: API tokens, webhook endpoints, events and deliveries.

API tokens
    api_token_create (returns the secret once), api_token_revoke,
    api_token_authenticate (marks the token used)
Webhooks
    webhook_endpoint_register (returns the signing secret once),
    webhook_endpoint_deactivate, webhook_endpoints_of_owner_deactivate (the owner
    is no longer an active integrator), webhook_event_publish, case_event_publish,
    webhook_deliver (one attempt; run by the task), webhook_delivery_retry,
    webhook_deliveries_requeue (after a worker crash)

Webhook contract (docs/api.md): yiwang POSTs the JSON event with the headers
``X-Yiwang-Event`` (type), ``X-Yiwang-Delivery`` (event id),
``X-Yiwang-Timestamp`` (Unix seconds) and ``X-Yiwang-Signature:
t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the
endpoint's secret>``. A 2xx answer is success; anything else (or no answer
within ``YIWANG_WEBHOOK_TIMEOUT_SECONDS``) is retried with exponential
backoff (``YIWANG_WEBHOOK_BACKOFF_SECONDS`` × 2^(attempt-1): 1 min, 2 min,
4 min …) up to ``YIWANG_WEBHOOK_MAX_ATTEMPTS`` attempts; every attempt is
recorded in the delivery's history.

The functions live in submodules: ``tokens`` (API tokens), ``endpoints``
(webhook endpoints and the rule on their addresses), ``events`` (what is
published, and for which case timeline entries) and ``deliveries`` (sending
an event: signing, attempts, retries, requeueing); import them from here.

Side effects are enqueued (``yiwang.integrations.tasks``) in the transaction
of the change, so a rolled-back change sends nothing.
"""

from yiwang.integrations.services.deliveries import (
    RESPONSE_EXCERPT,
    USER_AGENT,
    webhook_backoff,
    webhook_backoff_seconds,
    webhook_body,
    webhook_claim_lease,
    webhook_deliver,
    webhook_deliveries_requeue,
    webhook_delivery_retry,
    webhook_max_attempts,
    webhook_retry_policy,
    webhook_signature,
    webhook_timeout_seconds,
)
from yiwang.integrations.services.endpoints import (
    RegisteredEndpoint,
    webhook_address_problem,
    webhook_address_vet,
    webhook_allows_private_addresses,
    webhook_endpoint_deactivate,
    webhook_endpoint_register,
    webhook_endpoints_of_owner_deactivate,
    webhook_owner_entitled,
)
from yiwang.integrations.services.events import (
    CASE_EVENTS,
    case_event_payload,
    case_event_publish,
    webhook_event_publish,
)
from yiwang.integrations.services.tokens import (
    TOKEN_PREFIX,
    CreatedToken,
    api_token_allows,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)

__all__ = [
    "CASE_EVENTS",
    "RESPONSE_EXCERPT",
    "TOKEN_PREFIX",
    "USER_AGENT",
    "CreatedToken",
    "RegisteredEndpoint",
    "api_token_allows",
    "api_token_authenticate",
    "api_token_create",
    "api_token_revoke",
    "case_event_payload",
    "case_event_publish",
    "webhook_address_problem",
    "webhook_address_vet",
    "webhook_allows_private_addresses",
    "webhook_backoff",
    "webhook_backoff_seconds",
    "webhook_body",
    "webhook_claim_lease",
    "webhook_deliver",
    "webhook_deliveries_requeue",
    "webhook_delivery_retry",
    "webhook_endpoint_deactivate",
    "webhook_endpoint_register",
    "webhook_endpoints_of_owner_deactivate",
    "webhook_event_publish",
    "webhook_max_attempts",
    "webhook_owner_entitled",
    "webhook_retry_policy",
    "webhook_signature",
    "webhook_timeout_seconds",
]
