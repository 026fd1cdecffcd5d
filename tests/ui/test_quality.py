"""Call quality with the Pilot: a lead scores a call from the queue (q); the month's scores per
agent; an agent is not offered scoring and the service refuses it anyway."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from svcdesk.services.factory import Services
from svcdesk.services.quality import NORMS
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.dialogs import FormDialog
from svcdesk.ui.screens.quality import QualityScreen
from svcdesk.ui.screens.queue import QueueScreen
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, open_screen, press_ok, settle


async def test_a_lead_scores_a_call_from_the_queue(services: Services, staff: Staff) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.lead1, QueueScreen)
        await pilot.press("q")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        # every norm starts at its full points
        assert dialog.query_one("#field-accuracy", Input).value == str(NORMS["accuracy"])
        dialog.query_one("#field-forbidden", Input).value = "0"
        dialog.query_one("#field-note", Input).value = "说了「喂」"
        await press_ok(app, pilot)
        # a score out of range is refused with the field named
        await pilot.press("q")
        await settle(app, pilot)
        app.screen.query_one("#field-opening", Input).value = "9"
        await press_ok(app, pilot)
        assert any("Opening line: a whole number from 0 to 5" in str(m.message) for m in app._notifications)
    [month] = services.lead.quality.monthly(staff.lead1)
    assert (month.agent, month.calls, month.average) == ("agent1", 1, 90.0)
    assert services.lead.detail.get(staff.lead1, n).scores[0][1] == 90.0


async def test_the_months_scores_per_agent(services: Services, staff: Staff) -> None:
    services.lead.quality.score(staff.lead1, dict(NORMS), agent="agent1")
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, QualityScreen)
        table = screen.query_one("#quality-table", DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[2] == "100"
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert table.row_count == 0


async def test_an_agent_cannot_score(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent2, intake())
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, QueueScreen)
        await pilot.press("q")
        await settle(app, pilot)
        assert app.screen is screen
    assert services.lead.quality.monthly(staff.lead1) == []
