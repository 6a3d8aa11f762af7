"""What a notification says, per kind, in the recipient's language.

English source strings (gettext); the Chinese is in the zh_Hans catalogue.
``render`` builds the title and the text from the kind and its context (the
values the cases app passes: ``number``, ``step`` and, depending on the kind,
``items``, ``reason``, ``outcome``, ``legal_basis``, ``certificate_number``,
``reply``, ``procedure``, ``expected_days``, ``due_at``, ``clock``, ``on_the_spot``).
A missing optional value leaves its sentence out; an unknown kind gets a generic
"your case was updated".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

Texts = tuple[str, str]


def _local_day(iso: Any) -> str:
    """An ISO instant as the city's local date (2027-01-05), or "–" when there is none."""
    if not iso:
        return "–"
    return timezone.localdate(datetime.fromisoformat(str(iso))).isoformat()


def _items(context: Mapping[str, Any], english: bool) -> str:
    lines = []
    for item in context.get("items") or []:
        if not isinstance(item, Mapping):
            continue
        name = str((english and item.get("name_en")) or item.get("name") or "")
        reason = str(item.get("reason") or "")
        lines.append(f"- {name}: {reason}" if reason else f"- {name}")
    return "\n".join(lines)


def _with_reason(text: str, context: Mapping[str, Any], key: str = "reason") -> str:
    reason = str(context.get(key) or "").strip()
    if not reason:
        return text
    return text + "\n" + _("Reason: %(reason)s") % {"reason": reason}


def _submitted(c: Mapping[str, Any], english: bool) -> Texts:
    space = " " if english else ""  # Chinese sentences run on without a space
    body = _("We have received your application %(number)s.") % {"number": c["number"]}
    if c.get("due_at"):
        due = {"due": _local_day(c.get("due_at"))}
        if c.get("on_the_spot"):
            body += (
                space
                + _(
                    "This service is handled on the spot (即办): it will be completed the same "
                    "working day, by %(due)s."
                )
                % due
            )
        elif c.get("clock") == "acceptance":
            body += space + _("The department will accept it or tell you why not by %(due)s.") % due
        else:
            body += space + _("The department promises to complete it by %(due)s.") % due
        if c.get("due_provisional"):
            body += space + _(
                "This date is provisional until the year's holiday schedule is published."
            )
    return _("Application received"), body


def _accepted(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Application accepted"), _(
        "Your application %(number)s has been accepted. You can follow its progress under My cases."
    ) % {"number": c["number"]}


