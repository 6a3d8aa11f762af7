"""Forms of the citizen portal: the catalog filters (search, all services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.catalog.models import ServiceVersion
from yiwang.catalog.selectors import CatalogFilters
from yiwang.portal.templatetags.portal import translated

FULLY_ONLINE = "1"

# One message for every filter: the value came from a hand-edited or stale URL.
UNKNOWN_FILTER = {
    "invalid_choice": _("“%(value)s” is not one of the choices, so this filter was not applied.")
}


class CatalogFilterForm(forms.Form):
    """GET parameters that narrow the catalog. Invalid values are reported, never fatal.

    ``departments`` and ``topics`` are the choices the catalog offers (from the
    selectors), so an unknown code is a validation error like a mistyped kind.
    """

    q = forms.CharField(label=_("Search for a service"), required=False, max_length=100)
    department = forms.ChoiceField(
        label=_("Department"), required=False, error_messages=UNKNOWN_FILTER
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False, error_messages=UNKNOWN_FILTER)
    kind = forms.ChoiceField(
        label=_("Kind of service"),
        required=False,
        error_messages=UNKNOWN_FILTER,
        choices=[("", _("All kinds")), *ServiceVersion.Kind.choices],
    )
    service_object = forms.ChoiceField(
        label=_("Who applies"),
        required=False,
        error_messages=UNKNOWN_FILTER,
        choices=[
            ("", _("Anyone")),
            (ServiceVersion.ServiceObject.PERSON, _("Individuals")),
            (ServiceVersion.ServiceObject.LEGAL_PERSON, _("Enterprises and organisations")),
        ],
        widget=forms.RadioSelect,
    )
    fully_online = forms.ChoiceField(
        label=_("Only services that are fully online"),
        required=False,
        error_messages=UNKNOWN_FILTER,
        choices=[("", _("Any")), (FULLY_ONLINE, _("Fully online"))],
    )  # rendered as a checkbox sending "1" (see portal/includes/filters.html)

    def __init__(self, data: Any, *, departments: Any = (), topics: Any = ()) -> None:
        data = data.copy()
        data.setdefault("service_object", "")  # so that "Anyone" shows as chosen
        super().__init__(data)
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((d.code, translated(d, "name")) for d in departments),
        ]
        self.fields["topic"].choices = [
            ("", _("All topics")),
            *((t.code, translated(t, "name")) for t in topics),
        ]

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_bound else ""

    def filters(self) -> CatalogFilters:
        """The valid filters (an invalid one is dropped; its error is on the form)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return CatalogFilters(
            department=data.get("department") or None,
            topic=data.get("topic") or None,
            kind=data.get("kind") or None,
            service_object=data.get("service_object") or None,
            fully_online=True if data.get("fully_online") == FULLY_ONLINE else None,
        )

    def active_filter_count(self) -> int:
        f = self.filters()
        return sum(
            1
            for value in (f.department, f.topic, f.kind, f.service_object, f.fully_online)
            if value
        )
