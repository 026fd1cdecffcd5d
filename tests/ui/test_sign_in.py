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


async def test_signing_out_leaves_an_empty_form_and_the_next_account_signs_in(
    services: Services, staff: Staff
) -> None:
    from textual.widgets import Input

    from svcdesk.ui.screens.kb import KbScreen

    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=(110, 32)) as pilot:
        await sign_in(app, pilot, "agent1")
        # The sign-in screen stays under the desk: nothing of the password stays in it.
        assert app.screen_stack[0].query_one("#password", Input).value == ""
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, KbScreen)
        app.action_sign_out()
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen) and len(app.screen_stack) == 1
        assert app.actor is None
        assert app.screen.query_one("#username", Input).value == ""
        assert app.screen.query_one("#password", Input).value == ""
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        await sign_in(app, pilot, "lead1")
        assert isinstance(app.screen, DeskScreen)
        assert app.actor is not None and app.actor.username == "lead1"


async def test_the_console_opens_its_services_off_the_ui_thread_after_the_first_frame(
    services: Services,
) -> None:
    import threading

    opened_on: list[str] = []

    def open_services() -> Services:
        opened_on.append(threading.current_thread().name)
        return services

    app = SvcdeskApp(open_services, lang="en")
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(app, pilot)
        assert opened_on and opened_on[0] != threading.main_thread().name
        await sign_in(app, pilot, "agent1")
        assert isinstance(app.screen, DeskScreen)
        assert len(opened_on) == 1


@pytest.mark.parametrize(("lang", "words"), [("en", "database"), ("zh", "数据库")])
async def test_a_database_that_cannot_be_opened_is_said_on_the_sign_in_screen_and_tried_again(
    services: Services, lang: str, words: str
) -> None:
    from svcdesk.store.errors import DatabaseError

    attempts: list[int] = []

    def open_services() -> Services:
        attempts.append(1)
        if len(attempts) <= 2:
            raise DatabaseError(
                "no svcdesk database at sqlite:////nowhere/svcdesk.db: run `svcdesk init` first"
            )
        return services

    app = SvcdeskApp(open_services, lang=lang)
    async with app.run_test(size=(110, 32)) as pilot:
        await settle(app, pilot)
        message = text_of(app, "#signin-message")
        assert words in message and "svcdesk init" in message
        # Signing in tries to open it again; still away: said again, nobody signed in.
        await sign_in(app, pilot, "agent1")
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        assert "svcdesk init" in text_of(app, "#signin-message")
        # Back: the next attempt opens it and signs in.
        await sign_in(app, pilot, "agent1")
        assert isinstance(app.screen, DeskScreen)
        assert len(attempts) == 3


async def test_a_second_enter_while_signing_in_signs_in_once(services: Services) -> None:
    import threading

    from textual.widgets import Input

    from tests.ui.helpers import enter_text

    ready = threading.Event()

    def open_services() -> Services:
        ready.wait(10)  # the database layer still loading when the agent presses Enter
        return services

    app = SvcdeskApp(open_services, lang="en")
    signed: list[str] = []
    original = app.signed_in
    app.signed_in = lambda actor, draft=None: (signed.append(actor.username), original(actor, draft))  # type: ignore[method-assign]
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        app.screen.query_one("#username", Input).focus()
        await enter_text(app, pilot, "agent1")
        await pilot.press("tab")
        await enter_text(app, pilot, "demo")
        await pilot.press("enter", "enter", "enter")
        ready.set()
        await settle(app, pilot)
        assert signed == ["agent1"]
        assert isinstance(app.screen, DeskScreen)
