"""Chinese substring search over tickets and the knowledge base, and the intake's related
tickets: what an agent types is found as typed, whatever it is, on both backends."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcdesk.services.errors import Invalid
from svcdesk.services.factory import Services
from svcdesk.services.views import TicketView
from tests.conftest import Staff, intake

# place, details: among them FTS5 query syntax typed as text, punctuation, ASCII in both cases.
TEXTS = (
    ("西湖区文三路100号", "路灯坏了一个多星期,晚上出行不安全。"),
    ("拱墅区湖墅南路1号", "夜间施工噪音很大,影响休息。"),
    ("上城区延安路8号公交站", '站牌写着"NEAR(延安路)"和AND OR NOT,看不懂。'),
    ("滨江区江南大道", "下水道堵塞*污水外溢,气味很大:请处理^"),
    ("萧山区市心路", "Wi-Fi 信号差,商场 wifi 无法连接 (100%)"),
    ("余杭区文一西路", "垃圾清运不及时_已经堆放三天。"),
)


@pytest.fixture
def numbered(services: Services, staff: Staff) -> list[TicketView]:
    return [
        services.tickets.take_call(staff.agent1, intake(place=place, details=details))
        for place, details in TEXTS
    ]


def found(services: Services, staff: Staff, text: str) -> list[str]:
    return [v.number for v in services.tickets.search(staff.agent1, text)]


def _fold(value: str) -> str:
    """Both backends ignore the case of ASCII letters, and only theirs."""
    return value.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


def expected(views: list[TicketView], text: str) -> list[str]:
    terms = text.split()
    hits = [
        v.number
        for v in views
        if terms and all(_fold(t) in _fold(v.place) or _fold(t) in _fold(v.details) for t in terms)
    ]
    return list(reversed(hits))


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("文三", [0]),  # 2 characters: the bounded scan
        ("文三路", [0]),  # 3: the trigram index
        ("湖墅南路1", [1]),
        ("噪音很大,影", [1]),
        ("路灯坏了一个", [0]),  # 6
        ("区", [5, 4, 3, 2, 1, 0]),  # 1 character, in every place
        ("很大", [3, 1]),
        ("延安路 站牌", [2]),  # two terms, both must occur
        ("延安路 看", [2]),  # a long term and a short one
        ("文三路 噪音", []),  # both occur, never in one ticket
    ],
)
def test_chinese_substrings_of_any_length(
    services: Services, staff: Staff, numbered: list[TicketView], text: str, hits: list[int]
) -> None:
    assert found(services, staff, text) == [numbered[i].number for i in hits]


@pytest.mark.parametrize(
    "text",
    [
        '"NEAR(',
        "NEAR(延安路)",
        "AND OR NOT",
        "AND",
        '"',
        "*",
        "^",
        "堵塞*污水",
        "气味很大:请",
        "(100%)",
        "_已经",
    ],
)
def test_query_syntax_and_punctuation_are_searched_as_typed(
    services: Services, staff: Staff, numbered: list[TicketView], text: str
) -> None:
    assert found(services, staff, text) == expected(numbered, text)


def test_ascii_case_is_ignored(services: Services, staff: Staff, numbered: list[TicketView]) -> None:
    assert found(services, staff, "WIFI") == [numbered[4].number]
    assert found(services, staff, "near(") == [numbered[2].number]


def test_newest_first_and_the_limit(services: Services, staff: Staff, numbered: list[TicketView]) -> None:
    assert found(services, staff, "区") == [v.number for v in reversed(numbered)]
    assert [v.number for v in services.tickets.search(staff.agent1, "区", limit=2)] == [
        numbered[-1].number,
        numbered[-2].number,
    ]


def test_nothing_to_search_finds_nothing(
    services: Services, staff: Staff, numbered: list[TicketView]
) -> None:
    assert found(services, staff, "") == []
    assert found(services, staff, "   \t ") == []
    assert found(services, staff, "不存在的内容") == []


def test_search_checks_its_input(services: Services, staff: Staff) -> None:
    with pytest.raises(Invalid, match="text"):
        services.tickets.search(staff.agent1, "路" * 201)
    with pytest.raises(Invalid, match="limit"):
        services.tickets.search(staff.agent1, "路灯", limit=0)


def test_a_new_ticket_is_found_at_once(services: Services, staff: Staff) -> None:
    v = services.tickets.take_call(staff.agent1, intake(details="窨井盖缺失,非常危险。"))
    assert found(services, staff, "窨井盖") == [v.number]


SEARCHABLE = st.text(
    alphabet=st.sampled_from(list('文三路区湖墅南号噪音很大,。:路灯坏了延安站牌ANDORNEAR()"*^%_-wifiW 1')),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=SEARCHABLE)
def test_search_finds_exactly_the_tickets_containing_every_term(
    services: Services, staff: Staff, numbered: list[TicketView], text: str
) -> None:
    assert found(services, staff, text) == expected(numbered, text)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=60))
def test_no_text_makes_a_search_fail(services: Services, staff: Staff, text: str) -> None:
    services.tickets.search(staff.agent1, text)
    services.reference.kb_search(staff.agent1, text)
    services.tickets.related(staff.agent1, phone=text, place=text, details=text)


# -- the knowledge base -----------------------------------------------------------------


def kb(services: Services, staff: Staff, text: str) -> list[str]:
    return [e.title for e in services.reference.kb_search(staff.agent1, text)]


def test_kb_substrings_in_title_keywords_and_answer(services: Services, staff: Staff) -> None:
    assert kb(services, staff, "公积金") == ["公积金提取条件"]
    assert kb(services, staff, "异地就医") == ["医保异地就医备案"]  # title and keywords
    assert kb(services, staff, "身份证、近期照片") == ["居住证办理条件和所需材料"]  # the answer only
    assert kb(services, staff, "派出所") == [
        "噪音扰民投诉受理范围",
        "居住证办理条件和所需材料",
        "新生儿入户办理",
    ]
    assert kb(services, staff, "低保") == ["最低生活保障申请"]  # 2 characters
    assert kb(services, staff, "居住证 派出所") == ["居住证办理条件和所需材料"]
    assert kb(services, staff, "APP 挂失") == ["公交线路和IC卡咨询", "社保卡补办"]
    assert kb(services, staff, "公积金 派出所") == []
    assert kb(services, staff, '"NEAR(') == []


def test_kb_a_title_match_comes_first(services: Services, staff: Staff) -> None:
    titles = kb(services, staff, "医保")
    assert titles[0] == "医保异地就医备案"
    assert "社保卡补办" in titles  # 医保卡 in its keywords


def test_kb_without_text_lists_the_base(services: Services, staff: Staff) -> None:
    assert len(kb(services, staff, "")) == 12
    assert len(services.reference.kb_search(staff.agent1, "", limit=5)) == 5


# -- related tickets --------------------------------------------------------------------

LAMP = "路灯坏了一个多星期,晚上出行不安全。"


def test_related_same_caller_then_same_place_then_similar_details(services: Services, staff: Staff) -> None:
    mine = services.tickets.take_call(staff.agent1, intake(caller_phone="13900002222", place="上城区解放路"))
    here = services.tickets.take_call(
        staff.agent1, intake(caller_phone="13900003333", place="西湖区文三路100号", details="井盖松动。")
    )
    alike = services.tickets.take_call(
        staff.agent1,
        intake(
            caller_phone="13900004444", place="西湖区教工路", details="路灯坏了一个多星期,晚上出行不安全。"
        ),
    )
    services.tickets.take_call(  # closed at once: never proposed
        staff.agent1,
        intake(
            category="inquiry", subtype="simple", mode="direct", details="路灯坏了一个多星期,晚上出行不安全。"
        ),
    )
    services.tickets.take_call(  # nothing in common
        staff.agent1, intake(caller_phone="13900005555", place="余杭区良渚", details="咨询公积金提取。")
    )
    related = services.tickets.related(
        staff.agent2,
        phone="139-0000-2222",
        place="西湖区文三路100号",
        details="路灯坏了一个多星期,晚上出行不安全。",
    )
    assert [(r.number, r.reason) for r in related] == [
        (mine.number, "same_caller"),
        (here.number, "same_place"),
        (alike.number, "similar_details"),
    ]
    assert related[2].details == "路灯坏了一个多星期,晚上出行不安全。"


def test_related_leaves_out_what_the_intake_excludes_and_keeps_the_limit(
    services: Services, staff: Staff
) -> None:
    tickets = [
        services.tickets.take_call(staff.agent1, intake(caller_phone=f"1390000{i:04d}")) for i in range(4)
    ]
    related = services.tickets.related(
        staff.agent2, place="西湖区文三路100号", exclude=[tickets[3].number], limit=2
    )
    assert [r.number for r in related] == [tickets[2].number, tickets[1].number]
    assert all(r.reason == "same_place" for r in related)


def test_a_ticket_leaves_the_suggestions_when_it_is_closed(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(staff.agent1, intake(details="广场舞音响太吵,每晚十点后还在跳。"))
    assert [r.number for r in services.tickets.related(staff.agent2, details="广场舞音响太吵")] == [t.number]
    services.tickets.supervise(staff.office1, t.number, "热点")
    assert [r.number for r in services.tickets.related(staff.agent2, details="广场舞音响太吵")] == [t.number]
    services.tickets.close_supervised(staff.office1, t.number, "已协调")
    assert services.tickets.related(staff.agent2, details="广场舞音响太吵") == []
    assert found(services, staff, "广场舞") == [t.number]  # still found by search


def test_short_or_unrelated_text_proposes_nothing(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, intake())
    assert services.tickets.related(staff.agent2, place="西", details="路") == []
    assert services.tickets.related(staff.agent2, details="完全无关的一句话") == []
