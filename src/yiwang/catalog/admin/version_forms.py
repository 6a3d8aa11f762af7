"""A service version's change form: the JSON fields shown pretty-printed and checked as
publishing checks them, and the application form's fields edited as rows.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from yiwang.catalog import form_fields, services
from yiwang.catalog.models import ServiceVersion


class PrettyJSONField(forms.JSONField):
    """JSON in a monospaced text area, indented, Chinese left readable; a syntax error
    names its line and column."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["widget"] = forms.Textarea(
            attrs={"rows": 16, "class": "vLargeTextField json-editor", "spellcheck": "false"}
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)

    def to_python(self, value: Any) -> Any:
        if self.disabled or value in self.empty_values:
            return super().to_python(value)
        try:
            json.loads(value, cls=self.decoder)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Not valid JSON: line %(line)d, column %(column)d: %(message)s."),
                code="invalid",
                params={"line": exc.lineno, "column": exc.colno, "message": exc.msg},
            ) from None
        return super().to_python(value)


class SchemaFieldForm(forms.Form):
    """One field of the application form, as a row of the structured editor."""

    name = forms.RegexField(
        label=_("name"),
        regex=r"^[a-z][a-z0-9_]*$",
        max_length=60,
        error_messages={"invalid": _("Lower-case letters, digits and _, starting with a letter.")},
    )
    title_zh = forms.CharField(label=_("label (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("label (English)"), max_length=200, required=False)
    # The initial is the select's first option, so a blank row left as it was is unchanged.
    type = forms.ChoiceField(label=_("type"), choices=form_fields.FIELD_TYPES, initial="text")
    required = forms.BooleanField(label=_("required"), required=False)
    options_zh = forms.CharField(
        label=_("options (Chinese)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 18}),
    )
    options_en = forms.CharField(
        label=_("options (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 18}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chinese = form_fields.option_lines(data.get("options_zh") or "")
        english = form_fields.option_lines(data.get("options_en") or "")
        if data.get("type") == "choice":
            if not chinese:
                self.add_error("options_zh", _("A choice needs its options, one a line."))
            elif english and len(english) != len(chinese):
                self.add_error(
                    "options_en",
                    _("Give as many English options as Chinese ones (%(n)d), or none.")
                    % {"n": len(chinese)},
                )
        elif chinese or english:
            self.add_error("options_zh", _("Only a choice has options."))
        return data


class BaseSchemaFieldFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        # A row's cells are labelled by the table's headings; say them to screen readers too.
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def _kept(self) -> list[tuple[int, forms.Form]]:
        """The rows kept: the form's fields not deleted, and the blank rows filled in."""
        initial = self.initial_form_count()
        return [
            (i, f)
            for i, f in enumerate(self.forms)
            if (i < initial or f.has_changed()) and not self._should_delete_form(f)
        ]

    def clean(self) -> None:
        names = [f.cleaned_data["name"] for _i, f in self._kept() if "name" in f.cleaned_data]
        doubled = sorted({n for n in names if names.count(n) > 1})
        if doubled:
            raise ValidationError(
                _("Two fields are named %(names)s: each needs a name of its own.")
                % {"names": ", ".join(doubled)}
            )

    def rows(self) -> list[dict[str, Any]]:
        """The rows kept, by their order numbers (rows without one last, as they came)."""
        kept = [(f.cleaned_data.get("ORDER"), i, f.cleaned_data) for i, f in self._kept()]
        kept.sort(key=lambda t: (t[0] is None, t[0] or 0, t[1]))
        return [data for _order, _i, data in kept]


SchemaFieldFormSet = forms.formset_factory(
    SchemaFieldForm, formset=BaseSchemaFieldFormSet, extra=2, can_delete=True, can_order=True
)

#: The POST field saying which editor the administrator used for the application form.
FORM_EDITOR = "form_schema_editor"


class ServiceVersionForm(forms.ModelForm):
    JSON_CHECKS = {
        "form_schema": services.form_schema_errors,
        "steps": services.steps_errors,
        "workflow_overrides": services.workflow_overrides_errors,
    }

    class Meta:
        model = ServiceVersion
        fields = "__all__"
        field_classes = {
            "form_schema": PrettyJSONField,
            "steps": PrettyJSONField,
            "workflow_overrides": PrettyJSONField,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The application form's fields as rows (the structured editor), or None when the
        #: schema has fields the rows cannot show (then it is edited as JSON only).
        self.schema_rows = form_fields.rows_from_schema(self.initial.get("form_schema"))
        used = self.is_bound and self.data.get(FORM_EDITOR) == "rows"
        self.schema_fields = SchemaFieldFormSet(
            self.data if used else None, initial=self.schema_rows or [], prefix="schema_fields"
        )

    def _form_schema_from_rows(self, data: dict[str, Any]) -> None:
        """Put the rows' schema in ``data`` when the administrator edited the rows."""
        if not (self.is_bound and self.data.get(FORM_EDITOR) == "rows"):
            return
        if self.schema_rows is None:
            self.add_error(
                "form_schema", _("This form has fields the rows cannot show: edit it as JSON.")
            )
        elif self.fields["form_schema"].has_changed(
            self.initial.get("form_schema"), self["form_schema"].data
        ):  # against the stored schema (the field's hidden initial is the page's copy)
            self.add_error(
                "form_schema",
                _(
                    "You changed the JSON while saving the fields as rows: choose “Save the JSON "
                    "above” to keep the JSON, or undo it."
                ),
            )
        elif not self.schema_fields.is_valid():
            self.add_error("form_schema", _("Correct the form's fields below."))
        else:
            data["form_schema"] = form_fields.schema_from_rows(
                self.schema_fields.rows(), base=self.initial.get("form_schema")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._form_schema_from_rows(data)
        item = data.get("item") or getattr(self.instance, "item", None)
        is_new = self.instance.pk is None
        if is_new and item and item.versions.filter(status=ServiceVersion.Status.DRAFT).exists():
            raise ValidationError(_("This service already has a draft; edit that draft instead."))
        for field, check in self.JSON_CHECKS.items():
            if field in data:
                errors = check(data[field])
                if errors:
                    self.add_error(field, errors)
        if "form_schema" in data:
            data["form_schema"] = services.form_schema_with_order(data["form_schema"])
        return data
