from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from svcdesk.domain.categories import CATEGORIES, MODES
from svcdesk.domain.validation import (
    FORBIDDEN_PHRASES,
    MAX_LENGTHS,
    TAB_ORDER,
    FieldProblem,
    InputError,
    TicketInput,
    clean_text,
    find_forbidden,
    normalize_newlines,
    parse_event_time,
    validate_ticket,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2025, 9, 30, 12, 0, tzinfo=SHANGHAI)

GOOD: dict[str, Any] = {
    "caller_phone": "138 1234 5678",
    "caller_name": "张三",
    "event_time": "2025-09-30 10:00",
    "place": "人民路1号路口",
    "details": "路灯不亮已经三天了。",
    "category": "general_request",
    "subtype": "general",
    "mode": "transfer",
    "unit_code": "U-CITY-LIGHT",
    "urgent": False,
}


def ticket(**changes: Any) -> dict[str, Any]:
    data = dict(GOOD)
    data.update(changes)
    return data


def problems_of(data: dict[str, Any], **kwargs: Any) -> list[FieldProblem]:
    with pytest.raises(InputError) as info:
        validate_ticket(data, **kwargs)
    return info.value.problems


def fields_of(data: dict[str, Any], **kwargs: Any) -> list[str]:
    return [p.field for p in problems_of(data, **kwargs)]


# --------------------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    "text",
    [
        "市民反映人民路1号路灯不亮",
        "Mixed 中英 text, ümlaut, русский, العربية",
        "emoji 😀👍🏽 and a family 👨\u200d👩\u200d👧 and a flag 🏳️\u200d🌈",
        "quotes \" ' “” 「」 ‘’",
        "Robert'); DROP TABLE tickets;--",
        "1 OR 1=1; SELECT * FROM accounts",
        "<script>alert(1)</script> {braces} %s %(x)s \\n",
        "全角　空格在中间",
    ],
)
def test_clean_text_keeps_text_exactly(text: str) -> None:
    assert clean_text(text, "place") == text
    assert clean_text("  " + text + "\n ", "details") == text


def test_clean_text_strips_and_normalizes_newlines() -> None:
    assert clean_text("\u3000 你好 \t", "place") == "你好"
    assert clean_text("第一行\r\n第二行\r第三行\u2028第四行", "details") == ("第一行\n第二行\n第三行\n第四行")
    assert clean_text("a\tb", "details") == "a\tb"


def test_clean_text_empty() -> None:
    assert clean_text("", "place") is None
    assert clean_text("   \n ", "place") is None
    assert clean_text(None, "place") is None
    with pytest.raises(InputError) as info:
        clean_text(" ", "place", required=True)
    assert info.value.problems == [FieldProblem("place", "required", "a value is required")]


@pytest.mark.parametrize(("field", "limit"), sorted(MAX_LENGTHS.items()))
def test_clean_text_max_length(field: str, limit: int) -> None:
    assert clean_text("字" * limit, field) == "字" * limit
    with pytest.raises(InputError) as info:
        clean_text("字" * (limit + 1), field)
    (problem,) = info.value.problems
    assert problem.field == field
    assert problem.code == "too_long"
    assert str(limit) in problem.message


def test_clean_text_spec_limits() -> None:
    assert MAX_LENGTHS["caller_name"] == 40
    assert MAX_LENGTHS["place"] == 200
    assert MAX_LENGTHS["details"] == 4000
    assert MAX_LENGTHS["reply_text"] == 4000
    assert MAX_LENGTHS["reason"] == 1000


def test_clean_text_explicit_max_len_wins() -> None:
    with pytest.raises(InputError):
        clean_text("abcd", "anything", 3)
    assert clean_text("abc", "anything", 3) == "abc"


_CONTROL = ["\x00", "\x07", "\x08", "\x1b", "\x1f", "\x7f", "\x85", "\x9b"]
_INVISIBLE = [
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
]


@pytest.mark.parametrize("char", _CONTROL)
@pytest.mark.parametrize("field", ["place", "details", "caller_name", "reason"])
def test_clean_text_refuses_control_characters(char: str, field: str) -> None:
    for text in (f"a{char}b", f"{char}ab", f"ab{char}"):
        with pytest.raises(InputError) as info:
            clean_text(text, field)
        (problem,) = info.value.problems
        assert (problem.field, problem.code) == (field, "control_chars")


