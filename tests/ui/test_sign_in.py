"""Sign-in with the Pilot: the desk for every role, refusals in the interface language, and
nothing offered before someone signs in."""

from __future__ import annotations

import pytest

from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.desk import DeskScreen
from svcdesk.ui.screens.sign_in import SignInScreen
from tests.conftest import Staff, intake
from tests.ui.helpers import settle, sign_in, text_of


@pytest.mark.parametrize(("lang", "role_word"), [("zh", "班长"), ("en", "shift lead")])
async def test_a_lead_signs_in_to_the_desk(
    services: Services, staff: Staff, lang: str, role_word: str
) -> None:
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=(110, 32)) as pilot:
        await sign_in(app, pilot, "lead1")
        assert isinstance(app.screen, DeskScreen)
        assert app.actor is not None and app.actor.username == "lead1"
        assert role_word in text_of(app, "#desk-welcome")
        assert "F2" in text_of(app, "#desk-keys")


async def test_the_desk_lists_the_agents_calls_of_the_shift(services: Services, staff: Staff) -> None:
    taken = services.tickets.take_call(staff.agent1, intake())
    services.tickets.take_call(staff.agent2, intake(place="别处"))
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(110, 32)) as pilot:
        await sign_in(app, pilot, "agent1")
        from textual.widgets import DataTable

        table = app.screen.query_one("#desk-recent", DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == taken.number
        assert "1 tickets" in text_of(app, "#desk-status")


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "wrong user name or password"), ("zh", "用户名或密码错误")]
)
async def test_a_wrong_password_is_refused_in_the_interface_language(
    services: Services, lang: str, words: str
) -> None:
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "agent1", "nope")
        assert isinstance(app.screen, SignInScreen)
        assert words in text_of(app, "#signin-message")
        from textual.widgets import Input

        assert app.screen.query_one("#password", Input).value == ""


async def test_a_disabled_account_cannot_sign_in(services: Services, staff: Staff) -> None:
    services.accounts.set_active(staff.office1, "agent2", False)
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(app, pilot, "agent2")
        assert isinstance(app.screen, SignInScreen)
        assert "已停用" in text_of(app, "#signin-message")


async def test_nothing_but_signing_in_is_offered_before_sign_in(services: Services) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f2", "f3")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "New call" not in commands and "Sign out" not in commands
