"""The resident ID (GB 11643) and unified social credit code (GB 32100) validators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import resident_id, uscc
from yiwang.identity.validators import (
    _USCC_AUTHORITY_TYPES,
    PROVINCE_CODES,
    USCC_CHARSET,
    normalize_mobile,
    normalize_resident_id,
    normalize_uscc,
    resident_id_check_character,
    uscc_check_character,
    validate_mobile,
    validate_phone,
    validate_resident_id,
    validate_uscc,
)


def _error(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


# --- resident ID ---------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",  # the example of GB 11643-1999 (check character X)
        "440524188001010014",  # the other example of the standard, born 1880
        "370102199003071238",
        resident_id("37010219900307123"),
        resident_id("81000019990101001"),  # Hong Kong resident's residence permit
        resident_id("83000020000229002"),  # Taiwan resident's residence permit, 29 Feb
    ],
)
def test_valid_resident_ids_pass(number):
    validate_resident_id(number)


def test_check_character_examples():
    assert resident_id_check_character("11010519491231002") == "X"
    assert resident_id_check_character("44052418800101001") == "4"
    assert resident_id_check_character("37010219900307123") == "8"


def test_lower_case_x_is_accepted_and_normalized():
    validate_resident_id("11010519491231002x")
    assert normalize_resident_id(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize("number, count", [("", 0), ("3701021990030712", 16), ("3" * 19, 19)])
def test_wrong_length_says_how_long(number, count):
    error = _error(validate_resident_id, number)
    assert error.code == "length"
    assert f"this one has {count}" in error.messages[0]


def test_surrounding_space_is_not_silently_accepted():
    assert _error(validate_resident_id, " 11010519491231002X").code == "length"


def test_letter_in_the_body_names_its_position():
    error = _error(validate_resident_id, "3701A2199003071234")
    assert error.code == "character"
    assert "Character 5" in error.messages[0]
    assert "“A”" in error.messages[0]


def test_full_width_digit_is_rejected():
    error = _error(validate_resident_id, "３70102199003071234")
    assert "Character 1" in error.messages[0]


def test_bad_last_character_names_position_18():
    error = _error(validate_resident_id, "37010219900307123Y")
    assert "Character 18" in error.messages[0]
    assert "digit or X" in error.messages[0]


def test_unknown_region_prefix():
    error = _error(validate_resident_id, resident_id("99010219900307123"))
    assert error.code == "region"
    assert "990102" in error.messages[0]


@pytest.mark.parametrize("date", ["19900230", "19901301", "19900000", "20230229"])
def test_impossible_birth_date(date):
    error = _error(validate_resident_id, resident_id(f"370102{date}123"))
    assert error.code == "birth_date"
    assert date in error.messages[0]
    assert "not a valid birth date" in error.messages[0]


def test_future_birth_date():
    # the test's clock is at 2026-03-03 10:00 in Jinan (tests.clock.NOW)
    error = _error(validate_resident_id, resident_id("37010220260304123"))
    assert error.code == "birth_date"
    assert "in the future" in error.messages[0]
    validate_resident_id(resident_id("37010220260303123"))  # born today


def test_birth_date_too_early():
    error = _error(validate_resident_id, resident_id("37010218400101123"))
    assert "before 1850" in error.messages[0]


def test_wrong_check_character_says_which_was_expected():
    error = _error(validate_resident_id, "370102199003071234")
    assert error.code == "check"
    assert "expected 8, got 4" in error.messages[0]


def test_non_text_is_rejected():
    assert _error(validate_resident_id, 370102199003078418).code == "type"


_provinces = st.sampled_from(sorted(PROVINCE_CODES))
_birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))


@st.composite
def resident_ids(draw) -> str:
    prefix = draw(_provinces) + draw(st.from_regex(r"\A[0-9]{4}\Z"))
    birth = draw(_birth_dates)
    sequence = draw(st.from_regex(r"\A[0-9]{3}\Z"))
    return resident_id(f"{prefix}{birth:%Y%m%d}{sequence}")


@given(resident_ids())
def test_property_any_well_formed_resident_id_validates(number):
    validate_resident_id(number)


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_property_changing_one_character_breaks_a_resident_id(number, position, char):
    if number[position] == char:
        char = "0" if char != "0" else "1"
    changed = number[:position] + char + number[position + 1 :]
    with pytest.raises(ValidationError):
        validate_resident_id(changed)


# --- unified social credit code ----------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y43",  # the example of GB 32100-2015
        "914403001922038216",  # published on a business licence (Shenzhen)
        "9144030071526726XG",  # published on a business licence (Shenzhen)
        uscc("31370100MD0000001"),  # a law firm (司法行政, type 1)
        uscc("34370100MD0000001"),  # a forensic appraisal institution (司法行政, type 4)
        uscc("35370100MD0000001"),  # an arbitration commission (司法行政, type 5)
        uscc("81370100MA0000001"),  # a grassroots trade union
        uscc("N2370102MF0000001"),  # a village collective
        uscc("Y1370100MA0000001"),
    ],
)
def test_valid_usccs_pass(code):
    validate_uscc(code)


def test_uscc_check_character_examples():
    assert uscc_check_character("91350100M000100Y4") == "3"
    assert uscc_check_character("9144030071526726X") == "G"


def test_lower_case_uscc_is_accepted_and_normalized():
    validate_uscc("9144030071526726xg")
    assert normalize_uscc(" 9144030071526726xg ") == "9144030071526726XG"


def test_uscc_wrong_length():
    error = _error(validate_uscc, "91350100M000100Y4")
    assert error.code == "length"
    assert "this one has 17" in error.messages[0]


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_uscc_excluded_letters_are_rejected_with_their_position(letter):
    code = "91350100M000100Y43"
    changed = code[:10] + letter + code[11:]
    error = _error(validate_uscc, changed)
    assert error.code == "character"
    assert "Character 11" in error.messages[0]
    assert f"“{letter}”" in error.messages[0]


def test_uscc_unknown_authority():
    error = _error(validate_uscc, uscc("B1350100M000100Y4"))
    assert error.code == "authority"
    assert "Character 1" in error.messages[0]


@pytest.mark.parametrize("first2", ["94", "99", "82", "Y2", "A3", "36"])
def test_uscc_type_not_issued_by_that_authority(first2):
    error = _error(validate_uscc, uscc(f"{first2}350100M000100Y4"))
    assert error.code == "kind"
    assert "Character 2" in error.messages[0]
    assert f"authority {first2[0]}" in error.messages[0]


def test_uscc_region_must_be_digits():
    error = _error(validate_uscc, uscc("9135A100M000100Y4"))
    assert error.code == "region"
    assert "Character 5" in error.messages[0]


def test_uscc_wrong_check_character():
    error = _error(validate_uscc, "91350100M000100Y44")
    assert error.code == "check"
    assert "expected 3, got 4" in error.messages[0]


@st.composite
def usccs(draw) -> str:
    authority = draw(st.sampled_from(sorted(_USCC_AUTHORITY_TYPES)))
    kind = draw(st.sampled_from(_USCC_AUTHORITY_TYPES[authority]))
    region = draw(st.from_regex(r"\A[0-9]{6}\Z"))
    body = "".join(draw(st.lists(st.sampled_from(USCC_CHARSET), min_size=9, max_size=9)))
    return uscc(authority + kind + region + body)


@given(usccs())
def test_property_any_well_formed_uscc_validates(code):
    validate_uscc(code)


@given(usccs(), st.integers(0, 17), st.sampled_from(USCC_CHARSET))
def test_property_changing_one_character_breaks_a_uscc(code, position, char):
    if code[position] == char:
        char = "0" if char != "0" else "1"
    changed = code[:position] + char + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


# --- phone ---------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["13812345678", "0531-12345678", "+86 138 1234 5678"])
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone, code",
    [("1381234567a", "character"), ("12345", "length"), ("12012345678", "mobile_prefix")],
)
def test_invalid_phones(phone, code):
    assert _error(validate_phone, phone).code == code


@pytest.mark.parametrize(
    ("typed", "mobile"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("8613812345678", "13812345678"),
    ],
)
def test_mobiles_are_normalised_to_11_digits(typed, mobile):
    validate_mobile(typed)
    assert normalize_mobile(typed) == mobile


@pytest.mark.parametrize(
    ("phone", "code"),
    [
        ("0531-12345678", "mobile"),  # a landline receives no text message
        ("+86 120 1234 5678", "mobile"),
        ("1381234567", "mobile"),
        ("12012345678", "mobile_prefix"),
        ("138-1234-567a", "character"),
    ],
)
def test_invalid_mobiles(phone, code):
    assert _error(validate_mobile, phone).code == code
