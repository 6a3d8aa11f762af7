"""Application forms: validate answers against a service version's JSON Schema (Draft 2020-12).

Errors come back keyed by the dotted path of the field they are about
(``"applicant_name"``, ``"address.city"``, ``"members.0.name"``; ``"__all__"``
for the form as a whole), each with a message people can read, so a page
shows them next to the field and the API names the field.

Blank answers (``""``, ``None``) are dropped before validation: a blank
optional field is simply unanswered, and a blank required one is "required".
Text answers lose their surrounding white space first (a pasted ID number
with a trailing newline is the ID number, and no pattern ends before it).

Besides the standard formats (``date``, ``email``, …) a schema can ask for
the identity formats :data:`IDENTITY_FORMATS`, checked by the project's own
validators (check characters, birth dates, lengths), whose precise messages
are the errors: ``cn-resident-id`` (GB 11643), ``cn-uscc`` (GB 32100),
``cn-phone`` and ``cn-postcode``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from yiwang.identity.validators import (
    validate_phone,
    validate_postcode,
    validate_resident_id,
    validate_uscc,
)

NON_FIELD = "__all__"


#: Formats a form schema may name, and the validator that checks each.
IDENTITY_FORMATS: dict[str, Callable[[str], None]] = {
    "cn-resident-id": validate_resident_id,
    "cn-uscc": validate_uscc,
    "cn-phone": validate_phone,
    "cn-postcode": validate_postcode,
}


def _format_checker() -> FormatChecker:
    checker = FormatChecker()  # the standard formats: date, email, …
    for name, validate in IDENTITY_FORMATS.items():
        checker.checks(name, raises=DjangoValidationError)(_checking(validate))
    return checker


def _checking(validate: Callable[[str], None]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if isinstance(value, str):  # other types are the "type" keyword's business
            validate(value)
        return True

    return check


def clean_answers(data: Any) -> Any:
    """``data`` without blank answers (recursively in objects; list items are kept), and
    text answers without surrounding white space."""
    if isinstance(data, Mapping):
        return {
            str(k): clean_answers(v)
            for k, v in data.items()
            if v is not None and not (isinstance(v, str) and not v.strip())
        }
    if isinstance(data, list):
        return [clean_answers(v) for v in data]
    if isinstance(data, str):
        return data.strip()
    return data


def form_errors(
    schema: Mapping[str, Any], data: Mapping[str, Any], *, require: bool = True
) -> dict[str, list[str]]:
    """Every problem of ``data`` under ``schema``, by field; empty when valid.

    With ``require=False`` (drafts) missing required fields are not errors.
    """
    if not schema:
        return {}
    validator = Draft202012Validator(schema, format_checker=_format_checker())
    errors: dict[str, list[str]] = {}
    for error in _leaves(validator.iter_errors(data)):
        if error.validator == "required" and not require:
            continue
        field, message = _describe(error)
        bucket = errors.setdefault(field, [])
        if message not in bucket:
            bucket.append(message)
    return errors


def _leaves(errors: Iterable[SchemaError]) -> Iterable[SchemaError]:
    # anyOf/oneOf report one error with its context; show the most specific ones.
    for error in errors:
        if error.context:
            yield from _leaves(error.context)
        else:
            yield error


def _path(parts: Iterable[Any]) -> str:
    return ".".join(str(p) for p in parts)


def _describe(error: SchemaError) -> tuple[str, str]:
    path = list(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        missing = _missing_property(error)
        return _path([*path, missing]) if missing else (_path(path) or NON_FIELD), _(
            "This field is required."
        )
    field = _path(path) or NON_FIELD
    messages: dict[str, str] = {
        "type": _("Enter a valid value."),
        "enum": _("Choose one of the options."),
        "const": _("Choose one of the options."),
        "format": _("Enter a valid %(format)s.") % {"format": _format_label(value)},
        "pattern": _("The value does not have the expected form."),
        "additionalProperties": _("Unknown field."),
    }
    if kind == "format" and isinstance(error.cause, DjangoValidationError):
        return field, " ".join(str(m) for m in error.cause.messages)
    if kind == "minLength":
        return field, _("Enter at least %(n)d characters.") % {"n": value}
    if kind == "maxLength":
        return field, _("Enter at most %(n)d characters.") % {"n": value}
    if kind in {"minimum", "exclusiveMinimum"}:
        return field, _("Enter a number of at least %(n)s.") % {"n": value}
    if kind in {"maximum", "exclusiveMaximum"}:
        return field, _("Enter a number of at most %(n)s.") % {"n": value}
    if kind == "minItems":
        return field, _("Add at least %(n)d entries.") % {"n": value}
    if kind == "maxItems":
        return field, _("Add at most %(n)d entries.") % {"n": value}
    if kind == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if len(extra) == 1:
            return _path([*path, extra[0]]), messages["additionalProperties"]
    if isinstance(kind, str) and kind in messages:
        return field, messages[kind]
    return field, error.message


def _missing_property(error: SchemaError) -> str | None:
    instance = error.instance if isinstance(error.instance, Mapping) else {}
    for name in error.validator_value or ():
        if name not in instance and f"'{name}'" in error.message:
            return str(name)
    return None


def _format_label(fmt: Any) -> str:
    labels = {
        "date": _("date (YYYY-MM-DD)"),
        "date-time": _("date and time"),
        "email": _("e-mail address"),
        "uri": _("web address"),
        "time": _("time"),
    }
    return labels.get(str(fmt), str(fmt))


def top_level_string_properties(schema: Mapping[str, Any]) -> set[str]:
    """Names of the schema's top-level properties that take text (for prefilling)."""
    props = schema.get("properties") or {}
    out = set()
    for name, spec in props.items():
        if isinstance(spec, Mapping) and spec.get("type", "string") in ("string", ["string"]):
            out.add(str(name))
    return out


