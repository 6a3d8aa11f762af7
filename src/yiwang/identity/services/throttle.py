"""Throttles: attempts counted per (scope, key), answered with exponentially growing waits.

Nothing here ever locks anything for good. A rule lets ``free`` attempts
through, then asks for a wait before the next one — ``first_wait``, doubling
with each further attempt, never more than ``max_wait`` — and forgets one
remembered attempt per ``forget_every`` of quiet. The count is capped where
the wait stops growing, so a row is forgotten at most
``saturation × forget_every`` after its last attempt, whatever came before.

Attempts are *charged before* the work they guard (hashing a password,
sending a message): checking and charging happen under the rows' locks in one
short transaction, so parallel attempts all count and none slips through
between a check and a charge, and no lock is held during the slow part. A
sign-in that turns out right is refunded (``throttle_refund``).

The rules of sign-in, password reset and registration are at the bottom, in
one table with the reasons for their numbers (docs/identity.md repeats them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yiwang.identity.models import Throttle


@dataclass(frozen=True)
class ThrottleRule:
    """How one scope counts attempts and how long it makes the next one wait."""

    scope: str
    free: int
    first_wait: dt.timedelta
    max_wait: dt.timedelta
    forget_every: dt.timedelta

    @property
    def saturation(self) -> int:
        """The count from which the wait is ``max_wait``; counts are capped there."""
        ratio = self.max_wait / self.first_wait
        return self.free + max(0, math.ceil(math.log2(ratio)))

    def wait_after(self, count: int) -> dt.timedelta:
        """The wait that ``count`` remembered attempts impose before the next one."""
        if count < self.free:
            return dt.timedelta(0)
        doublings: int = 2 ** min(count - self.free, 40)
        return min(self.max_wait, self.first_wait * doublings)

    def remembered(self, count: int, last_at: dt.datetime, now: dt.datetime) -> int:
        """``count`` attempts at ``last_at``, less those forgotten by ``now``."""
        forgotten = max(0, math.floor((now - last_at) / self.forget_every))
        return max(0, count - forgotten)


@dataclass(frozen=True)
class Bucket:
    """One counter: a rule and the key it counts under (an account, an address, …)."""

    rule: ThrottleRule
    key: str


_TABLE = Throttle._meta.db_table


def _locked_row(scope: str, key: str) -> Throttle | None:
    """The row, locked (``SELECT … FOR UPDATE`` where the database has it). Raw SQL: every
    Open311 request with a key comes here, and compiling the ORM's query cost more than
    the rest of the charge (docs/open311.md)."""
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, count, last_at FROM {quote(_TABLE)} "  # noqa: S608 (the model's table)
            f"WHERE scope = %s AND {quote('key')} = %s{lock}",
            [scope, key],
        )
        found = cursor.fetchone()
    if found is None:
        return None
    pk, count, last_at = found
    if timezone.is_naive(last_at):  # SQLite gives back the UTC it stores
        last_at = timezone.make_aware(last_at, dt.UTC)
    return Throttle.from_db(
        connection.alias,
        ["id", "scope", "key", "count", "last_at"],
        [pk, scope, key, count, last_at],
    )


def _locked_rows(buckets: Sequence[Bucket], now: dt.datetime) -> list[tuple[Bucket, Throttle]]:
    """The buckets' rows, created when missing, locked in one fixed order (no deadlocks)."""
    rows = []
    for bucket in sorted(buckets, key=lambda b: (b.rule.scope, b.key)):
        scope, key = bucket.rule.scope, bucket.key[:300]
        row = _locked_row(scope, key)
        if row is None:
            try:
                with transaction.atomic():
                    row = Throttle.objects.create(count=0, last_at=now, scope=scope, key=key)
            except IntegrityError:  # created by a parallel attempt since we looked
                row = _locked_row(scope, key)
                assert row is not None  # it exists: its creation just collided
        rows.append((bucket, row))
    return rows


def _save(row: Throttle) -> None:
    """``count`` and ``last_at`` written back (raw, as :func:`_locked_row` reads)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(_TABLE)} SET count = %s, last_at = %s "  # noqa: S608 (the model's table)
            "WHERE id = %s",
            [row.count, connection.ops.adapt_datetimefield_value(row.last_at), row.pk],
        )


def _commit_without_waiting() -> None:
    """Let this transaction's commit return before its WAL reaches the disk (PostgreSQL's
    ``synchronous_commit`` off for this transaction alone), so the rows' locks are released
    without waiting for a disk flush. Every request of one Open311 key takes the same row:
    with the flush inside the lock, the key's requests queued behind each other's fsync
    (docs/open311.md, "Both at once"). Counts are still atomic and seen at once by every
    other transaction; a crash of the database can lose the last fraction of a second's
    counts (at most three ``wal_writer_delay``), which only ever lets a few more attempts
    through once. Called only when the throttle's transaction is the outermost: inside a
    caller's transaction it would make the caller's commit asynchronous too."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _us(delta: dt.timedelta) -> int:
    return delta // dt.timedelta(microseconds=1)


