"""The REST API assembly: one NinjaAPI, one router per app, typed errors mapped to JSON."""

from ninja import NinjaAPI

from yiwang.api.errors import install_error_handlers
from yiwang.catalog.api import router as catalog_router

api = NinjaAPI(
    title="yiwang API",
    version="1",
    description=(
        "REST API of yiwang (一网): the city's one-stop service catalog. "
        "Errors answer with a JSON body {detail, errors: [{field, message}]}."
    ),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", catalog_router)
