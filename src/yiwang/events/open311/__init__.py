"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the city's events for integrators.

Served at ``/open311/v2/`` in XML (required by the specification) and JSON:
discovery, services, service definitions, POST and GET requests. Creation is
synchronous (``type`` realtime): a POST answers the ``service_request_id`` at
once, so no tokens are issued. docs/open311.md describes fields, errors and
extensions.

- ``formats``: rendering XML and JSON, and the specification's error list;
- ``params``: parsing what clients send (dates, points, attributes);
- ``views``: thin views calling ``yiwang.events.selectors.open311`` and
  ``yiwang.events.services.open311``.
"""
