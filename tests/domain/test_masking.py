from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from svcdesk.domain.masking import ANONYMOUS_NAMES, is_anonymous_name, mask_name, mask_phone
from svcdesk.domain.phone import PhoneError, is_complete_phone, normalize_phone, phone_kind


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("02188886666", "021****6666"),
        ("01012345678", "010****5678"),
        ("075512345678", "0755****5678"),
        ("03511234567", "0351***4567"),
        ("12345", "12345"),
        ("110", "110"),
        ("95588", "95588"),
        ("4008123123", "400***3123"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_phone_empty_and_none() -> None:
    assert mask_phone("") == ""
    assert mask_phone(None) is None


@pytest.mark.parametrize(
    ("junk", "masked"),
    [
        ("+1 212 555 0100", "+1 *********100"),
        ("abc", "***"),
        ("1234", "1**4"),
        ("88886666", "88****66"),
    ],
)
def test_mask_phone_that_does_not_normalize(junk: str, masked: str) -> None:
    assert mask_phone(junk) == masked
    assert len(mask_phone(junk)) == len(junk)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("张先生", "张**"),
        ("李小龙", "李**"),
        ("张", "*"),
        ("买买提·艾力", "买**·艾*"),
        ("John Smith", "J*** S****"),
        ("Madonna", "M******"),
        ("Mary-Jane O'Neil", "M***-J*** O'N***"),
        ("  张三  ", "张*"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize("name", ["", "   ", "匿名", "anonymous", "Anonymous", "不愿透露"])
def test_mask_name_leaves_empty_and_anonymous(name: str) -> None:
    assert mask_name(name) == name


def test_mask_name_none() -> None:
    assert mask_name(None) is None


def test_anonymous_markers() -> None:
    assert is_anonymous_name(" 匿名 ")
    assert is_anonymous_name("ANONYMOUS")
    assert not is_anonymous_name("张三")
    assert all(marker == marker.strip().casefold() for marker in ANONYMOUS_NAMES)


_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@given(st.sampled_from(["130", "138", "139", "150", "166", "177", "186", "199"]), _digits)
def test_masked_mobile_hides_the_middle(prefix: str, rest: str) -> None:
    phone = prefix + rest
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked == phone[:3] + "****" + phone[7:]
    assert phone[3:7] not in masked.replace("*", "#")[3:7]
    assert phone not in masked


@given(
    st.sampled_from(["021", "010", "020", "0755", "0571"]),
    st.sampled_from("2345678"),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)
def test_masked_landline_hides_the_middle(area: str, first: str, rest: str) -> None:
    phone = area + first + rest
    assume(is_complete_phone(phone))
    masked = mask_phone(phone)
    assert len(masked) == len(phone)
    assert masked.startswith(area)
    assert masked.endswith(phone[-4:])
    assert set(masked[len(area) : -4]) == {"*"}


@given(st.text(max_size=30))
def test_masking_never_lengthens_and_hides_long_inputs(text: str) -> None:
    masked = mask_phone(text)
    assert len(masked) <= len(text)
    try:
        public = phone_kind(normalize_phone(text)) == "service" and len(masked) <= 5
    except PhoneError:
        public = False
    if len(text.strip()) >= 4 and not public:
        assert "*" in masked


_SEPARATORS = " \t\u3000·•・‧.-‐'’"


@given(st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip())))
def test_masked_name_keeps_only_the_first_letter_of_each_part(name: str) -> None:
    masked = mask_name(name)
    if is_anonymous_name(name):
        assert masked == name
        return
    stripped = name.strip()
    assert len(masked) == len(stripped)
    if len(stripped) == 1:
        assert masked == "*"
        return
    for index, char in enumerate(stripped):
        if char in _SEPARATORS or index == 0 or stripped[index - 1] in _SEPARATORS:
            assert masked[index] == char
        else:
            assert masked[index] == "*"
