"""A version's application form schema: its fields' order kept (``x-order``), and what is
wrong with it (JSON Schema, titles, both languages) as messages.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError


def form_schema_with_order(schema: Any) -> Any:
    """The schema with an ``x-order`` list on every object, recording its fields' order.

    PostgreSQL's jsonb does not keep the order of keys, and a form's questions
    must come in the order the administrator wrote them; the portal's form
    builder reads ``x-order``. An ``x-order`` already present is kept.
    """
    if not isinstance(schema, dict):
        return schema
    result = {key: form_schema_with_order(value) for key, value in schema.items()}
    properties = result.get("properties")
    if isinstance(properties, dict):
        result["properties"] = {k: form_schema_with_order(v) for k, v in properties.items()}
        result.setdefault("x-order", list(properties))
    return result


def form_schema_errors(schema: Any) -> list[str]:
    """What is wrong with a version's form schema, as messages (empty when it is fine).

    An empty schema means "no form". Otherwise it must be a valid JSON Schema
    (draft 2020-12) describing an object whose properties each have a type and a title.
    """
    if schema in (None, {}):
        return []
    if not isinstance(schema, dict):
        return [_("The form schema must be a JSON object.")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or _("(top level)")
        return [_("The form schema is not valid JSON Schema at %(where)s: %(message)s") % {
            "where": where, "message": exc.message}]  # fmt: skip
    errors: list[str] = []
    if schema.get("type") != "object":
        errors.append(_('The form schema must have "type": "object".'))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        errors.append(_("The form schema must list the form's fields under “properties”."))
        return errors
    for name, prop in properties.items():
        if not isinstance(prop, dict) or "type" not in prop:
            errors.append(_("Field “%(name)s” of the form needs a “type”.") % {"name": name})
        elif not prop.get("title"):
            errors.append(
                _("Field “%(name)s” of the form needs a “title” (its label).") % {"name": name}
            )
    for name in schema.get("required", []):
        if name not in properties:
            errors.append(
                _("Required field “%(name)s” is not among the form's properties.") % {"name": name}
            )
    return errors


def form_schema_language_errors(schema: Any) -> list[str]:
    """Where a form schema lacks its English, as messages naming the field (empty when bilingual).

    The form is shown in the portal's language, so every field (also inside
    groups and repeating groups) needs a ``title_en`` beside its ``title``, a
    ``description_en`` beside a ``description``, and an enum ``enumNames_en``
    with one English label per value (``enumNames``, when given, one Chinese
    label per value); a ``oneOf`` option needs a ``title_en``. The stored values
    do not change with the language. Checked at publish, so a draft can be
    written in Chinese first.
    """
    if not isinstance(schema, dict):
        return []
    errors: list[str] = []
    _language_errors(schema, (), errors, titled=False)
    return errors


def _language_errors(
    spec: dict[str, Any], path: tuple[str, ...], errors: list[str], *, titled: bool = True
) -> None:
    """Collect the missing English of ``spec`` and what it contains; ``titled`` is False for the
    schema itself and an array's ``items`` (their label is the field's own)."""
    name = ".".join(path)
    if titled:
        if not spec.get("title_en"):
            errors.append(
                _("Field “%(name)s” of the form needs an English title (“title_en”).")
                % {"name": name}
            )
        if spec.get("description") and not spec.get("description_en"):
            errors.append(
                _("Field “%(name)s” of the form needs an English description (“description_en”).")
                % {"name": name}
            )
    if isinstance(spec.get("enum"), list):
        count = len(spec["enum"])
        names, names_en = spec.get("enumNames"), spec.get("enumNames_en")
        if not isinstance(names_en, list) or len(names_en) != count or not all(names_en):
            errors.append(
                _(
                    "Field “%(name)s” of the form needs “enumNames_en”: one English label "
                    "for each of its %(count)d options."
                )
                % {"name": name, "count": count}
            )
        if names is not None and (not isinstance(names, list) or len(names) != count):
            errors.append(
                _("Field “%(name)s” of the form: “enumNames” must have one label per option.")
                % {"name": name}
            )
    options = spec.get("oneOf") or spec.get("anyOf")
    if isinstance(options, list):
        for option in options:
            if isinstance(option, dict) and "const" in option and not option.get("title_en"):
                errors.append(
                    _("Option “%(value)s” of field “%(name)s” needs an English title (“title_en”).")
                    % {"value": option["const"], "name": name}
                )
    properties = spec.get("properties")
    if isinstance(properties, dict):
        for key, sub in properties.items():
            if isinstance(sub, dict):
                _language_errors(sub, (*path, str(key)), errors)
    items = spec.get("items")
    if isinstance(items, dict):
        _language_errors(items, path, errors, titled=False)


def _form_schema_publish_errors(schema: Any) -> list[str]:
    """A published form's checks: a valid schema first, then its English."""
    return form_schema_errors(schema) or form_schema_language_errors(schema)