@pytest.mark.parametrize("char", _INVISIBLE)
@pytest.mark.parametrize("field", ["place", "details", "caller_name"])
def test_clean_text_refuses_invisible_characters(char: str, field: str) -> None:
    for text in (f"a{char}b", f"{char}ab", f"ab{char}", char):
        with pytest.raises(InputError) as info:
            clean_text(text, field)
        (problem,) = info.value.problems
        assert (problem.field, problem.code) == (field, "invisible_chars")
        assert f"U+{ord(char):04X}" in problem.message


def test_clean_text_line_breaks_only_in_multiline_fields() -> None:
    for text in ("a\nb", "a\tb", "a\r\nb", "a\u2029b"):
        with pytest.raises(InputError) as info:
            clean_text(text, "place")
        assert info.value.problems[0].code == "control_chars"
        assert clean_text(text, "details") is not None
        assert clean_text(text, "place", multiline=True) is not None


def test_clean_text_refuses_surrogates_and_non_text() -> None:
    with pytest.raises(InputError) as info:
        clean_text("a\ud800b", "details")
    assert info.value.problems[0].code == "control_chars"
    with pytest.raises(InputError) as info:
        clean_text(42, "place")
    assert info.value.problems[0] == FieldProblem("place", "bad_type", "must be text, not int")


@given(st.text(max_size=300))
def test_clean_text_arbitrary_text_round_trips_or_is_refused(text: str) -> None:
    for field in ("place", "details", "caller_name"):
        try:
            cleaned = clean_text(text, field)
        except InputError as err:
            assert [p.field for p in err.problems] == [field]
            assert err.problems[0].code in (
                "too_long",
                "control_chars",
                "invisible_chars",
            )
        else:
            expected = normalize_newlines(text).strip()
            assert cleaned == (expected or None)


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs", "Cf", "Zl", "Zp"])))
def test_clean_text_printable_text_is_kept_in_details(text: str) -> None:
    assert clean_text(text[:4000], "details") == (text[:4000].strip() or None)


# --------------------------------------------------------------------------- the ticket


def test_valid_ticket() -> None:
    result = validate_ticket(GOOD, now=NOW)
    assert result.caller_phone == "13812345678"
    assert result.caller_name == "张三"
    assert result.event_time == datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert result.event_time is not None and result.event_time.tzinfo is not None
    assert result.place == "人民路1号路口"
    assert result.details == "路灯不亮已经三天了。"
    assert (result.category, result.subtype, result.mode) == ("general_request", "general", "transfer")
    assert result.unit_code == "U-CITY-LIGHT"
    assert result.urgent is False and result.major is False and result.anonymous is False


def test_every_category_subtype_and_mode_is_accepted() -> None:
    for category, subtypes in CATEGORIES.items():
        for subtype in subtypes:
            for mode in MODES:
                result = validate_ticket(ticket(category=category, subtype=subtype, mode=mode))
                assert (result.category, result.subtype, result.mode) == (category, subtype, mode)


def test_choices_are_trimmed_and_case_insensitive() -> None:
    result = validate_ticket(ticket(category=" Complaint ", subtype="STAFF_CONDUCT", mode="Direct"))
    assert (result.category, result.subtype, result.mode) == ("complaint", "staff_conduct", "direct")


def test_all_problems_in_tab_order() -> None:
    bad = {
        "urgent": "maybe",
        "unit_code": "x" * 65,
        "mode": "fax",
        "subtype": "nope",
        "category": "weather",
        "details": "\u200b",
        "place": "a\nb",
        "event_time": "yesterday-ish",
        "caller_name": "名" * 41,
        "caller_phone": "12012345678",
    }
    problems = problems_of(bad, now=NOW)
    assert [p.field for p in problems] == list(TAB_ORDER[:10])
    assert [p.code for p in problems] == [
        "bad_phone",
        "too_long",
        "bad_time",
        "control_chars",
        "invisible_chars",
        "bad_choice",
        "bad_choice",
        "bad_choice",
        "too_long",
        "bad_value",
    ]