def _charged_at_once(bucket: Bucket, now: dt.datetime) -> bool:
    """Charge one bucket with a single statement when no wait is due (PostgreSQL): an
    ``INSERT … ON CONFLICT DO UPDATE … WHERE`` creates the row at one attempt, or counts
    one more in it when the rule lets the attempt through. The row is locked for that one
    statement and the commit, not for a read, a round trip and a write. The arithmetic is
    :meth:`ThrottleRule.remembered` and :meth:`ThrottleRule.wait_after`, in microseconds.
    False when nothing was charged (a wait is due; the row stays locked): the caller then
    takes the general path, which works out the wait."""
    rule = bucket.rule
    quote = connection.ops.quote_name
    elapsed = "EXTRACT(EPOCH FROM (%(now)s - t.last_at)) * 1000000"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(_TABLE)} AS t (scope, {quote('key')}, count, last_at) "  # noqa: S608 (the model's table)
            "VALUES (%(scope)s, %(key)s, 1, %(now)s) "
            f"ON CONFLICT (scope, {quote('key')}) DO UPDATE SET "
            f"count = LEAST(%(saturation)s, GREATEST(0, t.count - GREATEST(0, "
            f"FLOOR({elapsed} / %(forget)s)))::integer + 1), last_at = %(now)s "
            f"WHERE t.count = 0 OR t.count < %(free)s "
            f"OR {elapsed} >= LEAST(%(max)s, %(first)s * POWER(2, "
            f"GREATEST(0, LEAST(t.count - %(free)s, %(doublings)s)))) RETURNING t.id",
            {
                "now": now,
                "saturation": rule.saturation,
                "forget": _us(rule.forget_every),
                "scope": rule.scope,
                "key": bucket.key[:300],
                "free": rule.free,
                "max": _us(rule.max_wait),
                "first": _us(rule.first_wait),
                "doublings": 40,  # as wait_after caps them
            },
        )
        return cursor.fetchone() is not None


def throttle_charge(buckets: Sequence[Bucket], *, at: dt.datetime | None = None) -> dt.timedelta:
    """Count one attempt in every bucket, unless one of them still asks for a wait.

    Returns the longest wait still due (nothing counted then), or zero when the
    attempt was counted and may go ahead. Locks the buckets' rows (``SELECT …
    FOR UPDATE``, created when missing) in its own transaction, so parallel
    attempts are counted one after the other; its commit does not wait for the
    disk (:func:`_commit_without_waiting`). One bucket on PostgreSQL is charged
    in one statement when no wait is due (:func:`_charged_at_once`). Writes no
    audit entry: the caller records what the attempt was.
    """
    now = at or timezone.now()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _commit_without_waiting()
        if (
            len(buckets) == 1
            and connection.vendor == "postgresql"
            and _charged_at_once(buckets[0], now)
        ):
            return dt.timedelta(0)
        rows = _locked_rows(buckets, now)
        wait = dt.timedelta(0)
        for bucket, row in rows:
            # A count the rule lets through asks no wait, even when a parallel attempt that
            # read the clock after this one got the lock first and stamped a later last_at.
            if row.count and bucket.rule.wait_after(row.count):
                wait = max(wait, row.last_at + bucket.rule.wait_after(row.count) - now)
        if wait > dt.timedelta(0):
            return wait
        for bucket, row in rows:
            rule = bucket.rule
            row.count = min(rule.saturation, rule.remembered(row.count, row.last_at, now) + 1)
            row.last_at = now
            _save(row)
    return dt.timedelta(0)


def throttle_refund(buckets: Sequence[Bucket], *, at: dt.datetime | None = None) -> None:
    """Take back one attempt from each bucket (the attempt was legitimate after all).

    Locks the rows; a bucket left with nothing remembered is deleted.
    """
    now = at or timezone.now()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            _commit_without_waiting()
        for bucket, row in _locked_rows(buckets, now):
            remaining = bucket.rule.remembered(row.count, row.last_at, now) - 1
            if remaining <= 0:
                row.delete()
            else:
                row.count = remaining
                row.save(update_fields=["count"])


