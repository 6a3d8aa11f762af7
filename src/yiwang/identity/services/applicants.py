"""Applicant profiles: citizens (自然人) and enterprises (法人), and citizens' own sign-up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.core.audit import audit_record
from yiwang.core.clients import client_network
from yiwang.identity.masking import mask_resident_id
from yiwang.identity.models import Citizen, Enterprise, EnterpriseMember, Region, Role, User
from yiwang.identity.selectors import is_legal_representative_of
from yiwang.identity.services.roles import applicant_role_ensure
from yiwang.identity.services.throttle import REGISTER_NETWORK, Bucket, throttle_charge
from yiwang.identity.validators import (
    normalize_mobile,
    normalize_resident_id,
    normalize_uscc,
    validate_mobile,
    validate_phone,
    validate_resident_id,
)


class RegistrationThrottled(Exception):
    """Too many sign-ups from this network lately; ``wait`` before the next one."""

    def __init__(self, wait: dt.timedelta) -> None:
        super().__init__(wait)
        self.wait = wait


def citizen_register(
    *, user: User, name: str, resident_id: str, phone: str, address: str = ""
) -> Citizen:
    """Record the natural-person profile (自然人) of ``user`` and give them the citizen role.

    Validates the resident ID (GB 11643) and the phone; one profile per user
    and per resident ID. Audited as ``identity.citizen_register`` with the
    resident ID masked. Raises ``ValidationError`` with field errors.
    """
    if Citizen.objects.filter(user=user).exists():
        raise ValidationError(_("This account already has a citizen profile."), code="exists")
    phone = phone.strip()
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise ValidationError({"phone": error.messages}) from None
    citizen = Citizen(
        user=user,
        name=name.strip(),
        resident_id=normalize_resident_id(resident_id),
        phone=phone,
        address=address.strip(),
    )
    with transaction.atomic():
        citizen.full_clean()
        citizen.save()
        applicant_role_ensure(user=user, role=Role.CITIZEN)
        audit_record(
            actor=user,
            action="identity.citizen_register",
            target=citizen,
            data={"resident_id": mask_resident_id(citizen.resident_id)},
        )
    return citizen


def enterprise_register(
    *,
    user: User,
    name: str,
    uscc: str,
    legal_representative: str,
    address: str = "",
    region: Region | None = None,
    is_legal_representative: bool = False,
    authorisation: str = "",
    valid_until: dt.date | None = None,
) -> Enterprise:
    """Record a legal person (法人) and make ``user`` its first agent.

    Validates the unified social credit code (GB 32100), which must be new;
    an agent of an enterprise already registered is added by its legal
    representative or an administrator with ``enterprise_add_member``. Gives
    ``user`` the enterprise role. Audited as ``identity.enterprise_register``.

    ``is_legal_representative`` is taken on the caller's word: nothing here
    checks that ``user`` is the person named ``legal_representative``, and a
    legal representative may add agents. Pass True only for what was checked
    elsewhere: the demo loader, an administrator who saw the business licence,
    a deployment that has the city's identity platform's verified claim. No
    page offers this function to applicants.
    """
    enterprise = Enterprise(
        name=name.strip(),
        uscc=normalize_uscc(uscc),
        legal_representative=legal_representative.strip(),
        address=address.strip(),
        region=region,
    )
    with transaction.atomic():
        enterprise.full_clean()
        enterprise.save()
        EnterpriseMember.objects.create(
            enterprise=enterprise,
            user=user,
            is_legal_representative=is_legal_representative,
            authorisation=authorisation.strip(),
            valid_until=valid_until,
        )
        applicant_role_ensure(user=user, role=Role.ENTERPRISE)
        audit_record(
            actor=user,
            action="identity.enterprise_register",
            target=enterprise,
            data={
                "uscc": enterprise.uscc,
                "agent": user.username,
                "is_legal_representative": is_legal_representative,
            },
        )
    return enterprise


def enterprise_member_errors(
    *, is_legal_representative: bool, authorisation: str
) -> dict[str, list[str]]:
    """What is wrong with a membership as entered, by field (empty when nothing is): an agent
    who is not the legal representative acts under a power of attorney (授权委托书), named.
    The admin's inline forms show the same."""
    if not is_legal_representative and not authorisation.strip():
        return {"authorisation": [_("Name the power of attorney the agent acts under.")]}
    return {}


def _check_member_actor(
    actor: User | None,
    enterprise: Enterprise,
    permission: str,
    *,
    legal_representative_involved: bool,
) -> None:
    """PermissionDenied unless ``actor`` is an administrator (``permission``; None, the system)
    or a current legal representative of ``enterprise`` acting on an agent (not on a legal
    representative, which only an administrator records)."""
    if actor is None or actor.has_perm(permission):
        return
    if not is_legal_representative_of(actor, enterprise):
        raise PermissionDenied(
            _("Only the legal representative of this enterprise may manage its agents.")
        )
    if legal_representative_involved:
        raise PermissionDenied(
            _("Only an administrator records who is an enterprise's legal representative.")
        )


