"""The shift handover with the Pilot: the outgoing lead writes, the incoming one acknowledges;
the duty record; refused to an agent."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.dialogs import FormDialog
from svcdesk.ui.screens.handover import HandoverDialog, HandoverScreen
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, open_screen, settle


async def test_write_then_acknowledge_by_the_next_lead(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, intake(major=True))
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, HandoverScreen)
        assert screen.query_one("#ho-matters").row_count == 1  # type: ignore[attr-defined]
        await pilot.press("w")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, HandoverDialog)
        dialog.query_one("#ho-business", TextArea).text = "公积金新政今日起执行"
        dialog.query_one("#ho-staffing", TextArea).text = "王芳病假"
        await pilot.press("f9")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("a")  # the writer cannot acknowledge their own log
        await settle(app, pilot)
        assert any("incoming lead" in str(m.message) for m in app._notifications)
    [log] = services.lead.handover.recent(staff.office1)
    assert log.sections["business"] == "公积金新政今日起执行" and log.acknowledged_at is None
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.office1, HandoverScreen)
        await pilot.press("a")
        await settle(app, pilot)
    [log] = services.lead.handover.recent(staff.office1)
    assert log.acknowledged_by == "office1"


async def test_an_empty_log_stays_open_and_the_duty_record_is_written(
    services: Services, staff: Staff
) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.lead1, HandoverScreen)
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("f9")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-text", Input).value = "14:00 系统短暂卡顿,已恢复"
        await pilot.click("#dialog-ok")
        await settle(app, pilot)
    assert services.lead.handover.recent(staff.lead1) == []
    assert [d.text for d in services.lead.handover.duty(staff.lead1)] == ["14:00 系统短暂卡顿,已恢复"]


async def test_an_agent_reads_but_is_not_offered_writing(services: Services, staff: Staff) -> None:
    services.lead.handover.write(staff.lead1, {"instructions": "注意防汛来电"})
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, HandoverScreen)
        assert "注意防汛来电" in str(screen.query_one("#ho-log-text").render())  # type: ignore[attr-defined]
        for key in ("w", "a", "t"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen
    assert services.lead.handover.recent(staff.lead1)[0].acknowledged_at is None
