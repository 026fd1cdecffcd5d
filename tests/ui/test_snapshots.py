"""Snapshots of the agent's console, in Chinese and in English, at a fixed size, with a frozen
clock, no animations and a still cursor: sign-in, intake, classification guidance, the
knowledge base, the hold prompt and the closing screen.

Update after a deliberate change of the screens: ``pytest tests/ui/test_snapshots.py
--snapshot-update``, look at the report, and copy the intake picture to ``docs/console.svg``
(``test_the_readme_shows_the_console`` checks they are the same).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.intake import IntakeScreen
from tests.conftest import Staff, intake
from tests.ui.helpers import enter_text, new_call, settle, sign_in, type_call

SIZE = (120, 40)
LANGS = ["zh", "en"]
ROOT = Path(__file__).resolve().parents[2]

Snap = Callable[..., bool]
Run = Callable[[Pilot[Any]], Awaitable[None]]


def _app(services: Services, lang: str) -> SvcdeskApp:
    return SvcdeskApp(services, lang=lang, cursor_blink=False)


def _earlier_tickets(services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent2, intake())
    services.tickets.take_call(
        staff.agent2,
        intake(caller_phone="13900000000", place="西湖区文三路102号", details="文三路路灯不亮,晚上很黑。"),
    )


async def _at_intake(app: SvcdeskApp, pilot: Pilot[Any]) -> None:
    await sign_in(app, pilot, "agent1")
    await new_call(app, pilot)


@pytest.mark.parametrize("lang", LANGS)
def test_sign_in(snap_compare: Snap, services: Services, lang: str) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await pilot.pause()

    assert snap_compare(_app(services, lang), terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("lang", LANGS)
def test_intake(snap_compare: Snap, services: Services, staff: Staff, lang: str) -> None:
    _earlier_tickets(services, staff)
    app = _app(services, lang)

    async def run(pilot: Pilot[Any]) -> None:
        await _at_intake(app, pilot)
        await type_call(app, pilot)
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("lang", LANGS)
def test_classification_guidance(snap_compare: Snap, services: Services, lang: str) -> None:
    app = _app(services, lang)

    async def run(pilot: Pilot[Any]) -> None:
        await _at_intake(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.query_one("#f-details").focus()
        await enter_text(app, pilot, "与邻居有经济纠纷,想起诉对方。")
        await pilot.press("tab", "3", "tab", "1")  # help / out of scope: the referral numbers
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("lang", LANGS)
def test_knowledge_base(snap_compare: Snap, services: Services, lang: str) -> None:
    app = _app(services, lang)

    async def run(pilot: Pilot[Any]) -> None:
        await _at_intake(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await enter_text(app, pilot, "公积金")
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("lang", LANGS)
def test_hold_prompt(snap_compare: Snap, services: Services, clock: FixedClock, lang: str) -> None:
    app = _app(services, lang)

    async def run(pilot: Pilot[Any]) -> None:
        await _at_intake(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        await pilot.press("f5", "y")
        await settle(app, pilot)
        clock.advance(seconds=60)
        screen.check_hold()
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("lang", LANGS)
def test_closing(snap_compare: Snap, services: Services, staff: Staff, lang: str) -> None:
    _earlier_tickets(services, staff)
    app = _app(services, lang)

    async def run(pilot: Pilot[Any]) -> None:
        await _at_intake(app, pilot)
        await type_call(app, pilot)
        await pilot.press("f8", "ctrl+s")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_the_readme_shows_the_console() -> None:
    picture = ROOT / "docs" / "console.svg"
    snapshot = ROOT / "tests" / "ui" / "__snapshots__" / "test_snapshots" / "test_intake[zh].svg"
    assert "docs/console.svg" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert picture.read_text(encoding="utf-8") == snapshot.read_text(encoding="utf-8")
