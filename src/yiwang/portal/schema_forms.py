"""Application forms built from a service version's JSON Schema (申请表).

:class:`SchemaForm` turns the schema into a Django form so the portal can
render it GOV.UK style (label = ``title``, hint = ``description``, errors next
to each field) and turn what was posted back into the answers document
(``Application.form_data``). The form only *coerces* input (a number must be a
number); every rule of the schema — required, lengths, patterns, formats,
ranges, choices — is checked by ``yiwang.cases.services`` and its per-field
messages come back through :meth:`SchemaForm.apply_errors`.

What the schema may use, and how it is shown:

- ``string``: a text input; ``format: date`` a date input, ``format: email``
  an e-mail input, ``format: cn-phone`` a telephone input, ``cn-resident-id``,
  ``cn-uscc`` and ``cn-postcode`` a code input (checked by the identity
  validators: see ``yiwang.cases.forms_schema``); ``maxLength`` over 200 (or
  ``x-widget: textarea``) a text area;
- ``integer`` / ``number``: a text input with a numeric keyboard;
- ``boolean``: Yes / No radios (a single check box when ``const: true``, e.g.
  a declaration);
- ``enum`` (titles from ``enumNames`` / ``enumNames_en``) or ``oneOf`` of
  ``{"const", "title", "title_en"}``:
  radios up to 5 options, else a select;
- ``array`` of enum strings: check boxes; of plain strings: a text area, one
  entry per line; of objects: a *repeating group* — one row per entry, with
  "Add another" and "Remove" buttons (at most ``maxItems`` or 20 rows);
- ``object`` (an address, say): a fieldset of its properties, recursively.

Limits: an array inside a repeating group's row is not shown (its answers are
kept as they were); ``$ref``, ``allOf``/``anyOf`` and conditionals are not
interpreted for rendering (the server still validates them).

English: a property carries ``title_en`` and ``description_en`` (and an enum
``enumNames_en``), shown when the page is in English; the catalog refuses to
publish a form without them (``catalog.services.form_schema_errors``).

Field names are the property path joined by ``__`` (``address__city``,
``members__0__name``): the service reports errors by dotted path
(``address.city``, ``members.0.name``), mapped back by :func:`field_name`.

A long form is split into *sections*, one topic per page: the plain top-level
questions first, then one page per top-level object or repeating group
(:func:`form_sections`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.cases.answers import answer_rows as walk_answers
from yiwang.cases.answers import (
    choices_of,
    english,
    hint_of,
    is_object_array,
    ordered_properties,
    title_of,
    type_of,
)
from yiwang.core.ids import parse_index

SEP = "__"
MAX_ROWS = 20
RADIO_MAX_OPTIONS = 5
TEXTAREA_FROM_LENGTH = 200
ROWS_SUFFIX = "rows"

FIELD, GROUP, REPEAT = "field", "group", "repeat"


def field_name(path: Sequence[str | int]) -> str:
    """The form field name of a property path: ``("address", "city")`` → ``address__city``."""
    return SEP.join(str(p) for p in path)


# The schema-reading rules are shared with the officers' pages and the API (cases.answers).
_english = english
_title = title_of
_hint = hint_of
_type = type_of
_is_object_array = is_object_array


def _is_complex(spec: Mapping[str, Any]) -> bool:
    return _type(spec) == "object" or _is_object_array(spec)


@dataclass
class Section:
    """One page of a long form: the plain questions, or one object / repeating group."""

    index: int
    title: str
    names: list[str]


def form_sections(schema: Mapping[str, Any]) -> list[Section]:
    """The pages of the form, in order (at least one)."""
    props = ordered_properties(schema)
    plain = [k for k, spec in props if not _is_complex(spec)]
    sections: list[Section] = []
    if plain or not props:
        sections.append(Section(0, _("Your application"), plain))
    for key, spec in props:
        if _is_complex(spec):
            sections.append(Section(len(sections), _title(spec, key), [key]))
    return sections


@dataclass
class Item:
    """One entry of the rendered form: a field, a fieldset (object) or a repeating group."""

    kind: str
    key: str  # the field name (field) or the name prefix (group, repeat, row)
    title: str
    hint: str = ""
    required: bool = False
    children: list[Item] = field(default_factory=list)  # group and row
    rows: list[Item] = field(default_factory=list)  # repeat: one GROUP item per row
    max_rows: int = MAX_ROWS
    min_rows: int = 0
    bound: BoundField | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"id_{self.key}" if self.kind == FIELD else f"group-{self.key}"

    @property
    def can_add(self) -> bool:
        return len(self.rows) < self.max_rows

    @property
    def can_remove(self) -> bool:
        return len(self.rows) > max(self.min_rows, 1)


YES_NO = [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


class SchemaForm(forms.Form):
    """A form for (a section of) an application's JSON Schema.

    ``answers`` (the saved ``form_data``) give the initial values and the
    number of rows of each repeating group; ``only`` limits the form to some
    top-level properties (a section). After ``is_valid()``, :meth:`answers`
    is the answers document for the rendered properties, merged over the
    saved ones.
    """

    def __init__(
        self,
        schema: Mapping[str, Any],
        *,
        answers: Mapping[str, Any] | None = None,
        data: Any = None,
        only: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(data=data, **kwargs)
        self.schema = schema or {}
        self.saved = dict(answers or {})
        self.group_errors: dict[str, list[str]] = {}
        self._specs: dict[str, Mapping[str, Any]] = {}
        self._groups: dict[str, Item] = {}
        wanted = set(only) if only is not None else None
        required = set(self.schema.get("required") or [])
        self.items: list[Item] = [
            self._build((key,), spec, key in required, self.saved.get(key))
            for key, spec in ordered_properties(self.schema)
            if wanted is None or key in wanted
        ]
        self.use_required_attribute = False
        for item in self._walk(self.items):
            if item.kind == FIELD:
                item.bound = self[item.key]

    # --- building -------------------------------------------------------------------------

    def _build(
        self, path: tuple[str | int, ...], spec: Mapping[str, Any], required: bool, saved: Any
    ) -> Item:
        key = field_name(path)
        title, hint = _title(spec, str(path[-1])), _hint(spec)
        if _type(spec) == "object":
            inner = set(spec.get("required") or [])
            saved_map = saved if isinstance(saved, Mapping) else {}
            item = Item(GROUP, key, title, hint, required)
            item.children = [
                self._build((*path, k), s, k in inner, saved_map.get(k))
                for k, s in ordered_properties(spec)
                if not (_type(s) == "array" and any(isinstance(p, int) for p in path))
            ]
            self._groups[key] = item
            self._specs[key] = spec
            return item
        if _is_object_array(spec):
            return self._build_repeat(path, spec, required, saved)
        self.fields[key] = self._field(spec, title, hint)
        self._specs[key] = spec
        self.initial[key] = _initial(spec, saved)
        return Item(FIELD, key, title, hint, required)

    def _build_repeat(
        self, path: tuple[str | int, ...], spec: Mapping[str, Any], required: bool, saved: Any
    ) -> Item:
        key = field_name(path)
        item_spec = spec["items"]
        rows_field = f"{key}{SEP}{ROWS_SUFFIX}"
        saved_rows = saved if isinstance(saved, list) else []
        max_rows = min(int(spec.get("maxItems") or MAX_ROWS), MAX_ROWS)
        min_rows = int(spec.get("minItems") or 0)
        count = len(saved_rows) or max(min_rows, 1)
        if self.is_bound:
            posted = parse_index(self.data.get(rows_field))
            count = count if posted is None else posted
        count = max(1, min(count, max_rows))
        self.fields[rows_field] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.initial[rows_field] = count
        item = Item(
            REPEAT, key, _title(spec, str(path[-1])), _hint(spec), required,
            max_rows=max_rows, min_rows=min_rows,
        )  # fmt: skip
        for n in range(count):
            row_saved = saved_rows[n] if n < len(saved_rows) else {}
            row = self._build((*path, n), item_spec, False, row_saved)
            row.title = _("%(group)s %(n)d") % {"group": item.title, "n": n + 1}
            row.kind = GROUP
            item.rows.append(row)
        self._groups[key] = item
        self._specs[key] = spec
        return item

    def _field(self, spec: Mapping[str, Any], title: str, hint: str) -> forms.Field:
        kind = _type(spec)
        common: dict[str, Any] = {"label": title, "help_text": hint, "required": False}
        options = choices_of(spec)
        if kind == "array":
            items = spec.get("items") or {}
            item_options = choices_of(items) if isinstance(items, Mapping) else None
            if item_options is not None:
                return forms.MultipleChoiceField(
                    choices=[(str(v), t) for v, t in item_options],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}),
                **{**common, "help_text": hint or _("One entry per line.")},
            )
        if kind == "boolean":
            if spec.get("const") is True:
                return forms.BooleanField(**common)
            return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
        if options is not None:
            choices = [(str(v), t) for v, t in options]
            if len(choices) <= RADIO_MAX_OPTIONS:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **common)
        if kind == "integer":
            return forms.IntegerField(
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
                **common,
            )
        if kind == "number":
            return forms.FloatField(
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
                **common,
            )
        fmt = spec.get("format")
        if fmt == "date":
            widget: forms.Widget = forms.DateInput(
                attrs={"type": "date", "class": "input--date"}, format="%Y-%m-%d"
            )
        elif fmt == "email":
            widget = forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        elif fmt == "cn-phone":
            widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
        elif fmt in ("cn-resident-id", "cn-uscc", "cn-postcode"):
            widget = forms.TextInput(
                attrs={
                    "inputmode": "numeric" if fmt == "cn-postcode" else "text",
                    "autocapitalize": "characters",
                    "spellcheck": "false",
                    "class": "input--code",
                }
            )
        elif spec.get("x-widget") == "textarea" or (
            int(spec.get("maxLength") or 0) > TEXTAREA_FROM_LENGTH
        ):
            widget = forms.Textarea(attrs={"rows": 4})
        else:
            widget = forms.TextInput()
        return forms.CharField(widget=widget, strip=True, **common)

    @staticmethod
    def _walk(items: Iterable[Item]) -> Iterable[Item]:
        for item in items:
            yield item
            yield from SchemaForm._walk(item.children)
            yield from SchemaForm._walk(item.rows)

    # --- reading back ---------------------------------------------------------------------

    def answers(self, *, keep_blank_rows: bool = False) -> dict[str, Any]:
        """The answers document: the saved answers with the rendered properties replaced."""
        out = dict(self.saved)
        for item in self.items:
            value = self._value(item, keep_blank_rows)
            if _blank(value):
                out.pop(item.key, None)
            else:
                out[item.key] = value
        return out

    def _value(self, item: Item, keep_blank_rows: bool) -> Any:
        if item.kind == FIELD:
            return _to_json(self._specs[item.key], self.cleaned_data.get(item.key))
        if item.kind == GROUP:
            values = {}
            saved = self._saved_at(item.key)
            for child in item.children:
                value = self._value(child, keep_blank_rows)
                name = child.key.rsplit(SEP, 1)[-1]
                if not _blank(value):
                    values[name] = value
            # answers the page does not show (an array inside a row) are kept
            if isinstance(saved, Mapping):
                shown = {c.key.rsplit(SEP, 1)[-1] for c in item.children}
                values.update({k: v for k, v in saved.items() if k not in shown})
            if not values and not item.required:
                return None
            return values
        rows = [self._value(row, keep_blank_rows) or {} for row in item.rows]
        if not keep_blank_rows:
            rows = [r for r in rows if not _blank(r)]
        return rows

    def _saved_at(self, key: str) -> Any:
        value: Any = self.saved
        for part in key.split(SEP):
            row = parse_index(part)
            if isinstance(value, list) and row is not None and row < len(value):
                value = value[row]
            elif isinstance(value, Mapping):
                value = value.get(part)
            else:
                return None
        return value

    # --- errors from the service ----------------------------------------------------------

    def apply_errors(self, errors: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
        """Show the service's errors (keyed by dotted path) next to their fields.

        Returns the errors that belong to no field of this form (another
        section, or the form as a whole) so the caller can show them.
        """
        rest: dict[str, list[str]] = {}
        for path, messages in errors.items():
            name = field_name(path.split(".")) if path != "__all__" else ""
            target = self._nearest(name)
            if target is None:
                rest.setdefault(path, []).extend(messages)
            elif target in self.fields:
                for message in messages:
                    if message not in (self.errors.get(target) or []):
                        self.add_error(target, message)
            else:
                bucket = self.group_errors.setdefault(target, [])
                bucket.extend(m for m in messages if m not in bucket)
                self._groups[target].errors = bucket
        return rest

    def _nearest(self, name: str) -> str | None:
        parts = name.split(SEP) if name else []
        while parts:
            candidate = SEP.join(parts)
            if candidate in self.fields or candidate in self._groups:
                return candidate
            parts.pop()
        return None

    def error_links(self) -> list[tuple[str, str, str]]:
        """``(anchor, label, message)`` for each error, in form order (the error summary)."""
        links: list[tuple[str, str, str]] = []
        for item in self._walk(self.items):
            if item.kind == FIELD:
                for message in self.errors.get(item.key, []):
                    links.append((item.anchor, item.title, message))
            else:
                for message in item.errors:
                    links.append((item.anchor, item.title, message))
        return links


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _initial(spec: Mapping[str, Any], saved: Any) -> Any:
    if saved is None:
        return None
    kind = _type(spec)
    if kind == "boolean":
        return saved if spec.get("const") is True else ("true" if saved else "false")
    if kind == "array":
        if not isinstance(saved, list):
            return None
        items = spec.get("items") or {}
        if isinstance(items, Mapping) and choices_of(items) is not None:
            return [str(v) for v in saved]
        return "\n".join(str(v) for v in saved)
    if choices_of(spec) is not None:
        return str(saved)
    return saved


def _to_json(spec: Mapping[str, Any], value: Any) -> Any:
    """A cleaned form value as the JSON answer the schema expects."""
    if value is None or value == "":
        return None
    kind = _type(spec)
    if kind == "boolean":
        if spec.get("const") is True:
            return True if value else None
        return value == "true"
    if kind == "array":
        items = spec.get("items") or {}
        item_options = choices_of(items) if isinstance(items, Mapping) else None
        if item_options is not None:
            by_text = {str(v): v for v, _t in item_options}
            return [by_text.get(v, v) for v in value]
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    options = choices_of(spec)
    if options is not None:
        return {str(v): v for v, _t in options}.get(value, value)
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --- showing answers (check your answers) -----------------------------------------------------


@dataclass
class AnswerRow:
    label: str
    value: str
    section: int


def answer_rows(schema: Mapping[str, Any], answers: Mapping[str, Any]) -> list[AnswerRow]:
    """The answers as label / value rows in form order, with the section each is changed in."""
    section_of = {name: s.index for s in form_sections(schema) for name in s.names}
    return [
        AnswerRow(" · ".join(row.labels), row.value, section_of.get(row.key, 0))
        for row in walk_answers(schema, answers)
        if not row.heading
    ]


@dataclass
class ErrorRow:
    label: str
    message: str
    section: int


def error_rows(schema: Mapping[str, Any], errors: Mapping[str, Sequence[str]]) -> list[ErrorRow]:
    """The service's errors (by dotted path) with the question's title and its section."""
    section_of = {name: s.index for s in form_sections(schema) for name in s.names}
    rows: list[ErrorRow] = []
    for path, messages in errors.items():
        labels: list[str] = []
        spec: Mapping[str, Any] = schema
        for part in path.split(".") if path != "__all__" else []:
            row = parse_index(part)
            if row is not None:
                labels[-1:] = [f"{labels[-1]} {row + 1}"] if labels else []
                spec = spec.get("items") or {} if isinstance(spec, Mapping) else {}
                continue
            spec = (spec.get("properties") or {}).get(part) or {}
            labels.append(_title(spec, part))
        section = section_of.get(path.split(".")[0], 0)
        rows += [ErrorRow(" · ".join(labels), str(m), section) for m in messages]
    return rows
