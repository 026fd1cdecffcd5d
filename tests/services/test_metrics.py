"""The figures of spec §13 on a hand-built set of tickets whose right answers are worked out
below, and the rules of each time-limit outcome at their edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Invalid
from svcdesk.services.factory import Services
from svcdesk.services.metrics import (
    Outcome,
    Rate,
    Window,
    callback_decision,
    days_window,
    dispatch_decision,
    handling_decision,
    is_overdue,
    period_of,
    satisfaction_of,
)
from tests.conftest import TZ, Staff, intake


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TZ)


@dataclass
class Built:
    a: str
    b: str
    c: str
    d: str
    e: str
    f: str
    g: str


def build(services: Services, staff: Staff, clock: FixedClock) -> Built:
    """Seven tickets through the 2025 National Day holiday (10-01..10-08 off, Saturday 10-11
    a working day). The timeline, with each limit worked out:

    09-30 10:00 A transfer, general_request/general; dispatch limit 11:00
    09-30 10:05 B transfer, complaint/other; dispatch limit 11:05
    09-30 10:10 C transfer, suggestion/reasonable; never dispatched: missed at 11:10
    09-30 10:15 D direct inquiry: no limit applies
    09-30 10:20 A dispatched to CGJ, 3 working days: 10-09, 10-10, 10-11 -> due 10-11 23:59:59
    09-30 10:25 E phone hand-over to SW (urgent): due 10-01 10:25; never replied: missed
    09-30 10:30 F transfer, general_request/general
    09-30 10:50 F dispatched to CGJ, 5 working days -> due 10-14 23:59:59; never replied: missed
    09-30 11:30 B dispatched to GD, urgent -> due 10-01 11:30 (dispatch missed: 85 minutes)
    10-01 12:00 B replied, late (round 1); callback due 10-11 23:59:59
    10-09 09:00 B called back, unsatisfied: round 2
    10-09 09:30 B dispatched again to GD, 3 working days: 10-10, 10-11, 10-13 -> due 10-13 23:59:59
    10-10 09:00 A replied (in time); callback due: 10-11, 10-13, 10-14 -> 10-14 23:59:59
    10-11 10:00 A called back, satisfied (in time)
    10-13 15:00 B replied (round 2, in time); callback due: 10-14, 10-15, 10-16 -> 10-16 23:59:59
    10-15 09:00 G transfer, general_request/general
    10-15 09:30 G dispatched to CGJ, 5 working days: 16, 17, 20, 21, 22 -> due 10-22 23:59:59
    10-15 10:00 B called back, not reached
    10-16 10:00 B called back, basically satisfied (in time)
    10-16 11:00 bound: B and E to A (group of 3), D to C (group of 2)
    as of 10-16 12:00
    """
    t = services.tickets
    clock.set(at(9, 30, 10, 0))
    a = t.take_call(staff.agent1, intake()).number
    clock.set(at(9, 30, 10, 5))
    b = t.take_call(staff.agent1, intake(category="complaint", subtype="other")).number
    clock.set(at(9, 30, 10, 10))
    c = t.take_call(staff.agent2, intake(category="suggestion", subtype="reasonable")).number
    clock.set(at(9, 30, 10, 15))
    d = t.take_call(
        staff.agent2, intake(category="inquiry", subtype="simple", mode="direct"), direct_result="已答复"
    ).number
    clock.set(at(9, 30, 10, 20))
    t.dispatch(staff.lead1, a, "CGJ", days=3)
    clock.set(at(9, 30, 10, 25))
    e = t.take_call(
        staff.agent1, intake(category="help", subtype="urgent", mode="phone_handover", unit_code="SW")
    ).number
    clock.set(at(9, 30, 10, 30))
    f = t.take_call(staff.agent1, intake()).number
    clock.set(at(9, 30, 10, 50))
    t.dispatch(staff.lead1, f, "CGJ", days=5)
    clock.set(at(9, 30, 11, 30))
    t.dispatch(staff.lead1, b, "GD", urgent=True)
    clock.set(at(10, 1, 12, 0))
    t.reply(staff.lead1, b, "已处理")
    clock.set(at(10, 9, 9, 0))
    t.callback(staff.agent1, b, "unsatisfied", "没有解决")
    clock.set(at(10, 9, 9, 30))
    t.dispatch(staff.lead1, b, "GD", days=3, urgent=False)
    clock.set(at(10, 10, 9, 0))
    t.reply(staff.lead1, a, "已修复")
    clock.set(at(10, 11, 10, 0))
    t.callback(staff.agent1, a, "satisfied")
    clock.set(at(10, 13, 15, 0))
    t.reply(staff.lead1, b, "再次处理完毕")
    clock.set(at(10, 15, 9, 0))
    g = t.take_call(staff.agent2, intake()).number
    clock.set(at(10, 15, 9, 30))
    t.dispatch(staff.lead1, g, "CGJ", days=5)
    clock.set(at(10, 15, 10, 0))
    t.callback(staff.agent1, b, "unreached")
    clock.set(at(10, 16, 10, 0))
    t.callback(staff.agent1, b, "basically_satisfied")
    clock.set(at(10, 16, 11, 0))
    t.bind(staff.lead1, b, a)
    t.bind(staff.lead1, e, a)
    t.bind(staff.lead1, d, c)
    clock.set(at(10, 16, 12, 0))
    return Built(a, b, c, d, e, f, g)


@pytest.fixture
def built(services: Services, staff: Staff, clock: FixedClock) -> Built:
    return build(services, staff, clock)


def test_every_figure_over_the_whole_span(services: Services, staff: Staff, built: Built) -> None:
    window = days_window(date(2025, 9, 29), date(2025, 10, 26), TZ)
    fig = services.metrics.figures(staff.agent1, window)
    # Dispatch: the transfers A, B, C, F, G. A 20 min, F 20 min, G 30 min: met; B 85 min and
    # C never: missed.
    assert fig.dispatched_within_hour == Rate(met=3, missed=2, pending=0)
    # Handling, current round: A replied 10-10 <= 10-11 met; B's second round replied 10-13
    # <= 10-13 met (its late first round is no longer on the ticket); E and F never replied:
    # missed; G due 10-22, inside the window and still running: pending.
    assert fig.handled_in_time == Rate(met=2, missed=2, pending=1)
    assert fig.handled_in_time.percent() == "50.0%"
    # Callbacks: A (10-11 <= 10-14) and B (round 2, 10-16 <= 10-16) in time.
    assert fig.called_back_in_time == Rate(met=2, missed=0, pending=0)
    # Opinions: B unsatisfied, A satisfied, B basically satisfied; B's unreached attempt apart.
    assert fig.callback_results == {
        "satisfied": 1,
        "basically_satisfied": 1,
        "unsatisfied": 1,
        "unreached": 1,
    }
    assert fig.satisfaction == Rate(met=2, missed=1)
    assert fig.satisfaction.percent() == "66.7%"
    # Counts: the seven tickets.
    assert fig.counts.total == 7
    assert fig.counts.by_category == {
        ("general_request", "general"): 3,
        ("complaint", "other"): 1,
        ("suggestion", "reasonable"): 1,
        ("inquiry", "simple"): 1,
        ("help", "urgent"): 1,
    }
    assert fig.counts.category_totals()["general_request"] == 3
    assert fig.counts.by_mode == {"transfer": 5, "direct": 1, "phone_handover": 1}
    assert fig.counts.by_unit == {"CGJ": 3, "GD": 1, "SW": 1, None: 2}
    # Overdue at 10-16 12:00: C awaiting dispatch since 09-30 11:10; E (due 10-01) and F
    # (due 10-14) with their units. G is due 10-22; A, B and D are closed.
    assert fig.overdue_now == {
        "awaiting_dispatch": 1,
        "with_unit": 2,
        "awaiting_callback": 0,
        "supervised": 0,
    }
    assert fig.overdue_total == 3
    units = {u.code: u for u in fig.units}
    assert set(units) == {"CGJ", "GD", "SW"}
    assert (units["CGJ"].tickets, units["CGJ"].handled_in_time, units["CGJ"].overdue_now) == (
        3,
        Rate(met=1, missed=1, pending=1),
        1,
    )
    assert (units["GD"].tickets, units["GD"].handled_in_time, units["GD"].overdue_now) == (
        1,
        Rate(1, 0, 0),
        0,
    )
    assert (units["SW"].tickets, units["SW"].handled_in_time, units["SW"].overdue_now) == (
        1,
        Rate(0, 1, 0),
        1,
    )
    # most tickets first, then most overdue
    assert [u.code for u in fig.units] == ["CGJ", "SW", "GD"]
    # Bound groups: A with B and E (E still open), then C with D (C still open).
    assert [(g.number, g.size, g.new_in_window, g.open) for g in fig.groups] == [
        (built.a, 3, 3, 1),
        (built.c, 2, 2, 1),
    ]
    assert fig.groups[0].category == "general_request"
    assert fig.groups[0].unit == "CGJ"


def test_a_day_counts_what_was_decided_that_day(services: Services, staff: Staff, built: Built) -> None:
    m = services.metrics
    day = period_of("daily", date(2025, 9, 30), TZ).window
    # 09-30: A met at 10:20, F met at 10:50, B missed at 11:05, C missed at 11:10.
    assert m.dispatched_within_hour(staff.agent1, day) == Rate(met=2, missed=2)
    assert m.handled_in_time(staff.agent1, day) == Rate()
    assert m.handled_in_time(staff.agent1, day).value is None
    assert m.counts(staff.agent1, day).total == 6
    # 10-01: E's 24 hours ran out at 10:25 (B's late first round is not on the ticket any more).
    oct1 = period_of("daily", date(2025, 10, 1), TZ).window
    assert m.handled_in_time(staff.agent1, oct1) == Rate(met=0, missed=1)
    assert m.counts(staff.agent1, oct1).total == 0
    # Nothing is created on 10-15 but G, which is in no group.
    assert m.bound_groups(staff.agent1, period_of("daily", date(2025, 10, 15), TZ).window) == []


def test_a_week_adds_up_its_days(services: Services, staff: Staff, built: Built) -> None:
    m = services.metrics
    week = period_of("weekly", date(2025, 10, 15), TZ)
    assert (week.first_day, week.last_day) == (date(2025, 10, 13), date(2025, 10, 19))
    # 10-13..10-19: B's second round replied 10-13 (met), F due 10-14 (missed); G's limit ends
    # on 10-22, outside the week, so it is not pending here.
    assert m.handled_in_time(staff.agent1, week.window) == Rate(met=1, missed=1, pending=0)
    # B called back on 10-16 in time; A's callback (10-11) was in the week before.
    assert m.called_back_in_time(staff.agent1, week.window) == Rate(met=1)
    assert m.callback_results(staff.agent1, week.window) == {
        "satisfied": 0,
        "basically_satisfied": 1,
        "unsatisfied": 0,
        "unreached": 1,
    }
    assert m.satisfaction(staff.agent1, week.window) == Rate(met=1, missed=0)
    for figure in ("dispatched_within_hour", "handled_in_time", "called_back_in_time"):
        for first in (date(2025, 9, 29), date(2025, 10, 6), date(2025, 10, 13)):
            weekly = getattr(m, figure)(staff.agent1, period_of("weekly", first, TZ).window)
            days = [
                getattr(m, figure)(staff.agent1, period_of("daily", first + timedelta(days=i), TZ).window)
                for i in range(7)
            ]
            assert (weekly.met, weekly.missed) == (sum(d.met for d in days), sum(d.missed for d in days))


def test_overdue_now_agrees_with_the_rule_ticket_by_ticket(
    services: Services, staff: Staff, built: Built, clock: FixedClock
) -> None:
    views = [services.tickets.get(staff.lead1, n) for n in vars(built).values()]
    expected = sum(is_overdue(v.status, v.deadline_at, clock.now()) for v in views)
    assert sum(services.metrics.overdue_now(staff.agent1).values()) == expected == 3


# --------------------------------------------------------------------------- the rules at their edges

T = datetime(2025, 9, 30, 10, 0, tzinfo=TZ)
H = timedelta(hours=1)


def test_dispatch_at_exactly_one_hour_is_in_time() -> None:
    assert dispatch_decision("transfer", T, T + H, T + 2 * H).outcome is Outcome.MET
    late = dispatch_decision("transfer", T, T + H + timedelta(seconds=1), T + 2 * H)
    assert (late.outcome, late.decided_at) == (Outcome.MISSED, T + H)
    assert dispatch_decision("transfer", T, None, T + H).outcome is Outcome.PENDING
    assert dispatch_decision("transfer", T, None, T + H + timedelta(seconds=1)).outcome is Outcome.MISSED
    assert dispatch_decision("phone_handover", T, T, T + H).outcome is Outcome.NOT_APPLICABLE
    assert dispatch_decision("direct", T, None, T + H).outcome is Outcome.NOT_APPLICABLE


def test_handling_counts_only_the_current_rounds_reply() -> None:
    due = T + 24 * H
    assert handling_decision(T, due, due, due + H) == handling_decision(T, due, due, due)
    assert handling_decision(T, due, due, due).outcome is Outcome.MET
    # a reply from an earlier round (before this dispatch) does not count
    stale = handling_decision(T, due, T - H, T + H)
    assert stale.outcome is Outcome.PENDING and stale.limit_at == due
    assert handling_decision(T, due, T - H, due + H).outcome is Outcome.MISSED
    assert handling_decision(None, None, None, T).outcome is Outcome.NOT_APPLICABLE
    assert handling_decision(T, None, None, T).outcome is Outcome.NOT_APPLICABLE


def test_a_callback_is_done_when_the_caller_is_reached_or_closed_as_unreachable() -> None:
    due = T + 72 * H
    assert callback_decision(T, due, T + H, "satisfied", "", T + 2 * H).outcome is Outcome.MET
    assert callback_decision(T, due, T + H, "unsatisfied", "", T + 2 * H).outcome is Outcome.MET
    assert callback_decision(T, due, T + H, "unreached", "", T + 2 * H).outcome is Outcome.PENDING
    assert callback_decision(T, due, T + H, "unreached", "", due + H).outcome is Outcome.MISSED
    assert callback_decision(T, due, T + H, "unreached", "unreachable", due + H).outcome is Outcome.MET
    # a callback older than the reply belongs to the round before
    assert callback_decision(T, due, T - H, "unsatisfied", "", T + H).outcome is Outcome.PENDING
    assert callback_decision(None, None, None, None, "", T).outcome is Outcome.NOT_APPLICABLE


def test_satisfaction_leaves_out_the_callers_not_reached() -> None:
    rate = satisfaction_of({"satisfied": 6, "basically_satisfied": 2, "unsatisfied": 2, "unreached": 5})
    assert (rate.met, rate.decided, rate.value) == (8, 10, 0.8)
    assert satisfaction_of({"unreached": 3}).value is None
    assert satisfaction_of({}).percent() == "-"


def test_periods_are_local_days_weeks_from_monday_and_calendar_months() -> None:
    d = period_of("daily", date(2025, 10, 1), TZ)
    assert d.window.start == datetime(2025, 10, 1, tzinfo=TZ)
    assert d.window.end == datetime(2025, 10, 2, tzinfo=TZ)
    w = period_of("weekly", date(2025, 10, 5), TZ)  # a Sunday
    assert (w.first_day, w.last_day) == (date(2025, 9, 29), date(2025, 10, 5))
    m = period_of("monthly", date(2024, 2, 10), TZ)
    assert (m.first_day, m.last_day) == (date(2024, 2, 1), date(2024, 2, 29))
    dec = period_of("monthly", date(2025, 12, 31), TZ)
    assert dec.window.end == datetime(2026, 1, 1, tzinfo=TZ)
    with pytest.raises(Invalid, match="period"):
        period_of("hourly", date(2025, 1, 1), TZ)
    with pytest.raises(Invalid, match="before"):
        days_window(date(2025, 2, 1), date(2025, 1, 1), TZ)
    with pytest.raises(ValueError):
        Window(datetime(2025, 1, 1), datetime(2025, 1, 2))
