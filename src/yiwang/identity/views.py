"""Account pages: sign in, sign up (citizens), forgotten password (link by e-mail, code by SMS).

Thin: each parses its form, calls one service and renders or redirects. The
pages that answer a reset request look the same whether or not an account
uses the address typed.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from yiwang.core.clients import client_address
from yiwang.identity import services
from yiwang.identity.devices import device_trust
from yiwang.identity.forms import (
    NewPasswordForm,
    PasswordResetRequestForm,
    RegistrationForm,
    ResetCodeForm,
    SignInForm,
)
from yiwang.identity.landing import landing_url

_RESET_PHONE = "yiwang_reset_phone"
_BACKEND = "yiwang.identity.backends.ThrottledModelBackend"


def _minutes(wait: dt.timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))


def _reset_minutes() -> int:
    return _minutes(services.password_reset_lifetime())


def _errors_to_form(form: Any, error: ValidationError, renames: dict[str, str]) -> None:
    """Put a service's ``ValidationError`` (keyed by its fields) on the form's fields."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages_ in error.message_dict.items():
        name = renames.get(field, field)
        form.add_error(name if name in form.fields else None, messages_)


class LoginView(auth_views.LoginView):
    """Password sign-in, throttled (``services.signin_attempt`` through the backend)."""

    form_class = SignInForm
    template_name = "identity/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Without a ``next``: the page of the user's work (``identity.landing``)."""
        return landing_url(self.request.user)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:home")


@sensitive_post_parameters("password1", "password2", "resident_id")
@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """A citizen opens an account (``services.citizen_account_register``), then is signed in."""
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.citizen_account_register(
                username=data["username"],
                password=data["password1"],
                name=data["name"],
                resident_id=data["resident_id"],
                phone=data["phone"],
                email=data["email"],
                address=client_address(request),
            )
        except services.RegistrationThrottled as throttled:
            minutes = _minutes(throttled.wait)
            form.add_error(
                None,
                ngettext(
                    "Too many accounts were opened from your network in a short time. "
                    "Try again in %(minutes)d minute.",
                    "Too many accounts were opened from your network in a short time. "
                    "Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            status = 429
        except ValidationError as error:
            _errors_to_form(form, error, RegistrationForm.SERVICE_FIELDS)
        else:
            login(request, user, backend=_BACKEND)
            messages.success(request, _("Your account is ready and you are signed in."))
            return redirect(_safe_next(request))
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "identity/register.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@sensitive_post_parameters("account")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_request(request: HttpRequest) -> HttpResponse:
    """Ask for a link (e-mail) or a code (SMS). The answer never says whether an account
    uses what was typed."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account = form.cleaned_data["account"]
        language = translation.get_language() or "zh-hans"
        if form.channel == "email":
            services.password_reset_request_email(
                email=account,
                address=client_address(request),
                origin=request.build_absolute_uri("/"),
                language=language,
            )
            return redirect("identity:password_reset_sent")
        services.password_reset_request_sms(
            phone=account, address=client_address(request), language=language
        )
        request.session[_RESET_PHONE] = account
        return redirect("identity:password_reset_code")
    return render(
        request,
        "identity/password_reset_request.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_safe
def password_reset_sent(request: HttpRequest) -> HttpResponse:
    """The page after an e-mail request: if an account uses the address, a link is on its way."""
    return render(request, "identity/password_reset_sent.html", {"reset_minutes": _reset_minutes()})


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """Enter the SMS code and the new password (``services.password_reset_confirm_sms``)."""
    phone = request.session.get(_RESET_PHONE)
    if not phone:
        return redirect("identity:password_reset")
    form = ResetCodeForm(data=request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.password_reset_confirm_sms(
                phone=phone,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["new_password1"],
                address=client_address(request),
            )
        except services.ResetThrottled as throttled:
            minutes = _minutes(throttled.wait)
            form.add_error(
                "code",
                ngettext(
                    "Too many wrong codes for this number. Try again in %(minutes)d minute.",
                    "Too many wrong codes for this number. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            status = 429
        except services.ResetRefused:
            form.add_error(
                "code",
                _(
                    "This code is not right, has expired or was used already. Check it, "
                    "or ask for a new code."
                ),
            )
        except ValidationError as error:  # the code was right; the password is not acceptable
            form.add_error("new_password1", error.messages)
        else:
            del request.session[_RESET_PHONE]
            device_trust(request, user)
            return redirect("identity:password_reset_complete")
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "identity/password_reset_code.html",
        {"form": form, "phone": phone, "reset_minutes": _reset_minutes()},
        status=status,
    )


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: Django checks the token and keeps it in the session (out of the
    address bar); the new password goes through ``services.password_reset_confirm_email``."""

    form_class = NewPasswordForm  # type: ignore[assignment]  # validated by the service
    template_name = "identity/password_reset_confirm.html"
    success_url = reverse_lazy("identity:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        token = self.request.session.get(INTERNAL_RESET_SESSION_TOKEN, "")
        try:
            if self.user is None:  # Django shows a bad link without a form: not reached
                raise services.ResetRefused
            user = services.password_reset_confirm_email(
                user=self.user,
                token=token,
                new_password=form.cleaned_data["new_password1"],
                address=client_address(self.request),
            )
        except services.ResetRefused:
            self.validlink = False
            return self.render_to_response(self.get_context_data(form=None))
        except ValidationError as error:
            form.add_error("new_password1", error.messages)
            return self.form_invalid(form)
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        device_trust(self.request, user)
        return redirect(self.success_url)


@require_safe
def password_reset_complete(request: HttpRequest) -> HttpResponse:
    """The page after a reset: the password is changed, sign in with it."""
    return render(request, "identity/password_reset_complete.html")