def test_empty_ticket_lists_every_required_field() -> None:
    problems = problems_of({})
    assert [p.field for p in problems] == [
        "caller_phone",
        "caller_name",
        "event_time",
        "place",
        "details",
        "category",
        "subtype",
        "mode",
    ]
    assert {p.code for p in problems} == {"required"}


def test_input_error_str_names_the_field() -> None:
    with pytest.raises(InputError) as info:
        validate_ticket(ticket(caller_phone="12012345678"))
    message = str(info.value)
    assert message.startswith("caller_phone: not a valid phone number (")
    assert "120" in message
    assert isinstance(info.value, ValueError)
    assert info.value.fields == ["caller_phone"]
    assert info.value.for_field("caller_phone")[0].code == "bad_phone"


def test_several_problems_join_in_str() -> None:
    with pytest.raises(InputError) as info:
        validate_ticket(ticket(place="", details=""))
    assert str(info.value) == (
        "place: the exact place is required; details: the details of the request are required"
    )


# Every field's bad inputs name that field.

_BAD_VALUES: list[tuple[str, object, str]] = [
    ("caller_phone", "", "required"),
    ("caller_phone", None, "required"),
    ("caller_phone", "abc", "bad_phone"),
    ("caller_phone", "138 1234 567", "bad_phone"),
    ("caller_phone", "138123456789", "bad_phone"),
    ("caller_phone", "12012345678", "bad_phone"),
    ("caller_phone", "0123-4567890", "bad_phone"),
    ("caller_phone", "138\x001234\x005678", "bad_phone"),
    ("caller_phone", "138\u200b12345678", "bad_phone"),
    ("caller_phone", 13812345678, "bad_type"),
    ("caller_name", "", "required"),
    ("caller_name", "  ", "required"),
    ("caller_name", "张" * 41, "too_long"),
    ("caller_name", "张\x07三", "control_chars"),
    ("caller_name", "张\n三", "control_chars"),
    ("caller_name", "张\u202e三", "invisible_chars"),
    ("caller_name", 7, "bad_type"),
    ("event_time", "", "required"),
    ("event_time", None, "required"),
    ("event_time", "yesterday", "bad_time"),
    ("event_time", "2025-13-01 10:00", "bad_time"),
    ("event_time", "2025-02-30 10:00", "bad_time"),
    ("event_time", "2025-09-30 25:00", "bad_time"),
    ("event_time", "2025-09-30 10:00\x00", "bad_time"),
    ("event_time", "2025-09-30 10:00\u200b", "bad_time"),
    ("event_time", "1800-01-01 10:00", "bad_time"),
    ("event_time", 1727661600, "bad_time"),
    ("event_time", "2025-09-30 12:11", "future_time"),
    ("event_time", "2026-01-01 00:00", "future_time"),
    ("place", "", "required"),
    ("place", "路" * 201, "too_long"),
    ("place", "人民路\x1b[31m", "control_chars"),
    ("place", "人民路\n1号", "control_chars"),
    ("place", "人民路\ufeff1号", "invisible_chars"),
    ("place", ["人民路"], "bad_type"),
    ("details", "", "required"),
    ("details", None, "required"),
    ("details", " \n\t ", "required"),
    ("details", "详" * 4001, "too_long"),
    ("details", "详情\x00", "control_chars"),
    ("details", "详情\x9b", "control_chars"),
    ("details", "详\u200f情", "invisible_chars"),
    ("details", "详\u2066情\u2069", "invisible_chars"),
    ("category", "", "required"),
    ("category", "weather", "bad_choice"),
    ("category", "咨询", "bad_choice"),
    ("category", 3, "bad_type"),
    ("subtype", "", "required"),
    ("subtype", "urgent", "bad_choice"),  # help's, not a subtype of general_request
    ("subtype", "major ", "bad_choice"),
    ("mode", "", "required"),
    ("mode", "fax", "bad_choice"),
    ("unit_code", "U" * 65, "too_long"),
    ("unit_code", "U\x00", "control_chars"),
    ("unit_code", "U\u200b1", "invisible_chars"),
    ("urgent", "maybe", "bad_value"),
    ("urgent", None, "bad_value"),
    ("major", "perhaps", "bad_value"),
]


