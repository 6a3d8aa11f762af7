"""Validators for Chinese identity numbers.

- The 18-digit resident identity number (公民身份号码), GB 11643-1999: a 6-digit
  region code, an 8-digit birth date, a 3-digit sequence and a check character
  computed with ISO 7064 MOD 11-2 (``X`` stands for 10).
- The 18-character unified social credit code (统一社会信用代码), GB 32100-2015:
  registration authority, organisation type, 6-digit region code, 9-character
  organisation code and a check character computed modulo 31 over the
  character set ``0-9 A-H J-N P-R T U W-Y`` (no I, O, S, V, Z).

Each validator raises Django's ``ValidationError`` whose message says what is
wrong: the length, the character at position N (counted from 1) or the check
character that was expected.

The validators accept lower case (``x`` as a resident ID check character, lower-case
letters in a credit code) but not surrounding white space, because they run on the
value a model is about to store. ``normalize_resident_id`` and ``normalize_uscc``
give the canonical stored form (stripped, upper case); services and the models'
``clean()`` apply them before validating.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# First two digits of the GB/T 2260 region code: the provincial-level divisions.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",  # 北京 天津 河北 山西 内蒙古
        "21", "22", "23",  # 辽宁 吉林 黑龙江
        "31", "32", "33", "34", "35", "36", "37",  # 上海 江苏 浙江 安徽 福建 江西 山东
        "41", "42", "43", "44", "45", "46",  # 河南 湖北 湖南 广东 广西 海南
        "50", "51", "52", "53", "54",  # 重庆 四川 贵州 云南 西藏
        "61", "62", "63", "64", "65",  # 陕西 甘肃 青海 宁夏 新疆
        "71", "81", "82",  # 台湾 香港 澳门
        "83",  # 台湾居民居住证 (residence permits of Taiwan residents use 830000)
    }
)  # fmt: skip

# GB 11643's own example 440524188001010014 was born in 1880; records of people
# long dead (inheritance, archives) must still validate, so the floor is generous.
EARLIEST_BIRTH_YEAR = 1850

_RESIDENT_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RESIDENT_ID_CHECK = "10X98765432"

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 32100 table 1: registration authority → organisation types it may issue.
_USCC_AUTHORITY_TYPES = {
    "1": "129",  # 机构编制
    "2": "19",  # 外交
    "3": "123459",  # 司法行政: 律师, 公证, 基层法律服务, 司法鉴定, 仲裁, 其他
    "4": "19",  # 文化
    "5": "1239",  # 民政
    "6": "129",  # 旅游
    "7": "129",  # 宗教
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商 / 市场监管
    "A": "19",  # 中央军委改革和编制办公室
    "N": "1239",  # 农业
    "Y": "1",  # 其他
}


def normalize_resident_id(value: str) -> str:
    """The stored form of a resident ID number: without surrounding spaces, ``X`` upper case."""
    return value.strip().upper()


def normalize_uscc(value: str) -> str:
    """The stored form of a unified social credit code: without surrounding spaces, upper case."""
    return value.strip().upper()


def resident_id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _RESIDENT_ID_WEIGHTS, strict=True)
    )
    return _RESIDENT_ID_CHECK[total % 11]


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(
        USCC_CHARSET.index(char) * weight
        for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_resident_id(value: str) -> None:
    """Check an 18-digit resident identity number (GB 11643).

    Accepts a lower-case ``x`` as the check character. Raises ``ValidationError``.
    """
    if not isinstance(value, str):
        raise ValidationError(_("A resident ID number must be text."), code="type")
    number = value.upper()
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d.")
            % {"count": len(number)},
            code="length",
        )
    for position, char in enumerate(number[:17], start=1):
        if not char.isascii() or not char.isdigit():
            raise ValidationError(
                _(
                    "Character %(position)d of the resident ID number must be a digit, "
                    "not “%(char)s”."
                )
                % {"position": position, "char": char},
                code="character",
            )
    last = number[17]
    if not (last.isascii() and (last.isdigit() or last == "X")):
        raise ValidationError(
            _("Character 18 of the resident ID number must be a digit or X, not “%(char)s”.")
            % {"char": last},
            code="character",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The resident ID number starts with an unknown region code %(prefix)s.")
            % {"prefix": number[:6]},
            code="region",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7–14 of the resident ID number (%(date)s) are not a valid birth date.")
            % {"date": number[6:14]},
            code="birth_date",
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("The birth date %(date)s in the resident ID number is in the future.")
            % {"date": birth.isoformat()},
            code="birth_date",
        )
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            _("The birth date %(date)s in the resident ID number is before %(year)d.")
            % {"date": birth.isoformat(), "year": EARLIEST_BIRTH_YEAR},
            code="birth_date",
        )
    expected = resident_id_check_character(number[:17])
    if last != expected:
        raise ValidationError(
            _(
                "The check character of the resident ID number is wrong: "
                "expected %(expected)s, got %(got)s."
            )
            % {"expected": expected, "got": last},
            code="check",
        )


def validate_uscc(value: str) -> None:
    """Check an 18-character unified social credit code (GB 32100).

    Raises ``ValidationError``.
    """
    if not isinstance(value, str):
        raise ValidationError(_("A unified social credit code must be text."), code="type")
    code = value.upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d.")
            % {"count": len(code)},
            code="length",
        )
    for position, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            raise ValidationError(
                _(
                    "Character %(position)d of the unified social credit code (“%(char)s”) is not "
                    "allowed: only digits and the letters A–H, J–N, P–R, T, U, W–Y are."
                )
                % {"position": position, "char": char},
                code="character",
            )
    authority, kind = code[0], code[1]
    if authority not in _USCC_AUTHORITY_TYPES:
        raise ValidationError(
            _(
                "Character 1 of the unified social credit code (“%(char)s”) is not a "
                "registration authority."
            )
            % {"char": authority},
            code="authority",
        )
    if kind not in _USCC_AUTHORITY_TYPES[authority]:
        raise ValidationError(
            _(
                "Character 2 of the unified social credit code (“%(char)s”) is not an organisation "
                "type that authority %(authority)s registers."
            )
            % {"char": kind, "authority": authority},
            code="kind",
        )
    for position in range(3, 9):
        if not code[position - 1].isdigit():
            raise ValidationError(
                _(
                    "Character %(position)d of the unified social credit code must be a digit "
                    "(it is part of the region code)."
                )
                % {"position": position},
                code="region",
            )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of the unified social credit code is wrong: expected "
                "%(expected)s, got %(got)s."
            )
            % {"expected": expected, "got": code[17]},
            code="check",
        )


_PHONE_CHARS = frozenset("0123456789+- ")


def validate_phone(value: str) -> None:
    """Check a contact phone number: a mainland mobile (11 digits from 1) or a landline.

    Allows ``+``, ``-`` and spaces as separators. Raises ``ValidationError``.
    """
    for position, char in enumerate(value, start=1):
        if char not in _PHONE_CHARS:
            raise ValidationError(
                _("Character %(position)d of the phone number (“%(char)s”) is not allowed.")
                % {"position": position, "char": char},
                code="character",
            )
    digits = "".join(char for char in value if char.isdigit())
    if not 7 <= len(digits) <= 15:
        raise ValidationError(
            _("A phone number has 7 to 15 digits; this one has %(count)d.")
            % {"count": len(digits)},
            code="length",
        )
    if len(digits) == 11 and digits[0] == "1" and digits[1] not in "3456789":
        raise ValidationError(
            _("A mobile number starts with 13 to 19, not %(prefix)s.") % {"prefix": digits[:2]},
            code="mobile_prefix",
        )


def validate_postcode(value: str) -> None:
    """Check a mainland postal code (邮政编码): six digits. Raises ``ValidationError``."""
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(_("A postal code has six digits."), code="postcode")


def normalize_mobile(value: str) -> str:
    """The 11 digits of a mainland mobile number typed with separators or a +86 / 86 prefix.

    ``"+86 138-1234-5678"`` → ``"13812345678"``. Other values come back stripped
    of separators only; ``validate_mobile`` says what is wrong with them.
    """
    digits = "".join(char for char in value if char.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return digits


def validate_mobile(value: str) -> None:
    """Check a mainland mobile number (one that receives SMS): 11 digits from 13 to 19.

    Accepts separators and a +86 prefix, as ``normalize_mobile`` does; landlines
    are refused. Raises ``ValidationError``.
    """
    validate_phone(value)
    digits = normalize_mobile(value)
    if len(digits) != 11 or digits[0] != "1" or digits[1] not in "3456789":
        raise ValidationError(
            _("Enter a mobile number of 11 digits starting with 1, such as 13812345678."),
            code="mobile",
        )
