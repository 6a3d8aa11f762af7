"""Forgotten passwords: a link by e-mail or a code by SMS, single use, expiring, throttled.

Requests
    ``password_reset_request_email`` / ``password_reset_request_sms`` answer
    the same whether or not an account uses the address (the views show the
    same page either way); they enqueue the message in the same transaction
    (``yiwang.identity.tasks``), so the answer never waits for a mail server
    or an SMS gateway.
Messages (background tasks)
    ``password_reset_email_deliver`` makes the link there, with Django's
    ``PasswordResetTokenGenerator``: the token is derived from the password
    hash and the last sign-in, so it stops working once used, and after
    ``PASSWORD_RESET_TIMEOUT`` (``YIWANG_PASSWORD_RESET_MINUTES``). It is never
    stored. ``password_reset_code_deliver`` draws the 6-digit code there and
    stores only its keyed hash; a code lasts as long, allows
    ``CODE_MAX_ATTEMPTS`` wrong tries, and is used once.
Setting the new password
    ``password_reset_confirm_email`` (the link's token),
    ``password_reset_confirm_sms`` (the phone number and the code).

Everything is audited (``identity.password_reset_*``) and throttled
(``services.throttle``: RESET_TARGET, RESET_NETWORK, RESET_CODE).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.clients import client_network
from yiwang.core.tasks import enqueue_with_transaction
from yiwang.identity.masking import mask_email, mask_phone
from yiwang.identity.models import PasswordResetCode, User
from yiwang.identity.services.throttle import (
    RESET_CODE,
    RESET_NETWORK,
    RESET_TARGET,
    Bucket,
    throttle_charge,
    throttle_refund,
)

logger = logging.getLogger(__name__)

#: Wrong tries after which a code stops working.
CODE_MAX_ATTEMPTS = 5
_CODE_SALT = "yiwang.identity.password_reset_code"


class ResetRefused(Exception):
    """The link or code is wrong, expired, used up or was never sent (one answer for all)."""


class ResetThrottled(Exception):
    """Too many wrong codes for this phone number lately; ``wait`` until the next try."""

    def __init__(self, wait: dt.timedelta) -> None:
        super().__init__(wait)
        self.wait = wait


def password_reset_lifetime() -> dt.timedelta:
    """How long a link or a code works (``PASSWORD_RESET_TIMEOUT``, from
    ``YIWANG_PASSWORD_RESET_MINUTES``). Read at call time."""
    return dt.timedelta(seconds=int(settings.PASSWORD_RESET_TIMEOUT))


def _resettable(users: list[User]) -> list[User]:
    # Accounts that sign in only through the city's identity service have no
    # usable password, and inactive accounts must not come back through here.
    return [u for u in users if u.is_active and u.has_usable_password()]


def _request_buckets(target: str, address: str) -> list[Bucket]:
    buckets = [Bucket(RESET_TARGET, target)]
    network = client_network(address)
    if network:
        buckets.append(Bucket(RESET_NETWORK, network))
    return buckets


def password_reset_request_email(
    *, email: str, address: str, origin: str, language: str, at: dt.datetime | None = None
) -> None:
    """Send a reset link to every active account with a password that uses ``email``.

    ``origin`` (scheme and host, from the request) starts the link;
    ``language`` is the one the message is written in. Says nothing back:
    the caller shows the same page whether or not such an account exists, or
    the request was throttled (then nothing is sent). Side effects: throttle
    rows; one ``password_reset_email_send`` task per account, in this
    transaction; an audit entry ``identity.password_reset_request`` (or
    ``…_throttled``), address masked.
    """
    now = at or timezone.now()
    email = email.strip()
    details = {"channel": "email", "to": mask_email(email), "ip": address}
    wait = throttle_charge(_request_buckets(email.casefold(), address), at=now)
    with transaction.atomic():
        if wait > dt.timedelta(0):
            audit_record(actor=None, action="identity.password_reset_throttled", data=details)
            return
        from yiwang.identity.tasks import password_reset_email_send

        users = _resettable(list(User.objects.filter(email__iexact=email)))
        for user in users:
            enqueue_with_transaction(password_reset_email_send, user.pk, origin, language)
            audit_record(
                actor=None, action="identity.password_reset_request", target=user, data=details
            )
        if not users:
            audit_record(actor=None, action="identity.password_reset_request", data=details)


def password_reset_request_sms(
    *, phone: str, address: str, language: str, at: dt.datetime | None = None
) -> None:
    """Send a reset code by SMS to every active account with a password that uses ``phone``.

    ``phone`` is a normalised mainland mobile number (11 digits). Each account
    gets its own code (the message names the account); earlier codes of the
    account stop working. Says nothing back, like the e-mail request. Side
    effects: throttle rows; one ``PasswordResetCode`` (without its code yet)
    and one ``password_reset_code_send`` task per account, in this
    transaction; an audit entry ``identity.password_reset_request`` (or
    ``…_throttled``), number masked.
    """
    now = at or timezone.now()
    details = {"channel": "sms", "to": mask_phone(phone), "ip": address}
    wait = throttle_charge(_request_buckets(phone, address), at=now)
    with transaction.atomic():
        if wait > dt.timedelta(0):
            audit_record(actor=None, action="identity.password_reset_throttled", data=details)
            return
        from yiwang.identity.tasks import password_reset_code_send

        users = _resettable(list(User.objects.filter(phone=phone)))
        for user in users:
            _codes_expire(user=user, now=now)
            code = PasswordResetCode.objects.create(
                user=user,
                phone=phone,
                created_at=now,
                expires_at=now + password_reset_lifetime(),
            )
            enqueue_with_transaction(password_reset_code_send, code.pk, language)
            audit_record(
                actor=None, action="identity.password_reset_request", target=user, data=details
            )
        if not users:
            audit_record(actor=None, action="identity.password_reset_request", data=details)


def _codes_expire(*, user: User, now: dt.datetime) -> None:
    PasswordResetCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )


def password_reset_link(*, user: User, origin: str) -> str:
    """The absolute link that lets ``user`` choose a new password (a fresh token)."""
    path = reverse(
        "identity:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return origin.rstrip("/") + path


def password_reset_email_deliver(*, user_id: int, origin: str, language: str) -> str:
    """Make the link and e-mail it (what the ``password_reset_email_send`` task does).

    Returns ``sent``, or ``skipped`` when the account can no longer be reset
    (deleted, deactivated, signs in elsewhere, no e-mail). Running it twice
    sends two links, both valid until one is used. Raises what the e-mail
    backend raises.
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user.email or not _resettable([user]):
        return "skipped"
    minutes = round(password_reset_lifetime().total_seconds() / 60)
    with translation.override(language):
        subject = _("Reset your password")
        body = _(
            "Someone, hopefully you, asked to reset the password of the account "
            "%(username)s.\n\n"
            "To choose a new password, open this link within %(minutes)d minutes. "
            "It works once:\n%(link)s\n\n"
            "If it was not you, ignore this message: your password stays as it is."
        ) % {
            "username": user.get_username(),
            "minutes": minutes,
            "link": password_reset_link(user=user, origin=origin),
        }
    EmailMessage(subject=subject, body=body, to=[user.email]).send(fail_silently=False)
    return "sent"


