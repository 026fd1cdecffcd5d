"""Driving the console with the Pilot as an agent would: keys, one at a time."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Static

from svcdesk.ui.app import SvcdeskApp

Pilot_ = Pilot[Any]


async def settle(app: SvcdeskApp, pilot: Pilot_, rounds: int = 3) -> None:
    """Lets workers finish and their results reach the screen (a result may start more work)."""
    for _ in range(rounds):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def sign_in(app: SvcdeskApp, pilot: Pilot_, user: str, password: str = "demo") -> None:
    await pilot.pause()
    app.screen.query_one("#username", Input).focus()
    await enter_text(app, pilot, user)
    await pilot.press("tab")
    await enter_text(app, pilot, password)
    await pilot.press("enter")
    await settle(app, pilot)


async def type_text(pilot: Pilot_, text: str) -> None:
    """Key by key (each key costs the Pilot tens of milliseconds: keep it for short texts)."""
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def enter_text(app: SvcdeskApp, pilot: Pilot_, text: str) -> None:
    """Into the focused field in one go, as a Chinese input method commits a phrase."""
    if text:
        # As the terminal delivers it (bracketed paste): to the App, which hands it on.
        app.post_message(events.Paste(text))
        await pilot.pause()


async def new_call(app: SvcdeskApp, pilot: Pilot_) -> None:
    await pilot.press("f2")
    await settle(app, pilot)


def text_of(app: SvcdeskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def type_call(
    app: SvcdeskApp,
    pilot: Pilot_,
    *,
    phone: str = "13812345678",
    name: str = "张三",
    time: str = "2025-09-30 08:30",
    place: str = "西湖区文三路100号",
    details: str = "路灯坏了一个多星期,晚上出行不安全。",
    category: str = "2",
    subtype: str = "2",
) -> None:
    """Types a call through the contract's Tab order, from the phone field."""
    for value in (phone, name, time, place, details):
        await enter_text(app, pilot, value)
        await pilot.press("tab")
    await pilot.press(category, "tab", subtype, "tab")
    await settle(app, pilot)
