"""The GeoReport v2 documents of a category (service, service definition) and of an event.

Plain values for :mod:`yiwang.events.open311.formats`: ids and codes are
strings, an optional field without a value is ``None`` (left out).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from yiwang.events.models import Category, Event, Status
from yiwang.events.selectors.open311 import open311_status

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")


def _english() -> bool:
    return not (translation.get_language() or "zh-hans").lower().startswith("zh")


def _name(zh: str, en: str) -> str:
    return (en or zh) if _english() else (zh or en)


def service_attributes(category: Category) -> list[dict[str, Any]]:
    """The category's form attributes as GeoReport v2 attributes, in their order.

    ``Category.attributes`` is a list of ``{code, description, datatype,
    required, variable, order, datatype_description, values: [{key, name}]}``
    (``description_en``, ``name_en`` for English); absent keys take the
    specification's defaults (a variable, optional string). Entries without a
    code are skipped.
    """
    found: list[dict[str, Any]] = []
    for position, raw in enumerate(category.attributes or [], start=1):
        if not isinstance(raw, dict) or not str(raw.get("code") or "").strip():
            continue
        datatype = raw.get("datatype") if raw.get("datatype") in DATATYPES else "string"
        values = None
        if datatype in LIST_DATATYPES:
            values = [
                {
                    "key": str(v.get("key")),
                    "name": _name(str(v.get("name") or v.get("key")), str(v.get("name_en") or "")),
                }
                for v in raw.get("values") or []
                if isinstance(v, dict) and v.get("key") is not None
            ]
        description = _name(str(raw.get("description") or ""), str(raw.get("description_en") or ""))
        found.append(
            {
                "variable": bool(raw.get("variable", True)),
                "code": str(raw["code"]).strip(),
                "datatype": datatype,
                "required": bool(raw.get("required", False)),
                "datatype_description": raw.get("datatype_description") or None,
                "order": int(raw.get("order") or position),
                "description": description or None,
                "values": values,
            }
        )
    return sorted(found, key=lambda a: a["order"])


def service_notice(category: Category) -> str:
    return _(
        "Dispatched to the responsible department, which signs for it within %(hours)s "
        "working hours and answers within %(days)s working days."
    ) % {"hours": f"{category.sign_limit_hours.normalize():f}", "days": category.handle_limit_days}


def service_document(category: Category) -> dict[str, Any]:
    parent = category.parent
    return {
        "service_code": category.code,
        "service_name": _name(category.name_zh, category.name_en),
        "description": service_notice(category),
        "metadata": bool(service_attributes(category)),
        "type": "batch" if settings.YIWANG_OPEN311_ASYNC else "realtime",
        "keywords": category.keywords or None,
        "group": _name(parent.name_zh, parent.name_en) if parent is not None else None,
    }


def definition_document(category: Category) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": service_attributes(category)}


def status_notes(event: Event) -> str:
    """Why the event is where it is, from its workflow (the reply once there is one)."""
    if event.status == Status.MERGED and event.merged_into is not None:
        return _("Merged into request %(number)s, which is handled for both.") % {
            "number": event.merged_into.number
        }
    if event.answered_directly:
        return _("Answered on the spot by the 12345 centre.")
    if event.status in (Status.REPLIED, Status.CLOSED) and event.reply:
        return event.reply
    return str(event.get_status_display())


def request_document(event: Event, *, extensions: bool = False) -> dict[str, Any]:
    """One ``request`` of GET requests: its status, what was asked, where, who handles it and
    when it is due. With ``extensions`` (the documented extension ``extensions=true``):
    ``extended_attributes`` with the event's number, channel, district, outcome, the
    reporter-visible history, and the attributes given."""
    status = open311_status(event)
    lead = event.lead_department
    photos = getattr(event, "report_photos", None) or []
    # The posted media_url only: a photo uploaded through the portal is stored privately
    # (served to its reporter and the departments by a view that checks who asks); its
    # storage path is neither public nor an absolute URL, so it is not given out.
    media = next((p.url for p in photos if p.url), "")
    updated = event.closed_at if status == "closed" and event.closed_at else event.updated_at
    document: dict[str, Any] = {
        "service_request_id": event.number,
        "status": status,
        "status_notes": status_notes(event) or None,
        "service_name": _name(event.category.name_zh, event.category.name_en),
        "service_code": event.category.code,
        "description": event.description or None,
        "agency_responsible": _name(lead.name_zh, lead.name_en) if lead is not None else None,
        "service_notice": service_notice(event.category),
        "requested_datetime": event.created_at,
        "updated_datetime": updated,
        "expected_datetime": event.handle_due_at if status == "open" else None,
        "address": event.address or None,
        "address_id": (event.attributes.get("_open311") or {}).get("address_id") or None,
        "lat": event.latitude,
        "long": event.longitude,
        "media_url": media or None,
    }
    if extensions:
        history = getattr(event, "public_history", None) or []
        document["extended_attributes"] = {
            "number": event.number,
            "channel": event.channel,
            "workflow_status": event.status,
            "outcome": event.outcome or None,
            "district": event.district.code if event.district is not None else None,
            "history": [
                {"datetime": entry.at, "kind": entry.kind, "text": entry.text or None}
                for entry in history
            ],
        }
    return document