def _code_hash(code: PasswordResetCode, value: str) -> str:
    return salted_hmac(
        _CODE_SALT, f"{code.pk}:{code.user_id}:{value}", algorithm="sha256"
    ).hexdigest()


def password_reset_code_deliver(*, code_id: int, language: str) -> str:
    """Draw the code, keep its hash, send it by SMS (the ``password_reset_code_send`` task).

    Returns ``sent``, or ``skipped`` when the code was sent already, has
    expired or was used. The row is locked while the code is drawn and its
    hash committed before the message leaves, so the code works as soon as
    it arrives. If the SMS gateway raises, the exception propagates (the
    task fails, logged) and the person asks for a new code.
    """
    from yiwang.notifications.sms import get_sms_sender

    now = timezone.now()
    with transaction.atomic():
        code = (
            PasswordResetCode.objects.select_for_update()
            .select_related("user")
            .filter(pk=code_id)
            .first()
        )
        if code is None or code.sent_at is not None or code.used_at or code.expires_at <= now:
            return "skipped"
        value = f"{secrets.randbelow(10**6):06d}"
        code.code_hash = _code_hash(code, value)
        code.sent_at = now
        code.save(update_fields=["code_hash", "sent_at"])
    minutes = max(1, round((code.expires_at - now).total_seconds() / 60))
    with translation.override(language):
        text = _(
            "%(site)s: %(code)s is your code to reset the password of %(username)s. "
            "It is valid for %(minutes)d minutes. If you did not ask for it, ignore this message."
        ) % {
            "site": settings.YIWANG_CITY_NAME_EN if language == "en" else settings.YIWANG_CITY_NAME,
            "code": value,
            "username": code.user.get_username(),
            "minutes": minutes,
        }
    get_sms_sender().send(code.phone, text)
    return "sent"


