"""After sign-in: the account's queue, read from the services in a worker."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from svcdesk.domain.roles import Permission
from svcdesk.services.errors import ServiceError
from svcdesk.services.views import TicketView
from svcdesk.store.database import DatabaseError

if TYPE_CHECKING:
    from svcdesk.ui.app import SvcdeskApp


def format_left(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return ""
    delta: timedelta = deadline - now
    minutes = int(abs(delta.total_seconds()) // 60)
    if minutes >= 1440:
        text = f"{minutes // 1440}d{minutes % 1440 // 60:02d}h"
    else:
        text = f"{minutes // 60}h{minutes % 60:02d}m"
    return text if delta.total_seconds() >= 0 else f"-{text}"


class HomeScreen(Screen[None]):
    CSS_PATH = "home.tcss"
    BINDINGS = [("r", "refresh", "Refresh")]

    @property
    def svc_app(self) -> SvcdeskApp:
        return cast("SvcdeskApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.svc_app
        t = app.t
        actor = app.actor
        assert actor is not None
        yield Header()
        yield Static(
            t("home.welcome", name=actor.display_name or actor.username, role=t(f"role.{actor.role.value}")),
            id="home-welcome",
        )
        lead = actor.can(Permission.DISPATCH)
        yield Static(t("home.queue.lead" if lead else "home.queue.agent"), id="home-queue-title")
        table: DataTable[str] = DataTable(id="home-queue", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(t("home.loading"), id="home-status")
        yield Footer()

    def on_mount(self) -> None:
        t = self.svc_app.t
        table = self.query_one("#home-queue", DataTable)
        for key in ("number", "status", "category", "unit", "left", "place"):
            table.add_column(t(f"col.{key}"), key=key)
        table.focus()
        self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="queue")
    def _load(self) -> None:
        app = self.svc_app
        actor = app.actor
        assert actor is not None
        try:
            if actor.can(Permission.DISPATCH):
                views = app.services.tickets.list(
                    actor, status="awaiting_dispatch", order="deadline", limit=200
                )
            else:
                views = [
                    v for v in app.services.tickets.list(actor, mine=True, limit=200) if v.status != "closed"
                ]
        except (ServiceError, DatabaseError) as exc:
            self.app.call_from_thread(self._show_error, str(exc))
            return
        self.app.call_from_thread(self._fill, views)

    def _show_error(self, text: str) -> None:
        self.query_one("#home-status", Static).update(self.svc_app.t("error.database", detail=text))

    def _fill(self, views: list[TicketView]) -> None:
        app = self.svc_app
        now = app.services.clock.now()
        tz = app.services.settings.tz
        table = self.query_one("#home-queue", DataTable)
        table.clear()
        for v in views:
            table.add_row(
                v.number,
                v.status,
                f"{v.category}/{v.subtype}",
                v.unit or "",
                format_left(v.deadline_at, now),
                v.place,
                key=v.number,
            )
        status = app.t("home.empty") if not views else app.t("home.count", shown=len(views))
        self.query_one("#home-status", Static).update(status)
        del tz
