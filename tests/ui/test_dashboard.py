"""The shift dashboard with the Pilot: the figures drawn from a snapshot, refreshed by its
timer in a worker; refused to an agent with a message."""

from __future__ import annotations

from textual.widgets import Sparkline, Static

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.dashboard import DashboardScreen, bars
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, open_screen, settle


def test_bars_scale_to_the_largest() -> None:
    text = bars([("AB", 10), ("C", 5), ("D", 0)], width=10).plain.splitlines()
    assert text[0].count("#") == 10 and text[1].count("#") == 5 and text[2].count("#") == 0


async def test_the_dashboard_shows_the_shift_and_refreshes(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    services.tickets.take_call(staff.agent1, intake())
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, DashboardScreen)
        assert isinstance(screen, DashboardScreen)
        assert list(screen.query_one("#dash-hours", Sparkline).data or [])[10] == 1
        assert "Awaiting dispatch: 1" in str(screen.query_one("#dash-queue", Static).render())
        fills = screen.fills
        services.tickets.take_call(staff.agent2, intake(place="乙路"))
        call = services.calls.start(staff.agent2, "13812345678")
        services.calls.hold(staff.agent2, call, consent=True)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert screen.fills == fills + 1
        assert screen.snapshot is not None and screen.snapshot.calls_today == 2
        assert "On hold now: 1" in str(screen.query_one("#dash-people", Static).render())


async def test_an_agent_is_refused_the_dashboard(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, DashboardScreen)
        status = str(screen.query_one("#dash-status", Static).render())
        assert "agent1" in status and "dashboard" in status
