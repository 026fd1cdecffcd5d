"""Phone numbers as agents type them, reduced to one canonical form (spec §2 step 2).

The console looks up a caller's earlier tickets by phone number, so every way of typing
the same number must give the same key:

=========================  ==========================  ===============================
kind                       canonical form              examples typed
=========================  ==========================  ===============================
mobile (手机)              11 digits, ``1[3-9]…``      ``138 1234 5678``, ``+86-138…``,
                                                       ``0086138…``, ``013812345678``,
                                                       ``１３８１２３４５６７８``
landline (固话)            ``0`` + area code + number  ``021-8888 6666``, ``(0755)1234-5678``,
                                                       ``+86 21 8888 6666``, ``+86 (0)21…``
service (特服/客服)        its digits                  ``12345``, ``110``, ``95588``,
                                                       ``400-812-3123``
=========================  ==========================  ===============================

Mobile and landline validity come from ``phonenumbers`` (region CN). Service numbers are
recognised here: 3 digits ``11x``/``12x`` (110, 112, 114, 119, 120, 122, …); 5 digits
``10xxx``/``11xxx``/``12xxx``/``95xxx``/``96xxx`` (10086, 11185, 12345, 12348, 12388,
95588, 96777, …); and the ten-digit ``400``/``800`` business numbers.

A local landline number typed without its area code (``8888 6666``) is refused with
``missing_area_code`` unless the caller of :func:`normalize_phone` gives the centre's
``default_area_code``. Numbers of other countries are refused (``foreign_number``).

Every refusal is a :class:`PhoneError` with a stable ``code`` and an English ``detail``;
``str(error)`` is ``"<code>: <detail>"``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberType

__all__ = [
    "PhoneError",
    "PhoneKind",
    "is_complete_phone",
    "normalize_phone",
    "phone_kind",
]

PhoneKind = Literal["mobile", "landline", "service"]

#: Characters an agent may type between digits; they are dropped.
_SEPARATORS = frozenset(" \t-‐‑‒–—―−.()/\u00a0\u3000")
_DIGITS = frozenset("0123456789")
_MAX_DIGITS = 20

_SERVICE_RE = re.compile(r"1[12]\d|1[0-2]\d{3}|9[56]\d{3}|[48]00\d{7}")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_LANDLINE_RE = re.compile(r"0[1-9]\d{8,10}")


class PhoneError(ValueError):
    """A typed phone number that cannot be used, with a stable ``code``.

    Codes: ``empty``, ``letters``, ``bad_chars``, ``too_short``, ``too_long``,
    ``bad_mobile_prefix``, ``unknown_area_code``, ``missing_area_code``,
    ``foreign_number``, ``invalid``, ``not_canonical``.
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def _strip_separators(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise PhoneError("empty", "no phone number was given")
    kept: list[str] = []
    for index, char in enumerate(text):
        if char in _DIGITS:
            kept.append(char)
        elif char in _SEPARATORS:
            continue
        elif char == "+":
            if kept:
                raise PhoneError("bad_chars", "'+' may only start the number (+86)")
            kept.append(char)
        elif char.isalpha():
            raise PhoneError("letters", f"letters are not allowed in a phone number (found {char!r})")
        else:
            raise PhoneError(
                "bad_chars",
                f"character {char!r} at position {index + 1} is not allowed in a phone number",
            )
    digits = "".join(kept)
    if not digits.strip("+"):
        raise PhoneError("empty", "no digits were given")
    count = len(digits.lstrip("+"))
    if count > _MAX_DIGITS:
        raise PhoneError("too_long", f"{count} digits is too long for a phone number")
    return digits


def _strip_country_code(digits: str) -> tuple[str, bool]:
    """Remove +86 / 0086 / 86; return the national part and whether a prefix was removed."""
    if digits.startswith("+"):
        rest = digits[1:]
        if rest.startswith("86"):
            return rest[2:], True
        raise PhoneError("foreign_number", "only mainland China numbers (+86) are accepted")
    if digits.startswith("00"):
        if digits.startswith("0086"):
            return digits[4:], True
        raise PhoneError("foreign_number", "only mainland China numbers (0086) are accepted")
    # A bare "86" prefix: nothing domestic of 11+ digits starts with 86.
    if digits.startswith("86") and len(digits) >= 11:
        return digits[2:], True
    return digits, False


@lru_cache(maxsize=1024)
def _area_code_known(area: str) -> bool:
    """Whether ``area`` (with its leading 0) is an area code phonenumbers knows."""
    for subscriber in (
        "2345678",
        "23456789",
        "6543210",
        "65432109",
        "8888888",
        "88888888",
        "5555555",
        "55555555",
        "3333333",
        "33333333",
        "6666666",
        "66666666",
    ):
        if _valid(area + subscriber):
            return True
    return False


def _parse(national: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return None


def _valid(national: str) -> bool:
    number = _parse(national)
    return number is not None and phonenumbers.is_valid_number(number)


def _area_of(landline: str) -> str:
    """The area code (with its 0) of a number starting with 0: 010/02x, else four digits."""
    return landline[:3] if landline[1] in "12" else landline[:4]


def _mobile(national: str) -> str:
    if len(national) < 11:
        raise PhoneError("too_short", f"a mobile number has 11 digits, got {len(national)}")
    if len(national) > 11:
        raise PhoneError("too_long", f"a mobile number has 11 digits, got {len(national)}")
    number = _parse(national)
    if (
        number is None
        or phonenumbers.number_type(number)
        not in (
            PhoneNumberType.MOBILE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE,
        )
        or not phonenumbers.is_valid_number(number)
    ):
        raise PhoneError(
            "bad_mobile_prefix",
            f"{national[:3]} is not a mainland mobile prefix",
        )
    return national


def _landline(national: str) -> str:
    """``national`` starts with 0 (trunk prefix) followed by the area code."""
    if len(national) < 3:
        raise PhoneError("too_short", "an area code and a local number are needed")
    area = _area_of(national)
    if _valid(national):
        number = _parse(national)
        assert number is not None
        if phonenumbers.number_type(number) in (
            PhoneNumberType.FIXED_LINE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE,
            PhoneNumberType.VOIP,
            PhoneNumberType.UAN,
        ):
            return national
    if not _area_code_known(area):
        raise PhoneError("unknown_area_code", f"{area} is not a known area code")
    local = len(national) - len(area)
    if local < 7:
        raise PhoneError("too_short", f"a local number in area {area} needs 7 or 8 digits, got {local}")
    if local > 8:
        raise PhoneError("too_long", f"a local number in area {area} has 7 or 8 digits, got {local}")
    raise PhoneError("invalid", f"{national} is not a valid number in area {area}")


def normalize_phone(raw: str, *, default_area_code: str | None = None) -> str:
    """Return the canonical form of a phone number as typed, or raise :class:`PhoneError`.

    ``default_area_code`` (e.g. ``"021"`` or ``"21"``) completes a 7–8 digit local
    landline number typed without its area code; without it such input is refused.
    """
    if not isinstance(raw, str):
        raise PhoneError("bad_chars", f"a phone number must be text, not {type(raw).__name__}")
    digits = _strip_separators(raw)
    national, international = _strip_country_code(digits)
    if not national:
        raise PhoneError("too_short", "nothing follows the country code")

    if _SERVICE_RE.fullmatch(national):
        return national
    if national.startswith("10") and len(national) == 10:
        # Beijing (010) written without its 0, as after +86: no mobile starts with 10.
        return _landline("0" + national)
    if national.startswith("1"):
        return _mobile(national)
    if national.startswith("0"):
        # A leading 0 on a mobile ("013812345678") is the trunk prefix: drop it.
        if len(national) >= 3 and national[1] == "1" and national[2] in "3456789":
            return _mobile(national[1:])
        return _landline(national)
    # No leading 0: after +86 the area code comes without its 0; a lone 7-8 digit
    # number is a local number lacking its area code.
    if national[:3] in ("400", "800") and len(national) >= 4:
        raise PhoneError(
            "too_long" if len(national) > 10 else "too_short",
            f"a {national[:3]} number has 10 digits, got {len(national)}",
        )
    if international or len(national) >= 9:
        return _landline("0" + national)
    if len(national) in (7, 8) and national[0] in "2345678":
        if default_area_code is None:
            raise PhoneError(
                "missing_area_code",
                "a local number needs its area code (e.g. 021-8888 6666)",
            )
        area = default_area_code.strip().lstrip("0")
        if not area.isdigit():
            raise PhoneError("unknown_area_code", f"{default_area_code!r} is not an area code")
        return _landline("0" + area + national)
    if len(national) < 7:
        raise PhoneError("too_short", f"{len(national)} digits is too short for a phone number")
    raise PhoneError("invalid", f"{national} is not a valid mainland phone number")


def phone_kind(canonical: str) -> PhoneKind:
    """The kind of a number already in canonical form (as :func:`normalize_phone` returns)."""
    if _SERVICE_RE.fullmatch(canonical):
        return "service"
    if _MOBILE_RE.fullmatch(canonical):
        return "mobile"
    if _LANDLINE_RE.fullmatch(canonical):
        return "landline"
    raise PhoneError("not_canonical", f"{canonical!r} is not a canonical phone number")


def is_complete_phone(raw: str, *, default_area_code: str | None = None) -> bool:
    """True when the text typed so far is a whole, valid number (history look-up may start)."""
    try:
        normalize_phone(raw, default_area_code=default_area_code)
    except PhoneError:
        return False
    return True
