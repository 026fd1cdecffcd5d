"""The lead's queue, an agent's open tickets and the office's lists (spec §5, §8)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Invalid, PermissionDenied
from svcdesk.services.factory import Services
from tests.conftest import TZ, Staff, intake


def _new(services: Services, staff: Staff, **kw: object) -> str:
    return services.tickets.take_call(staff.agent1, intake(**kw)).number


def test_the_closest_to_breaking_a_limit_comes_first(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    first = _new(services, staff, place="甲路1号")
    clock.advance(minutes=10)
    second = _new(services, staff, place="乙路2号")
    services.tickets.dispatch(staff.lead1, second, "CGJ", urgent=True)  # due in 24 h
    clock.advance(minutes=10)
    third = _new(services, staff, place="丙路3号")
    page = services.lead.queue.page(staff.lead1, "queue")
    assert [r.number for r in page.rows] == [first, third, second]
    assert [r.deadline_kind for r in page.rows] == ["dispatch", "dispatch", "handling"]
    assert page.rows[0].deadline_at == datetime(2025, 9, 30, 11, 0, tzinfo=TZ)
    assert page.next is None


def test_a_bound_group_is_one_matter_with_its_callers_counted(services: Services, staff: Staff) -> None:
    a = _new(services, staff)
    services.tickets.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=a)
    services.tickets.take_call(staff.agent2, intake(), bind_to=a)  # the first caller again
    page = services.lead.queue.page(staff.lead1, "dispatch")
    assert [r.number for r in page.rows] == [a]
    assert (page.rows[0].group_size, page.rows[0].callers) == (3, 2)
    assert services.lead.queue.summary(staff.lead1, "dispatch").total == 1
    # the agent's own list shows each of their tickets
    mine = services.lead.queue.page(staff.agent2, "mine")
    assert len(mine.rows) == 2


def test_pages_follow_on_without_gaps_or_repeats(services: Services, staff: Staff, clock: FixedClock) -> None:
    numbers = []
    for i in range(7):
        numbers.append(_new(services, staff, place=f"测试路{i}号"))
        clock.advance(minutes=1)
    seen: list[str] = []
    page = services.lead.queue.page(staff.lead1, "dispatch", limit=3)
    seen += [r.number for r in page.rows]
    while page.next is not None:
        page = services.lead.queue.page(staff.lead1, "dispatch", limit=3, after=page.next)
        seen += [r.number for r in page.rows]
    assert seen == numbers


def test_due_soon_and_overdue_with_units_filtered_by_unit_category_and_urgency(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    late = _new(services, staff, place="晚路1号")
    services.tickets.dispatch(staff.lead1, late, "CGJ", urgent=True)
    soon = _new(services, staff, category="complaint", subtype="other", place="快路2号")
    clock.advance(hours=12)
    services.tickets.dispatch(staff.lead1, soon, "JTJ", urgent=True)
    clock.advance(hours=13)  # late is 1 h past its 24 h; soon has 11 h left
    q = services.lead.queue
    assert [r.number for r in q.page(staff.lead1, "overdue").rows] == [late]
    assert [r.number for r in q.page(staff.lead1, "due_soon").rows] == [soon]
    assert [r.number for r in q.page(staff.lead1, "queue", unit="JTJ").rows] == [soon]
    assert [r.number for r in q.page(staff.lead1, "queue", category="complaint").rows] == [soon]
    assert q.page(staff.lead1, "queue", urgent=False).rows == []
    summary = q.summary(staff.lead1, "queue")
    assert summary.total == 2
    assert dict(summary.by_unit) == {"CGJ": 1, "JTJ": 1}
    assert dict(summary.by_category) == {"general_request": 1, "complaint": 1}
    with pytest.raises(Invalid) as err:
        q.page(staff.lead1, "queue", unit="NOPE")
    assert err.value.field == "unit"


def test_the_offices_lists(services: Services, staff: Staff, clock: FixedClock) -> None:
    returned = _new(services, staff, place="退路1号")
    services.tickets.dispatch(staff.lead1, returned, "CGJ")
    services.tickets.return_(staff.lead1, returned, "不属于本单位职责")
    supervised = _new(services, staff, place="督路2号")
    services.tickets.supervise(staff.office1, supervised, "热点事项")
    escalated = _new(services, staff, place="报路3号")
    services.tickets.escalate(staff.lead1, escalated, "疑难")
    major = _new(services, staff, category="complaint", subtype="major", mode="direct", place="大路4号")
    q = services.lead.queue
    assert [r.number for r in q.page(staff.office1, "returned").rows] == [returned]
    assert q.page(staff.office1, "returned").rows[0].return_reason == "不属于本单位职责"
    assert [r.number for r in q.page(staff.office1, "supervised").rows] == [supervised]
    assert [r.number for r in q.page(staff.office1, "escalated").rows] == [escalated]
    assert [r.number for r in q.page(staff.office1, "major").rows] == [major]


def test_each_list_is_refused_to_a_role_that_may_not_read_it(services: Services, staff: Staff) -> None:
    with pytest.raises(PermissionDenied, match="agent1"):
        services.lead.queue.page(staff.agent1, "queue")
    with pytest.raises(PermissionDenied):
        services.lead.queue.summary(staff.agent1, "overdue")
    with pytest.raises(PermissionDenied):
        services.lead.queue.page(staff.lead1, "supervised")
    with pytest.raises(Invalid):
        services.lead.queue.page(staff.lead1, "everything")


def test_a_returned_ticket_has_a_new_hour_and_comes_back(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    n = _new(services, staff)
    services.tickets.dispatch(staff.lead1, n, "CGJ")
    clock.advance(days=1)
    services.tickets.return_(staff.lead1, n, "非本单位")
    row = services.lead.queue.page(staff.lead1, "dispatch").rows[0]
    assert row.number == n and row.deadline_at == clock.now() + timedelta(hours=1)


def test_a_group_across_statuses_is_shown_once_by_its_member_nearest_its_limit(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    a = _new(services, staff, place="甲路1号")
    services.tickets.dispatch(staff.lead1, a, "CGJ", urgent=True)  # due in 24 h
    clock.advance(minutes=10)
    b = services.tickets.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=a).number
    clock.advance(minutes=10)
    c = _new(services, staff, place="丙路3号")
    q = services.lead.queue
    page = q.page(staff.lead1, "queue")
    assert [r.number for r in page.rows] == [b, c]  # b's hour comes before a's 24 hours
    assert [(r.status, r.unit, r.group_size, r.callers) for r in page.rows] == [
        ("awaiting_dispatch", None, 2, 2),
        ("awaiting_dispatch", None, 1, 1),
    ]

    e = _new(services, staff, place="戊路5号")
    services.tickets.dispatch(staff.lead1, e, "JTJ", urgent=True)
    clock.advance(hours=25)  # e is 45 minutes late when a second call about it comes in
    f = services.tickets.take_call(staff.agent2, intake(), bind_to=e).number
    page = q.page(staff.lead1, "queue")
    assert [r.number for r in page.rows] == [b, c, e]
    assert (page.rows[2].deadline_kind, page.rows[2].unit, page.rows[2].group_size) == ("handling", "JTJ", 2)
    assert page.rows[2].callers == 1  # the same caller twice
    assert q.summary(staff.lead1, "queue").total == 3
    # two rows a page, read by key across the statuses: no gap, no repeat
    seen = []
    one = q.page(staff.lead1, "queue", limit=2)
    seen += [r.number for r in one.rows]
    while one.next is not None:
        one = q.page(staff.lead1, "queue", limit=2, after=one.next)
        seen += [r.number for r in one.rows]
    assert seen == [b, c, e]
    # the agent's own list shows each of their tickets, bound or not
    assert [r.number for r in q.page(staff.agent2, "mine").rows] == [b, f]
