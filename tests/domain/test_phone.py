from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from svcdesk.domain.phone import PhoneError, is_complete_phone, normalize_phone, phone_kind

FULL_WIDTH = str.maketrans("0123456789+()-", "０１２３４５６７８９＋（）－")


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        " 13812345678 ",
        "138 1234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "(138) 1234 5678",
        "+8613812345678",
        "+86 138 1234 5678",
        "+86-138-1234-5678",
        "(+86) 138 1234 5678",
        "0086 138 1234 5678",
        "008613812345678",
        "86 13812345678",
        "8613812345678",
        "013812345678",
        "0138-1234-5678",
        "１３８１２３４５６７８",
        "１３８　１２３４　５６７８",
        "+８６ １３８－１２３４－５６７８",
        "138—1234—5678",
    ],
)
def test_mobile_forms(typed: str) -> None:
    assert normalize_phone(typed) == "13812345678"
    assert phone_kind(normalize_phone(typed)) == "mobile"
    assert is_complete_phone(typed)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("021-8888 6666", "02188886666"),
        ("(021) 88886666", "02188886666"),
        ("021.8888.6666", "02188886666"),
        ("02188886666", "02188886666"),
        ("+86 21 8888 6666", "02188886666"),
        ("+86 (0)21 8888 6666", "02188886666"),
        ("0086 21 88886666", "02188886666"),
        ("862188886666", "02188886666"),
        ("2188886666", "02188886666"),
        ("０２１－８８８８６６６６", "02188886666"),
        ("0755-1234 5678", "075512345678"),
        ("(0755)1234-5678", "075512345678"),
        ("+86 755 1234 5678", "075512345678"),
        ("010-1234 5678", "01012345678"),
        ("+86 10 1234 5678", "01012345678"),
        ("0351-1234567", "03511234567"),
    ],
)
def test_landline_forms(typed: str, canonical: str) -> None:
    assert normalize_phone(typed) == canonical
    assert phone_kind(canonical) == "landline"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("12345", "12345"),
        ("12348", "12348"),
        ("12388", "12388"),
        ("110", "110"),
        ("119", "119"),
        ("120", "120"),
        ("95588", "95588"),
        ("96777", "96777"),
        ("10086", "10086"),
        ("12 345", "12345"),
        ("１２３４５", "12345"),
        ("+86 12345", "12345"),
        ("400-812-3123", "4008123123"),
        ("400 8123 123", "4008123123"),
        ("800-812-3123", "8008123123"),
    ],
)
def test_service_numbers(typed: str, canonical: str) -> None:
    assert normalize_phone(typed) == canonical
    assert phone_kind(canonical) == "service"


def test_local_number_with_default_area_code() -> None:
    assert normalize_phone("8888 6666", default_area_code="021") == "02188886666"
    assert normalize_phone("8888-6666", default_area_code="21") == "02188886666"
    assert is_complete_phone("88886666", default_area_code="021")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("--", "empty"),
        ("abc", "letters"),
        ("138abcd5678", "letters"),
        ("1381234567x", "letters"),
        ("一三八", "letters"),
        ("138#1234#5678", "bad_chars"),
        ("138*1234", "bad_chars"),
        ("138+12345678", "bad_chars"),
        ("1381234567", "too_short"),
        ("138", "too_short"),
        ("13", "too_short"),
        ("0", "too_short"),
        ("021", "too_short"),
        ("021-8888", "too_short"),
        ("138123456789", "too_long"),
        ("021-8888-66661", "too_long"),
        ("123456789012345678901", "too_long"),
        ("4008", "too_short"),
        ("40081231234", "too_long"),
        ("12012345678", "bad_mobile_prefix"),
        ("11012345678", "bad_mobile_prefix"),
        ("10012345678", "bad_mobile_prefix"),
        ("0123-4567890", "unknown_area_code"),
        ("0111-12345678", "unknown_area_code"),
        ("8888 6666", "missing_area_code"),
        ("+1 212 555 0100", "foreign_number"),
        ("00852 2345 6789", "foreign_number"),
        ("+86", "too_short"),
    ],
)
def test_refused(typed: str, code: str) -> None:
    with pytest.raises(PhoneError) as info:
        normalize_phone(typed)
    assert info.value.code == code
    assert str(info.value).startswith(f"{code}: ")
    assert info.value.detail
    assert isinstance(info.value, ValueError)
    assert not is_complete_phone(typed)


def test_partial_typing_is_not_complete() -> None:
    number = "13812345678"
    for end in range(1, len(number)):
        assert not is_complete_phone(number[:end])
    assert is_complete_phone(number)


def test_phone_kind_refuses_non_canonical() -> None:
    with pytest.raises(PhoneError):
        phone_kind("138 1234 5678")
    with pytest.raises(PhoneError):
        phone_kind("")


_SEPARATOR = st.sampled_from(["", " ", "-", ".", "\u3000", " - "])


def _mobiles() -> st.SearchStrategy[str]:
    return st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(["130", "133", "138", "139", "150", "158", "166", "177", "186", "199"]),
        st.text(alphabet="0123456789", min_size=8, max_size=8),
    )


@st.composite
def _typed_forms(draw: st.DrawFn, number: str) -> str:
    """``number`` (11-digit mobile) as an agent might type it."""
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086 ", "86", "(+86)", "0"]))
    cuts = sorted(draw(st.lists(st.integers(1, 10), max_size=3, unique=True)))
    parts, last = [], 0
    for cut in cuts:
        parts.append(number[last:cut])
        last = cut
    parts.append(number[last:])
    text = parts[0]
    for part in parts[1:]:
        text += draw(_SEPARATOR) + part
    text = prefix + text
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    spaces = draw(st.sampled_from(["", " ", "  "]))
    return spaces + text + spaces


@given(st.data(), _mobiles())
def test_many_forms_one_canonical_mobile(data: st.DataObject, number: str) -> None:
    typed = data.draw(_typed_forms(number))
    assert normalize_phone(typed) == number
    assert phone_kind(number) == "mobile"


@given(
    st.sampled_from(["021", "010", "0755", "0351", "020", "0571"]),
    st.sampled_from(["8", "6", "5"]),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.sampled_from(["{a}-{n}", "({a}) {n}", "+86 {b} {n}", "0086-{b}-{n}", "{a}{n}", "+86(0){b}{n}"]),
)
def test_many_forms_one_canonical_landline(area: str, first: str, rest: str, form: str) -> None:
    local = first + rest + ("0" if area in ("021", "010", "0755", "020", "0571") else "")
    canonical = area + local
    assume(phonenumbers.is_valid_number(phonenumbers.parse(canonical, "CN")))
    typed = form.format(a=area, b=area[1:], n=local)
    assert normalize_phone(typed) == canonical
    assert phone_kind(canonical) == "landline"


@given(st.text(max_size=30))
def test_arbitrary_text_normalizes_or_raises_phone_error(text: str) -> None:
    try:
        canonical = normalize_phone(text)
    except PhoneError as err:
        assert err.code
        assert not is_complete_phone(text)
    else:
        assert canonical.isascii() and canonical.isdigit()
        assert phone_kind(canonical) in ("mobile", "landline", "service")
        # Canonical forms are fixed points.
        assert normalize_phone(canonical) == canonical
