"""Running an officer command by name, for the workbench and the API (``case_command``), and
the fields each command takes (``COMMAND_FIELDS``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiwang.cases.models import Case, SupplementRequest
from yiwang.cases.services.decisions import (
    case_approve,
    case_complete,
    case_deny,
    certificate_issue,
)
from yiwang.cases.services.intake import case_accept, case_reject
from yiwang.cases.services.review_stage import (
    case_extend,
    case_return_for_review,
    case_review,
    site_inspection_record,
    special_procedure_finish,
    special_procedure_start,
)
from yiwang.cases.services.supplement_requests import supplement_request
from yiwang.identity.models import User

_DISPATCH: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "accept": (case_accept, ()),
    "reject": (case_reject, ("reason", "legal_basis")),
    "request_supplement": (supplement_request, ("items", "note")),
    "start_special_procedure": (special_procedure_start, ("procedure", "reason", "expected_days")),
    "finish_special_procedure": (special_procedure_finish, ("note",)),
    "record_inspection": (site_inspection_record, ("findings",)),
    "review": (case_review, ("outcome", "opinion")),
    "return_for_review": (case_return_for_review, ("reason",)),
    "extend": (case_extend, ("reason",)),
    "approve": (case_approve, ("reason", "legal_basis")),
    "deny": (case_deny, ("reason", "legal_basis")),
    "issue_certificate": (certificate_issue, ("certificate_number",)),
    "complete": (case_complete, ()),
}

#: Fields each officer command takes (for forms and the API schema).
COMMAND_FIELDS: dict[str, tuple[str, ...]] = {name: f for name, (_fn, f) in _DISPATCH.items()}

_DEFAULTS: dict[str, Any] = {"items": [], "expected_days": 0, "certificate_number": None}


def case_command(
    *,
    case: Case,
    actor: User,
    command: str,
    fields: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Case:
    """Run the officer command ``command`` by name with ``fields`` (for the workbench and API).

    Dispatches to the service above of the same workflow command (accept,
    reject, request_supplement, start_special_procedure,
    finish_special_procedure, record_inspection, review, return_for_review,
    extend, approve, deny, issue_certificate, complete), passing the fields it
    takes; unknown fields are ignored.
    Errors: those of the service; ValidationError (field ``command``) for an
    unknown command name.
    """
    entry = _DISPATCH.get(command)
    if entry is None:
        raise ValidationError({"command": [_("Unknown action.")]})
    service, names = entry
    given = dict(fields or {})
    kwargs: dict[str, Any] = {n: given.get(n, _DEFAULTS.get(n, "")) for n in names}
    result = service(case=case, actor=actor, expected_version=expected_version, at=at, **kwargs)
    if isinstance(result, SupplementRequest):
        return Case.objects.select_related("department", "service_version").get(pk=result.case_id)
    assert isinstance(result, Case)
    return result
