"""My callbacks (F7) with the Pilot: each outcome, both rounds, the promised callback, the
opening line beside the unit's reply, and a refusal shown as a message."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.widgets import Input, Static

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.callbacks import CallbacksScreen
from svcdesk.ui.screens.dialogs import FormDialog
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, open_screen, settle


def _replied(services: Services, staff: Staff, **kw: object) -> str:
    n = services.tickets.take_call(staff.agent1, intake(**kw)).number
    services.tickets.dispatch(staff.lead1, n, "CGJ")
    services.tickets.reply(staff.lead1, n, "经现场核查,已修复。", handler="王工")
    return n


def _side(app: SvcdeskApp) -> str:
    rendered = app.screen.query_one("#cb-ticket", Static).render()
    return rendered.plain if isinstance(rendered, Text) else str(rendered)


async def _answer(app: SvcdeskApp, pilot, key: str, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await settle(app, pilot)
    assert isinstance(app.screen, FormDialog)
    for field, value in values.items():
        app.screen.query_one(f"#field-{field}", Input).value = value
    await pilot.click("#dialog-ok")
    await settle(app, pilot)


async def test_satisfied_and_basically_satisfied_close_the_ticket(services: Services, staff: Staff) -> None:
    a = _replied(services, staff, place="甲路1号")
    b = _replied(services, staff, place="乙路2号")
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.actor = staff.agent1
        await pilot.press("f7")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CallbacksScreen)
        assert [i.number for i in screen.items] == [a, b]
        opening = screen.query_one("#cb-opening", Static).render()
        assert "现在需要对您之前的来电做一个回访" in str(opening)
        assert "经现场核查" in _side(app) and "路灯坏了" in _side(app)
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert screen.items == []
    assert services.tickets.get(staff.agent1, a).callback_result == "satisfied"
    assert services.tickets.get(staff.agent1, b).callback_result == "basically_satisfied"
    assert services.tickets.get(staff.agent1, b).status == "closed"


async def test_unsatisfied_twice_goes_to_a_second_round_then_to_the_office(
    services: Services, staff: Staff
) -> None:
    n = _replied(services, staff)
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, CallbacksScreen)
        await _answer(app, pilot, "3", {"note": "问题没有解决"})
        v = services.tickets.get(staff.agent1, n)
        assert (v.status, v.round) == ("awaiting_dispatch", 2)
        # the lead re-dispatches, the unit replies again
        services.tickets.dispatch(staff.lead1, n, "CGJ")
        services.tickets.reply(staff.lead1, n, "已再次处理。")
        screen.load()
        await settle(app, pilot)
        assert [i.number for i in screen.items] == [n] and screen.items[0].round == 2
        await _answer(app, pilot, "3", {"note": "还是没解决"})
    v = services.tickets.get(staff.agent1, n)
    assert (v.status, v.supervised) == ("supervised", True)


async def test_not_reached_with_a_new_time_and_the_promised_callback(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    n = _replied(services, staff)
    promised = services.tickets.take_call(
        staff.agent1, intake(place="丙路3号"), callback_at=clock.now() + timedelta(minutes=20)
    ).number
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, CallbacksScreen)
        assert isinstance(screen, CallbacksScreen)
        assert [(i.number, i.kind) for i in screen.items] == [(promised, "promised"), (n, "satisfaction")]
        await pilot.press("down")
        await _answer(app, pilot, "4", {"next_at": "2025-10-09 15:00", "note": "无人接听"})
        v = services.tickets.get(staff.agent1, n)
        assert v.status == "awaiting_callback" and v.callback_next_at is not None
        assert v.callback_next_at.strftime("%Y-%m-%d %H:%M") == "2025-10-09 07:00"  # UTC
        # a wrong time is refused in the dialog's words, nothing recorded
        await _answer(app, pilot, "4", {"next_at": "明天"})
        assert len(services.tickets.get(staff.agent1, n).callbacks or []) == 1
        await pilot.press("up")
        await pilot.press("1")
        await settle(app, pilot)
        assert [i.number for i in screen.items] == [n]
    assert services.tickets.get(staff.agent1, promised).status == "awaiting_dispatch"


async def test_another_agents_callback_is_refused_with_a_message(services: Services, staff: Staff) -> None:
    n = _replied(services, staff)
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, CallbacksScreen)
        assert isinstance(screen, CallbacksScreen) and screen.items == []
        await pilot.press("a")  # a lead sees everyone's
        await settle(app, pilot)
        assert [i.number for i in screen.items] == [n]
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent2, CallbacksScreen)
        await pilot.press("a")  # not offered to an agent
        await settle(app, pilot)
        assert isinstance(screen, CallbacksScreen) and not screen.everyone
        screen._record(n, "satisfied", "", None)
        await settle(app, pilot)
        assert any("accepted by someone else" in str(m.message) for m in app._notifications)
    assert services.tickets.get(staff.agent1, n).status == "awaiting_callback"
