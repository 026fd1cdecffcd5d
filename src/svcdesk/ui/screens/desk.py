"""The agent's desk between calls: who is signed in, the keys the role offers, the reminder of
the forbidden phrases, and the calls taken so far on the shift."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from svcdesk.domain.validation import FORBIDDEN_PHRASES
from svcdesk.services.views import TicketView
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcScreen

#: How far back "this shift" reaches on the desk.
SHIFT = timedelta(hours=12)


class DeskScreen(SvcScreen[None]):
    CSS_PATH = "desk.tcss"

    def compose(self) -> ComposeResult:
        t = self.t
        actor = self.actor
        yield Header()
        with Vertical(id="desk"):
            yield Static(
                t(
                    "desk.welcome",
                    name=actor.display_name or actor.username,
                    role=t(f"role.{actor.role.value}"),
                ),
                id="desk-welcome",
                markup=False,
            )
            yield Static(self._keys_text(), id="desk-keys")
            yield Static(
                t("desk.forbidden", phrases=" ".join(f"「{p}」" for p in FORBIDDEN_PHRASES[:6])),
                id="desk-forbidden",
                markup=False,
            )
            yield Static(t("desk.recent"), id="desk-recent-title", markup=False)
            yield DataTable(id="desk-recent", cursor_type="row", zebra_stripes=True)
            yield Static("", id="desk-status", markup=False)
        yield Footer()

    def _keys_text(self) -> Text:
        """The keys of the App (F2, F3 and whatever screens the role may open), as offered now."""
        out = Text()
        for binding in self.app.BINDINGS:
            key, action, description = _binding_parts(binding)
            if not description or action == "quit" or self.app.check_action(action, ()) is False:
                continue
            out.append(f" {key.split(',')[0].upper()} ", style="reverse bold")
            out.append(f" {self.t(description) if description.startswith('key.') else description}   ")
        out.append(" Ctrl+P ", style="reverse bold")
        out.append(f" {self.t('key.palette')}")
        return out

    def on_mount(self) -> None:
        table = self.query_one("#desk-recent", DataTable)
        for key in ("number", "created", "status", "category", "place"):
            table.add_column(self.t(f"desk.col.{key}"), key=key)
        self._load()

    @work(thread=True, exclusive=True, group="desk")
    def _load(self) -> None:
        app = self.svc_app
        try:
            since = app.services.clock.now() - SHIFT
            views = [
                v for v in app.services.tickets.list(self.actor, mine=True, limit=50) if v.created_at >= since
            ]
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, views)

    def _status(self, text: str) -> None:
        self.query_one("#desk-status", Static).update(text)

    def _fill(self, views: list[TicketView]) -> None:
        table = self.query_one("#desk-recent", DataTable)
        table.clear()
        tz = self.svc_app.services.settings.tz
        for v in views:
            table.add_row(
                v.number,
                _hm(v.created_at, tz),
                self.t(f"status.{v.status}"),
                f"{self.t(f'category.{v.category}')}/{self.t(f'subtype.{v.category}.{v.subtype}')}",
                v.place,
                key=v.number,
            )
        self._status(self.t("desk.count", count=len(views)))


def _hm(at: datetime, tz: tzinfo) -> str:
    return at.astimezone(tz).strftime("%H:%M")


def _binding_parts(binding: Binding | tuple[str, ...]) -> tuple[str, str, str]:
    if isinstance(binding, Binding):
        return binding.key, binding.action, binding.description
    parts = [str(p) for p in binding]
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""