def _password_set(*, user: User, new_password: str, now: dt.datetime) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    _codes_expire(user=user, now=now)


def password_reset_confirm_email(
    *, user: User, token: str, new_password: str, address: str, at: dt.datetime | None = None
) -> User:
    """Set ``user``'s new password with the token of an e-mailed link.

    Locks the user row and checks the token against it, so of two uses of one
    link only the first works. Validates the password with Django's
    validators (``ValidationError``). The new password signs out every other
    session of the account (their session hash no longer matches) and stops
    every link and code sent before. Raises ``ResetRefused``. Audited as
    ``identity.password_reset`` (channel ``email``).
    """
    now = at or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None or not _resettable([locked]):
            raise ResetRefused
        if not default_token_generator.check_token(locked, token):
            raise ResetRefused
        validate_password(new_password, locked)
        _password_set(user=locked, new_password=new_password, now=now)
        audit_record(
            actor=locked,
            action="identity.password_reset",
            target=locked,
            data={"channel": "email", "ip": address},
        )
    user.password = locked.password
    return locked


def password_reset_confirm_sms(
    *, phone: str, code: str, new_password: str, address: str, at: dt.datetime | None = None
) -> User:
    """Set a new password with a code sent by SMS to ``phone``; returns whose it was.

    The code is compared with every live code sent to the number (one per
    account that uses it). A wrong code counts against each of them (void
    after ``CODE_MAX_ATTEMPTS``) and against the number (RESET_CODE throttle:
    ``ResetThrottled`` while it asks for a wait, even for the right code).
    Raises ``ResetRefused`` for a wrong, expired, used or unknown code — the
    same for a number no account uses — and ``ValidationError`` (code not
    used up) when the new password is not acceptable. Audited:
    ``identity.password_reset`` (channel ``sms``) or
    ``identity.password_reset_code_wrong``.
    """
    now = at or timezone.now()
    buckets = [Bucket(RESET_CODE, phone)]
    wait = throttle_charge(buckets, at=now)
    if wait > dt.timedelta(0):
        audit_record(
            actor=None,
            action="identity.password_reset_throttled",
            data={"channel": "sms", "to": mask_phone(phone), "ip": address, "step": "code"},
        )
        raise ResetThrottled(wait)
    code = code.strip()
    problem: ValidationError | None = None
    with transaction.atomic():
        live = list(
            PasswordResetCode.objects.select_for_update()
            .select_related("user")
            .filter(
                phone=phone,
                used_at__isnull=True,
                sent_at__isnull=False,
                expires_at__gt=now,
                attempts__lt=CODE_MAX_ATTEMPTS,
            )
            .order_by("pk")
        )
        match = None
        for candidate in live:  # compare with every one, so the time does not say which
            if constant_time_compare(_code_hash(candidate, code), candidate.code_hash):
                match = candidate
        user = None
        if match is not None and _resettable([match.user]):
            user = User.objects.select_for_update().get(pk=match.user_id)
        if user is None:
            PasswordResetCode.objects.filter(pk__in=[c.pk for c in live]).update(
                attempts=F("attempts") + 1
            )
            audit_record(
                actor=None,
                action="identity.password_reset_code_wrong",
                data={"to": mask_phone(phone), "ip": address},
            )
        else:
            try:
                validate_password(new_password, user)
            except ValidationError as error:
                problem = error
            else:
                _password_set(user=user, new_password=new_password, now=now)
                assert match is not None
                match.used_at = now
                match.save(update_fields=["used_at"])
                audit_record(
                    actor=user,
                    action="identity.password_reset",
                    target=user,
                    data={"channel": "sms", "ip": address},
                )
    if user is None:
        raise ResetRefused
    # The right code: this try does not count against the number.
    throttle_refund(buckets, at=now)
    if problem is not None:
        raise problem
    return user


def password_reset_codes_purge(*, at: dt.datetime | None = None) -> int:
    """Delete the codes that expired over a day ago (the scheduler runs this); returns how many.

    The audit log keeps the record of every request and reset.
    """
    now = at or timezone.now()
    return PasswordResetCode.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()[0]
