"""The hold with the Pilot and the injected clock (no sleeping): the caller's consent, the
30-second prompt that takes the focus and rings the bell, the 60-second offer to hang up and
call back, and every step recorded on the call."""

from __future__ import annotations

from datetime import timedelta

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.closing import ClosingScreen
from svcdesk.ui.screens.hold import HoldConsentScreen, HoldPromptScreen
from svcdesk.ui.screens.intake import IntakeScreen
from tests.conftest import Staff
from tests.ui.helpers import new_call, settle, sign_in, text_of, type_call

SIZE = (120, 40)


class Bell:
    def __init__(self, app: SvcdeskApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rings = 0
        monkeypatch.setattr(app, "bell", self.ring)

    def ring(self) -> None:
        self.rings += 1


async def _on_hold(app: SvcdeskApp, pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await sign_in(app, pilot, "agent1")
    await new_call(app, pilot)
    intake = app.screen
    assert isinstance(intake, IntakeScreen)
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, HoldConsentScreen)
    await pilot.press("y")
    await settle(app, pilot)
    assert app.screen is intake
    return intake


async def _tick(app: SvcdeskApp, pilot, intake: IntakeScreen, clock: FixedClock, seconds: int) -> None:  # type: ignore[no-untyped-def]
    clock.advance(seconds=seconds)
    intake.check_hold()
    await settle(app, pilot)


async def test_the_caller_must_agree_before_the_hold(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, HoldConsentScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert app.screen is intake
        assert "did not agree" in text_of(app, "#intake-status")
        call = intake._call_id
        assert call is not None and services.calls.get(staff.agent1, call).holds == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_30_and_60_second_prompts_and_a_callback_on_the_ticket(
    services: Services, staff: Staff, clock: FixedClock, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SvcdeskApp(services, lang=lang)
    bell = Bell(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        intake = await _on_hold(app, pilot)
        assert ("保持中" if lang == "zh" else "ON HOLD") in str(intake.query_one("#callbar").render())

        await _tick(app, pilot, intake, clock, 29)
        assert app.screen is intake and bell.rings == 0

        await _tick(app, pilot, intake, clock, 1)
        prompt = app.screen
        assert isinstance(prompt, HoldPromptScreen) and bell.rings == 1
        assert app.focused is None or app.focused.screen is prompt  # the prompt has the focus
        assert "00:30" in text_of(app, "#prompt-title")
        assert "您好,您的问题还在咨询中,请您再稍等。" in text_of(app, "#prompt-text")
        assert not prompt.offer
        await pilot.press("c")  # not offered yet: nothing happens
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is intake

        await _tick(app, pilot, intake, clock, 30)
        prompt = app.screen
        assert isinstance(prompt, HoldPromptScreen) and bell.rings == 2 and prompt.offer
        assert "01:00" in text_of(app, "#prompt-title")
        assert "稍后给您回电" in text_of(app, "#prompt-offer")
        await pilot.press("c")
        await settle(app, pilot)
        await pilot.press("enter")  # the proposed time: half an hour from now
        await settle(app, pilot)
        assert app.screen is intake
        promised = clock.now() + timedelta(minutes=30)

        call_id = intake._call_id
        assert call_id is not None
        (hold,) = services.calls.get(staff.agent1, call_id).holds
        assert [k for _, k in hold.events] == ["start", "break", "callback_offered", "callback_agreed"]
        assert hold.breaks == 1 and not hold.running

        await type_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen) and app.screen.ticket is not None
        assert "10:31" in text_of(app, "#closing-callback")
        view = services.tickets.get(staff.agent1, app.screen.ticket.number)
        assert view.callback_next_at == promised.replace(second=0)


async def test_f5_resumes_and_an_open_prompt_escalates(
    services: Services, staff: Staff, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SvcdeskApp(services, lang="en")
    bell = Bell(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        intake = await _on_hold(app, pilot)
        await _tick(app, pilot, intake, clock, 30)
        prompt = app.screen
        assert isinstance(prompt, HoldPromptScreen)
        # The agent does not answer: at 60 s the same prompt asks again, with the offer.
        await _tick(app, pilot, intake, clock, 30)
        assert app.screen is prompt and prompt.offer and bell.rings == 2
        assert "01:00" in text_of(app, "#prompt-title")
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen is intake
        assert intake._hold_started is None
        call_id = intake._call_id
        assert call_id is not None
        (hold,) = services.calls.get(staff.agent1, call_id).holds
        assert [k for _, k in hold.events] == ["start", "callback_offered", "resume"]
        # No prompts once the call is resumed.
        await _tick(app, pilot, intake, clock, 60)
        assert app.screen is intake and bell.rings == 2


async def test_a_call_on_hold_is_not_submitted(services: Services, staff: Staff) -> None:
    app = SvcdeskApp(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        intake = await _on_hold(app, pilot)
        intake.query_one("#f-caller_phone").focus()
        await type_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is intake
        assert "resume the call (F5)" in text_of(app, "#intake-status")
        await pilot.press("f5", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
