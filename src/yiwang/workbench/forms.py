"""Forms of the officer workbench: the queue's filters and one small form per action.

Every action form carries ``expected_version`` (hidden): the ``Case.version``
the officer saw, passed to the service so that of two officers acting at once
one wins and the other is told the case changed. Field ids are prefixed with
the action (``id_reject_reason``, ``id_deny_reason``) so that several forms
live on one page; field names stay plain (``reason``) because each form posts
to its own URL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.cases.texts import PROCEDURES, REVIEW_OUTCOMES
from yiwang.catalog.models import Material
from yiwang.identity.models import User
from yiwang.portal.templatetags.portal import translated
from yiwang.workbench.display import officer_label
from yiwang.workbench.texts import OFFICER_STEP_LABELS, OPEN_STEPS

TEXTAREA = {"rows": 3}


class QueueFilterForm(forms.Form):
    """The queue's filters (GET). Invalid values are ignored, never an error page."""

    service = forms.ChoiceField(label=_("Service"), required=False)
    step = forms.ChoiceField(label=_("Step"), required=False)
    light = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[
            ("", _("Any")),
            ("red", _("Overdue")),
            ("yellow", _("Due soon")),
            ("green", _("On track")),
        ],
    )
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("unassigned", _("Unassigned"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("due", _("Due date, soonest first")), ("received", _("Received, oldest first"))],
    )

    def __init__(self, *args: Any, services: Iterable[tuple[str, str]] = (), **kwargs: Any):
        kwargs.setdefault("auto_id", "id_filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("All services")), *services]
        self.fields["step"].choices = [
            ("", _("Any step")),
            *((step, label) for step, label in OFFICER_STEP_LABELS.items() if step in OPEN_STEPS),
        ]

    def value(self, name: str) -> str:
        """The cleaned value of a valid field, else "" (an unknown value filters nothing)."""
        if not self.is_valid() and not hasattr(self, "cleaned_data"):
            return ""
        return str(self.cleaned_data.get(name) or "") if name not in self.errors else ""


class ActionForm(forms.Form):
    """Base of every action: the case version the officer saw."""

    #: The workflow command this form issues (None for assignment forms).
    command: str | None = None
    #: The label of the submit button.
    button: Any = _("Confirm")

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, prefix_id: str = "", **kwargs: Any):
        kwargs.setdefault("auto_id", f"id_{prefix_id or self.command}_%s")
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].error_messages["required"] = _(
            "The page was out of date. Reload it and try again."
        )

    def service_fields(self) -> dict[str, Any]:
        """The fields passed to ``cases.services.case_command``."""
        return {k: v for k, v in self.cleaned_data.items() if k != "expected_version"}


class AcceptForm(ActionForm):
    command = "accept"
    button = _("Accept the application")


class RejectForm(ActionForm):
    command = "reject"
    button = _("Reject the application")

    reason = forms.CharField(
        label=_("Reason for not accepting"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The applicant reads this."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupplementRequestForm(ActionForm):
    """Everything missing or faulty at once (一次性告知): every material of the version with a
    checkbox and a reason, plus rows for other documents."""

    command = "request_supplement"
    button = _("Send the request for supplements")
    OTHER_ROWS = 3

    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, materials: Iterable[Material] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.material_rows: list[tuple[Material, str, str]] = []
        for material in self.materials:
            pick, reason = f"material_{material.pk}", f"material_{material.pk}_reason"
            self.fields[pick] = forms.BooleanField(label=_material_label(material), required=False)
            self.fields[reason] = forms.CharField(
                label=_("What is missing or wrong"),
                required=False,
                max_length=500,
                widget=forms.TextInput(attrs={"placeholder": _("What is missing or wrong")}),
            )
            self.material_rows.append((material, pick, reason))
        self.other_rows: list[tuple[str, str]] = []
        for n in range(1, self.OTHER_ROWS + 1):
            name, reason = f"other_{n}_name", f"other_{n}_reason"
            self.fields[name] = forms.CharField(
                label=_("Other document %(n)d") % {"n": n}, required=False, max_length=100
            )
            self.fields[reason] = forms.CharField(
                label=_("Why it is needed (document %(n)d)") % {"n": n},
                required=False,
                max_length=500,
            )
            self.other_rows.append((name, reason))

    def rows(self) -> list[tuple[Material, forms.BoundField, forms.BoundField]]:
        return [(m, self[pick], self[reason]) for m, pick, reason in self.material_rows]

    def others(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[reason]) for name, reason in self.other_rows]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        items: list[dict[str, Any]] = []
        for material, pick, reason in self.material_rows:
            text = (data.get(reason) or "").strip()
            if data.get(pick):
                if not text:
                    self.add_error(reason, _("Say what is missing or wrong."))
                items.append({"material_id": material.pk, "reason": text})
            elif text:
                self.add_error(pick, _("Tick this material, or clear its reason."))
        for name, reason in self.other_rows:
            label, text = (data.get(name) or "").strip(), (data.get(reason) or "").strip()
            if label and not text:
                self.add_error(reason, _("Say why this document is needed."))
            elif text and not label:
                self.add_error(name, _("Name the document."))
            if label:
                items.append({"material_id": None, "name": label, "reason": text})
        if not items and not self.errors:
            raise forms.ValidationError(
                _("Tick every missing or faulty material, or name another document.")
            )
        data["items"] = items
        return data

    def service_fields(self) -> dict[str, Any]:
        return {"items": self.cleaned_data["items"], "note": self.cleaned_data.get("note", "")}


def _material_label(material: Material) -> str:
    return translated(material, "name")


class StartSpecialProcedureForm(ActionForm):
    command = "start_special_procedure"
    button = _("Start the special procedure")

    procedure = forms.ChoiceField(label=_("Procedure"), choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs=TEXTAREA))
    expected_days = forms.IntegerField(
        label=_("Expected duration (working days)"),
        min_value=1,
        max_value=365,
        help_text=_("The applicant is told; the time limit does not count these days."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("Choose…")), *PROCEDURES.items()]


