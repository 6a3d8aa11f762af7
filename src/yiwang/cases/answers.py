"""Reading an application's answers against its form schema: the one walker every page uses.

The portal's "check your answers" page, the officers' case page and the API
all show answers the same way: the schema's field order (``x-order``, which
PostgreSQL's jsonb would otherwise lose), titles in the page's language
(``title`` / ``title_en``), options by their titles (``enumNames`` /
``enumNames_en``, ``oneOf`` consts' ``title`` / ``title_en``), Yes/No,
repeating groups numbered. :func:`answer_rows` walks them once; with
``masked=True`` (a role that does not need the personal data, see
``selectors.case_personal_data_full``) every free-text answer is masked (脱敏):
identity numbers and phones by their conventions, other text to its first
character; choices, numbers, dates and yes/no stay readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from yiwang.identity import masking


def english() -> bool:
    """Whether the active language is English (else Chinese, the default)."""
    return (get_language() or "").lower().startswith("en")


def title_of(spec: Mapping[str, Any], key: str) -> str:
    """A field's label in the active language (``title_en`` when English and given)."""
    if english() and spec.get("title_en"):
        return str(spec["title_en"])
    return str(spec.get("title") or key.replace("_", " ").capitalize())


def hint_of(spec: Mapping[str, Any]) -> str:
    """A field's hint in the active language (``description`` / ``description_en``)."""
    if english() and spec.get("description_en"):
        return str(spec["description_en"])
    return str(spec.get("description") or "")


def type_of(spec: Mapping[str, Any]) -> str:
    """The JSON type a field takes (the first non-null one; objects by their properties)."""
    kind = spec.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None:
        return "object" if "properties" in spec else "string"
    return str(kind)


def ordered_properties(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The object's properties in display order: ``x-order`` when given, else as written.

    (PostgreSQL's jsonb does not keep key order; a catalog that must keep it
    lists the keys in ``x-order``.)
    """
    props = schema.get("properties") or {}
    order = [k for k in (schema.get("x-order") or []) if k in props]
    order += [k for k in props if k not in order]
    return [(k, props[k]) for k in order if isinstance(props[k], Mapping)]


def choices_of(spec: Mapping[str, Any]) -> list[tuple[Any, str]] | None:
    """``[(value, title)]`` of an enum or a ``oneOf`` of consts, titled in the active
    language; None otherwise.

    An enum's titles are ``enumNames`` (Chinese; the value itself when absent) and
    ``enumNames_en``; a ``oneOf`` option's are ``title`` and ``title_en``. The
    value is the same in either language, so the answers do not depend on the
    language the applicant used.
    """
    in_english = english()
    if "enum" in spec:
        names = list(spec.get("enumNames") or [])
        names_en = list(spec.get("enumNames_en") or []) if in_english else []
        return [
            (value, str(_nth(names_en, i) or _nth(names, i) or value))
            for i, value in enumerate(spec["enum"])
        ]
    options = spec.get("oneOf") or spec.get("anyOf")
    if isinstance(options, list) and options and all("const" in o for o in options):
        return [
            (o["const"], str((in_english and o.get("title_en")) or o.get("title") or o["const"]))
            for o in options
        ]
    return None


def _nth(labels: list[Any], i: int) -> Any:
    return labels[i] if i < len(labels) else None


def is_object_array(spec: Mapping[str, Any]) -> bool:
    """An array of objects: a repeating group."""
    items = spec.get("items") or {}
    return type_of(spec) == "array" and isinstance(items, Mapping) and type_of(items) == "object"


def display_value(spec: Mapping[str, Any], value: Any) -> str:
    """An answer in words: the option's title, Yes/No, entries joined by commas."""
    if value is None or value == "":
        return ""
    if type_of(spec) == "boolean" or isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        items = spec.get("items") or {}
        return ", ".join(
            display_value(items if isinstance(items, Mapping) else {}, v) for v in value
        )
    options = choices_of(spec)
    if options is not None:
        return next((t for v, t in options if v == value), str(value))
    return str(value)


def masked_value(spec: Mapping[str, Any], value: Any) -> str:
    """An answer as a role that does not need personal data sees it."""
    shown = display_value(spec, value)
    if not isinstance(value, str) or choices_of(spec) is not None:
        return shown  # a choice, a number, yes/no: not personal by itself
    fmt = spec.get("format")
    if fmt == "cn-resident-id":
        return masking.mask_resident_id(shown)
    if fmt == "cn-phone":
        return masking.mask_phone(shown)
    if fmt == "email":
        return masking.mask_email(shown)
    if fmt in ("date", "cn-uscc", "cn-postcode"):
        return shown
    return masking.mask_name(shown)


@dataclass(frozen=True)
class AnswerRow:
    """One answer (or the heading of a group) in form order.

    ``key``: the top-level field it belongs to; ``labels``: the titles from
    that field down (a repeating group's entries numbered); ``depth``: how deep
    in groups; ``heading``: a group's title row, with no value.
    """

    key: str
    labels: tuple[str, ...]
    value: str
    depth: int
    heading: bool = False


def answer_rows(
    schema: Mapping[str, Any], answers: Mapping[str, Any], *, masked: bool = False
) -> list[AnswerRow]:
    """The answers as rows in form order; answers the schema does not describe come last."""
    rows: list[AnswerRow] = []
    props = ordered_properties(schema or {})
    known = {key for key, _spec in props}
    for key, spec in props:
        _rows(rows, key, (title_of(spec, key),), spec, answers.get(key), 0, masked)
    for key, value in (answers or {}).items():
        if key not in known:
            _rows(rows, key, (key,), {}, value, 0, masked)
    return rows


def _rows(
    rows: list[AnswerRow],
    key: str,
    labels: tuple[str, ...],
    spec: Mapping[str, Any],
    value: Any,
    depth: int,
    masked: bool,
) -> None:
    if type_of(spec) == "object" or (not spec and isinstance(value, Mapping)):
        saved = value if isinstance(value, Mapping) else {}
        rows.append(AnswerRow(key, labels, "", depth, heading=True))
        subs = ordered_properties(spec) or [(k, {}) for k in saved]
        for sub_key, sub in subs:
            sub_labels = (*labels, title_of(sub, sub_key))
            _rows(rows, key, sub_labels, sub, saved.get(sub_key), depth + 1, masked)
        return
    if is_object_array(spec) or (
        isinstance(value, list) and value and isinstance(value[0], Mapping)
    ):
        entries = value if isinstance(value, list) else []
        items = spec.get("items") or {}
        if not entries:
            rows.append(AnswerRow(key, labels, "", depth))
        for n, entry in enumerate(entries, start=1):
            entry_labels = (*labels[:-1], f"{labels[-1]} {n}")
            _rows(rows, key, entry_labels, items, entry, depth, masked)
        return
    shown = masked_value(spec, value) if masked else display_value(spec, value)
    rows.append(AnswerRow(key, labels, shown, depth))