@pytest.mark.parametrize(("field", "value", "code"), _BAD_VALUES)
def test_bad_input_names_its_field(field: str, value: object, code: str) -> None:
    problems = problems_of(ticket(**{field: value}), now=NOW)
    assert [(p.field, p.code) for p in problems] == [(field, code)], problems
    assert problems[0].message


def test_missing_keys_are_required() -> None:
    for field in (
        "caller_phone",
        "caller_name",
        "event_time",
        "place",
        "details",
        "category",
        "subtype",
        "mode",
    ):
        data = ticket()
        del data[field]
        assert [(p.field, p.code) for p in problems_of(data)] == [(field, "required")]


def test_optional_fields() -> None:
    data = ticket()
    del data["unit_code"]
    del data["urgent"]
    result = validate_ticket(data)
    assert result.unit_code is None and result.urgent is False
    assert validate_ticket(ticket(unit_code="  ")).unit_code is None
    assert validate_ticket(ticket(urgent="true", major=1)).urgent is True


def test_unknown_keys_are_ignored() -> None:
    assert validate_ticket(ticket(something_else="x")).details == GOOD["details"]


# The ticket-writing rule.


def test_direct_inquiry_needs_only_details() -> None:
    result = validate_ticket(
        {"details": "问公积金提取需要什么材料", "category": "inquiry", "subtype": "simple", "mode": "direct"}
    )
    assert result.caller_phone is None and result.caller_name is None
    assert result.event_time is None and result.place is None
    assert result.direct_inquiry
    problems = problems_of({"details": " ", "category": "inquiry", "subtype": "simple", "mode": "direct"})
    assert [(p.field, p.code) for p in problems] == [("details", "required")]


def test_direct_inquiry_still_checks_what_is_given() -> None:
    data = {
        "details": "问",
        "category": "inquiry",
        "subtype": "simple",
        "mode": "direct",
        "caller_phone": "12345678901234",
    }
    assert [p.field for p in problems_of(data)] == ["caller_phone"]


@pytest.mark.parametrize(
    ("category", "subtype", "mode"),
    [
        ("inquiry", "simple", "transfer"),
        ("inquiry", "professional", "phone_handover"),
        ("suggestion", "unreasonable", "direct"),
        ("praise", "hotline", "direct"),
        ("complaint", "major", "direct"),
    ],
)
def test_everything_else_needs_the_five(category: str, subtype: str, mode: str) -> None:
    data = {"details": "详情", "category": category, "subtype": subtype, "mode": mode}
    assert fields_of(data) == ["caller_phone", "caller_name", "event_time", "place"]


@pytest.mark.parametrize("mode", ["transfer", "phone_handover"])
def test_a_ticket_for_a_unit_needs_a_phone(mode: str) -> None:
    problems = problems_of(ticket(caller_phone="", mode=mode))
    assert [(p.field, p.code) for p in problems] == [("caller_phone", "required")]
    assert "reach the caller" in problems[0].message


@pytest.mark.parametrize("marker", ["匿名", " anonymous ", "Anonymous", "不愿透露"])
def test_anonymous_caller(marker: str) -> None:
    result = validate_ticket(ticket(caller_name=marker))
    assert result.caller_name is None
    assert result.anonymous is True


def test_anonymous_flag() -> None:
    result = validate_ticket(ticket(caller_name=None, anonymous=True))
    assert result.caller_name is None and result.anonymous is True
    problems = problems_of(ticket(caller_name="张三", anonymous=True))
    assert [(p.field, p.code) for p in problems] == [("caller_name", "conflict")]


def test_anonymous_caller_still_needs_a_phone_for_a_unit() -> None:
    problems = problems_of(ticket(caller_name="匿名", caller_phone=None))
    assert [p.field for p in problems] == ["caller_phone"]


def test_rule_and_field_problems_together() -> None:
    problems = problems_of(ticket(caller_phone="", place="", details="\x00", category="??"))
    assert [(p.field, p.code) for p in problems] == [
        ("caller_phone", "required"),
        ("place", "required"),
        ("details", "control_chars"),
        ("category", "bad_choice"),
    ]


# Event times.


