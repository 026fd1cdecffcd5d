"""A ticket's whole life through the services, with the audit trail of each step."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from svcdesk.services.factory import Services
from svcdesk.store import repo
from tests.conftest import TZ, Staff, intake


def actions(services: Services, staff: Staff, number: str) -> list[tuple[str, str | None]]:
    view = services.tickets.get(staff.office1, number)
    return [(h.action, h.account) for h in view.history or []]


def test_numbers_are_dated_and_in_order(services: Services, staff: Staff) -> None:
    a = services.tickets.take_call(staff.agent1, intake())
    b = services.tickets.take_call(staff.agent1, intake())
    assert a.number == "20250930-0001"
    assert b.number == "20250930-0002"


def test_a_direct_inquiry_is_closed_at_once(services: Services, staff: Staff) -> None:
    v = services.tickets.take_call(
        staff.agent1,
        intake(category="inquiry", subtype="simple", mode="direct", caller_name="", place="", event_time=""),
        direct_result="已告知办理材料和地点",
    )
    assert v.status == "closed"
    assert v.closed_at is not None
    assert v.direct_result == "已告知办理材料和地点"
    assert actions(services, staff, v.number) == [("submit", "agent1")]


def test_the_whole_life_with_the_audit_of_each_step(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    assert t.status == "awaiting_dispatch"
    assert t.dispatch_due_at == t.created_at + timedelta(hours=1)
    assert t.deadline_at == t.dispatch_due_at

    clock.advance(minutes=20)
    t = services.tickets.dispatch(staff.lead1, t.number, "CGJ", days=5)
    assert t.status == "with_unit"
    assert t.unit == "CGJ"
    assert t.due_at == datetime(2025, 10, 14, 23, 59, 59, tzinfo=TZ)

    clock.set(datetime(2025, 10, 10, 9, 0, tzinfo=TZ))
    t = services.tickets.remind(staff.lead1, t.number, "请按时办结")
    assert t.status == "with_unit"

    clock.set(datetime(2025, 10, 13, 15, 0, tzinfo=TZ))
    t = services.tickets.reply(staff.lead1, t.number, "已修复路灯", handler="王工")
    assert t.status == "awaiting_callback"
    # replied Monday 10-13: 10-14, 10-15, 10-16
    assert t.callback_due_at == datetime(2025, 10, 16, 23, 59, 59, tzinfo=TZ)

    clock.advance(hours=20)
    t = services.tickets.callback(staff.agent1, t.number, "satisfied", "满意")
    assert t.status == "closed"
    assert t.close_reason == "callback"
    assert actions(services, staff, t.number) == [
        ("submit", "agent1"),
        ("dispatch", "lead1"),
        ("remind", "lead1"),
        ("reply", "lead1"),
        ("callback_satisfied", "agent1"),
    ]


def test_return_goes_back_to_the_leads_queue_with_the_reason(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    clock.advance(hours=3)
    t = services.tickets.return_(staff.lead1, t.number, "不属于本单位职责,应由供电公司处理")
    assert t.status == "awaiting_dispatch"
    assert t.unit is None
    assert t.return_reason.startswith("不属于")
    assert t.dispatch_due_at == clock.now() + timedelta(hours=1)
    t = services.tickets.dispatch(staff.lead1, t.number, "GD", days=3)
    assert t.unit == "GD"
    assert [a for a, _ in actions(services, staff, t.number)] == ["submit", "dispatch", "return", "dispatch"]


def test_unsatisfied_twice_goes_round_two_then_to_the_office(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    t = services.tickets.take_call(staff.agent1, intake(category="complaint", subtype="other"))
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    clock.advance(days=1)
    services.tickets.reply(staff.lead1, t.number, "已处理")
    clock.advance(hours=2)
    with pytest.raises(Invalid, match="note"):
        services.tickets.callback(staff.agent1, t.number, "unsatisfied")
    t = services.tickets.callback(staff.agent1, t.number, "unsatisfied", "问题没有解决")
    assert (t.status, t.round) == ("awaiting_dispatch", 2)
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    clock.advance(days=1)
    services.tickets.reply(staff.lead1, t.number, "再次处理")
    t = services.tickets.callback(staff.agent1, t.number, "unsatisfied", "还是没有解决")
    assert t.status == "supervised"
    assert t.supervised
    with pytest.raises(PermissionDenied):
        services.tickets.close_supervised(staff.lead1, t.number, "办结")
    t = services.tickets.close_supervised(staff.office1, t.number, "督办后办结")
    assert t.status == "closed"
    cbs = services.tickets.get(staff.agent1, t.number).callbacks or []
    assert [(c.result, c.round) for c in cbs] == [("unsatisfied", 1), ("unsatisfied", 2)]


def test_unreached_is_retried_then_closed_after_two_working_days(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    clock.set(datetime(2025, 10, 9, 10, 0, tzinfo=TZ))
    services.tickets.reply(staff.lead1, t.number, "已处理")
    clock.advance(hours=1)
    t = services.tickets.callback(staff.agent1, t.number, "unreached", "无人接听")
    assert t.status == "awaiting_callback"
    assert t.callback_next_at == clock.now() + timedelta(hours=2)
    later = clock.now() + timedelta(days=1)
    t = services.tickets.callback(staff.agent1, t.number, "unreached", "来电人说在开会", next_at=later)
    assert t.callback_next_at == later
    # Thursday 10-09 11:00 + 2 working days = Saturday 10-11 (调休) 11:00
    clock.set(datetime(2025, 10, 11, 11, 0, tzinfo=TZ))
    t = services.tickets.callback(staff.agent1, t.number, "unreached", "关机")
    assert (t.status, t.close_reason) == ("closed", "unreachable")


def test_next_at_is_only_for_a_caller_not_reached(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    services.tickets.reply(staff.lead1, t.number, "已处理")
    with pytest.raises(Invalid, match="next_at"):
        services.tickets.callback(
            staff.agent1, t.number, "satisfied", next_at=clock.now() + timedelta(hours=1)
        )
    with pytest.raises(Invalid, match="future"):
        services.tickets.callback(
            staff.agent1, t.number, "unreached", next_at=clock.now() - timedelta(hours=1)
        )


def test_phone_handover_is_with_the_unit_at_once_and_urgent(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(
        staff.agent1,
        intake(category="help", subtype="urgent", mode="phone_handover", unit_code="SW"),
        handover_contact="调度员李工",
    )
    assert (t.status, t.unit, t.urgent) == ("with_unit", "SW", True)
    assert t.due_at == t.created_at + timedelta(hours=24)


def test_phone_handover_is_for_emergencies_only(services: Services, staff: Staff) -> None:
    with pytest.raises(Invalid) as info:
        services.tickets.take_call(staff.agent1, intake(mode="phone_handover", unit_code="CGJ"))
    assert info.value.field == "mode"


def test_a_major_complaint_is_flagged(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(staff.agent1, intake(category="complaint", subtype="major", mode="direct"))
    assert t.major
    assert "major" in (services.tickets.get(staff.office1, t.number).history or [])[0].note


def test_a_bound_group_is_dispatched_and_reminded_as_one_matter(services: Services, staff: Staff) -> None:
    a = services.tickets.take_call(staff.agent1, intake())
    b = services.tickets.take_call(
        staff.agent2, intake(caller_phone="13900001111", caller_name="李四"), bind_to=a.number
    )
    assert b.bound_to == [a.number]
    c = services.tickets.take_call(staff.agent2, intake(caller_phone="13900002222", caller_name="王五"))
    services.tickets.bind(staff.agent2, c.number, b.number, "same_matter")
    services.tickets.dispatch(staff.lead1, a.number, "CGJ")
    views = [services.tickets.get(staff.lead1, n) for n in (a.number, b.number, c.number)]
    assert {v.status for v in views} == {"with_unit"}
    assert sorted(views[0].bound_to) == sorted([b.number, c.number])
    services.tickets.reply(staff.lead1, c.number, "已修复")
    views = [services.tickets.get(staff.lead1, n) for n in (a.number, b.number, c.number)]
    assert {v.status for v in views} == {"awaiting_callback"}
    # each caller still gets their own callback
    services.tickets.callback(staff.agent1, a.number, "satisfied")
    assert services.tickets.get(staff.lead1, b.number).status == "awaiting_callback"


def test_binding_twice_or_to_itself_is_refused(services: Services, staff: Staff) -> None:
    a = services.tickets.take_call(staff.agent1, intake())
    b = services.tickets.take_call(staff.agent1, intake())
    services.tickets.bind(staff.agent1, a.number, b.number, "same_caller")
    with pytest.raises(Conflict, match="already bound"):
        services.tickets.bind(staff.agent1, b.number, a.number)
    with pytest.raises(Invalid):
        services.tickets.bind(staff.agent1, a.number, a.number)
    with pytest.raises(Invalid, match="kind"):
        services.tickets.bind(staff.agent1, a.number, b.number, "cousins")


def test_refused_steps_change_nothing(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    with services.db.read() as s:
        before = repo.count_audit(s)
    with pytest.raises(Conflict, match="awaiting_dispatch"):
        services.tickets.reply(staff.lead1, t.number, "已处理")
    with pytest.raises(Conflict):
        services.tickets.callback(staff.agent1, t.number, "satisfied")
    with pytest.raises(Invalid, match="days"):
        services.tickets.dispatch(staff.lead1, t.number, "CGJ", days=7)
    with pytest.raises(Invalid, match="unit"):
        services.tickets.dispatch(staff.lead1, t.number, "NOPE")
    with pytest.raises(NotFound):
        services.tickets.remind(staff.lead1, "20250101-9999")
    with services.db.read() as s:
        assert repo.count_audit(s) == before
    assert services.tickets.get(staff.lead1, t.number).status == "awaiting_dispatch"


@pytest.mark.parametrize(
    ("who", "step"),
    [
        ("agent1", lambda s, a, n: s.tickets.dispatch(a, n, "CGJ")),
        ("agent1", lambda s, a, n: s.tickets.remind(a, n)),
        ("agent1", lambda s, a, n: s.tickets.reply(a, n, "已处理")),
        ("agent1", lambda s, a, n: s.tickets.return_(a, n, "不属于本单位")),
        ("agent1", lambda s, a, n: s.tickets.supervise(a, n)),
        ("lead1", lambda s, a, n: s.tickets.supervise(a, n)),
        ("agent1", lambda s, a, n: s.tickets.escalate(a, n)),
        ("lead1", lambda s, a, n: s.tickets.close_supervised(a, n, "x")),
    ],
)
def test_roles_are_refused_what_they_may_not_do(
    services: Services, staff: Staff, who: str, step: object
) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    with pytest.raises(PermissionDenied, match=who):
        step(services, getattr(staff, who), t.number)  # type: ignore[operator]


def test_an_agent_calls_back_only_the_tickets_they_accepted(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    services.tickets.reply(staff.lead1, t.number, "已处理")
    with pytest.raises(PermissionDenied, match="accepted"):
        services.tickets.callback(staff.agent2, t.number, "satisfied")
    assert services.tickets.callback(staff.lead1, t.number, "satisfied").status == "closed"


def test_history_by_phone_matches_any_way_the_number_is_written(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, intake(caller_phone="138-1234-5678"))
    services.tickets.take_call(staff.agent1, intake(caller_phone="13900000000"))
    for typed in ("13812345678", "+86 138 1234 5678", "0086-13812345678"):
        assert len(services.tickets.history_by_phone(staff.agent1, typed)) == 1


def test_supervision_and_escalation(services: Services, staff: Staff) -> None:
    t = services.tickets.take_call(staff.agent1, intake())
    t = services.tickets.escalate(staff.lead1, t.number, "热点问题")
    assert t.escalated and t.status == "awaiting_dispatch"
    t = services.tickets.supervise(staff.office1, t.number, "督办")
    assert t.status == "supervised"
    t = services.tickets.dispatch(staff.office1, t.number, "CGJ", days=3)
    assert t.status == "with_unit" and t.supervised


def test_list_filters_and_overdue(services: Services, staff: Staff, clock: FixedClock) -> None:
    a = services.tickets.take_call(staff.agent1, intake())
    b = services.tickets.take_call(staff.agent2, intake(category="complaint", subtype="other"))
    services.tickets.dispatch(staff.lead1, b.number, "CGJ")
    assert [v.number for v in services.tickets.list(staff.lead1, status="awaiting_dispatch")] == [a.number]
    assert [v.number for v in services.tickets.list(staff.lead1, unit="CGJ")] == [b.number]
    assert [v.number for v in services.tickets.list(staff.agent2, mine=True)] == [b.number]
    assert services.tickets.list(staff.lead1, overdue=True) == []
    clock.advance(hours=2)
    assert [v.number for v in services.tickets.list(staff.lead1, overdue=True)] == [a.number]
    with pytest.raises(Invalid, match="status"):
        services.tickets.list(staff.lead1, status="lost")
    with pytest.raises(Invalid, match="category"):
        services.tickets.list(staff.lead1, category="gossip")


def test_related_tickets_same_caller_then_same_place(services: Services, staff: Staff) -> None:
    a = services.tickets.take_call(staff.agent1, intake())
    b = services.tickets.take_call(
        staff.agent1, intake(caller_phone="13900001111", place="拱墅区湖墅南路1号")
    )
    closed = services.tickets.take_call(
        staff.agent1, intake(category="inquiry", subtype="simple", mode="direct")
    )
    related = services.tickets.related(staff.agent2, phone="138-1234-5678", place="湖墅南路")
    assert [(r.number, r.reason) for r in related] == [(a.number, "same_caller"), (b.number, "same_place")]
    assert closed.number not in {r.number for r in related}


def test_an_anonymous_caller(services: Services, staff: Staff) -> None:
    v = services.tickets.take_call(staff.agent1, intake(caller_name="匿名"))
    assert v.anonymous and v.caller_name is None


def test_an_intake_hands_back_the_view_a_later_read_gives(services: Services, staff: Staff) -> None:
    """take_call reads its view in the transaction that saves the ticket: it must show what
    is stored, as a later read does (times in UTC, history, KB links, the promised callback,
    the binding)."""
    first = services.tickets.take_call(staff.agent1, intake())
    later = services.clock.now() + timedelta(hours=3)
    taken = services.tickets.take_call(
        staff.agent1,
        intake(event_time="2025-09-29 08:00", place="文三路102号"),
        kb_ids=[1],
        callback_at=later.astimezone(TZ),
        bind_to=first.number,
        bind_kind="same_caller",
    )
    # As JSON: the same instants written in another zone would differ.
    assert taken.to_json() == services.tickets.get(staff.agent1, taken.number).to_json()
    assert taken.callback_next_at is not None and str(taken.callback_next_at).endswith("+00:00")
    assert taken.bound_to == [first.number] and taken.kb_used == ["1"]


HOLIDAYS_2027 = ["2027-01-01..2027-01-04", "2027-05-01..2027-05-05", "2027-10-01..2027-10-07"]


def test_loading_a_years_calendar_moves_a_supervised_tickets_place_in_the_queue_with_its_limit(
    services: Services, staff: Staff, tmp_path: Path
) -> None:
    """The limit a ticket breaks next is one domain rule (limits.nearest_deadline), whether a
    step sets it or loading the official calendar recomputes a provisional limit."""
    assert isinstance(services.clock, FixedClock)
    services.clock.set(datetime(2026, 12, 28, 10, 0, tzinfo=TZ))
    number = services.tickets.take_call(staff.agent1, intake()).number
    services.tickets.dispatch(staff.lead1, number, "CGJ", days=5)
    before = services.tickets.supervise(staff.office1, number)
    assert before.due_provisional and before.deadline_at == before.due_at
    year = tmp_path / "2027.json"
    year.write_text(json.dumps({"year": 2027, "holidays": HOLIDAYS_2027, "workdays": []}))
    services.calendar.load_year(staff.office1, year)
    after = services.tickets.get(staff.office1, number)
    assert after.status == "supervised" and not after.due_provisional
    assert after.due_at != before.due_at
    assert after.deadline_at == after.due_at
