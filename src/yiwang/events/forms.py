"""Forms of the city-operations pages (一网统管): intake, the handler's actions, supervision.

Each action posts to its own URL; field ids are prefixed with the action
(``id_return_reason``) so that several forms live on one page. The forms only
parse input: every rule (who may act, windows, limits, evidence) is the
services' (``yiwang.events.services``), whose refusals come back as form errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.cases.errors import UploadRejected, UploadTooLarge
from yiwang.cases.uploads import check_upload
from yiwang.events.models import (
    OPEN_STATUSES,
    Arbitration,
    Card,
    Category,
    Outcome,
    Satisfaction,
    Urgency,
)
from yiwang.events.services.photos import MAX_PHOTOS, PHOTO_FORMATS
from yiwang.identity.models import Department
from yiwang.identity.validators import validate_resident_id

TEXTAREA = {"rows": 3}
LATITUDE = {"min_value": -90, "max_value": 90}
LONGITUDE = {"min_value": -180, "max_value": 180}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Zero or more photos (``<input type=file multiple>``), JPEG or PNG by their content
    (``cases.uploads.check_upload``: size limit, type sniffed); each is renamed by its real
    type, so no name a browser sent is ever stored."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data]
        photos = []
        for number, item in enumerate((i for i in items if i), start=1):
            item = super().clean(item, initial)
            try:
                checked = check_upload(item, accepted=PHOTO_FORMATS)
            except UploadRejected as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
            except UploadTooLarge as exc:
                raise forms.ValidationError(exc.message, code="too_large") from exc
            item.name = f"photo-{number}.{checked.format}"
            photos.append(item)
        if len(photos) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(n)d photos at once.") % {"n": MAX_PHOTOS}, code="too_many"
            )
        return photos


class CategoryField(forms.ModelChoiceField):
    """A leaf category, typed by its code (the console's type-ahead fills it in)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            queryset=Category.objects.filter(is_active=True, children__isnull=True),
            to_field_name="code",
            widget=forms.TextInput(attrs={"autocomplete": "off", "list": "category-options"}),
            error_messages={
                "invalid_choice": _("Choose a category from the list (type its name or code).")
            },
            **kwargs,
        )


class PlaceForm(forms.Form):
    """A place: an address, a WGS-84 point, or both (at least one)."""

    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, **LATITUDE)
    longitude = forms.FloatField(label=_("Longitude"), required=False, **LONGITUDE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or neither."))
        if lat is None and not data.get("address") and not self.errors:
            raise forms.ValidationError(_("Give the address or pick the point on the map."))
        return data


class IntakeForm(PlaceForm):
    """The operator console (受理): the caller, what, where, how urgent."""

    phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Caller's name"), max_length=50, required=False)
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        required=False,
        validators=[validate_resident_id],
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_("No name or phone is kept, so no callback is owed."),
    )
    confidential = forms.BooleanField(
        label=_("Confidential (保密)"),
        required=False,
        help_text=_("The caller's identity is shown to nobody outside the centre."),
    )
    category = CategoryField(label=_("Category"))
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    field_order = [
        "phone",
        "name",
        "resident_id",
        "anonymous",
        "confidential",
        "category",
        "address",
        "latitude",
        "longitude",
        "description",
        "urgency",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("anonymous") and not data.get("phone"):
            self.add_error("phone", _("Give the caller's phone, or mark the call anonymous."))
        return data


class ReportForm(PlaceForm):
    """A citizen's report on the portal: what, where, photos."""

    category = CategoryField(label=_("What kind of problem"))
    description = forms.CharField(
        label=_("What is wrong"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = PhotosField(label=_("Photos"))
    confidential = forms.BooleanField(
        label=_("Keep my identity confidential"),
        required=False,
        help_text=_("The departments handling it will not see your name or phone."),
    )


class DirectAnswerForm(IntakeForm):
    """The console's direct answer (直办): the call is registered and closed with an answer."""

    article = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class DispatchForm(forms.Form):
    """Dispatch (派单): from the directory when no lead is chosen; a chosen lead needs a reason."""

    lead = forms.ModelChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("From the dispatch directory"),
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting departments"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ReassignForm(DispatchForm):
    """Reassignment (改派): another lead, always with a reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].required = True
        self.fields["lead"].empty_label = None
        self.fields["reason"].required = True


class ReasonForm(forms.Form):
    """A return (退单), a dispute (派单异议), a split (拆单), a reopening: a reason."""

    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(TEXTAREA))


class HandleForm(forms.Form):
    """Handling progress: a note and/or result photos."""

    note = forms.CharField(
        label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(TEXTAREA)
    )
    photos = PhotosField(label=_("Result photos"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("note") and not data.get("photos") and not self.errors:
            raise forms.ValidationError(_("Write a note or add a photo."))
        return data


class ReplyForm(forms.Form):
    """Finish handling and answer the citizen (办理反馈)."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    result = forms.CharField(
        label=_("What was done"), max_length=4000, required=False, widget=forms.Textarea(TEXTAREA)
    )
    reply = forms.CharField(
        label=_("Reply to the citizen"), max_length=4000, widget=forms.Textarea(TEXTAREA)
    )
    photos = PhotosField(label=_("Result photos"))


class ExtendForm(forms.Form):
    """Ask for the one extension (延期)."""

    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=10)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(TEXTAREA))


class ExtendDecideForm(forms.Form):
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Approve")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class ArbitrateForm(forms.Form):
    """A supervisor's binding decision on a dispute or two returns (仲裁)."""

    lead = forms.ModelChoiceField(
        label=_("Department that handles it"), queryset=Department.objects.filter(is_active=True)
    )
    fault = forms.ChoiceField(
        label=_("Who was wrong"), choices=Arbitration.Fault.choices, widget=forms.RadioSelect
    )
    decision = forms.CharField(
        label=_("Decision"), max_length=2000, widget=forms.Textarea(TEXTAREA)
    )


class SupervisionForm(forms.Form):
    """A 督办单: the instruction to the department."""

    note = forms.CharField(label=_("Instruction"), max_length=2000, widget=forms.Textarea(TEXTAREA))


class SupervisionAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(TEXTAREA))


class CallbackForm(forms.Form):
    """The callback (回访) or the reporter's own rating: five levels and resolved or not."""

    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    resolved = forms.TypedChoiceField(
        label=_("Was the problem resolved?"),
        choices=[("yes", _("Resolved")), ("no", _("Not resolved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(TEXTAREA)
    )


class ArticleForm(forms.Form):
    """A knowledge base answer (知识库): saving makes a new version of its key."""

    key = forms.SlugField(label=_("Key"), max_length=80)
    category = CategoryField(label=_("Category"))
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 6}))
    keywords = forms.CharField(label=_("Keywords"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any active category, not only leaves: an answer may cover a whole branch.
        self.fields["category"].queryset = Category.objects.filter(is_active=True)


class QueueFilterForm(forms.Form):
    """The handler's queue filters (GET). Unknown values filter nothing."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any open")), *((s.value, s.label) for s in OPEN_STATUSES)],
    )
    card = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            (Card.RED.value, _("Red card")),
            (Card.YELLOW.value, _("Yellow card")),
            ("none", _("On time")),
        ],
    )
    category = forms.CharField(label=_("Category"), required=False, max_length=30)
    q = forms.CharField(label=_("Number or address"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)

    def value(self, name: str) -> str:
        if not self.is_valid() and not hasattr(self, "cleaned_data"):
            return ""
        return str(self.cleaned_data.get(name) or "") if name not in self.errors else ""
