"""The REST API assembly: one NinjaAPI, one router per app, typed errors mapped to JSON.

The catalog is public; everything else needs the browser session or an API
token (``yiwang.api.auth``; see docs/api.md).
"""

from ninja import NinjaAPI

from yiwang.api.errors import install_error_handlers
from yiwang.cases.api import applicant_router, officer_router
from yiwang.catalog.api import router as catalog_router
from yiwang.integrations.api import router as webhooks_router

api = NinjaAPI(
    title="yiwang API",
    version="1",
    description=(
        "REST API of yiwang (一网): the city's one-stop service catalog, applications and "
        "cases, the officers' queue, webhooks. Authenticate with the browser session or "
        "`Authorization: Bearer <API token>` (scopes: catalog:read, cases:read, "
        "applications:write, cases:write, webhooks); the catalog is public. "
        "Errors answer with a JSON body {detail, errors: [{field, message}]}; see docs/api.md."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", catalog_router)
api.add_router("/", applicant_router)
api.add_router("/officer", officer_router)
api.add_router("/", webhooks_router)
