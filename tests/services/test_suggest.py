"""The suggested classification: from the most similar earlier tickets by place and details."""

from __future__ import annotations

from svcdesk.services.factory import Services
from svcdesk.services.suggest import bigrams, fragments, similarity
from tests.conftest import Staff, intake


def test_bigrams_and_fragments_follow_runs_of_characters() -> None:
    assert bigrams("文三路100号") == {"文三", "三路", "号"}
    assert fragments("西湖区文三路100号", 2) == ["西湖区", "区文三"]
    assert fragments("路灯", 3) == []
    assert similarity("文三路", "路灯坏了", "文三路", "路灯坏了") == 1.0
    assert similarity("", "路灯坏了", "别处", "路灯坏了") == 1.0


def test_the_most_similar_earlier_tickets_vote(services: Services, staff: Staff) -> None:
    agent = staff.agent1
    for place, details in [
        ("西湖区文三路100号", "路灯坏了一个多星期,晚上出行不安全。"),
        ("西湖区文三路120号", "文三路路灯不亮,晚上很黑。"),
        ("拱墅区莫干山路8号", "小区门口路灯坏了。"),
    ]:
        services.tickets.take_call(
            agent, intake(place=place, details=details, category="general_request", subtype="general")
        )
    services.tickets.take_call(
        agent,
        intake(
            place="滨江区江南大道5号",
            details="噪音扰民,工地夜间施工。",
            category="complaint",
            subtype="other",
            unit_code="CGJ",
        ),
    )
    s = services.suggest.suggest(agent, place="西湖区文三路102号", details="路灯坏了,晚上很黑")
    assert s is not None
    assert (s.category, s.subtype) == ("general_request", "general")
    assert len(s.based_on) >= 2 and 0 < s.confidence <= 1

    noise = services.suggest.suggest(agent, place="滨江区江南大道7号", details="工地夜间施工噪音")
    assert noise is not None and (noise.category, noise.subtype, noise.unit) == ("complaint", "other", "CGJ")


def test_nothing_similar_suggests_nothing(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, intake())
    assert services.suggest.suggest(staff.agent1, place="", details="") is None
    assert services.suggest.suggest(staff.agent1, place="余杭区良渚", details="表扬志愿者热心服务") is None
