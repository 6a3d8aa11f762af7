"""Case numbers: format, one sequence per region and local day, unique and increasing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
        assert seqs == list(range(1, len(seqs) + 1))  # 1, 2, 3 … with no gap


def test_the_day_is_the_local_date_in_shanghai():
    # 2026-03-01T16:30Z is 00:30 on 2 March in Shanghai
    utc = datetime(2026, 3, 1, 16, 30, tzinfo=ZoneInfo("UTC"))
    assert case_number_next(region_code="370100", at=utc) == "370100-20260302-000001"
    assert case_number_next(region_code="370100", at=utc + timedelta(hours=1)).endswith("-000002")
    assert case_number_next(region_code="370100", at=utc - timedelta(hours=1)) == (
        "370100-20260301-000001"
    )


def test_a_bad_region_code_is_refused():
    with pytest.raises(ValueError):
        case_number_next(region_code="3701", at=datetime(2026, 3, 2, tzinfo=SHANGHAI))
