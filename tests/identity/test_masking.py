"""Masking of personal data and its template filters."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from yiwang.identity.masking import (
    mask_email,
    mask_name,
    mask_phone,
    mask_resident_id,
    mask_uscc,
)


@pytest.mark.parametrize(
    "value, masked",
    [
        ("370102199003071234", "3701**********1234"),
        ("11010519491231002X", "1101**********002X"),
        ("370102900307123", "3701*******7123"),  # an old 15-digit number
        ("12345678", "********"),
        ("123", "***"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_resident_id(value, masked):
    assert mask_resident_id(value) == masked


def test_mask_uscc():
    assert mask_uscc("91370100163040587M") == "9137**********587M"


@pytest.mark.parametrize(
    "value, masked",
    [
        ("13812345678", "138****5678"),
        ("0531-12345678", "053******5678"),
        ("1381234", "*******"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    "value, masked",
    [
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("张", "*"),
        (" 李四 ", "李*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_name(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("zhangsan@example.org", "z*******@example.org"),
        ("li@jinan.gov.cn", "l*@jinan.gov.cn"),
        ("a@example.org", "*@example.org"),
        ("no-at-sign", "**********"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_email(value, masked):
    assert mask_email(value) == masked


def test_template_filters():
    template = Template(
        "{% load identity_tags %}{{ id|mask_id }} {{ phone|mask_phone }} {{ name|mask_name }}"
        "|{{ missing|mask_id }}"
    )
    rendered = template.render(
        Context({"id": "370102199003071234", "phone": "13812345678", "name": "张三丰"})
    )
    assert rendered == "3701**********1234 138****5678 张**|"
