"""A ticket's detail with the Pilot: the timeline, holds, bound tickets, knowledge used,
callbacks; the steps work here too; the command palette reaches the lead's screens."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Static

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.lead_commands import lead_commands
from svcdesk.ui.screens.detail import DetailScreen
from svcdesk.ui.screens.dialogs import FormDialog
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, settle


async def test_the_detail_shows_the_whole_story(services: Services, staff: Staff, clock: FixedClock) -> None:
    kb = services.reference.kb_search(staff.agent1, "公积金")[0]
    call = services.calls.start(staff.agent1, "13812345678")
    services.calls.hold(staff.agent1, call, consent=True)
    clock.advance(seconds=35)
    services.calls.hold_break(staff.agent1, call)
    services.calls.resume(staff.agent1, call)
    n = services.tickets.take_call(staff.agent1, intake(), kb_ids=[kb.id], call_id=call).number
    other = services.tickets.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=n).number
    services.tickets.dispatch(staff.lead1, n, "CGJ")
    services.tickets.reply(staff.lead1, n, "已修复路灯")
    clock.advance(hours=1)
    services.tickets.callback(staff.agent1, n, "unreached", next_at=clock.now() + timedelta(hours=3))
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        app.actor = staff.lead1
        await pilot.pause()
        await app.push_screen(DetailScreen(n))
        await settle(app, pilot)
        timeline = str(app.screen.query_one("#detail-timeline", Static).render())
        for words in ("submitted", "dispatched", "unit replied", "callback: not reached", "bound"):
            assert words in timeline
        extra = str(app.screen.query_one("#detail-extra", Static).render())
        assert other in extra and kb.title in extra and "1 breaks" in extra and "not reached" in extra
        request = str(app.screen.query_one("#detail-request", Static).render())
        assert "已修复路灯" in request
        await pilot.press("r")  # remind is refused on a ticket awaiting callback: said, not raised
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen)
        assert any("can be reminded" in str(m.message) for m in app._notifications)


async def test_an_unknown_ticket_is_a_message(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        app.actor = staff.agent1
        await pilot.pause()
        await app.push_screen(DetailScreen("20990101-0001"))
        await settle(app, pilot)
        assert "20990101-0001" in str(app.screen.query_one("#detail-head", Static).render())


async def test_the_palette_offers_each_role_its_screens(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {}
        for who in (staff.agent1, staff.lead1, staff.office1):
            app.actor = who
            titles[who.username] = [c.title for c in lead_commands(app)]
        assert titles["agent1"] == ["Shift handover"]
        assert titles["lead1"] == ["Shift handover", "Shift dashboard", "Call quality"]
        assert titles["office1"][-1] == "Office lists"
        app.actor = staff.lead1
        commands = [c for c in app.get_system_commands(app.screen) if c.title == "Shift dashboard"]
        commands[0].callback()
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DashboardScreen"
