"""XML and JSON the way GeoReport v2 writes them, and its error list.

The JSON is the specification's mapping of the XML (the "Spark convention"):
a list element becomes an array of its items, an element of text a string.
Both are built from one Python value:

- a ``dict`` is an element with children in key order;
- a ``list`` under a key is that element holding one child per item, named
  by :data:`ITEM_NAMES` (``services`` → ``service``, ``attributes`` →
  ``attribute``…);
- ``bool`` is ``true``/``false``, numbers their decimal text, datetimes
  ISO 8601 with the city's offset (``2026-03-03T10:00:00+08:00``);
- a key whose value is ``None`` is left out (not ``null``, not an empty
  element): clients read a missing optional field more reliably than null.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

JSON = "json"
XML = "xml"
FORMATS = (XML, JSON)
CONTENT_TYPES = {
    XML: "text/xml; charset=utf-8",
    JSON: "application/json; charset=utf-8",
}

#: The element name of each item of a list element.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "history": "entry",
}


def w3_datetime(value: datetime) -> str:
    """ISO 8601 (the W3C profile) in the city's zone, with its offset, to the second."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3_datetime(value)
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return w3_datetime(value)
    return value


def _append(parent: ET.Element, name: str, value: Any) -> None:
    if value is None:
        return
    element = ET.SubElement(parent, name)
    _fill(element, name, value)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, child in value.items():
            _append(element, str(key), child)
    elif isinstance(value, (list, tuple)):
        item = ITEM_NAMES.get(name, "item")
        for child in value:
            _append(element, item, child)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """The document: the XML declaration with encoding UTF-8, then ``<root>…</root>``."""
    element = ET.Element(root)
    _fill(element, root, value)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body).encode("utf-8")


def to_json(value: Any) -> bytes:
    return json.dumps(_jsonable(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def respond(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    """``value`` as the document ``root`` in ``fmt`` (XML unless ``fmt`` is json)."""
    fmt = fmt if fmt in FORMATS else XML
    content = to_json(value) if fmt == JSON else to_xml(root, value)
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


class Open311Error(Exception):
    """A refusal in the specification's terms: the HTTP status and the errors to list.

    404 for a resource that does not exist (a service_code, a request, a
    jurisdiction_id), 403 for a missing, unknown or revoked api_key, 429 when
    the key's rate is exceeded (with ``retry_after`` seconds), 400 for any
    other request that cannot be fulfilled.
    """

    def __init__(
        self, status: int, description: str, *, more: Sequence[str] = (), retry_after: int = 0
    ) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description, *more]
        self.retry_after = retry_after


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    """The error list: ``[{"code": 403, "description": "…"}]`` / ``<errors><error>…``."""
    items = [{"code": error.status, "description": d} for d in error.descriptions]
    response = respond(fmt, "errors", items, status=error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response