def _rejected(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("Your application %(number)s was not accepted.") % {"number": c["number"]}
    return _("Application not accepted"), _with_reason(body, c)


def _supplement_requested(c: Mapping[str, Any], english: bool) -> Texts:
    body = _(
        "Your application %(number)s needs supplements. Please provide all of "
        "the following at once; the time limit is paused until you do."
    ) % {"number": c["number"]}
    items = _items(c, english)
    return _("Supplements needed"), f"{body}\n{items}" if items else body


def _special_procedure_started(c: Mapping[str, Any], english: bool) -> Texts:
    body = _(
        "A special procedure has started for your case %(number)s. Its time "
        "does not count towards the time limit."
    ) % {"number": c["number"]}
    if c.get("expected_days"):
        body += "\n" + _("Expected to take %(days)s working days.") % {"days": c["expected_days"]}
    return _("Special procedure started"), _with_reason(body, c)


def _special_procedure_finished(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Special procedure finished"), _(
        "The special procedure for your case %(number)s has finished; the time limit runs again."
    ) % {"number": c["number"]}


def _extended(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("The time limit of your case %(number)s has been extended.") % {"number": c["number"]}
    return _("Time limit extended"), _with_reason(body, c)


def _deadline_changed(c: Mapping[str, Any], english: bool) -> Texts:
    years = (", " if english else "、").join(map(str, c.get("years") or []))
    body = _(
        "The holiday schedule for %(years)s has been published, so the time limit of your "
        "case %(number)s was counted again: it now ends on %(due)s (it was %(previous)s)."
    ) % {
        "years": years,
        "number": c["number"],
        "due": _local_day(c.get("due_at")),
        "previous": _local_day(c.get("previous_due_at")),
    }
    if c.get("due_provisional"):
        body += "\n" + _(
            "This date is still provisional until the holiday schedule of every year it "
            "counts through is published."
        )
    return _("Time limit counted again"), body


def _decided(c: Mapping[str, Any], english: bool) -> Texts:
    number = {"number": c["number"]}
    if c.get("outcome") == "denied":
        body = _("Your application %(number)s has been denied.") % number
        basis = str(c.get("legal_basis") or "").strip()
        if basis:
            body += "\n" + _("Legal basis: %(basis)s") % {"basis": basis}
        return _("Decision: denied"), _with_reason(body, c)
    if c.get("outcome") == "approved":
        return _("Decision: approved"), _("Your application %(number)s has been approved.") % number
    return _("Decision made"), _(
        "A decision has been made on your application %(number)s."
    ) % number


def _certificate_ready(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("The certificate for your case %(number)s is ready.") % {"number": c["number"]}
    if c.get("certificate_number"):
        body += "\n" + _("Certificate number: %(certificate)s") % {
            "certificate": c["certificate_number"]
        }
    return _("Certificate ready"), body


def _completed(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Case completed"), _("Your case %(number)s is completed. Please rate our service.") % {
        "number": c["number"]
    }


def _rectification_replied(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("The department has replied to your rating of case %(number)s.") % {
        "number": c["number"]
    }
    reply = str(c.get("reply") or "").strip()
    return _("Reply to your rating"), f"{body}\n{reply}" if reply else body


def _rectification_opened(c: Mapping[str, Any], english: bool) -> Texts:
    return _("A bad rating to answer"), _(
        "The applicant of case %(number)s was dissatisfied. Find out what went wrong, put it "
        "right and reply to them by %(date)s."
    ) % {"number": c["number"], "date": _local_day(c.get("due_at"))}


def _updated(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Case updated"), _("There is news about your case %(number)s.") % {
        "number": c.get("number", "")
    }


# --- city events (12345): to the departments and to the reporter ---------------------------------


def _event_assigned(c: Mapping[str, Any], english: bool) -> Texts:
    return _("New event to handle"), _(
        "Event %(number)s (%(category)s) was dispatched to your department; "
        "please sign for it. Handling is due by %(due)s."
    ) % {"number": c["number"], "category": c.get("category", ""), "due": _local_day(c.get("due"))}


def _event_card(c: Mapping[str, Any], english: bool) -> Texts:
    if c.get("card") == "red":
        return _("Event overdue (red card)"), _(
            "Event %(number)s is overdue: its deadline has passed."
        ) % {"number": c["number"]}
    return _("Event due soon (yellow card)"), _(
        "Event %(number)s is due within one working day."
    ) % {"number": c["number"]}


def _event_supervision(c: Mapping[str, Any], english: bool) -> Texts:
    body = _(
        "A supervision order was issued on event %(number)s; "
        "your department must answer by %(due)s."
    ) % {"number": c["number"], "due": _local_day(c.get("due"))}
    return _("Supervision order"), _with_reason(body, c, "note")


def _event_reopened(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("Event %(number)s was reopened after the callback; handling is due by %(due)s.") % {
        "number": c["number"],
        "due": _local_day(c.get("due")),
    }
    return _("Event reopened"), _with_reason(body, c)


def _event_extension_decided(c: Mapping[str, Any], english: bool) -> Texts:
    if c.get("approved"):
        return _("Extension approved"), _(
            "The extension of event %(number)s was approved; it is due by %(due)s."
        ) % {"number": c["number"], "due": _local_day(c.get("due"))}
    return _("Extension refused"), _("The extension of event %(number)s was refused.") % {
        "number": c["number"]
    }


def _event_replied(c: Mapping[str, Any], english: bool) -> Texts:
    body = _("Your report %(number)s has been answered.") % {"number": c["number"]}
    reply = str(c.get("reply") or "").strip()
    return _("Your report was answered"), f"{body}\n{reply}" if reply else body


def _event_closed(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Report closed"), _("Your report %(number)s is closed. Thank you.") % {
        "number": c["number"]
    }


def _event_rating_link(c: Mapping[str, Any], english: bool) -> Texts:
    return _("Rate the answer to your report"), _(
        "Your report %(number)s has been answered. Tell us whether it was resolved and how "
        "satisfied you are (the link works once, until %(expires)s): %(url)s"
    ) % {"number": c["number"], "expires": c.get("expires", ""), "url": c.get("url", "")}


KINDS: dict[str, Callable[[Mapping[str, Any], bool], Texts]] = {
    "submitted": _submitted,
    "accepted": _accepted,
    "rejected": _rejected,
    "supplement_requested": _supplement_requested,
    "supplements_needed": _supplement_requested,
    "special_procedure_started": _special_procedure_started,
    "special_procedure_finished": _special_procedure_finished,
    "extended": _extended,
    "deadline_changed": _deadline_changed,
    "decided": _decided,
    "certificate_ready": _certificate_ready,
    "completed": _completed,
    "rectification_replied": _rectification_replied,
    "rectification_opened": _rectification_opened,
    "event_assigned": _event_assigned,
    "event_card": _event_card,
    "event_supervision": _event_supervision,
    "event_reopened": _event_reopened,
    "event_extension_decided": _event_extension_decided,
    "event_replied": _event_replied,
    "event_rating_link": _event_rating_link,
    "event_closed": _event_closed,
}


def render(kind: str, context: Mapping[str, Any], language: str) -> Texts:
    """The title and the text of a notification of ``kind``, in ``language``."""
    build = KINDS.get(kind, _updated)
    values = {"number": "", **context}
    with translation.override(language):
        title, body = build(values, language.lower().startswith("en"))
        return str(title), str(body)


def shown(kind: str, context: Mapping[str, Any], stored: Texts) -> Texts:
    """The title and text to show now, in the active language.

    Known kinds are rendered again from their context, so the inbox follows the
    reader's language switch; others keep the text stored when they were sent.
    """
    if kind not in KINDS:
        return stored
    return render(kind, context, translation.get_language() or "zh-hans")
