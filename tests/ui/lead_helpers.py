"""Opening the lead's screens in a Pilot test without going through the sign-in."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen

from svcdesk.services.context import Actor
from svcdesk.ui.app import SvcdeskApp

SIZE = (120, 36)


async def settle(app: SvcdeskApp, pilot: Pilot[Any]) -> None:
    """Lets every worker finish and its result be drawn."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def open_screen(
    app: SvcdeskApp, pilot: Pilot[Any], actor: Actor, screen: type[Screen[Any]]
) -> Screen[Any]:
    app.actor = actor
    await pilot.pause()
    await app.push_screen(screen())
    await settle(app, pilot)
    return app.screen


async def press_ok(app: SvcdeskApp, pilot: Pilot[Any]) -> None:
    """Presses a dialog's OK button, wherever it is scrolled to."""
    from textual.widgets import Button

    app.screen.query_one("#dialog-ok", Button).press()
    await settle(app, pilot)
