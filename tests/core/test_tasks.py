"""The one retry rule of every delivery (notifications and webhooks): exponential backoff."""

from __future__ import annotations

from datetime import timedelta

from yiwang.core.tasks import RetryPolicy, parse_duration


def test_the_waits_double_from_the_first_and_the_last_attempt_gives_up():
    policy = RetryPolicy(attempts=4, first=timedelta(minutes=2))

    waits = [policy.delay_after(n) for n in (1, 2, 3)]

    assert waits == [timedelta(minutes=2), timedelta(minutes=4), timedelta(minutes=8)]
    assert [policy.gives_up_after(n) for n in (1, 2, 3, 4)] == [False, False, False, True]


def test_durations_read_as_operators_write_them():
    assert parse_duration("90") == parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("10m") == timedelta(minutes=10)
    assert parse_duration(" 2h ") == timedelta(hours=2)
    assert parse_duration("1d") == timedelta(days=1)
