"""What every workbench page shares: the officer check (``officer_required``), the
case lookup (404 for a case the officer may not see), a service's errors on a form.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from yiwang.cases import selectors
from yiwang.cases.errors import CaseNotFound
from yiwang.cases.models import Case
from yiwang.identity.models import Role
from yiwang.identity.selectors import officer_assignments

View = Callable[..., HttpResponse]


def officer_required(view: View) -> View:
    """Signed in (else the login page) and an officer of some department (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assignments = officer_assignments(request.user)
        if not assignments:
            raise PermissionDenied(_("The workbench is for officers of a department."))
        departments = {a.department_id: a.department for a in assignments}
        request.officer_departments = sorted(departments.values(), key=lambda d: d.code)  # type: ignore[attr-defined]
        request.is_supervisor = any(a.role == Role.SUPERVISOR for a in assignments)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapped


def _case(request: HttpRequest, number: str) -> Case:
    try:
        return selectors.case_get_for_officer(officer=request.user, number=number)
    except CaseNotFound as exc:
        raise Http404(str(exc)) from exc


def _apply_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where it has one, else on top."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
