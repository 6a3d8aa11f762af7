"""The city events REST API (一网统管), under ``/api/v1/events``.

Behind ``yiwang.integrations.auth`` (session or bearer token). A token's reads
need ``events:read`` and its writes ``events:write``, for citizens and officers
alike (what a role may do is the services'; docs/api.md).

- citizens: ``/events/mine`` — list and read their own reports, report one
  (channel web, dispatched from the directory at once), rate a replied one
  (回访 self-service);
- officers: ``/events`` — the events their roles see, their photos (read, and a
  handler's upload of a result photo through ``services.event_handle``, checked
  by content and size in ``services.photos`` as on the pages), (department, district,
  centre: ``selectors.events_visible_to``), one event with the reporter masked
  as ``selectors.event_reporter_view`` decides (a view in full is recorded:
  ``services.event_reporter_seen``), and one operation per action.

Each handler parses, calls one selector or service and shapes the answer. An
event the caller may not see is a 404 whether or not it exists; what a role
may do is decided by the services, whose typed refusals (``events.errors``)
become 403/409/422 in ``yiwang.api.errors``.

The package: ``base`` (the routers, error responses, path parameters, the
request base, lookups), ``answers`` (response schemas and shaping),
``citizen`` (the citizens' endpoints), ``officer_reads`` (the officers' list
and one event), ``officer_actions`` (one operation per action) and ``photos``.
Importing the package registers every endpoint on the two routers.
"""

from yiwang.events.api import citizen, officer_actions, officer_reads, photos
from yiwang.events.api.base import citizen_router, officer_router

__all__ = [
    "citizen",
    "citizen_router",
    "officer_actions",
    "officer_reads",
    "officer_router",
    "photos",
]
