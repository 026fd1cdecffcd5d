"""The call and its holds (spec §6): consent first, every break and the resume recorded, the
offer to hang up and call back, a promised callback on the ticket, the closing line."""

from __future__ import annotations

from datetime import timedelta

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.calls import offers_callback, prompts_due
from svcdesk.services.errors import Conflict, Invalid, NotFound
from svcdesk.services.factory import Services
from tests.conftest import T0, Staff, intake


def test_a_hold_needs_the_callers_consent(services: Services, staff: Staff) -> None:
    call = services.calls.start(staff.agent1)
    with pytest.raises(Invalid) as refused:
        services.calls.hold(staff.agent1, call, consent=False)
    assert refused.value.field == "consent"
    assert services.calls.get(staff.agent1, call).holds == ()


def test_every_break_and_the_resume_are_kept_with_the_call(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    call = services.calls.start(staff.agent1, "138 1234 5678")
    services.calls.hold(staff.agent1, call, consent=True)
    clock.advance(seconds=30)
    services.calls.hold_break(staff.agent1, call)
    clock.advance(seconds=30)
    services.calls.hold_break(staff.agent1, call)
    services.calls.callback_offered(staff.agent1, call)
    clock.advance(seconds=5)
    services.calls.resume(staff.agent1, call)

    view = services.calls.get(staff.agent1, call)
    assert view.phone == "13812345678"
    (hold,) = view.holds
    assert hold.breaks == 2 and hold.callback_offered and not hold.running
    assert hold.ended_at == T0 + timedelta(seconds=65)
    assert [k for _, k in hold.events] == ["start", "break", "break", "callback_offered", "resume"]
    assert [at - T0 for at, _ in hold.events] == [timedelta(seconds=s) for s in (0, 30, 60, 60, 65)]


def test_one_hold_at_a_time_and_no_break_without_one(services: Services, staff: Staff) -> None:
    call = services.calls.start(staff.agent1)
    with pytest.raises(Conflict):
        services.calls.hold_break(staff.agent1, call)
    with pytest.raises(Conflict):
        services.calls.resume(staff.agent1, call)
    services.calls.hold(staff.agent1, call, consent=True)
    with pytest.raises(Conflict):
        services.calls.hold(staff.agent1, call, consent=True)


def test_nobody_holds_another_agents_call(services: Services, staff: Staff) -> None:
    call = services.calls.start(staff.agent1)
    with pytest.raises(NotFound):
        services.calls.hold(staff.agent2, call, consent=True)
    with pytest.raises(NotFound):
        services.calls.end(staff.agent2, call, "closing.0")


def test_the_prompts_of_the_hold_rule() -> None:
    assert [prompts_due(T0, T0 + timedelta(seconds=s)) for s in (0, 29, 30, 59, 60, 95)] == [0, 0, 1, 1, 2, 3]
    assert not offers_callback(T0, T0 + timedelta(seconds=59))
    assert offers_callback(T0, T0 + timedelta(seconds=60))


def test_hanging_up_to_call_back_schedules_the_callback_on_the_ticket(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    call = services.calls.start(staff.agent1)
    services.calls.hold(staff.agent1, call, consent=True)
    clock.advance(seconds=61)
    services.calls.callback_offered(staff.agent1, call)
    at = clock.now() + timedelta(minutes=30)
    hold = services.calls.hang_up_for_callback(staff.agent1, call, at)
    assert not hold.running

    view = services.calls.submit(staff.agent1, call, intake(), callback_at=at)
    assert view.callback_next_at == at
    assert view.status == "awaiting_dispatch"
    assert any(h.action == "callback_promised" for h in view.history or [])
    # The agent's callbacks list it (the lead's console reads the same field).
    mine = services.tickets.list(staff.agent1, mine=True)
    assert [v.number for v in mine if v.callback_next_at == at] == [view.number]
    events = [k for _, k in services.calls.get(staff.agent1, call).holds[0].events]
    assert events == ["start", "callback_offered", "callback_agreed"]


def test_a_promised_callback_must_be_in_the_future(services: Services, staff: Staff) -> None:
    call = services.calls.start(staff.agent1)
    services.calls.hold(staff.agent1, call, consent=True)
    with pytest.raises(Invalid):
        services.calls.hang_up_for_callback(staff.agent1, call, T0 - timedelta(minutes=1))
    with pytest.raises(Invalid) as refused:
        services.tickets.take_call(staff.agent1, intake(), callback_at=T0)
    assert refused.value.field == "callback_at"


def test_a_call_on_hold_is_resumed_before_its_intake_is_submitted(services: Services, staff: Staff) -> None:
    call = services.calls.start(staff.agent1)
    services.calls.hold(staff.agent1, call, consent=True)
    with pytest.raises(Conflict):
        services.calls.submit(staff.agent1, call, intake())
    services.calls.resume(staff.agent1, call)
    assert services.calls.submit(staff.agent1, call, intake()).status == "awaiting_dispatch"


def test_the_call_ends_with_the_closing_line_and_its_ticket(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    call = services.calls.start(staff.agent1)
    ticket = services.calls.submit(staff.agent1, call, intake(caller_phone="+86 138-1234-5678"))
    clock.advance(minutes=3, seconds=5)
    with pytest.raises(Invalid):
        services.calls.end(staff.agent1, call, "goodbye")
    ended = services.calls.end(staff.agent1, call, "closing.1", ticket.number)
    assert ended.closing_line == "closing.1"
    assert ended.ended_at == clock.now()
    assert ended.phone == "13812345678"
    found = services.calls.for_ticket(staff.lead1, ticket.number)
    assert found is not None and found.id == call
    history = services.tickets.get(staff.agent1, ticket.number).history or []
    assert any(h.action == "call_end" and "3:05" in h.note for h in history)
    with pytest.raises(Conflict):
        services.calls.end(staff.agent1, call, "closing.0")


def test_a_call_cannot_end_on_a_ticket_of_another_call(services: Services, staff: Staff) -> None:
    first = services.calls.start(staff.agent1)
    ticket = services.calls.submit(staff.agent1, first, intake())
    second = services.calls.start(staff.agent1)
    with pytest.raises(Invalid) as refused:
        services.calls.end(staff.agent1, second, "closing.0", ticket.number)
    assert refused.value.field == "ticket"


def test_ending_a_call_still_on_hold_records_the_holds_end(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    call = services.calls.start(staff.agent1)
    services.calls.hold(staff.agent1, call, consent=True)
    clock.advance(seconds=10)
    view = services.calls.end(staff.agent1, call, "dialect")
    assert view.holds[0].ended_at == clock.now()
    assert view.holds[0].events[-1][1] == "resume"
