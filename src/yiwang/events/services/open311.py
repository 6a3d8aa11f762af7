"""Open311 GeoReport v2 writes: an integrator's key admitted and charged, a request created.

- :func:`open311_key_admit`: the key a request carries, checked (known, not
  revoked, its owner active) and charged against its rate (requests per
  minute, counted by the project's throttle, ``yiwang.identity.services
  .throttle``: a burst of the whole minute's allowance, then one request per
  ``60 / rate`` seconds).
- :func:`open311_address_admit`: a GET without an api_key, charged against its
  client address's rate (``YIWANG_OPEN311_ADDRESS_RATE`` per minute, same shape).
- :func:`open311_request_create`: POST requests — the attributes checked
  against the category's form, then ``event_register`` (channel ``open311``,
  dispatched at once from the directory), synchronously.
- :func:`open311_request_enqueue` and :func:`open311_intake_register`: the same,
  asynchronously (``YIWANG_OPEN311_ASYNC``): the request checked and stored with a
  GeoReport v2 ``token`` at once, registered by the intake workers in batches.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from yiwang.core.bulk import rows_update
from yiwang.events.errors import EventError, EventInvalid, EventNotAllowed
from yiwang.events.models import ApiKey, Category, Channel, Event, IntakeRequest, Urgency
from yiwang.events.open311.documents import LIST_DATATYPES, service_attributes
from yiwang.events.selectors import api_key_for
from yiwang.events.selectors.open311 import open311_service
from yiwang.events.services.intake import event_register, register_check
from yiwang.events.types import Place, Reporter
from yiwang.identity.services.throttle import Bucket, ThrottleRule, throttle_charge

logger = logging.getLogger(__name__)

#: How often ``last_used_at`` is written at most: a busy key does not rewrite its row
#: on every request.
LAST_USED_EVERY = timedelta(minutes=1)


class ApiKeyRefused(EventNotAllowed):
    """No api_key, an unknown or revoked one, or its owner's account is disabled (403)."""

    code = "api_key_refused"


class RateLimited(EventError):
    """The key's requests per minute are used up (429); ``retry_after`` in seconds."""

    http_status = 429
    code = "rate_limited"

    def __init__(self, message: str = "", *, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def rate_rule(scope: str, per_minute: int) -> ThrottleRule:
    """A rate as a throttle rule: ``per_minute`` requests free, one more per 60/rate s."""
    rate = max(1, per_minute)
    interval = timedelta(seconds=60 / rate)
    return ThrottleRule(scope, rate, interval, interval, interval)


def key_rule(key: ApiKey) -> ThrottleRule:
    """The key's rate as a throttle rule."""
    return rate_rule("open311_key", key.rate_per_minute)


def _retry_after(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds()))


def open311_address_admit(*, address: str, at: datetime | None = None) -> None:
    """Charge one keyless GET against its client address's rate, or raise ``RateLimited``.

    ``address`` is ``yiwang.core.clients.client_address`` of the request (the one rule
    of who is asking). The rate is ``YIWANG_OPEN311_ADDRESS_RATE`` per minute, read at
    call time. Locks the address's throttle row for a moment; no audit entry.
    """
    per_minute = settings.YIWANG_OPEN311_ADDRESS_RATE
    rule = rate_rule("open311_address", per_minute)
    wait = throttle_charge([Bucket(rule, address or "unknown")], at=at or timezone.now())
    if wait > timedelta(0):
        raise RateLimited(
            _(
                "This address's %(rate)s requests per minute without an api_key are used up: "
                "wait, or send an api_key."
            )
            % {"rate": max(1, per_minute)},
            retry_after=_retry_after(wait),
        )


