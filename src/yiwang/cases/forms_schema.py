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
