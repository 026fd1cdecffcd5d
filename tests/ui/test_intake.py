"""The intake with the Pilot: a call typed through the contract's Tab order, the caller's
history, every category's guidance, refusals next to their field, forbidden phrases, the
suggestion, binding a related ticket, a knowledge-base answer and the closing line."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static, TextArea

from svcdesk.domain.categories import CATEGORIES, HANDLING
from svcdesk.i18n import Translator
from svcdesk.services.errors import PermissionDenied
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.closing import ClosingScreen
from svcdesk.ui.screens.intake import IntakeScreen
from svcdesk.ui.screens.kb import KbScreen
from svcdesk.ui.widgets.choice_bar import ChoiceBar
from tests.conftest import Staff, intake
from tests.ui.helpers import new_call, settle, sign_in, text_of, type_call, type_text

SIZE = (120, 40)


def _screen(app: SvcdeskApp) -> IntakeScreen:
    assert isinstance(app.screen, IntakeScreen), type(app.screen)
    return app.screen


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_f2_opens_the_intake_with_the_opening_line_and_the_cursor_in_the_phone_field(
    services: Services, staff: Staff, lang: str
) -> None:
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        screen = _screen(app)
        assert app.focused is screen.query_one("#f-caller_phone", Input)
        bar = str(screen.query_one("#callbar").render())
        assert "您好!市长热线,请问有什么可以帮到您?" in bar
        assert ("通话" if lang == "zh" else "Call") in bar


async def test_the_tab_order_is_the_contracts(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        screen = _screen(app)
        # A transfer: the unit applies (the lead's proposal), then urgency.
        screen.query_one("#f-category", ChoiceBar).value = "general_request"
        await pilot.pause()
        screen.query_one("#f-subtype", ChoiceBar).value = "general"
        await settle(app, pilot)
        order = []
        for _ in range(10):
            assert app.focused is not None
            order.append(app.focused.id)
            await pilot.press("tab")
        assert order == [
            "f-caller_phone",
            "f-caller_name",
            "f-event_time",
            "f-place",
            "f-details",
            "f-category",
            "f-subtype",
            "f-mode",
            "f-unit_code",
            "f-urgent",
        ]


async def test_the_callers_earlier_tickets_show_however_the_number_is_typed(
    services: Services, staff: Staff
) -> None:
    earlier = services.tickets.take_call(staff.agent2, intake(caller_phone="13812345678"))
    services.tickets.take_call(staff.agent2, intake(caller_phone="13900000000"))
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_text(pilot, "+86 138-1234-567")
        await settle(app, pilot)
        history = app.screen.query_one("#history", DataTable)
        assert history.row_count == 0  # not a whole number yet
        await type_text(pilot, "8")
        await settle(app, pilot)
        assert history.row_count == 1
        assert history.get_row_at(0)[0] == earlier.number


async def test_a_wrong_number_is_explained_next_to_the_field(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_text(pilot, "1381234abc")
        await pilot.press("tab")
        await settle(app, pilot)
        assert "电话号码中不能有字母" in text_of(app, "#err-caller_phone")


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_categorys_prescribed_handling_is_shown_for_the_choice(
    services: Services, staff: Staff, lang: str
) -> None:
    t = Translator(lang)
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        screen = _screen(app)
        screen.query_one("#f-category", ChoiceBar).focus()
        for c_index, (category, subtypes) in enumerate(CATEGORIES.items(), start=1):
            for s_index, subtype in enumerate(subtypes, start=1):
                screen.query_one("#f-category", ChoiceBar).focus()
                await pilot.press(str(c_index))
                screen.query_one("#f-subtype", ChoiceBar).focus()
                await pilot.press(str(s_index))
                await pilot.pause()
                handling = HANDLING[(category, subtype)]
                panel = text_of(app, "#guidance")
                flat = panel.replace("\n", "")
                assert t(handling.guidance_key).replace(" ", "") in flat.replace(" ", ""), (category, subtype)
                for mode in handling.modes:
                    assert t(f"mode.{mode.value}") in panel
                for referral in handling.referrals:
                    assert referral.key != "legal_aid" or "12348" in panel
                    assert referral.key != "police" or "110" in panel
                    assert referral.key != "discipline" or "12388" in panel
                # The mode the handling proposes first is chosen; the others that apply stay open.
                mode_bar = screen.query_one("#f-mode", ChoiceBar)
                assert mode_bar.value == handling.modes[0].value
                assert mode_bar.is_enabled("transfer")
                assert mode_bar.is_enabled("phone_handover") == (
                    any(m.value == "phone_handover" for m in handling.modes)
                )


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "The exact place is required."), ("zh", "请填写准确的事发地点。")]
)
async def test_a_refused_submit_puts_the_focus_on_the_first_missing_field(
    services: Services, staff: Staff, lang: str, message: str
) -> None:
    app = SvcdeskApp(services, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot, place="", details="")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = _screen(app)
        assert app.focused is screen.query_one("#f-place", Input)
        assert message in text_of(app, "#err-place")
        assert text_of(app, "#err-details") != ""
        assert text_of(app, "#err-caller_phone") == ""
        assert services.tickets.list(staff.agent1) == []
        # Typing in the field clears its message.
        await type_text(pilot, "文三路")
        await pilot.pause()
        assert text_of(app, "#err-place") == ""


async def test_forbidden_phrases_are_warned_about_as_they_are_written(
    services: Services, staff: Staff
) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        _screen(app).query_one("#f-details", TextArea).focus()
        await type_text(pilot, "来电人说我不知道怎么办")
        await pilot.pause()
        warning = text_of(app, "#warn-forbidden")
        assert "「我不知道」" in warning and "诉求内容" in warning


async def test_a_call_from_the_first_ring_to_the_closing_line(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
        (ticket,) = services.tickets.list(staff.agent1)
        assert ticket.number in text_of(app, "#closing-number")
        assert (ticket.category, ticket.subtype, ticket.mode) == ("general_request", "general", "transfer")
        assert ticket.caller_phone == "13812345678" and ticket.place == "西湖区文三路100号"
        await pilot.press("2")
        await settle(app, pilot)
        # A clean intake for the next call; the call ended with the line chosen.
        screen = _screen(app)
        assert screen.query_one("#f-caller_phone", Input).value == ""
        call = services.calls.for_ticket(staff.agent1, ticket.number)
        assert call is not None and call.closing_line == "closing.1" and call.ended_at is not None
        assert services.drafts.load(staff.agent1) is None


async def test_the_suggestion_is_accepted_with_one_key(services: Services, staff: Staff) -> None:
    for n in range(3):
        services.tickets.take_call(
            staff.agent2,
            intake(
                caller_phone=f"1390000000{n}",
                place=f"滨江区江南大道{n}号",
                details="工地夜间施工噪音扰民",
                category="complaint",
                subtype="other",
                unit_code="CGJ",
            ),
        )
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        screen = _screen(app)
        screen.query_one("#f-place", Input).focus()
        await type_text(pilot, "滨江区江南大道8号")
        await pilot.press("tab")
        await type_text(pilot, "夜里工地施工噪音很大")
        await settle(app, pilot)
        assert "Complaint / report" in text_of(app, "#suggestion")
        await pilot.press("f4")
        await settle(app, pilot)
        assert screen.query_one("#f-category", ChoiceBar).value == "complaint"
        assert screen.query_one("#f-subtype", ChoiceBar).value == "other"
        assert screen.query_one("#f-mode", ChoiceBar).value == "transfer"
        assert screen.query_one("#f-unit_code", Select).value == "CGJ"


@pytest.mark.parametrize(("same_phone", "kind"), [(True, "same_caller"), (False, "same_matter")])
async def test_f8_binds_the_intake_to_the_highlighted_related_ticket(
    services: Services, staff: Staff, same_phone: bool, kind: str
) -> None:
    other = services.tickets.take_call(
        staff.agent2, intake(caller_phone="13812345678" if same_phone else "13900000000")
    )
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot, phone="13812345678" if same_phone else "13711112222")
        related = app.screen.query_one("#related", DataTable)
        assert related.row_count == 1 and related.get_row_at(0)[0] == other.number
        await pilot.press("f8")
        await pilot.pause()
        expected = "same caller again" if same_phone else "same matter, another caller"
        assert expected in text_of(app, "#bound")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
        number = app.screen.ticket.number if app.screen.ticket else ""
        view = services.tickets.get(staff.agent1, number)
        assert view.bound_to == [other.number]
        assert any(h.action == "bind" and kind in h.note for h in view.history or [])


async def test_a_knowledge_base_answer_is_linked_and_answers_a_simple_inquiry(
    services: Services, staff: Staff
) -> None:
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, KbScreen)
        await type_text(pilot, "公积")
        await settle(app, pilot)
        results = app.screen.query_one("#kb-results", DataTable)
        assert results.row_count >= 1
        assert "公积金" in str(results.get_row_at(0)[0])
        await pilot.press("down", "enter")
        await settle(app, pilot)
        screen = _screen(app)
        assert "公积金" in text_of(app, "#kb-linked")
        await type_call(app, pilot, details="咨询公积金怎么提取", category="5", subtype="1")
        assert screen.query_one("#f-mode", ChoiceBar).value == "direct"
        result = screen.query_one("#f-direct_result", TextArea).text
        assert "提取" in result and "12329" in result
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen) and app.screen.ticket is not None
        view = services.tickets.get(staff.agent1, app.screen.ticket.number)
        assert view.status == "closed" and view.kb_used and "12329" in view.direct_result


async def test_a_phone_handover_needs_the_unit_phoned(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot, category="3", subtype="3")
        screen = _screen(app)
        assert screen.query_one("#f-mode", ChoiceBar).value == "phone_handover"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.focused is screen.query_one("#f-unit_code", Select)
        assert "unit that was phoned" in text_of(app, "#err-unit_code")
        screen.query_one("#f-unit_code", Select).value = "CGJ"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen) and app.screen.ticket is not None
        assert (app.screen.ticket.status, app.screen.ticket.unit) == ("with_unit", "CGJ")


async def test_a_refusal_by_the_services_is_shown_in_words_never_a_traceback(
    services: Services, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise PermissionDenied("agent1 (agent) may not take calls; ask a shift lead")

    monkeypatch.setattr(services.calls, "submit", refuse)
    app = SvcdeskApp(services, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert "无权操作" in text_of(app, "#intake-status")


async def test_escape_ends_a_call_without_a_ticket(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_text(pilot, "1381234")
        await settle(app, pilot)
        call_id = _screen(app)._call_id
        assert call_id is not None
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert _screen(app)._call_id == call_id
        await pilot.press("escape", "5")
        await settle(app, pilot)
        assert _screen(app).query_one("#f-caller_phone", Input).value == ""
        assert services.calls.get(staff.agent1, call_id).closing_line == "abandoned"
        assert services.drafts.load(staff.agent1) is None


async def test_the_softphone_opens_the_console_on_a_new_intake_with_the_number(
    services: Services, staff: Staff
) -> None:
    earlier = services.tickets.take_call(staff.agent2, intake())
    app = SvcdeskApp(services, lang="en", phone="138 1234 5678")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await settle(app, pilot)
        screen = _screen(app)
        assert screen.query_one("#f-caller_phone", Input).value == "138 1234 5678"
        assert app.focused is screen.query_one("#f-caller_name", Input)
        history = screen.query_one("#history", DataTable)
        assert history.row_count == 1 and history.get_row_at(0)[0] == earlier.number
        assert isinstance(screen.query_one("#intake-status", Static), Static)


async def test_every_key_of_the_intake_is_also_in_the_command_palette(
    services: Services, staff: Staff
) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Submit",
            "Hold / resume",
            "Accept suggestion",
            "Bind related",
            "Knowledge base",
            "Desk",
        ):
            assert title in titles
        assert "Cursor up" not in titles  # a widget's own keys are not commands


async def test_call_scripts_that_cannot_be_read_leave_the_lines_empty_and_say_so(
    db_url: str, staff: Staff, tmp_path: object
) -> None:
    """A broken data folder (no scripts.json) must not end the console with a traceback:
    the intake opens without its opening line and the agent is told why."""
    from pathlib import Path

    from svcdesk.domain.clock import FixedClock
    from svcdesk.services.factory import build_services
    from svcdesk.services.settings import Settings
    from tests.conftest import T0, TZ

    empty = Path(str(tmp_path)) / "data"
    empty.mkdir()
    services = build_services(Settings(db=db_url, tz=TZ, lang="en", data=empty), FixedClock(T0))
    app = SvcdeskApp(services, lang="en")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await sign_in(app, pilot, "agent1")
            await new_call(app, pilot)
            assert isinstance(app.screen, IntakeScreen)
            assert any("scripts.json" in n.message for n in app._notifications)
    finally:
        services.close()