class FinishSpecialProcedureForm(ActionForm):
    command = "finish_special_procedure"
    button = _("End the special procedure")

    note = forms.CharField(
        label=_("Outcome of the procedure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RecordInspectionForm(ActionForm):
    command = "record_inspection"
    button = _("Record the site inspection")

    findings = forms.CharField(
        label=_("Findings of the site inspection (现场核查)"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Who inspected, when, and what they found; the applicant reads this."),
    )


class ReviewForm(ActionForm):
    command = "review"
    button = _("Record the review opinion")

    outcome = forms.ChoiceField(label=_("Proposed outcome"), choices=())
    opinion = forms.CharField(
        label=_("Review opinion (审查意见)"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The approver decides on it; the applicant does not see it."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", _("Choose…")), *REVIEW_OUTCOMES.items()]


class ReturnForReviewForm(ActionForm):
    command = "return_for_review"
    button = _("Send back for further review")

    reason = forms.CharField(
        label=_("What the review should look at again"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtendForm(ActionForm):
    command = "extend"
    button = _("Extend the time limit")

    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Once per case, by 10 working days; the applicant is told."),
    )


class ApproveForm(ActionForm):
    command = "approve"
    button = _("Approve the application")

    reason = forms.CharField(
        label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DenyForm(ActionForm):
    command = "deny"
    button = _("Deny the application")

    reason = forms.CharField(
        label=_("Reasons for the denial"),
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("The applicant reads this, with their right to appeal."),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The law and article the denial rests on."),
    )


class IssueCertificateForm(ActionForm):
    command = "issue_certificate"
    button = _("Issue the certificate")

    certificate_number = forms.CharField(
        label=_("Certificate number"),
        required=False,
        max_length=64,
        help_text=_("Leave empty to generate one from the case number."),
    )


class CompleteForm(ActionForm):
    command = "complete"
    button = _("Complete the case")


COMMAND_FORMS: dict[str, type[ActionForm]] = {
    form.command: form
    for form in (
        AcceptForm,
        RejectForm,
        SupplementRequestForm,
        StartSpecialProcedureForm,
        FinishSpecialProcedureForm,
        RecordInspectionForm,
        ReviewForm,
        ReturnForReviewForm,
        ExtendForm,
        ApproveForm,
        DenyForm,
        IssueCertificateForm,
        CompleteForm,
    )
    if form.command
}


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return officer_label(obj)


class AssignForm(forms.Form):
    """A supervisor assigns the case to one of the department's officers."""

    assignee = OfficerChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args: Any, officers: Any = None, **kwargs: Any):
        kwargs.setdefault("auto_id", "id_assign_%s")
        super().__init__(*args, **kwargs)
        if officers is not None:
            self.fields["assignee"].queryset = officers


class ReassignForm(AssignForm):
    """Hand the case to another officer, with a reason (转办)."""

    reason = forms.CharField(
        label=_("Reason for reassigning"), widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "id_reassign_%s")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].label = _("Reassign to")


class RectificationReplyForm(forms.Form):
    """The supervisor's reply to a bad rating (整改答复); the applicant reads it."""

    reply = forms.CharField(
        label=_("Reply to the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what the department found and what it changed."),
    )
