"""The lead's queue (F6) with the Pilot: dispatch, remind, reply, return, escalate and
supervise from their keys; refusals shown, never a traceback; an agent's own tickets."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.detail import DetailScreen
from svcdesk.ui.screens.dialogs import DispatchDialog, FormDialog
from svcdesk.ui.screens.queue import QueueScreen
from tests.conftest import Staff, intake
from tests.ui.lead_helpers import SIZE, open_screen, settle


def _status(services: Services, staff: Staff, number: str) -> str:
    return services.tickets.get(staff.office1, number).status


def _actions(services: Services, staff: Staff, number: str) -> list[str]:
    return [h.action for h in services.tickets.get(staff.office1, number).history or []]


async def test_dispatch_from_the_queue(services: Services, staff: Staff) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, QueueScreen)
        assert isinstance(screen, QueueScreen)
        assert [r.number for r in screen.rows] == [n]
        await pilot.press("d")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, DispatchDialog)
        dialog.query_one("#dispatch-unit", Select).value = "CGJ"
        dialog.query_one("#dispatch-days", Select).value = 3
        dialog.query_one("#dispatch-urgent", Checkbox).value = True
        dialog.query_one("#dispatch-note", Input).value = "请尽快处理"
        await pilot.click("#dialog-ok")
        await settle(app, pilot)
        assert app.screen is screen
    v = services.tickets.get(staff.lead1, n)
    assert (v.status, v.unit, v.urgent) == ("with_unit", "CGJ", True)
    assert "请尽快处理" in (v.history or [])[-1].note


async def _form_step(app: SvcdeskApp, pilot, key: str, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await settle(app, pilot)
    assert isinstance(app.screen, FormDialog)
    for field, value in values.items():
        app.screen.query_one(f"#field-{field}", Input).value = value
    await pilot.click("#dialog-ok")
    await settle(app, pilot)


async def test_remind_reply_and_return_from_the_queue(
    services: Services, staff: Staff, clock: FixedClock
) -> None:
    a = services.tickets.take_call(staff.agent1, intake(place="甲路1号")).number
    b = services.tickets.take_call(staff.agent1, intake(place="乙路2号")).number
    for n in (a, b):
        services.tickets.dispatch(staff.lead1, n, "CGJ", urgent=True)
    clock.advance(hours=2)
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, QueueScreen)
        assert [r.number for r in screen.rows] == [a, b]
        await _form_step(app, pilot, "r", {"note": "请按时办结"})
        assert _actions(services, staff, a)[-1] == "remind"
        # a required reason left empty keeps the dialog open
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.click("#dialog-ok")
        await settle(app, pilot)
        assert isinstance(app.screen, FormDialog)
        app.screen.query_one("#field-reason", Input).value = "不属于本单位"
        await pilot.click("#dialog-ok")
        await settle(app, pilot)
        assert _status(services, staff, a) == "awaiting_dispatch"
        # the returned ticket is due again within the hour: it comes first
        assert [r.number for r in screen.rows] == [a, b]
        await pilot.press("down")
        await _form_step(app, pilot, "p", {"text": "已修复", "handler": "王工"})
        assert _status(services, staff, b) == "awaiting_callback"


async def test_escalate_and_the_offices_supervision(services: Services, staff: Staff) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.lead1, QueueScreen)
        await _form_step(app, pilot, "x", {"note": "疑难"})
        assert services.tickets.get(staff.lead1, n).escalated
        await pilot.press("s")  # not offered to a lead
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.office1, QueueScreen)
        await _form_step(app, pilot, "s", {"note": "热点事项"})
        assert _status(services, staff, n) == "supervised"
        await _form_step(app, pilot, "e", {"note": "已协调相关部门解决"})
    assert _status(services, staff, n) == "closed"


async def test_a_refused_step_shows_the_services_message(services: Services, staff: Staff) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.lead1, QueueScreen)
        # a reply on a ticket no unit holds yet: the state machine refuses, the screen says why
        await _form_step(app, pilot, "p", {"text": "已办"})
        assert isinstance(app.screen, QueueScreen)
        messages = [str(m.message) for m in app._notifications]
        assert any("unit's reply can only be recorded" in m for m in messages)
        assert screen.rows[0].number == n
    assert _status(services, staff, n) == "awaiting_dispatch"


async def test_an_agents_f6_shows_their_open_tickets_and_offers_no_lead_step(
    services: Services, staff: Staff
) -> None:
    mine = services.tickets.take_call(staff.agent1, intake()).number
    services.tickets.take_call(staff.agent2, intake())
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        app.actor = staff.agent1
        await pilot.pause()
        await pilot.press("f6")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen) and screen.view == "mine"
        assert [r.number for r in screen.rows] == [mine]
        for key in ("d", "r", "p", "b", "x", "s", "e", "q"):
            await pilot.press(key)
            await settle(app, pilot)
            assert app.screen is screen
        footer_keys = {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        assert not footer_keys & {"d", "r", "p", "b", "x", "s", "e", "q"}
    assert _status(services, staff, mine) == "awaiting_dispatch"


async def test_the_service_refuses_an_agent_even_if_a_step_is_forced(
    services: Services, staff: Staff
) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screen(app, pilot, staff.agent1, QueueScreen)
        assert isinstance(screen, QueueScreen)
        screen.run_step(n, "lead.done.remind", lambda: services.tickets.remind(staff.agent1, n))
        await settle(app, pilot)
        messages = [str(m.message) for m in app._notifications]
        assert any("agent1" in m and "remind" in m for m in messages)


@pytest.mark.parametrize("key", ["enter"])
async def test_enter_opens_the_detail(services: Services, staff: Staff, key: str) -> None:
    n = services.tickets.take_call(staff.agent1, intake()).number
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await open_screen(app, pilot, staff.lead1, QueueScreen)
        await pilot.press(key)
        await settle(app, pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.number == n
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#queue-table", DataTable).row_count == 1


async def test_f6_from_the_offices_lists_opens_the_queue(services: Services, staff: Staff) -> None:
    from svcdesk.ui.screens.office import OfficeScreen

    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_screen(app, pilot, staff.office1, OfficeScreen)
        await pilot.press("f6")
        await settle(app, pilot)
        assert type(app.screen) is QueueScreen