@pytest.mark.parametrize(
    "typed",
    [
        "2025-09-30 10:00",
        "2025-09-30 10:00:00",
        "2025-09-30T10:00",
        "2025-09-30T10:00:00+08:00",
        "2025-09-30T02:00:00Z",
        "2025-09-30T02:00:00+00:00",
        "2025/09/30 10:00",
        "2025/9/30 10:00",
        "2025.09.30 10:00",
        "2025年9月30日 10:00",
        "2025年9月30日10时00分",
        "２０２５－０９－３０　１０：００",
        datetime(2025, 9, 30, 10, 0),
        datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI),
        datetime(2025, 9, 30, 2, 0, tzinfo=UTC),
    ],
)
def test_event_time_forms(typed: object) -> None:
    result = validate_ticket(ticket(event_time=typed), now=NOW).event_time
    assert result == datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
    assert result is not None and result.utcoffset() is not None


def test_event_time_date_only_is_midnight() -> None:
    expected = datetime(2025, 9, 29, 0, 0, tzinfo=SHANGHAI)
    assert validate_ticket(ticket(event_time="2025-09-29")).event_time == expected
    assert validate_ticket(ticket(event_time=date(2025, 9, 29))).event_time == expected


def test_naive_times_take_the_given_zone() -> None:
    utc = ZoneInfo("UTC")
    result = validate_ticket(ticket(event_time="2025-09-30 10:00"), tz=utc)
    assert result.event_time == datetime(2025, 9, 30, 10, 0, tzinfo=utc)
    # Through the model directly, with the context.
    direct = TicketInput.model_validate(
        ticket(event_time="2025-09-30 10:00"), context={"tz": "America/New_York"}
    )
    assert direct.event_time is not None
    assert direct.event_time.utcoffset() == timedelta(hours=-4)


def test_future_limit_is_ten_minutes() -> None:
    assert validate_ticket(ticket(event_time="2025-09-30 12:10"), now=NOW).event_time
    problems = problems_of(ticket(event_time="2025-09-30 12:10:01"), now=NOW)
    assert [(p.field, p.code) for p in problems] == [("event_time", "future_time")]
    # The same instant written in another zone.
    problems = problems_of(ticket(event_time="2025-09-30T05:00:00+00:00"), now=NOW)
    assert [(p.field, p.code) for p in problems] == [("event_time", "future_time")]


def test_future_check_needs_now() -> None:
    result = validate_ticket(ticket(event_time="2099-01-01 00:00"))
    assert result.event_time is not None and result.event_time.year == 2099


def test_naive_now_is_in_the_given_zone() -> None:
    naive_now = datetime(2025, 9, 30, 12, 0)
    assert validate_ticket(ticket(event_time="2025-09-30 12:05"), now=naive_now).event_time
    assert fields_of(ticket(event_time="2025-09-30 12:30"), now=naive_now) == ["event_time"]


def test_parse_event_time_helper() -> None:
    assert parse_event_time("  ") is None
    assert parse_event_time("2025-09-30 10:00") == datetime(2025, 9, 30, 10, tzinfo=SHANGHAI)
    with pytest.raises(InputError) as info:
        parse_event_time("soon", now=NOW)
    assert info.value.problems[0].field == "event_time"
    assert info.value.problems[0].code == "bad_time"


# Phones in the ticket.


@pytest.mark.parametrize(
    "typed",
    ["+86 138-1234-5678", "0086 13812345678", "１３８１２３４５６７８", "013812345678", "(138) 1234.5678"],
)
def test_ticket_phone_is_normalized(typed: str) -> None:
    assert validate_ticket(ticket(caller_phone=typed)).caller_phone == "13812345678"


def test_ticket_phone_with_default_area_code() -> None:
    assert fields_of(ticket(caller_phone="8888 6666")) == ["caller_phone"]
    result = validate_ticket(ticket(caller_phone="8888 6666"), default_area_code="021")
    assert result.caller_phone == "02188886666"


# The model directly.


def test_model_validate_raises_validation_error_with_our_codes() -> None:
    with pytest.raises(ValidationError) as info:
        TicketInput.model_validate(ticket(caller_phone="x", place=""))
    errors = info.value.errors()
    assert [(e["loc"], e["type"]) for e in errors] == [
        (("caller_phone",), "bad_phone"),
        (("place",), "required"),
    ]


def test_ticket_is_frozen() -> None:
    result = validate_ticket(GOOD)
    with pytest.raises(ValidationError):
        result.details = "changed"  # type: ignore[misc]


