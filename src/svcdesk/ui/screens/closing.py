"""Closing the call (报读结束语): the ticket number to tell the caller, the closing lines to
choose from, then a clean intake for the next call. Without a ticket (the caller hung up, or
could not be understood) the same screen ends the call, and Escape goes back to the intake."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Footer, Header, Static

from svcdesk.services.views import TicketView
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcScreen


class ClosingScreen(SvcScreen[str | None]):
    """With a ticket: shown in place of the intake; ends the call, then opens a clean intake.
    Without one: pushed over the intake, returns the closing key chosen (None: back)."""

    CSS_PATH = "closing.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("f2", "not_yet", "key.new_call", show=False),
    ]

    def __init__(
        self, *, ticket: TicketView | None, call_id: int | None, callback_at: datetime | None
    ) -> None:
        super().__init__()
        self.ticket = ticket
        self.call_id = call_id
        self.callback_at = callback_at
        self._ending = False

    def _lines(self) -> list[tuple[str, str]]:
        """(key, text) of each line the agent may choose, in the order of their number keys."""
        scripts = self.svc_app.scripts()
        lines = [(f"closing.{i}", text) for i, text in enumerate(scripts.get("closing", []))]
        lines.append(("dialect", scripts.get("dialect", "")))
        if self.ticket is None:
            lines.append(("abandoned", self.t("closing.abandoned")))
        return lines

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="closing"):
            if self.ticket is not None:
                v = self.ticket
                yield Static(t("closing.number", number=v.number), id="closing-number", markup=False)
                yield Static(t("closing.tell"), id="closing-tell", markup=False)
                state = t(f"status.{v.status}")
                if v.status == "closed":
                    state = t("closing.closed_direct")
                yield Static(
                    t(
                        "closing.summary",
                        category=t(f"category.{v.category}"),
                        subtype=t(f"subtype.{v.category}.{v.subtype}"),
                        mode=t(f"mode.{v.mode}"),
                        status=state,
                    ),
                    id="closing-summary",
                    markup=False,
                )
                if v.bound_to:
                    yield Static(t("closing.bound", numbers=", ".join(v.bound_to)), markup=False)
                if self.callback_at is not None:
                    at = self.callback_at.astimezone(self.svc_app.services.settings.tz).strftime("%H:%M")
                    yield Static(t("closing.callback", at=at), id="closing-callback", markup=False)
            else:
                yield Static(t("closing.no_ticket"), id="closing-number", markup=False)
            yield Static(t("closing.choose"), id="closing-choose", markup=False)
            yield Static(self._lines_text(), id="closing-lines")
            yield Static("", id="closing-status", markup=False)
        yield Footer()

    def _lines_text(self) -> Text:
        out = Text()
        for number, (key, text) in enumerate(self._lines(), start=1):
            out.append(f" {number} ", style="reverse bold")
            out.append(f" {text}\n" if key == "abandoned" else f" 「{text}」\n")
        return out

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is None or not char.isdigit() or self._ending:
            return
        lines = self._lines()
        index = int(char) - 1
        if 0 <= index < len(lines):
            event.stop()
            self.choose(lines[index][0])

    def choose(self, key: str) -> None:
        if self.ticket is None:
            self.dismiss(key)
            return
        self._ending = True
        self.query_one("#closing-status", Static).update(self.t("closing.ending"))
        self._end(key)

    @work(thread=True, group="closing")
    def _end(self, key: str) -> None:
        assert self.ticket is not None and self.call_id is not None
        try:
            self.svc_app.services.calls.end(self.actor, self.call_id, key, self.ticket.number)
        except Exception as exc:
            self.app.call_from_thread(self._failed, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._next_call)

    def _failed(self, text: str) -> None:
        self._ending = False
        self.query_one("#closing-status", Static).update(text)

    def _next_call(self) -> None:
        from svcdesk.ui.screens.intake import IntakeScreen

        self.app.switch_screen(IntakeScreen(start_call=False))

    def action_back(self) -> None:
        if self.ticket is None:
            self.dismiss(None)
        else:
            self.query_one("#closing-status", Static).update(self.t("closing.choose_first"))

    def action_not_yet(self) -> None:
        self.query_one("#closing-status", Static).update(self.t("closing.choose_first"))