def open311_key_admit(*, raw: str, at: datetime | None = None) -> ApiKey:
    """The active key ``raw`` is, charged one request against its rate.

    Raises ``ApiKeyRefused`` (no key, unknown, revoked, owner inactive) or
    ``RateLimited``. Locks the key's throttle row for a moment (its own short
    transaction, never the request's). Writes ``last_used_at`` at most once a
    minute; no audit entry (the requests the key makes are audited).
    """
    now = at or timezone.now()
    if not raw:
        raise ApiKeyRefused(_("An api_key is required."))
    key = api_key_for(raw)
    if key is None or not key.owner.is_active:
        raise ApiKeyRefused(_("The api_key is unknown or revoked."))
    wait = throttle_charge([Bucket(key_rule(key), str(key.pk))], at=now)
    if wait > timedelta(0):
        raise RateLimited(
            _("The api_key's %(rate)s requests per minute are used up.")
            % {"rate": key.rate_per_minute},
            retry_after=_retry_after(wait),
        )
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_EVERY:
        ApiKey.objects.filter(pk=key.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        key.last_used_at = now  # the process's copy too (api_key_for keeps it a moment)
    return key


@dataclass(frozen=True)
class Submitter:
    """Who sent the request, as GeoReport v2 names them (all optional)."""

    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""

    @property
    def name(self) -> str:
        if any(ord(ch) > 0x2E80 for ch in self.first_name + self.last_name):
            return f"{self.last_name}{self.first_name}"  # 姓 before 名
        return " ".join(p for p in (self.first_name, self.last_name) if p)


def _check_value(attribute: Mapping[str, Any], value: Any) -> Any:
    code, datatype = attribute["code"], attribute["datatype"]
    keys = {v["key"] for v in attribute.get("values") or []}
    if datatype == "multivaluelist":
        values = value if isinstance(value, list) else [value]
        if any(v not in keys for v in values):
            raise EventInvalid(
                _("attribute[%(code)s] takes only %(keys)s.")
                % {"code": code, "keys": sorted(keys)},
                field=code,
            )
        return values
    if isinstance(value, list):
        value = value[-1]
    if datatype == "singlevaluelist" and value not in keys:
        raise EventInvalid(
            _("attribute[%(code)s] must be one of %(keys)s.")
            % {"code": code, "keys": sorted(keys)},
            field=code,
        )
    if datatype == "number":
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise EventInvalid(
                _("attribute[%(code)s] must be a number.") % {"code": code}, field=code
            )
    if datatype == "datetime":
        try:
            ok = parse_datetime(value) is not None
        except ValueError:
            ok = False
        if not ok:
            raise EventInvalid(
                _("attribute[%(code)s] must be an ISO 8601 date-time.") % {"code": code}, field=code
            )
    if len(str(value)) > 4000:
        raise EventInvalid(
            _("attribute[%(code)s] is longer than 4,000 characters.") % {"code": code}, field=code
        )
    return value


def open311_attributes(category: Category, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to the category's variable attributes: every required one present, list
    values among the keys, numbers and date-times readable; codes the form does not ask
    are dropped. Raises ``EventInvalid`` naming the first attribute at fault."""
    answers: dict[str, Any] = {}
    for attribute in service_attributes(category):
        if not attribute["variable"]:
            continue
        code = attribute["code"]
        value = given.get(code)
        if value in (None, "", []):
            if attribute["required"]:
                raise EventInvalid(
                    _("attribute[%(code)s] is required.") % {"code": code}, field=code
                )
            continue
        if attribute["datatype"] not in LIST_DATATYPES and isinstance(value, list):
            value = value[-1]
        answers[code] = _check_value(attribute, value)
    return answers


@dataclass(frozen=True)
class Prepared:
    """A POST requests checked at the edge: what ``event_register`` will be given, in JSON
    (:meth:`as_json`, stored by the intake queue; :meth:`from_json` reads it back)."""

    place: Place
    reporter: Reporter
    description: str
    attributes: dict[str, Any]
    media: tuple[str, ...]

    def as_json(self, category: Category) -> dict[str, Any]:
        return {
            "service_code": category.code,
            "place": {
                "latitude": self.place.latitude,
                "longitude": self.place.longitude,
                "address": self.place.address,
            },
            "reporter": {
                "phone": self.reporter.phone,
                "name": self.reporter.name,
                "anonymous": self.reporter.anonymous,
            },
            "description": self.description,
            "attributes": self.attributes,
            "media": list(self.media),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Prepared:
        return cls(
            place=Place(**data["place"]),
            reporter=Reporter(**data["reporter"]),
            description=data["description"],
            attributes=dict(data["attributes"]),
            media=tuple(data["media"]),
        )


def open311_request_prepare(
    *,
    key: ApiKey,
    category: Category,
    place: Place,
    description: str = "",
    address_id: str = "",
    attributes: Mapping[str, Any] | None = None,
    submitter: Submitter = Submitter(),
    media_url: str = "",
    register_checks: bool = True,
) -> Prepared:
    """Check a POST requests as far as can be done without writing and return what it will
    register. Raises ``EventInvalid`` as :func:`open311_request_create` does. With
    ``register_checks`` also what ``event_register`` checks (``register_check``; whether
    the category is a leaf as :func:`open311_service` knows it, no query in production),
    for a request registered later; the synchronous path leaves them to
    ``event_register`` itself."""
    if not place.has_point and not place.address.strip() and not address_id.strip():
        raise EventInvalid(
            _("A location is required: lat and long, address_string or address_id."), field="lat"
        )
    if media_url and not media_url.lower().startswith(("http://", "https://")):
        raise EventInvalid(_("media_url must be an http or https URL."), field="media_url")
    if len(media_url) > 500:
        raise EventInvalid(_("media_url is longer than 500 characters."), field="media_url")
    answers = open311_attributes(category, attributes or {})
    contact = {
        "email": submitter.email[:254],
        "device_id": submitter.device_id[:100],
        "account_id": submitter.account_id[:100],
        "address_id": address_id.strip()[:100],
        "api_key": key.prefix,
    }
    answers["_open311"] = {k: v for k, v in contact.items() if v}
    anonymous = not (submitter.name or submitter.phone or submitter.email)
    reporter = Reporter(phone=submitter.phone, name=submitter.name, anonymous=anonymous)
    body = description.strip() or category.name_zh
    if register_checks:
        body = register_check(
            channel=Channel.OPEN311,
            category=category,
            leaf=open311_service(category.code) is not None,
            reporter=reporter,
            place=place,
            description=body,
            urgency=Urgency.NORMAL,
        )
    return Prepared(
        place=place,
        reporter=reporter,
        description=body,
        attributes=answers,
        media=(media_url,) if media_url else (),
    )


def _register(key: ApiKey, category: Category, prepared: Prepared, at: datetime | None) -> Event:
    return event_register(
        actor=key.owner,
        channel=Channel.OPEN311,
        category=category,
        reporter=prepared.reporter,
        place=prepared.place,
        description=prepared.description,
        attributes=prepared.attributes,
        media=list(prepared.media),
        at=at,
        auto_dispatch=True,
    )


def open311_request_create(
    *,
    key: ApiKey,
    category: Category,
    place: Place,
    description: str = "",
    address_id: str = "",
    attributes: Mapping[str, Any] | None = None,
    submitter: Submitter = Submitter(),
    media_url: str = "",
    at: datetime | None = None,
) -> Event:
    """Create the service request of POST requests: an event of ``category`` on channel
    ``open311``, registered by the key's owner and dispatched at once from the directory
    (left registered for an operator when the directory has no rule).

    A location is required: a point, an address or an ``address_id`` (kept with the
    event's attributes: the city has no master address repository to resolve it).
    Without a description the service's name stands for one. A submitter who gives
    no name, phone or e-mail is recorded as anonymous (no callback is owed).
    Raises ``EventInvalid`` (no location, an attribute at fault, what
    ``event_register`` refuses: a description over 4,000 characters, a bad point).
    """
    prepared = open311_request_prepare(
        key=key,
        category=category,
        place=place,
        description=description,
        address_id=address_id,
        attributes=attributes,
        submitter=submitter,
        media_url=media_url,
        register_checks=False,  # event_register makes them
    )
    return _register(key, category, prepared, at)


# --- the intake queue (GeoReport v2 tokens) -------------------------------------------------

#: A row whose registration failed this often for a reason other than a refusal (a bug, the
#: database) is given up: failed, with the error, visible in the admin and at its token.
MAX_ATTEMPTS = 3


def open311_request_enqueue(
    *,
    key: ApiKey,
    category: Category,
    place: Place,
    description: str = "",
    address_id: str = "",
    attributes: Mapping[str, Any] | None = None,
    submitter: Submitter = Submitter(),
    media_url: str = "",
    at: datetime | None = None,
) -> IntakeRequest:
    """Accept a POST requests for registration later (GeoReport v2 ``batch`` services): the
    request is checked as :func:`open311_request_create` checks it (the same refusals,
    at once), stored in one row with a fresh ``token`` and answered with it; a worker
    (:func:`open311_intake_register`) registers it. One insert; no lock, no audit entry
    (the event's registration is audited, with the instant the request was received)."""
    prepared = open311_request_prepare(
        key=key,
        category=category,
        place=place,
        description=description,
        address_id=address_id,
        attributes=attributes,
        submitter=submitter,
        media_url=media_url,
    )
    return IntakeRequest.objects.create(
        token=secrets.token_urlsafe(16),
        key=key,
        received_at=at or timezone.now(),
        payload=prepared.as_json(category),
    )


def _status_of(exc: EventError) -> int:
    return 403 if isinstance(exc, EventNotAllowed) else 400


def open311_intake_register(*, limit: int = 100, at: datetime | None = None) -> int:
    """Register up to ``limit`` queued Open311 requests, oldest first; returns how many were
    taken (registered or failed). What the intake workers run in a loop
    (``manage.py open311_intake``), and the tests' worker.

    Claims the rows with ``SELECT … FOR UPDATE SKIP LOCKED``, so workers running at once
    take disjoint batches, and keeps them locked while it registers them and marks them:
    if the worker dies mid-batch, the whole batch rolls back (no event registered, every
    row still queued) and the next worker takes it again. The batch is registered at once
    (``batch.events_register_many``: one INSERT per table, whatever the batch's size); if
    that write fails, it is rolled back to its savepoint and the rows are registered one
    by one, each in a savepoint (:func:`_register_row`). A refusal (``EventError``: the
    category was retired meanwhile, the directory's lead department is inactive…) marks
    the row failed with the message and the HTTP status the POST would have answered;
    any other error is retried by the next batch, up to :data:`MAX_ATTEMPTS`. The event
    is registered at the instant the request was received (``received_at``).
    """
    done = at or timezone.now()
    with transaction.atomic():
        rows = list(
            IntakeRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("key__owner")
            .filter(state=IntakeRequest.State.QUEUED)
            .order_by("id")[:limit]
        )
        if not rows:
            return 0
        codes = {row.payload.get("service_code") for row in rows}
        categories = {c.code: c for c in Category.objects.filter(code__in=codes)}
        try:
            with transaction.atomic():
                _register_rows(rows, categories)
        except (OperationalError, InterfaceError):
            raise  # the connection is gone: one by one would fail as many times
        except Exception:
            logger.exception("Open311 intake batch of %d failed; one by one", len(rows))
            for row in rows:
                _register_row(row, categories)
        for row in rows:
            if row.state != IntakeRequest.State.QUEUED:
                row.done_at = done
        rows_update(
            IntakeRequest, rows, ["state", "attempts", "event", "error", "error_status", "done_at"]
        )
    return len(rows)


def _register_rows(rows: list[IntakeRequest], categories: Mapping[str, Category]) -> None:
    """Register the rows together (``events_register_many``) and mark each with what became
    of it; a row's state is set only once the whole batch is written."""
    from yiwang.events.services.batch import Intake, events_register_many

    outcomes: dict[int, Event | Exception] = {}
    intakes: list[Intake] = []
    taken: list[IntakeRequest] = []
    for row in rows:
        category = categories.get(row.payload.get("service_code", ""))
        if category is None:
            outcomes[row.pk] = _withdrawn()
            continue
        try:
            prepared = Prepared.from_json(row.payload)
        except Exception as exc:  # a row this code cannot read: kept, retried, given up
            outcomes[row.pk] = exc
            continue
        intakes.append(
            Intake(
                channel=Channel.OPEN311,
                category=category,
                reporter=prepared.reporter,
                place=prepared.place,
                description=prepared.description,
                attributes=prepared.attributes,
                media=prepared.media,
                at=row.received_at,
                actor=row.key.owner,
            )
        )
        taken.append(row)
    for row, result in zip(taken, events_register_many(intakes), strict=True):
        outcomes[row.pk] = result
    for row in rows:
        _row_done(row, outcomes[row.pk])


def _withdrawn() -> EventInvalid:
    return EventInvalid(_("The service was withdrawn."), field="service_code")


def _register_row(row: IntakeRequest, categories: Mapping[str, Category]) -> None:
    category = categories.get(row.payload.get("service_code", ""))
    result: Event | Exception
    try:
        with transaction.atomic():
            if category is None:
                raise _withdrawn()
            result = _register(row.key, category, Prepared.from_json(row.payload), row.received_at)
    except Exception as exc:
        result = exc
    _row_done(row, result)


def _row_done(row: IntakeRequest, result: Event | Exception) -> None:
    """Mark the row with what became of it: registered, refused, or an error (retried)."""
    row.attempts += 1
    if isinstance(result, Event):
        row.state = IntakeRequest.State.REGISTERED
        row.event = result
        row.error = ""
    elif isinstance(result, EventError):
        row.state = IntakeRequest.State.FAILED
        row.error = result.message[:1000]
        row.error_status = _status_of(result)
    else:  # a bug or the database: kept on the row, retried, given up
        logger.error(
            "Open311 intake request %s: registration failed",
            row.token,
            exc_info=(type(result), result, result.__traceback__),
        )
        row.error = f"{type(result).__name__}: {result}"[:1000]
        if row.attempts >= MAX_ATTEMPTS:
            row.state = IntakeRequest.State.FAILED
            row.error_status = 500