def answers_in_format(schema: Mapping[str, Any], answers: Any, fmt: str) -> list[tuple[str, str]]:
    """Every text answer whose schema asks for ``format: fmt``, at any depth, with its dotted
    path (as :func:`form_errors` names fields): ``[("company.uscc", "9137…"), …]``.

    Follows ``properties``, ``patternProperties``, ``additionalProperties``,
    ``items`` and ``prefixItems`` (repeating groups, lists), local ``$ref``
    (``#/$defs/…``) and the subschemas of ``allOf``/``anyOf``/``oneOf``,
    ``then``/``else`` and ``dependentSchemas``. An answer counts when any
    subschema that may apply to it names the format: rules keyed on the
    format (who may name a credit code, say) then err on the side of checking.
    """
    found: list[tuple[str, str]] = []
    _collect(schema, _expand(schema, [schema]), answers, (), fmt, found)
    return found


def _collect(
    root: Mapping[str, Any],
    specs: list[Mapping[str, Any]],
    value: Any,
    path: tuple[str, ...],
    fmt: str,
    found: list[tuple[str, str]],
) -> None:
    if isinstance(value, str):
        if any(spec.get("format") == fmt for spec in specs):
            found.append((_path(path), value))
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            subs = [sub for spec in specs for sub in _property_specs(spec, str(key))]
            if subs:
                _collect(root, _expand(root, subs), item, (*path, str(key)), fmt, found)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            subs = [sub for spec in specs for sub in _item_specs(spec, index)]
            if subs:
                _collect(root, _expand(root, subs), item, (*path, str(index)), fmt, found)


def _property_specs(spec: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    props = spec.get("properties")
    subs = []
    if isinstance(props, Mapping) and isinstance(props.get(key), Mapping):
        subs.append(props[key])
    patterns = spec.get("patternProperties")
    if isinstance(patterns, Mapping):
        for pattern, sub in patterns.items():
            with contextlib.suppress(re.error):
                if isinstance(sub, Mapping) and re.search(str(pattern), key):
                    subs.append(sub)
    extra = spec.get("additionalProperties")
    if not subs and isinstance(extra, Mapping):
        subs.append(extra)
    return subs


def _item_specs(spec: Mapping[str, Any], index: int) -> list[Mapping[str, Any]]:
    prefix = spec.get("prefixItems")
    if isinstance(prefix, list) and index < len(prefix):
        return [prefix[index]] if isinstance(prefix[index], Mapping) else []
    items = spec.get("items")
    return [items] if isinstance(items, Mapping) else []


def _expand(root: Mapping[str, Any], specs: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``specs`` and every subschema that applies to the same value with them (by ``$ref``
    and the combinators), each once."""
    out: list[Mapping[str, Any]] = []
    seen: set[int] = set()
    todo = list(specs)
    while todo:
        spec = todo.pop()
        if id(spec) in seen:
            continue
        seen.add(id(spec))
        out.append(spec)
        ref = spec.get("$ref")
        if isinstance(ref, str):
            target = _local_ref(root, ref)
            if target is not None:
                todo.append(target)
        for keyword in ("allOf", "anyOf", "oneOf"):
            subs = spec.get(keyword)
            if isinstance(subs, list):
                todo += [sub for sub in subs if isinstance(sub, Mapping)]
        for keyword in ("then", "else"):
            if isinstance(spec.get(keyword), Mapping):
                todo.append(spec[keyword])
        dependent = spec.get("dependentSchemas")
        if isinstance(dependent, Mapping):
            todo += [sub for sub in dependent.values() if isinstance(sub, Mapping)]
    return out


def _local_ref(root: Mapping[str, Any], ref: str) -> Mapping[str, Any] | None:
    """The subschema a local JSON pointer (``#/$defs/company``) names, or None."""
    if not ref.startswith("#"):
        return None
    node: Any = root
    for part in (p for p in ref[1:].split("/") if p):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node if isinstance(node, Mapping) else None
