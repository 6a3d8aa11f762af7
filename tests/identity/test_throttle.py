"""The throttle rules: free attempts, doubling waits, a ceiling, forgetting, purging."""

from __future__ import annotations

from datetime import timedelta

import hypothesis
import pytest
import time_machine
from hypothesis import strategies as st

from tests.concurrency import race, slowed
from tests.factories import T0, UserFactory
from yiwang.core.models import AuditEntry
from yiwang.events.services.open311 import rate_rule
from yiwang.identity.devices import SignInClient
from yiwang.identity.models import Throttle
from yiwang.identity.services import signin_attempt, throttle, throttles_purge
from yiwang.identity.services.throttle import (
    REGISTER_NETWORK,
    RESET_CODE,
    SIGNIN_ACCOUNT,
    SIGNIN_CLIENT_ACCOUNT,
    SIGNIN_NETWORK,
    Bucket,
    throttle_charge,
)

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("rule", "count", "wait"),
    [
        (SIGNIN_CLIENT_ACCOUNT, 4, 0 * S),
        (SIGNIN_CLIENT_ACCOUNT, 5, 1 * S),
        (SIGNIN_CLIENT_ACCOUNT, 6, 2 * S),
        (SIGNIN_CLIENT_ACCOUNT, 9, 16 * S),
        (SIGNIN_CLIENT_ACCOUNT, 14, 512 * S),
        (SIGNIN_CLIENT_ACCOUNT, 15, 15 * MIN),  # 1024 s, held at 15 minutes
        (SIGNIN_CLIENT_ACCOUNT, 1000, 15 * MIN),
        (SIGNIN_NETWORK, 29, 0 * S),
        (SIGNIN_NETWORK, 30, 1 * S),
        (SIGNIN_NETWORK, 40, 15 * MIN),
        (SIGNIN_ACCOUNT, 9, 0 * S),
        (SIGNIN_ACCOUNT, 10, 1 * S),
        (SIGNIN_ACCOUNT, 18, 256 * S),
        (SIGNIN_ACCOUNT, 19, 5 * MIN),  # 512 s, held at 5 minutes
        (RESET_CODE, 5, 1 * MIN),
        (RESET_CODE, 11, 60 * MIN),
        (REGISTER_NETWORK, 10, 1 * MIN),
    ],
)
def test_waits_double_from_the_last_free_attempt_up_to_a_ceiling(rule, count, wait):
    assert rule.wait_after(count) == wait


@pytest.mark.parametrize(
    ("rule", "saturation"),
    [(SIGNIN_CLIENT_ACCOUNT, 15), (SIGNIN_NETWORK, 40), (SIGNIN_ACCOUNT, 19), (RESET_CODE, 11)],
)
def test_counts_stop_where_the_wait_stops_growing(rule, saturation):
    assert rule.saturation == saturation


@pytest.mark.django_db
def test_a_network_forgets_one_attempt_a_minute():
    bucket = Bucket(SIGNIN_NETWORK, "203.0.113.7")
    for _ in range(30):
        assert throttle_charge([bucket], at=T0) == timedelta(0)
    assert throttle_charge([bucket], at=T0) == 1 * S  # the 31st waits

    # ten quiet minutes later ten are forgotten: 20 remembered, the next one makes 21
    assert throttle_charge([bucket], at=T0 + 10 * MIN) == timedelta(0)

    row = Throttle.objects.get(scope="signin_network", key="203.0.113.7")
    assert (row.count, row.last_at) == (21, T0 + 10 * MIN)


@pytest.mark.django_db
def test_counts_are_held_at_the_saturation():
    bucket = Bucket(SIGNIN_ACCOUNT, "zhangsan")
    moment = T0
    for _ in range(30):  # each one as soon as it is allowed
        wait = throttle_charge([bucket], at=moment)  # refused (nothing counted): how long
        if wait:
            moment += wait
            assert throttle_charge([bucket], at=moment) == timedelta(0)

    assert Throttle.objects.get(key="zhangsan").count == 19


@pytest.mark.django_db
def test_the_purge_forgets_rows_that_can_no_longer_make_anyone_wait():
    network = Bucket(SIGNIN_NETWORK, "203.0.113.7")  # 40 × 1 minute
    pair = Bucket(SIGNIN_CLIENT_ACCOUNT, "zhangsan|203.0.113.7")  # 15 × 15 minutes
    throttle_charge([network, pair], at=T0)

    assert throttles_purge(at=T0 + 40 * MIN) == 0
    assert throttles_purge(at=T0 + 40 * MIN + S) == 1
    assert throttles_purge(at=T0 + 225 * MIN) == 0
    assert throttles_purge(at=T0 + 225 * MIN + S) == 1
    assert not Throttle.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_are_counted_one_after_the_other(monkeypatch):
    # given an account with four wrong passwords from one address: one more is free
    UserFactory(username="zhangsan")
    client = SignInClient(address="203.0.113.7")
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            signin_attempt(username="zhangsan", password="guess", client=client)
        # when six more arrive at once, each saving its count slowly under the lock
        monkeypatch.setattr(throttle, "_save", slowed(throttle._save))
        results = race(
            *[
                lambda: signin_attempt(username="zhangsan", password="guess", client=client)
                for _ in range(6)
            ]
        )

    # then exactly one was checked; the five others found the wait and were refused unchecked
    assert results == [None] * 6
    assert AuditEntry.objects.filter(action="identity.login_failed").count() == 5
    assert AuditEntry.objects.filter(action="identity.login_throttled").count() == 5


