"""Masking of caller data in exports and reports (spec §10, 安全保密制度).

Phones (the output always has the same length as the canonical number):

* mobile ``13812345678`` → ``138****5678`` (the 4 middle digits hidden);
* landline ``02188886666`` → ``021****6666``, ``075512345678`` → ``0755****5678``,
  ``03511234567`` → ``0351***4567`` (the area code and the last 4 digits are kept,
  every digit of the local number before them is hidden);
* service numbers of up to 5 digits (``12345``, ``110``, ``95588``) are public numbers and
  are returned unchanged; ten-digit ``400``/``800`` numbers keep their first 3 and last 4
  digits (``400***3123``);
* text that does not normalize (legacy data, a foreign number) is masked character by
  character: only the first ``len // 4`` (at most 3) and last ``len // 4`` (at most 4)
  characters are kept, so short junk is hidden entirely; the length is kept.

Names: the first character of each part of the name is kept and every other letter is
replaced by ``*``; spaces and the name separators ``· - ' .`` are kept as they are.

* ``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, ``张先生`` → ``张**``;
* ``买买提·艾力`` → ``买**·艾*``;
* ``John Smith`` → ``J*** S****``, ``Mary-Jane O'Neil`` → ``M***-J*** O'N***``;
* a one-character name (``张``) → ``*``: a lone character would be the whole name;
* empty text, ``None`` and the anonymous markers (``匿名``, ``anonymous``, … see
  :data:`ANONYMOUS_NAMES`) are returned unchanged.
"""

from __future__ import annotations

from typing import overload

from svcdesk.domain.phone import PhoneError, normalize_phone, phone_kind

__all__ = ["ANONYMOUS_NAMES", "MASK", "is_anonymous_name", "mask_name", "mask_phone"]

MASK = "*"

#: What an agent types in the name field for a caller who gives no name (case-insensitive).
ANONYMOUS_NAMES: frozenset[str] = frozenset(
    {
        "匿名",
        "匿名者",
        "匿名市民",
        "匿名来电",
        "无名",
        "未留名",
        "不愿透露",
        "不愿透露姓名",
        "未提供",
        "无",
        "anonymous",
        "anon",
        "n/a",
        "none",
        "-",
    }
)

_NAME_SEPARATORS = frozenset(" \t\u3000·•・‧.-‐'’")


def is_anonymous_name(name: str) -> bool:
    """Whether ``name`` is one of the markers for a caller who gave no name."""
    return name.strip().casefold() in ANONYMOUS_NAMES


def _mask_middle(text: str, head: int, tail: int) -> str:
    hidden = len(text) - head - tail
    if hidden <= 0:
        return text
    return text[:head] + MASK * hidden + text[len(text) - tail :]


def _mask_unparsed(text: str) -> str:
    keep = len(text) // 4
    return _mask_middle(text, min(3, keep), min(4, keep)) if keep else MASK * len(text)


@overload
def mask_phone(phone: str) -> str: ...
@overload
def mask_phone(phone: None) -> None: ...
def mask_phone(phone: str | None) -> str | None:
    """Mask a phone number for an export or a report (see the module's rules)."""
    if phone is None or not phone.strip():
        return phone
    try:
        canonical = normalize_phone(phone)
        kind = phone_kind(canonical)
    except PhoneError:
        return _mask_unparsed(phone.strip())
    if kind == "mobile":
        return _mask_middle(canonical, 3, 4)
    if kind == "landline":
        area = 3 if canonical[1] in "12" else 4
        return _mask_middle(canonical, area, 4)
    if len(canonical) <= 5:
        return canonical
    return _mask_middle(canonical, 3, 4)


@overload
def mask_name(name: str) -> str: ...
@overload
def mask_name(name: None) -> None: ...
def mask_name(name: str | None) -> str | None:
    """Mask a caller's name: keep the first character of each part (see the module)."""
    if name is None or not name.strip() or is_anonymous_name(name):
        return name
    text = name.strip()
    if len(text) == 1:
        return MASK
    out: list[str] = []
    at_part_start = True
    for char in text:
        if char in _NAME_SEPARATORS:
            out.append(char)
            at_part_start = True
        elif at_part_start:
            out.append(char)
            at_part_start = False
        else:
            out.append(MASK)
    return "".join(out)