def enterprise_add_member(
    *,
    enterprise: Enterprise,
    user: User,
    actor: User | None,
    is_legal_representative: bool = False,
    authorisation: str = "",
    valid_until: dt.date | None = None,
) -> EnterpriseMember:
    """Let ``user`` act for ``enterprise`` too (a user may act for several enterprises).

    Who may: the enterprise's *current* legal representative
    (``selectors.is_legal_representative_of``, today) adds agents; a user with
    ``identity.add_enterprisemember`` (an administrator; ``None``, the system)
    adds anyone, and only they may mark ``is_legal_representative`` (an agent
    cannot promote themselves or others). An agent who is not the legal
    representative acts under an ``authorisation`` (the power of attorney,
    授权委托书), which is required, until ``valid_until`` (None: until
    revoked). Gives ``user`` the enterprise role. Audited as
    ``identity.enterprise_add_member``. Raises PermissionDenied, or
    ValidationError (already a member; no authorisation).
    """
    _check_member_actor(
        actor,
        enterprise,
        "identity.add_enterprisemember",
        legal_representative_involved=is_legal_representative,
    )
    with transaction.atomic():
        if EnterpriseMember.objects.filter(enterprise=enterprise, user=user).exists():
            raise ValidationError(
                _("%(user)s already acts for %(enterprise)s.")
                % {"user": user, "enterprise": enterprise},
                code="exists",
            )
        errors = enterprise_member_errors(
            is_legal_representative=is_legal_representative, authorisation=authorisation
        )
        if errors:
            raise ValidationError(errors)
        member = EnterpriseMember.objects.create(
            enterprise=enterprise,
            user=user,
            is_legal_representative=is_legal_representative,
            authorisation=authorisation.strip(),
            valid_until=valid_until,
        )
        applicant_role_ensure(user=user, role=Role.ENTERPRISE)
        audit_record(
            actor=actor,
            action="identity.enterprise_add_member",
            target=enterprise,
            data={"agent": user.username, **_member_terms(member)},
        )
    return member


def _member_terms(member: EnterpriseMember) -> dict[str, object]:
    return {
        "is_legal_representative": member.is_legal_representative,
        "authorisation": member.authorisation,
        "valid_until": member.valid_until.isoformat() if member.valid_until else None,
    }


def enterprise_member_update(
    *,
    member: EnterpriseMember,
    actor: User | None,
    is_legal_representative: bool,
    authorisation: str,
    valid_until: dt.date | None,
) -> EnterpriseMember:
    """Change the terms under which a user acts for an enterprise: whether they are its legal
    representative, the power of attorney, the last valid day.

    Who may: a user with ``identity.change_enterprisemember`` (``None``, the
    system); or the enterprise's current legal representative, for an agent
    who is not a legal representative and stays one (only an administrator
    records legal representatives). The same rule as
    :func:`enterprise_add_member` on the power of attorney. Locks the row;
    audited as ``identity.enterprise_member_update`` with the terms before and
    after (nothing is written when nothing changed).
    """
    with transaction.atomic():
        locked = (
            EnterpriseMember.objects.select_for_update()
            .select_related("enterprise", "user")
            .get(pk=member.pk)
        )
        _check_member_actor(
            actor,
            locked.enterprise,
            "identity.change_enterprisemember",
            legal_representative_involved=locked.is_legal_representative or is_legal_representative,
        )
        errors = enterprise_member_errors(
            is_legal_representative=is_legal_representative, authorisation=authorisation
        )
        if errors:
            raise ValidationError(errors)
        before = _member_terms(locked)
        locked.is_legal_representative = is_legal_representative
        locked.authorisation = authorisation.strip()
        locked.valid_until = valid_until
        after = _member_terms(locked)
        if after != before:
            locked.save(update_fields=["is_legal_representative", "authorisation", "valid_until"])
            audit_record(
                actor=actor,
                action="identity.enterprise_member_update",
                target=locked.enterprise,
                data={"agent": locked.user.username, "before": before, "after": after},
            )
    return locked