@pytest.mark.django_db
def test_free_attempts_pass_whatever_order_parallel_ones_stamped_the_clock():
    # given an attempt stamped a millisecond later by a request that took the lock first
    bucket = Bucket(SIGNIN_NETWORK, "203.0.113.9")
    assert throttle_charge([bucket], at=T0 + timedelta(milliseconds=1)) == timedelta(0)

    # when one that read the clock earlier is charged, within the free 30
    wait = throttle_charge([bucket], at=T0)

    # then it goes ahead (it used to be told to wait the millisecond)
    assert wait == timedelta(0)
    assert Throttle.objects.get(key="203.0.113.9").count == 2


def _synchronous_commit() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_charge_of_its_own_commits_without_waiting_for_the_disk():
    # given the server's default, a commit that waits for its WAL on disk
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert _synchronous_commit() == "on"
    bucket = Bucket(SIGNIN_NETWORK, "203.0.113.10")

    # when an attempt is charged outside any transaction (a sign-in, an Open311 key)
    with CaptureQueriesContext(connection) as captured:
        assert throttle_charge([bucket], at=T0) == timedelta(0)

    # then its own transaction asked not to wait, before it locked the row, and only it did
    sql = [q["sql"] for q in captured.captured_queries if q["sql"] != "BEGIN"]
    assert sql[0] == "SET LOCAL synchronous_commit TO OFF"
    # the row created (and so locked) by the one-statement charge after it
    assert sql[1].startswith('INSERT INTO "identity_throttle"') and "ON CONFLICT" in sql[1]
    assert _synchronous_commit() == "on"
    assert Throttle.objects.get(key="203.0.113.10").count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_charge_inside_a_callers_transaction_leaves_its_commit_durable():
    from django.db import transaction

    bucket = Bucket(REGISTER_NETWORK, "203.0.113.11")
    with transaction.atomic():
        UserFactory(username="lisi")
        throttle_charge([bucket], at=T0)
        # the caller's commit (the account it writes) still waits for the disk
        assert _synchronous_commit() == "on"
    assert Throttle.objects.get(key="203.0.113.11").count == 1


RULES = [
    SIGNIN_CLIENT_ACCOUNT,
    SIGNIN_NETWORK,
    SIGNIN_ACCOUNT,
    RESET_CODE,
    REGISTER_NETWORK,
    rate_rule("open311_key", 60),
    rate_rule("open311_key", 1_000_000),
    rate_rule("open311_key", 7),  # an interval that is not a whole number of seconds
]


@pytest.mark.postgres
@pytest.mark.django_db
@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    rule=st.sampled_from(RULES),
    count=st.none() | st.integers(min_value=0, max_value=60),  # None: no row yet
    age=st.integers(min_value=-2_000_000, max_value=4 * 3600 * 1_000_000),  # µs, may be ahead
)
# the boundaries: 7 a minute waits 60/7 s, 8,571,429 µs to the microsecond, after 7 at once;
# one forgotten at that pace too; a row above its saturation (the key's rate lowered since)
@hypothesis.example(rule=rate_rule("open311_key", 7), count=7, age=8_571_428)
@hypothesis.example(rule=rate_rule("open311_key", 7), count=7, age=8_571_429)
@hypothesis.example(rule=rate_rule("open311_key", 7), count=60, age=17_142_858)
def test_the_one_statement_charge_does_what_the_rule_says(rule, count, age):
    # given a bucket's row with some attempts remembered, stamped some time before now
    # (or no row at all)
    bucket = Bucket(rule, "203.0.113.20")
    Throttle.objects.filter(scope=rule.scope, key=bucket.key).delete()
    last_at = T0 - timedelta(microseconds=age)
    if count is not None:
        Throttle.objects.create(scope=rule.scope, key=bucket.key, count=count, last_at=last_at)

    # when the single statement is tried
    charged = throttle._charged_at_once(bucket, T0)

    # then it charges exactly when the rule lets the attempt through (a first attempt and a
    # zero count always go ahead), and writes the count the rule remembers plus this one
    row = Throttle.objects.get(scope=rule.scope, key=bucket.key)
    if count is None:
        assert charged
        assert (row.count, row.last_at) == (1, T0)
        return
    wait = rule.wait_after(count) if count else timedelta(0)
    allowed = not wait or last_at + wait <= T0
    assert charged == allowed
    if allowed:
        assert row.count == min(rule.saturation, rule.remembered(count, last_at, T0) + 1)
        assert row.last_at == T0
    else:
        assert (row.count, row.last_at) == (count, last_at)


@pytest.mark.django_db
def test_a_rate_of_60_a_minute_lets_60_through_then_asks_a_second():
    # hand-worked: 60 free at once; the 61st waits 60/60 = 1 s; a second later one more
    bucket = Bucket(rate_rule("open311_key", 60), "key-7")
    assert all(throttle_charge([bucket], at=T0) == timedelta(0) for _ in range(60))
    assert throttle_charge([bucket], at=T0) == S
    assert Throttle.objects.get(key="key-7").count == 60
    assert throttle_charge([bucket], at=T0 + S) == timedelta(0)
    assert Throttle.objects.get(key="key-7").count == 60  # one forgotten, one counted