@given(st.text(max_size=200))
def test_arbitrary_details_round_trip_or_input_error(text: str) -> None:
    try:
        result = validate_ticket(ticket(details=text))
    except InputError as err:
        assert [p.field for p in err.problems] == ["details"]
        assert err.problems[0].code in ("required", "control_chars", "invisible_chars")
    else:
        assert result.details == normalize_newlines(text).strip()


@given(st.text(max_size=60), st.text(max_size=60))
def test_arbitrary_name_and_place_round_trip_or_input_error(name: str, place: str) -> None:
    try:
        result = validate_ticket(ticket(caller_name=name, place=place))
    except InputError as err:
        assert set(err.fields) <= {"caller_name", "place"}
        assert err.fields
    else:
        assert result.place == place.strip()
        if result.anonymous:
            assert result.caller_name is None
        else:
            assert result.caller_name == name.strip()


@given(
    st.dictionaries(
        st.sampled_from(TAB_ORDER), st.one_of(st.none(), st.text(max_size=20), st.integers(), st.booleans())
    )
)
def test_any_mapping_validates_or_names_known_fields(data: dict[str, object]) -> None:
    try:
        validate_ticket(data, now=NOW)
    except InputError as err:
        assert err.problems
        assert set(err.fields) <= set(TAB_ORDER)
        order = [TAB_ORDER.index(f) for f in err.fields]
        assert order == sorted(order)


# --------------------------------------------------------------------------- forbidden


@pytest.mark.parametrize(
    ("text", "phrase", "written"),
    [
        ("喂，您好", "喂", "喂"),
        ("喂?听得到吗", "喂", "喂"),
        ("喂喂你好", "喂", "喂喂"),
        ("哦，知道了", "哦", "哦"),
        ("好的哦哦", "哦", "哦哦"),
        ("这个我不知道", "我不知道", "我不知道"),
        ("我也不知道", "我不知道", "我也不知道"),
        ("这是规定我没办法", "这是规定我没办法", "这是规定我没办法"),
        ("这是规定，我没有办法", "这是规定我没办法", "这是规定，我没有办法"),
        ("你自己去社保局问吧", "你自己去XX部门问吧", "你自己去社保局问吧"),
        ("你自己去住建部门问吧。", "你自己去XX部门问吧", "你自己去住建部门问吧"),
        ("你说完了没有？", "说完了没有", "说完了没有"),
        ("你烦不烦", "烦不烦", "烦不烦"),
        ("这关我什么事", "关我什么事", "关我什么事"),
        ("这不归我们管", "不归我管", "不归我们管"),
        ("活该", "活该", "活该"),
    ],
)
def test_find_forbidden(text: str, phrase: str, written: str) -> None:
    spans = find_forbidden(text)
    assert len(spans) == 1, spans
    start, end, found = spans[0]
    assert found == phrase
    assert text[start:end] == written
    assert phrase in FORBIDDEN_PHRASES


@pytest.mark.parametrize(
    "text",
    [
        "市民反映小区有人喂养流浪猫",
        "禁止投喂。",
        "喂食时间为早上",
        "给孩子喂药",
        "市民询问公积金提取流程，已告知。",
        "",
    ],
)
def test_find_forbidden_ignores_ordinary_words(text: str) -> None:
    assert find_forbidden(text) == []


def test_find_forbidden_spans_are_sorted_and_disjoint() -> None:
    text = "喂，我不知道，你自己去街道办问吧，说完了没有？哦。"
    spans = find_forbidden(text)
    assert [s[2] for s in spans] == ["喂", "我不知道", "你自己去XX部门问吧", "说完了没有", "哦"]
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start


def test_seed_phrases_are_listed() -> None:
    for phrase in ("喂", "哦", "我不知道", "这是规定我没办法", "你自己去XX部门问吧", "说完了没有"):
        assert phrase in FORBIDDEN_PHRASES


@given(st.text(max_size=100))
def test_find_forbidden_on_any_text(text: str) -> None:
    spans = find_forbidden(text)
    last = 0
    for start, end, phrase in spans:
        assert last <= start < end <= len(text)
        assert phrase in FORBIDDEN_PHRASES
        last = end
