"""Case numbers: format, one sequence per region and local day, unique and increasing; on
PostgreSQL, drawn by concurrent transactions without one waiting for another's commit."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.concurrency import race
from yiwang.cases.models import CaseNumberSequence
from yiwang.cases.numbering import CASE_NUMBER_RE, case_number_next, parse_case_number

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
regions = st.sampled_from(["370100", "370102", "370103", "370112"])
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(draws=st.lists(st.tuples(regions, instants), min_size=1, max_size=25))
def test_numbers_are_well_formed_unique_and_count_per_region_and_day(draws):
    CaseNumberSequence.objects.all().delete()
    seen: dict[tuple[str, str], list[int]] = {}
    numbers = []
    for region, at in draws:
        number = case_number_next(region_code=region, at=at)
        assert CASE_NUMBER_RE.match(number)
        parsed = parse_case_number(number)
        assert parsed is not None
        got_region, day, seq = parsed
        assert got_region == region
        assert day == at.astimezone(SHANGHAI).strftime("%Y%m%d")
        seen.setdefault((region, day), []).append(seq)
        numbers.append(number)
    assert len(set(numbers)) == len(numbers)
    for seqs in seen.values():
        # consecutive (on PostgreSQL a day's sequence outlives the rows deleted above, so a
        # day drawn by an earlier example goes on from its last number)
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_the_day_is_the_local_date_in_shanghai():
    # 2026-03-01T16:30Z is 00:30 on 2 March in Shanghai. (On PostgreSQL a day's sequence
    # outlives the test's rollback, so the sequence part is checked as "the next one".)
    utc = datetime(2026, 3, 1, 16, 30, tzinfo=ZoneInfo("UTC"))
    region, day, seq = parse_case_number(case_number_next(region_code="370100", at=utc))
    assert (region, day) == ("370100", "20260302")
    if connection.vendor == "sqlite":
        assert seq == 1  # a day counts from 000001 (its row is new in this test's transaction)
    later = case_number_next(region_code="370100", at=utc + timedelta(hours=1))
    assert later == f"370100-20260302-{seq + 1:06d}"
    before = parse_case_number(case_number_next(region_code="370100", at=utc - timedelta(hours=1)))
    assert before[:2] == ("370100", "20260301")


def test_a_bad_region_code_is_refused():
    with pytest.raises(ValueError):
        case_number_next(region_code="3701", at=datetime(2026, 3, 2, tzinfo=SHANGHAI))


def test_a_day_already_numbered_goes_on_after_its_highest_number():
    # given a day that already handed out 41 numbers (the counter kept before the sequences)
    CaseNumberSequence.objects.create(region_code="370102", day="2026-03-04", last=41)
    # when the next case of that day is numbered
    number = case_number_next(region_code="370102", at=datetime(2026, 3, 4, 9, tzinfo=SHANGHAI))
    # then it is the 42nd
    assert number == "370102-20260304-000042"


# --- PostgreSQL: sequences, concurrent transactions ---------------------------------------

CONCURRENT = 8


@pytest.fixture
def drop_sequences():
    """The transactional tests commit their sequences: drop them afterwards (a flush keeps
    sequences), so a second run in the same database starts each day at 000001 again."""
    names: list[str] = []
    yield names.append
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}"')


def _draw_in_transaction(region: str, at: datetime, held: threading.Barrier | None) -> str:
    with transaction.atomic():
        number = case_number_next(region_code=region, at=at)
        if held is not None:
            held.wait()  # every transaction has drawn and none has committed yet
    return number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_draw_without_waiting_for_each_others_commit(drop_sequences):
    # given a region whose day has begun (its first number was drawn and committed)
    region, at = "370199", datetime(2026, 3, 5, 10, tzinfo=SHANGHAI)
    drop_sequences("cases_number_370199_20260305")
    assert _draw_in_transaction(region, at, None) == "370199-20260305-000001"
    # when 8 transactions each draw a number and then wait, uncommitted, for all the others
    # to have drawn theirs (a lock held to commit would make them wait forever: the barrier
    # would break after its timeout)
    held = threading.Barrier(CONCURRENT, timeout=10)
    results = race(*[lambda: _draw_in_transaction(region, at, held)] * CONCURRENT)
    # then each got its own number, 2 to 9, none twice
    assert sorted(results) == [f"370199-20260305-{n:06d}" for n in range(2, CONCURRENT + 2)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_draws_of_a_day_at_the_same_instant_share_nothing(drop_sequences):
    # given a day of a region with no number yet
    region, at = "370198", datetime(2026, 3, 6, 10, tzinfo=SHANGHAI)
    drop_sequences("cases_number_370198_20260306")
    # when 8 transactions draw its first numbers at the same instant (and commit)
    results = race(*[lambda: _draw_in_transaction(region, at, None)] * CONCURRENT)
    # then the day's sequence was created once and they got 1 to 8, none twice
    assert sorted(results) == [f"370198-20260306-{n:06d}" for n in range(1, CONCURRENT + 1)]
