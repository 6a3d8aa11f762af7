"""The REST API assembly: one NinjaAPI, one router per app, typed errors mapped to JSON."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="yiwang API",
    version="1",
    description="REST API of yiwang (一网): the service catalog and, later, cases and events.",
    urls_namespace="api",
)
