"""Text typed as an id: ASCII digits in a column's range, nothing else (the one rule).

Found in review: ``"²".isdigit()`` is True but ``int("²")`` raises (a 500), and
``int("٣")`` is 3 (an Arabic-Indic digit read as an id)."""

from __future__ import annotations

import pytest

from yiwang.core.ids import INT_MAX, parse_id, parse_index


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        ("007", 7),
        (str(2**63 - 1), 2**63 - 1),  # the largest bigint
        (17, 17),
    ],
)
def test_ids_are_read(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "0",  # ids start at 1
        "",
        None,
        "-1",
        "+1",
        " 1",
        "1_000",
        "1.0",
        "٣",  # ARABIC-INDIC DIGIT THREE
        "３",  # FULLWIDTH DIGIT THREE
        "²",  # SUPERSCRIPT TWO: isdigit() is True, int() refuses it
        "𝟗",  # MATHEMATICAL BOLD DIGIT NINE
        str(2**63),  # one past the largest bigint
        "9" * 400,  # int() of a long string is slow and capped in Python 3.11
        True,
        1.0,
    ],
)
def test_anything_else_is_not_an_id(text):
    assert parse_id(text) is None


def test_an_index_may_be_zero_and_is_bounded_alike():
    assert parse_index("0") == 0
    assert parse_index(str(INT_MAX)) == INT_MAX
    assert parse_index("²") is None
    assert parse_index(-1) is None
