"""Sign-in with the Pilot: the role decides the first screen; refusals say why."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.home import HomeScreen
from svcdesk.ui.screens.sign_in import SignInScreen
from tests.conftest import Staff, intake


async def _sign_in(app: SvcdeskApp, pilot, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app.screen.query_one("#username", Input).value = user
    app.screen.query_one("#password", Input).value = password
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_a_lead_signs_in_and_sees_the_dispatch_queue(
    services: Services, staff: Staff, lang: str
) -> None:
    services.tickets.take_call(staff.agent1, intake())
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, "lead1", "demo")
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#home-queue", DataTable)
        assert table.row_count == 1
        assert app.actor is not None and app.actor.username == "lead1"


async def test_a_wrong_password_is_refused_with_a_message(services: Services) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await _sign_in(app, pilot, "agent1", "nope")
        assert isinstance(app.screen, SignInScreen)
        message = str(app.screen.query_one("#signin-message", Static).render())
        assert "wrong user name or password" in message
        assert app.screen.query_one("#password", Input).value == ""
