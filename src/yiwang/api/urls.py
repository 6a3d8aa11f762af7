"""The REST API assembly: one NinjaAPI, one router per app, typed errors mapped to JSON.

The catalog is public; everything else needs the browser session or an API
token (``yiwang.integrations.auth``; see docs/api.md).
"""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from yiwang.api.errors import document_edge_errors, install_error_handlers
from yiwang.api.inputs import StrictParser
from yiwang.cases.api import applicant_router, officer_router
from yiwang.catalog.api import router as catalog_router
from yiwang.events.api import citizen_router as events_citizen_router
from yiwang.events.api import officer_router as events_officer_router
from yiwang.integrations.api import router as webhooks_router


class YiwangAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI document also lists the errors of the edge, and names each
    operation by its app's ``api`` module, wherever in it the endpoint is written."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """``<app>_api_<function>`` (``yiwang_cases_api_officer_queue``), as ninja names an
        endpoint written in the app's ``api.py``, also for one written in a module of an
        ``api`` package (``cases/api/officer.py``): clients generate names from these ids,
        so how an app arranges its endpoints does not rename its operations."""
        module = operation.view_func.__module__
        head, api_package, _module_in_it = module.partition(".api.")
        if api_package:
            module = f"{head}.api"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_edge_errors(schema)
        return schema


api = YiwangAPI(
    title="yiwang API",
    version="1",
    description=(
        "REST API of yiwang (一网): the city's one-stop service catalog, applications and "
        "cases, the officers' queue, webhooks. Authenticate with the browser session or "
        "`Authorization: Bearer <API token>` (scopes: catalog:read, cases:read, "
        "applications:write, cases:write, webhooks); the catalog is public. "
        "Every error has the JSON body {detail, errors: [{field, message}]}; see docs/api.md."
    ),
    urls_namespace="api",
    parser=StrictParser(),
)
install_error_handlers(api)
api.add_router("/", catalog_router)
api.add_router("/", applicant_router)
api.add_router("/officer", officer_router)
api.add_router("/", webhooks_router)
# The citizens' /events/mine before the officers' /events/{number}.
api.add_router("/", events_citizen_router)
api.add_router("/", events_officer_router)
