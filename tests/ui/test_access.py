"""Access in the console: failed sign-ins lock the account and the sign-in screen says so in
the interface language; the command palette offers each role only its own screens."""

from __future__ import annotations

import pytest

from svcdesk.services.accounts import MAX_FAILURES
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.sign_in import SignInScreen
from tests.conftest import Staff
from tests.ui.helpers import sign_in, text_of


@pytest.mark.parametrize(("lang", "locked"), [("en", "Too many failed sign-ins"), ("zh", "登录失败次数过多")])
async def test_five_failed_sign_ins_lock_the_account_in_the_console(
    services: Services, lang: str, locked: str
) -> None:
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(MAX_FAILURES):
            await sign_in(app, pilot, "agent1", "nope")
            assert isinstance(app.screen, SignInScreen)
            assert locked not in text_of(app, "#signin-message")
        await sign_in(app, pilot, "agent1", "demo")  # the right password, too late
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        assert locked in text_of(app, "#signin-message")
        assert "5" in text_of(app, "#signin-message")  # the minutes to wait


@pytest.mark.parametrize(
    ("who", "offered", "refused"),
    [
        ("agent1", {"Shift handover"}, {"Shift dashboard", "Call quality", "Office lists"}),
        ("lead1", {"Shift handover", "Shift dashboard", "Call quality"}, {"Office lists"}),
        ("office1", {"Shift handover", "Shift dashboard", "Call quality", "Office lists"}, set()),
    ],
)
async def test_the_palette_offers_each_role_only_its_screens(
    services: Services, staff: Staff, who: str, offered: set[str], refused: set[str]
) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(110, 32)) as pilot:
        await sign_in(app, pilot, who)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert offered <= titles
        assert not refused & titles
