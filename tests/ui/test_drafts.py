"""Nothing typed is lost: the intake is saved as a draft as it is typed, the console torn down
mid-typing offers it back at the next sign-in exactly as it was, and while the database is
locked the draft waits on this computer until the database takes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Checkbox, Input, TextArea

from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.desk import DeskScreen
from svcdesk.ui.screens.draft_offer import DraftOfferScreen
from svcdesk.ui.screens.intake import IntakeScreen
from svcdesk.ui.widgets.choice_bar import ChoiceBar
from tests.conftest import Staff
from tests.ui.helpers import enter_text, new_call, settle, sign_in, text_of, type_text

SIZE = (120, 40)


async def _type_half_a_call(app: SvcdeskApp, pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await sign_in(app, pilot, "agent1")
    await new_call(app, pilot)
    screen = app.screen
    assert isinstance(screen, IntakeScreen)
    for value in ("021-8888 6666", "李四", "2025-09-30 09:15", "上城区解放路5号"):
        await enter_text(app, pilot, value)
        await pilot.press("tab")
    await enter_text(app, pilot, "楼道灯不亮\n已经三天")
    await pilot.press("tab", "3", "tab", "3")  # help / urgent: phone hand-over proposed
    screen.query_one("#f-urgent", Checkbox).value = True
    screen.query_one("#f-details", TextArea).focus()
    await type_text(pilot, "了")
    await settle(app, pilot)
    return screen


async def test_a_console_torn_down_mid_typing_offers_the_draft_back_exactly(
    services: Services, staff: Staff
) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        screen = await _type_half_a_call(app, pilot)
        typed = screen.snapshot()
        call_id = screen._call_id
        # Saved while typing, before anything closes the console (a killed terminal).
        stored = services.drafts.load(staff.agent1)
        assert stored is not None and stored.where == "database"
        assert stored.data["fields"] == typed["fields"]

    again = SvcdeskApp(services, lang="zh")
    async with again.run_test(size=SIZE) as pilot:
        await sign_in(again, pilot, "agent1")
        offer = again.screen
        assert isinstance(offer, DraftOfferScreen)
        assert "楼道灯不亮" in text_of(again, "#draft-summary")
        await pilot.press("r")
        await settle(again, pilot)
        screen = again.screen
        assert isinstance(screen, IntakeScreen)
        restored = screen.snapshot()
        assert restored["fields"] == typed["fields"]
        assert restored["fields"]["details"] == "楼道灯不亮\n已经三天了"
        assert screen.query_one("#f-mode", ChoiceBar).value == "phone_handover"
        assert screen.query_one("#f-urgent", Checkbox).value is True
        # The same call goes on, with the cursor where it was.
        assert screen._call_id == call_id
        details = screen.query_one("#f-details", TextArea)
        assert again.focused is details and details.cursor_location == (1, 5)


async def test_a_discarded_draft_is_gone_and_a_later_one_is_offered_again(
    services: Services, staff: Staff
) -> None:
    services.drafts.save(staff.agent1, {"fields": {"caller_phone": "13812345678", "details": "旧的"}})
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        assert isinstance(app.screen, DraftOfferScreen)
        await pilot.press("escape")  # decide later: F2 asks again
        await settle(app, pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, DraftOfferScreen)
        await pilot.press("d")
        await settle(app, pilot)
        assert services.drafts.load(staff.agent1) is None
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert screen.query_one("#f-caller_phone", Input).value == ""


async def test_quitting_saves_what_was_typed_a_moment_ago(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        IntakeScreen.DRAFT_DELAY = 60.0  # the debounced save would come too late
        try:
            await enter_text(app, pilot, "13812345678")
            await pilot.press("ctrl+q")
        finally:
            IntakeScreen.DRAFT_DELAY = 0.05
    draft = services.drafts.load(staff.agent1)
    assert draft is not None and draft.data["fields"]["caller_phone"] == "13812345678"


async def test_while_the_database_is_locked_the_draft_waits_here_and_is_saved_when_it_is_back(
    services: Services, staff: Staff, db_path: Path
) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await settle(app, pilot)
        lock = sqlite3.connect(db_path, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        try:
            await enter_text(app, pilot, "13812345678")
            await pilot.press("tab")
            await enter_text(app, pilot, "王五")
            await settle(app, pilot)
            status = text_of(app, "#intake-status")
            assert "kept as a draft on this computer" in status and "locked" in status
            # Only the draft is kept: the agent must not read it as the ticket being saved.
            assert "NOT submitted" in status
            assert services.drafts.pending_local(staff.agent1)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
        screen.retry_draft()
        await settle(app, pilot)
        assert "The database is back" in text_of(app, "#intake-status")
        assert not services.drafts.pending_local(staff.agent1)
        draft = services.drafts.load(staff.agent1)
        assert draft is not None and draft.where == "database"
        assert draft.data["fields"]["caller_name"] == "王五"