def throttle_clear(buckets: Iterable[Bucket]) -> int:
    """Forget the buckets entirely; returns how many rows were deleted."""
    deleted = 0
    for bucket in buckets:
        deleted += Throttle.objects.filter(scope=bucket.rule.scope, key=bucket.key[:300]).delete()[
            0
        ]
    return deleted


def throttles_purge(*, at: dt.datetime | None = None) -> int:
    """Delete the rows every attempt of which is forgotten (the scheduler runs this).

    A row is kept while it could still make someone wait, i.e. for
    ``saturation × forget_every`` after its last attempt. Rows of unknown
    scopes (a rule removed) go after a day. Returns how many were deleted.
    """
    now = at or timezone.now()
    deleted = 0
    known = set()
    for rule in RULES:
        known.add(rule.scope)
        horizon = max(rule.saturation * rule.forget_every, rule.max_wait)
        deleted += Throttle.objects.filter(scope=rule.scope, last_at__lt=now - horizon).delete()[0]
    deleted += (
        Throttle.objects.exclude(scope__in=known)
        .filter(last_at__lt=now - dt.timedelta(days=1))
        .delete()[0]
    )
    return deleted


def _seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def _minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


# --- the rules -----------------------------------------------------------------------------
#
# Sign-in. A guess costs the attacker a hasher run on our side either way, so
# these only have to make guessing slow, never stop the owner:
#
# - SIGNIN_CLIENT_ACCOUNT, one account from one client (the browser's device
#   id when it has signed in to this account before, else its network):
#   5 free, then 1 s doubling to 15 min; forgets one per 15 min. A person
#   mistyping hardly notices (the 8th attempt waits 4 s); a guesser from one
#   place gets about 4 tries an hour.
# - SIGNIN_NETWORK, one network against any account (password spraying,
#   credential stuffing): 30 free, then 1 s doubling to 15 min; forgets one
#   per minute, so an office or a carrier-grade NAT can fail 60 times an hour
#   without anyone waiting, and one network guesses about once a minute.
# - SIGNIN_ACCOUNT, one account from anywhere (a botnet): 10 free, then 1 s
#   doubling to 5 min; forgets one per 5 min. It only slows down, and only
#   so far: at worst one guess per 5 minutes reaches the account, whatever
#   the number of addresses.
#
# The last two do not apply to a browser holding the account's device cookie
# (yiwang.identity.devices), so an attack from elsewhere, however spread out,
# never keeps the owner out of their usual browser: there only their own
# failures count. A new browser can always be made trusted by resetting the
# password from it.
SIGNIN_CLIENT_ACCOUNT = ThrottleRule(
    "signin_client_account", 5, _seconds(1), _minutes(15), _minutes(15)
)
SIGNIN_NETWORK = ThrottleRule("signin_network", 30, _seconds(1), _minutes(15), _minutes(1))
SIGNIN_ACCOUNT = ThrottleRule("signin_account", 10, _seconds(1), _minutes(5), _minutes(5))

# Password reset. Every request sends a message (SMS costs money and annoys):
# per e-mail address or phone number 3 free, then 1 min doubling to an hour,
# forgetting one per 20 min (about 3 messages an hour at most); per network
# 10 free, forgetting one per 6 min. Wrong SMS codes per phone number: 5
# free, then 1 min doubling to an hour, forgetting one per hour — with 5
# tries per code that keeps guessing a 6-digit code near one try an hour.
RESET_TARGET = ThrottleRule("reset_target", 3, _minutes(1), _minutes(60), _minutes(20))
RESET_NETWORK = ThrottleRule("reset_network", 10, _minutes(1), _minutes(60), _minutes(6))
RESET_CODE = ThrottleRule("reset_code", 5, _minutes(1), _minutes(60), _minutes(60))

# Registration, per network: 10 free, then 1 min doubling to an hour,
# forgetting one per 6 min (a service hall registering 10 people an hour
# never waits), which also bounds how fast anyone can ask "is this resident
# ID registered?".
REGISTER_NETWORK = ThrottleRule("register_network", 10, _minutes(1), _minutes(60), _minutes(6))

RULES = (
    SIGNIN_CLIENT_ACCOUNT,
    SIGNIN_NETWORK,
    SIGNIN_ACCOUNT,
    RESET_TARGET,
    RESET_NETWORK,
    RESET_CODE,
    REGISTER_NETWORK,
)
