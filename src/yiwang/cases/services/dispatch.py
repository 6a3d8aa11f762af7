"""An officer command by name, for the workbench and the API, and the fields each takes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from yiwang.cases.models import Case, SupplementRequest
from yiwang.cases.services.officer_commands import (
    case_accept,
    case_approve,
    case_complete,
    case_deny,
    case_extend,
    case_reject,
    certificate_issue,
    special_procedure_finish,
    special_procedure_start,
    supplement_request,
)
from yiwang.identity.models import User

_DISPATCH: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {
    "accept": (case_accept, ()),
    "reject": (case_reject, ("reason", "legal_basis")),
    "request_supplement": (supplement_request, ("items", "note")),
    "start_special_procedure": (special_procedure_start, ("procedure", "reason", "expected_days")),
    "finish_special_procedure": (special_procedure_finish, ("note",)),
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

    Dispatches to the service (officer_commands) of the same workflow command (accept,
    reject, request_supplement, start_special_procedure,
    finish_special_procedure, extend, approve, deny, issue_certificate,
    complete), passing the fields it takes; unknown fields are ignored.
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
