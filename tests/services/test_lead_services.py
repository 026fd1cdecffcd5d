"""Callbacks due, the shift handover and duty record, call quality, the dashboard, the
ticket's detail (spec §6, §7, §9, §12)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from svcdesk.services.factory import Services
from svcdesk.services.quality import NORMS
from tests.conftest import TZ, Staff, intake


def _replied(services: Services, staff: Staff, clock: FixedClock, **kw: object) -> str:
    n = services.tickets.take_call(staff.agent1, intake(**kw)).number
    services.tickets.dispatch(staff.lead1, n, "CGJ", days=3)
    clock.advance(hours=2)
    services.tickets.reply(staff.lead1, n, "已修复", handler="王工")
    return n


def test_callbacks_due_soonest_first_with_the_reply_beside_the_request(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    a = _replied(services, staff, clock, place="甲路1号")
    b = _replied(services, staff, clock, place="乙路2号")
    services.tickets.callback(staff.agent1, a, "unreached", next_at=clock.now() + timedelta(days=12))
    items = services.lead.callbacks.due(staff.agent1)
    assert [i.number for i in items] == [b, a]
    assert items[0].reply_text == "已修复" and items[0].details.startswith("路灯")
    assert items[1].attempts == 1 and items[1].last_result == "unreached"
    assert services.lead.callbacks.due(staff.agent2) == []
    assert len(services.lead.callbacks.due(staff.lead1, everyone=True)) == 2
    with pytest.raises(PermissionDenied):
        services.lead.callbacks.due(staff.agent1, everyone=True)


def test_a_callback_promised_during_a_hold_is_listed_and_kept(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    v = services.tickets.take_call(staff.agent1, intake(), callback_at=clock.now() + timedelta(minutes=30))
    items = services.lead.callbacks.due(staff.agent1)
    assert [(i.number, i.kind) for i in items] == [(v.number, "promised")]
    clock.advance(minutes=31)
    after = services.tickets.callback(
        staff.agent1, v.number, "unreached", next_at=clock.now() + timedelta(hours=1)
    )
    assert after.status == "awaiting_dispatch" and after.callback_next_at is not None
    after = services.tickets.callback(staff.agent1, v.number, "satisfied", "已告知咨询结果")
    assert after.status == "awaiting_dispatch" and after.callback_next_at is None
    assert services.lead.callbacks.due(staff.agent1) == []
    assert [h.action for h in after.history or []][-2:] == ["callback_promised", "callback_promised"]


def test_handover_written_by_one_lead_acknowledged_by_the_next(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    h = services.lead.handover
    with pytest.raises(Invalid) as empty:
        h.write(staff.lead1, {"business": "  "})
    assert empty.value.field == "business"
    with pytest.raises(PermissionDenied):
        h.write(staff.agent1, {"business": "新增业务"})
    log = h.write(staff.lead1, {"business": "公积金新政今日起执行", "difficult": "文三路噪音反复来电"})
    assert log.sections["instructions"] == "" and log.author == "lead1"
    assert [e.id for e in h.recent(staff.agent1, unacknowledged=True)] == [log.id]
    with pytest.raises(PermissionDenied, match="incoming lead"):
        h.acknowledge(staff.lead1, log.id)
    with pytest.raises(PermissionDenied):
        h.acknowledge(staff.agent1, log.id)
    clock.advance(minutes=5)
    acked = h.acknowledge(staff.office1, log.id)
    assert acked.acknowledged_by == "office1" and acked.acknowledged_at == clock.now()
    with pytest.raises(Conflict, match="office1"):
        h.acknowledge(staff.office1, log.id)
    with pytest.raises(NotFound):
        h.acknowledge(staff.office1, 999)
    assert h.recent(staff.lead1, unacknowledged=True) == []


def test_open_matters_carry_over(services: Services, staff: Staff, clock: FixedClock) -> None:
    waiting = services.tickets.take_call(staff.agent1, intake(place="等路1号")).number
    major = services.tickets.take_call(staff.agent1, intake(place="大路2号", major=True)).number
    services.tickets.dispatch(staff.lead1, major, "CGJ")
    clock.advance(hours=2)
    matters = services.lead.handover.open_matters(staff.lead1)
    assert [(m.reason, m.row.number) for m in matters] == [("overdue_dispatch", waiting), ("major", major)]


def test_duty_record(services: Services, staff: Staff) -> None:
    services.lead.handover.add_duty(staff.lead1, "14:00 系统短暂卡顿,已恢复")
    with pytest.raises(PermissionDenied):
        services.lead.handover.add_duty(staff.agent1, "x")
    with pytest.raises(Invalid):
        services.lead.handover.add_duty(staff.lead1, " ")
    assert [d.text for d in services.lead.handover.duty(staff.agent1)] == ["14:00 系统短暂卡顿,已恢复"]


def _card(**kw: int) -> dict[str, int]:
    card = dict(NORMS)
    card.update(kw)
    return card


def test_quality_scores_roll_up_per_agent_per_month(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    q = services.lead.quality
    n = services.tickets.take_call(staff.agent1, intake()).number
    s1 = q.score(staff.lead1, _card(opening=3, forbidden=0), ticket=n, note="说了「喂」")
    assert s1.agent == "agent1" and s1.total == 88
    q.score(staff.lead1, _card(), agent="agent1")
    q.score(staff.office1, _card(hold=0), agent="agent2")
    clock.set(datetime(2025, 10, 2, 9, 0, tzinfo=TZ))
    q.score(staff.lead1, _card(accuracy=0), agent="agent1")  # October
    sept = {m.agent: m for m in q.monthly(staff.lead1, datetime(2025, 9, 1).date())}
    assert (sept["agent1"].calls, sept["agent1"].average, sept["agent1"].lowest) == (2, 94.0, 88)
    assert sept["agent1"].weakest == "forbidden"
    assert sept["agent2"].average == 95.0 and sept["agent2"].weakest == "hold"
    assert [m.agent for m in q.monthly(staff.agent2, datetime(2025, 9, 1).date())] == ["agent2"]
    assert [m.average for m in q.monthly(staff.lead1)] == [85.0]


def test_quality_scoring_is_checked(services: Services, staff: Staff) -> None:
    q = services.lead.quality
    n = services.tickets.take_call(staff.agent1, intake()).number
    with pytest.raises(PermissionDenied):
        q.score(staff.agent2, _card(), agent="agent1")
    with pytest.raises(PermissionDenied, match="own"):
        q.score(staff.lead1, _card(), agent="lead1")
    with pytest.raises(Invalid) as bad:
        q.score(staff.lead1, _card(accuracy=16), ticket=n)
    assert bad.value.field == "accuracy"
    card = _card()
    del card["hold"]
    with pytest.raises(Invalid, match="hold"):
        q.score(staff.lead1, card, ticket=n)
    with pytest.raises(Invalid) as wrong:
        q.score(staff.lead1, _card(), ticket=n, agent="agent2")
    assert wrong.value.field == "agent"


def test_the_dashboard(services: Services, staff: Staff, clock: FixedClock) -> None:
    services.tickets.take_call(staff.agent1, intake())
    clock.advance(hours=1, minutes=30)
    services.tickets.take_call(staff.agent1, intake(category="complaint", subtype="other", place="乙路"))
    urgent = services.tickets.take_call(staff.agent2, intake(place="丙路")).number
    services.tickets.dispatch(staff.lead1, urgent, "CGJ", urgent=True)
    clock.advance(minutes=1)
    call = services.calls.start(staff.agent2, "13812345678")
    services.calls.hold(staff.agent2, call, consent=True)
    services.lead.quality.score(staff.lead1, _card(), agent="agent1")
    d = services.lead.dashboard.snapshot(staff.lead1)
    assert d.calls_by_hour[10] == 1 and d.calls_by_hour[11] == 2 and sum(d.calls_by_hour) == 3
    assert d.calls_by_category == [("general_request", 2), ("complaint", 1)]
    assert d.awaiting_dispatch == 2
    assert d.oldest_waiting == timedelta(hours=1, minutes=31)
    assert d.overdue_now["awaiting_dispatch"] == 1
    assert [(u.unit, u.due_soon, u.overdue) for u in d.units] == [("CGJ", 1, 0)]
    assert [(h.agent, h.since) for h in d.on_hold] == [("agent2", clock.now())]
    assert [(m.agent, m.average) for m in d.quality] == [("agent1", 100.0)]
    with pytest.raises(PermissionDenied):
        services.lead.dashboard.snapshot(staff.agent1)


def test_the_detail_gathers_holds_bound_tickets_and_knowledge_used(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    kb = services.reference.kb_search(staff.agent1, "公积金")[0]
    call = services.calls.start(staff.agent1, "13812345678")
    services.calls.hold(staff.agent1, call, consent=True)
    clock.advance(seconds=31)
    services.calls.hold_break(staff.agent1, call)
    services.calls.resume(staff.agent1, call)
    a = services.tickets.take_call(staff.agent1, intake(), kb_ids=[kb.id], call_id=call).number
    b = services.tickets.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=a).number
    d = services.lead.detail.get(staff.agent2, a)
    assert [k.title for k in d.kb] == [kb.title]
    assert [x.number for x in d.bound] == [b]
    assert len(d.holds) == 1 and d.holds[0].breaks == 1
    assert [k for _, k in d.holds[0].events] == ["start", "break", "resume"]
    assert [h.action for h in d.ticket.history or []] == ["submit", "bind"]
