"""The lead's and the office's screens in the command palette (Ctrl+P), by role: the queue
and callbacks have their F-keys (F6, F7); the handover, the dashboard, call quality and the
office's lists are opened from here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

from svcdesk.domain.roles import Permission

if TYPE_CHECKING:
    from svcdesk.ui.app import SvcdeskApp


def _opener(app: SvcdeskApp, make: Callable[[], Screen[None]]) -> Callable[[], None]:
    def open_screen() -> None:
        if app.actor is not None:
            app.push_screen(make())

    return open_screen


def lead_commands(app: SvcdeskApp) -> Iterator[SystemCommand]:
    from svcdesk.ui.screens.dashboard import DashboardScreen
    from svcdesk.ui.screens.handover import HandoverScreen
    from svcdesk.ui.screens.office import OfficeScreen
    from svcdesk.ui.screens.quality import QualityScreen

    actor = app.actor
    if actor is None:
        return
    t = app.t
    yield SystemCommand(t("palette.handover"), t("palette.handover.help"), _opener(app, HandoverScreen))
    if actor.can(Permission.DISPATCH):
        yield SystemCommand(
            t("palette.dashboard"), t("palette.dashboard.help"), _opener(app, DashboardScreen)
        )
        yield SystemCommand(t("palette.quality"), t("palette.quality.help"), _opener(app, QualityScreen))
    if actor.can(Permission.SUPERVISE):
        yield SystemCommand(t("palette.office"), t("palette.office.help"), _opener(app, OfficeScreen))
