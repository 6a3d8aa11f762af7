"""A service's application form as rows of fields, for the admin's structured editor.

The form is stored as JSON Schema (``ServiceVersion.form_schema``). A catalog
administrator edits the common case — a flat list of fields, each a name, a label in
Chinese and English, a type, whether it is required and, for a choice, its options —
as rows; :func:`rows_from_schema` reads them off a schema and :func:`schema_from_rows`
writes them back. What a row does not show (a field's format such as ``cn-resident-id``,
its pattern, length limits, hint) is kept as it was as long as the field keeps its name
and type. A schema the rows cannot show in full (nested objects, lists, labels distinct
from the stored values) gives no rows and is edited as JSON. Either way the result is
checked by ``services.form_schema_errors``, the rule publishing applies.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: The row types, their labels, and the schema keywords each one sets.
FIELD_TYPES = [
    ("text", _("Text")),
    ("date", _("Date")),
    ("integer", _("Whole number")),
    ("number", _("Number (decimals allowed)")),
    ("boolean", _("Yes or no")),
    ("choice", _("Choice from a list")),
]
_TYPE_KEYWORDS: dict[str, dict[str, str]] = {
    "text": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "choice": {"type": "string"},
}
#: The keywords a row sets; every other keyword of a field is kept as it was.
_ROW_KEYWORDS = {"type", "title", "title_en", "enum", "enumNames_en"}
#: Kept even when a field changes type: they suit every type.
_ANY_TYPE_KEYWORDS = {"description", "description_en"}


def field_type(spec: Any) -> str | None:
    """The row type of one field of a schema, or None when a row cannot show it."""
    if not isinstance(spec, dict):
        return None
    kind = spec.get("type")
    if "enum" in spec:
        plain = kind in ("string", None) and "enumNames" not in spec
        return "choice" if plain and all(isinstance(v, str) for v in spec["enum"]) else None
    if kind == "string":
        return "date" if spec.get("format") == "date" else "text"
    if kind in ("integer", "number", "boolean"):
        return str(kind)
    return None


def _names_in_order(schema: dict[str, Any]) -> list[str]:
    properties = schema["properties"]
    order = schema.get("x-order")
    listed = [n for n in order if n in properties] if isinstance(order, list) else []
    return listed + [n for n in properties if n not in listed]


def rows_from_schema(schema: Any) -> list[dict[str, Any]] | None:
    """The fields of ``schema`` as rows in the form's order (an empty schema: no rows), or
    None when a field cannot be shown as a row."""
    if schema in (None, {}):
        return []
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return None
    required = schema.get("required") or []
    rows = []
    for name in _names_in_order(schema):
        spec = schema["properties"][name]
        kind = field_type(spec)
        if kind is None:
            return None
        keywords = _ROW_KEYWORDS | (set(_TYPE_KEYWORDS[kind]))
        rows.append(
            {
                "name": name,
                "title_zh": str(spec.get("title", "")),
                "title_en": str(spec.get("title_en", "")),
                "type": kind,
                "required": name in required,
                "options_zh": "\n".join(spec.get("enum", [])),
                "options_en": "\n".join(str(v) for v in spec.get("enumNames_en", [])),
                "kept": ", ".join(sorted(k for k in spec if k not in keywords)),
            }
        )
    return rows


def option_lines(text: str) -> list[str]:
    """The options written one a line, blank lines left out."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def schema_from_rows(rows: list[dict[str, Any]], *, base: Any = None) -> dict[str, Any]:
    """The schema of ``rows`` (in their order): each field as its row says, with the
    keywords the row does not show taken from the same field of ``base`` when it keeps its
    type; ``base``'s other top-level keywords are kept. No rows: no form (``{}``)."""
    if not rows:
        return {}
    base = base if isinstance(base, dict) else {}
    before = base.get("properties") if isinstance(base.get("properties"), dict) else {}
    properties: dict[str, Any] = {}
    for row in rows:
        old = before.get(row["name"])
        kind = row["type"]
        spec: dict[str, Any] = {}
        if isinstance(old, dict):
            same = field_type(old) == kind
            spec = {
                k: v
                for k, v in old.items()
                if (k not in _ROW_KEYWORDS and same) or k in _ANY_TYPE_KEYWORDS
            }
        spec.update(_TYPE_KEYWORDS[kind])
        spec["title"] = row["title_zh"]
        if row.get("title_en"):
            spec["title_en"] = row["title_en"]
        if kind == "choice":
            spec["enum"] = option_lines(row.get("options_zh", ""))
            english = option_lines(row.get("options_en", ""))
            if english:
                spec["enumNames_en"] = english
        properties[row["name"]] = spec
    schema = {k: v for k, v in base.items() if k not in ("properties", "required", "x-order")}
    schema.update(
        {
            "type": "object",
            "properties": properties,
            "required": [row["name"] for row in rows if row.get("required")],
            "x-order": list(properties),
        }
    )
    return schema
