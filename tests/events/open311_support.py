"""Reading Open311 answers in tests: the XML read back into the JSON shape, and the
GeoReport v2 document schemas.

The schemas are written here from the GeoReport v2 specification's field tables
(wiki.open311.org/GeoReport_v2) and follow the published JSON Schemas of the
Open311 project (github.com/open311/schema-validation, ``schema/georeport-v2/``:
service.json, service-definition.json, request.json, requests.json): the same
required fields, types and enumerations. Where those allow ``null`` for an
optional field, ours leave the field out, so the schemas here forbid ``null``.
The XML is checked against the element structure of the specification's
examples: the root, the item elements, and only the elements the tables name.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

STRING = {"type": "string"}
OPTIONAL_STRING = {"type": "string"}
DATETIME = {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$"}

SERVICE = {
    "type": "object",
    "required": ["service_code", "service_name", "metadata", "type"],
    "additionalProperties": False,
    "properties": {
        "service_code": STRING,
        "service_name": STRING,
        "description": OPTIONAL_STRING,
        "metadata": {"type": "boolean"},
        "type": {"enum": ["realtime", "batch", "blackbox"]},
        "keywords": OPTIONAL_STRING,
        "group": OPTIONAL_STRING,
    },
}
SERVICES = {"type": "array", "items": SERVICE}

ATTRIBUTE = {
    "type": "object",
    "required": ["variable", "code", "datatype", "required"],
    "additionalProperties": False,
    "properties": {
        "variable": {"type": "boolean"},
        "code": STRING,
        "datatype": {
            "enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
        },
        "required": {"type": "boolean"},
        "datatype_description": OPTIONAL_STRING,
        "order": {"type": "integer", "minimum": 1},
        "description": OPTIONAL_STRING,
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name"],
                "additionalProperties": False,
                "properties": {"key": STRING, "name": STRING},
            },
        },
    },
}
SERVICE_DEFINITION = {
    "type": "object",
    "required": ["service_code", "attributes"],
    "additionalProperties": False,
    "properties": {"service_code": STRING, "attributes": {"type": "array", "items": ATTRIBUTE}},
}

REQUEST_FIELDS = {
    "service_request_id": STRING,
    "status": {"enum": ["open", "closed"]},
    "status_notes": OPTIONAL_STRING,
    "service_name": OPTIONAL_STRING,
    "service_code": STRING,
    "description": {"type": "string", "maxLength": 4000},
    "agency_responsible": OPTIONAL_STRING,
    "service_notice": OPTIONAL_STRING,
    "requested_datetime": DATETIME,
    "updated_datetime": DATETIME,
    "expected_datetime": DATETIME,
    "address": OPTIONAL_STRING,
    "address_id": OPTIONAL_STRING,
    "zipcode": OPTIONAL_STRING,
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "long": {"type": "number", "minimum": -180, "maximum": 180},
    "media_url": {"type": "string", "pattern": "^https?://"},
}
REQUEST = {
    "type": "object",
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "additionalProperties": False,
    "properties": {**REQUEST_FIELDS, "extended_attributes": {"type": "object"}},
}
REQUESTS = {"type": "array", "items": REQUEST}
CREATED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["service_request_id"],
        "additionalProperties": False,
        "properties": {
            "service_request_id": STRING,
            "service_notice": OPTIONAL_STRING,
            "account_id": OPTIONAL_STRING,
        },
    },
}
#: POST requests answered asynchronously: a token instead of the service_request_id.
ACCEPTED = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["token"],
        "additionalProperties": False,
        "properties": {
            "token": STRING,
            "service_notice": OPTIONAL_STRING,
            "account_id": OPTIONAL_STRING,
        },
    },
}
#: GET tokens/{token}: the token, and the service_request_id once there is one.
TOKEN = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {
        "type": "object",
        "required": ["token"],
        "additionalProperties": False,
        "properties": {"service_request_id": STRING, "token": STRING},
    },
}
ERRORS = {
    "type": "array",
    "minItems": 1,
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "additionalProperties": False,
        "properties": {"code": {"type": "integer"}, "description": STRING},
    },
}
DISCOVERY = {
    "type": "object",
    "required": ["changeset", "contact", "endpoints"],
    "additionalProperties": False,
    "properties": {
        "changeset": DATETIME,
        "contact": STRING,
        "key_service": STRING,
        "endpoints": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["specification", "url", "changeset", "type", "formats"],
                "additionalProperties": False,
                "properties": {
                    "specification": STRING,
                    "url": STRING,
                    "changeset": DATETIME,
                    "type": {"enum": ["production", "test"]},
                    "formats": {"type": "array", "items": STRING},
                },
            },
        },
    },
}

#: The XML documents: root, the element each list holds, and the elements each may have.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "history": "entry",
}
XML_CHILDREN = {
    "service": set(SERVICE["properties"]),
    "service_definition": {"service_code", "attributes"},
    "attribute": set(ATTRIBUTE["properties"]),
    "value": {"key", "name"},
    "request": set(REQUEST["properties"]) | {"token", "account_id"},
    "error": {"code", "description"},
    "discovery": set(DISCOVERY["properties"]),
    "endpoint": {"specification", "url", "changeset", "type", "formats"},
}
BOOLEANS = {"metadata", "variable", "required"}
NUMBERS = {"lat", "long"}
INTEGERS = {"order", "code"}


def xml_to_json(content: bytes) -> Any:
    """The XML answer checked against the element structure and read into the JSON shape.

    Asserts the declaration names UTF-8, no namespace is used, list elements
    hold only their item element, records only the elements the tables name,
    and no element is empty (an optional value is left out, not emptied).
    """
    assert content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), content[:60]
    root = etree.fromstring(content)
    assert root.nsmap == {} and "}" not in root.tag
    return _read(root)


def _read(element: Any) -> Any:
    tag = element.tag
    children = list(element)
    if tag in XML_ITEMS and tag != "extended_attributes":
        item = XML_ITEMS[tag]
        assert all(c.tag == item for c in children), (tag, [c.tag for c in children])
        return [_read(c) for c in children]
    if tag in XML_CHILDREN or (children and tag in ("extended_attributes", "entry")):
        allowed = XML_CHILDREN.get(tag)
        found: dict[str, Any] = {}
        for child in children:
            assert allowed is None or child.tag in allowed, (tag, child.tag)
            assert child.tag not in found, f"{child.tag} repeated in {tag}"
            found[child.tag] = _read(child)
        return found
    assert not children, (tag, [c.tag for c in children])
    text = element.text or ""
    assert text != "", f"empty <{tag}/>"
    if tag in BOOLEANS:
        assert text in ("true", "false"), (tag, text)
        return text == "true"
    if tag in NUMBERS:
        return float(text)
    if tag in INTEGERS and text.isdigit():
        return int(text)
    return text


def read(response: Any, fmt: str) -> Any:
    """The answer's document, checking its content type (the specification's headers)."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return xml_to_json(response.content)