def enterprise_member_remove(*, member: EnterpriseMember, actor: User | None) -> None:
    """The user no longer acts for the enterprise (their enterprise role stays: they may act
    for others, and it gives nothing by itself).

    Who may: a user with ``identity.delete_enterprisemember`` (``None``, the
    system); or the enterprise's current legal representative, for an agent
    who is not a legal representative. Audited as
    ``identity.enterprise_member_remove`` with the terms the user acted under.
    """
    with transaction.atomic():
        locked = (
            EnterpriseMember.objects.select_for_update()
            .select_related("enterprise", "user")
            .get(pk=member.pk)
        )
        _check_member_actor(
            actor,
            locked.enterprise,
            "identity.delete_enterprisemember",
            legal_representative_involved=locked.is_legal_representative,
        )
        terms = _member_terms(locked)
        locked.delete()
        audit_record(
            actor=actor,
            action="identity.enterprise_member_remove",
            target=locked.enterprise,
            data={"agent": locked.user.username, **terms},
        )


def _resident_id_taken_message() -> str:
    return str(Citizen._meta.get_field("resident_id").error_messages["unique"])


def _account_errors(
    *, username: str, password: str, name: str, resident_id: str, phone: str, email: str
) -> dict[str, list[str]]:
    """Every problem with a sign-up, per field (empty when there is none). Reads the users
    and citizens tables for the username and the resident ID."""
    errors: dict[str, list[str]] = {}

    def check(field: str, validator: Callable[[str], object], value: str) -> None:
        try:
            validator(value)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)

    username_field = User._meta.get_field("username")
    if not username:
        errors["username"] = [_("Choose a username.")]
    else:
        for validator in username_field.validators:
            check("username", validator, username)
        if "username" not in errors and User._default_manager.filter(username=username).exists():
            errors["username"] = [_("This username is taken. Choose another one.")]
    if not name:
        errors["name"] = [_("Enter your name as it is on your resident ID card.")]
    elif len(name) > Citizen._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = [_("A name has at most 50 characters.")]
    if not resident_id:
        errors["resident_id"] = [_("Enter your resident ID number.")]
    else:
        check("resident_id", validate_resident_id, resident_id)
        if (
            "resident_id" not in errors
            and Citizen.objects.filter(resident_id=normalize_resident_id(resident_id)).exists()
        ):
            errors["resident_id"] = [_resident_id_taken_message()]
    if not phone:
        errors["phone"] = [
            _("Enter your mobile number: it receives the codes to reset your password.")
        ]
    else:
        check("phone", validate_mobile, phone)
    if email:
        check("email", validate_email, email)
    if not password:
        errors["password"] = [_("Choose a password.")]
    else:
        candidate = User(username=username, email=email, display_name=name)
        check("password", lambda value: validate_password(value, candidate), password)
    return errors


def citizen_account_register(
    *,
    username: str,
    password: str,
    name: str,
    resident_id: str,
    phone: str,
    email: str = "",
    address: str = "",
    at: dt.datetime | None = None,
) -> User:
    """A citizen opens their own account (注册): the user, the citizen profile, the role.

    ``address`` is the client's network address: sign-ups are throttled per
    network (``REGISTER_NETWORK``); past the free ones ``RegistrationThrottled``
    says how long to wait, and nothing is written but the count (which
    stays, so probing "is this resident ID registered?" is slow too).
    Validates every field at once and raises one ``ValidationError`` keyed by
    field (``username``, ``password`` with Django's password validators,
    ``name``, ``resident_id`` with GB 11643, ``phone`` a mainland mobile,
    ``email`` optional). A resident ID that already has an account is refused
    with a message that names no one. Writes in one transaction (on any error
    nothing of the account exists): the user (phone normalised, display name
    = name), its citizen profile and role through ``citizen_register``, and
    the audit entries ``identity.account_register`` (with the address) and
    ``identity.citizen_register``.
    """
    now = at or timezone.now()
    username, name, email = username.strip(), name.strip(), email.strip()
    resident_id, phone = resident_id.strip(), phone.strip()
    network = client_network(address)
    if network:
        wait = throttle_charge([Bucket(REGISTER_NETWORK, network)], at=now)
        if wait > dt.timedelta(0):
            raise RegistrationThrottled(wait)
    fields = {
        "username": username,
        "password": password,
        "name": name,
        "resident_id": resident_id,
        "phone": phone,
        "email": email,
    }
    errors = _account_errors(**fields)
    if errors:
        raise ValidationError(errors)
    mobile = normalize_mobile(phone)
    try:
        with transaction.atomic():
            user = User(username=username, email=email, phone=mobile, display_name=name)
            user.set_password(password)
            user.save()
            citizen_register(user=user, name=name, resident_id=resident_id, phone=mobile)
            audit_record(
                actor=user,
                action="identity.account_register",
                target=user,
                data={"ip": address},
            )
    except IntegrityError:
        # Someone registered the same username or resident ID in the meantime.
        errors = _account_errors(**fields)
        raise ValidationError(
            errors or {"username": [_("This username is taken. Choose another one.")]}
        ) from None
    return user
