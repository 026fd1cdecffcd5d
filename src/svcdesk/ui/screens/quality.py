"""Call quality (质检): scores per agent this month (or an earlier month: [ and ]), and the
scorecard of the norms with their points. A call is scored from its ticket (q on the queue or
the ticket's detail)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, Static

from svcdesk.services.quality import NORMS, AgentMonth
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcScreen


class QualityScreen(SvcScreen[None]):
    CSS_PATH = "quality.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("left_square_bracket", "month(-1)", "key.lead.month.prev"),
        Binding("right_square_bracket", "month(1)", "key.lead.month.next"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.month = self.svc_app.services.clock.now().astimezone(self.svc_app.services.settings.tz).date()
        self.fills = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="quality"):
            yield Static("", id="quality-title", markup=False)
            yield DataTable(id="quality-table", cursor_type="row", zebra_stripes=True)
            yield Static(self._card(), id="quality-card")
        yield Footer()

    def _card(self) -> Text:
        out = Text()
        out.append(self.t("lead.quality.card") + "\n", style="bold")
        out.append("  ".join(f"{self.t(f'lead.norm.{k}')} {p}" for k, p in NORMS.items()))
        return out

    def on_mount(self) -> None:
        table = self.query_one("#quality-table", DataTable)
        for key, width in (("agent", 14), ("calls", 10), ("average", 8), ("lowest", 8), ("weakest", 16)):
            table.add_column(self.t(f"lead.quality.col.{key}"), key=key, width=width)
        table.focus()
        self.load()

    def action_month(self, step: int) -> None:
        first = self.month.replace(day=1)
        self.month = (
            (first - timedelta(days=1)).replace(day=1)
            if step < 0
            else (first + timedelta(days=32)).replace(day=1)
        )
        self.load()

    @work(thread=True, exclusive=True, group="quality")
    def load(self) -> None:
        month = self.month
        try:
            rows = self.svc_app.services.lead.quality.monthly(self.actor, month)
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self.notify, error_text(self.t, exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._fill, month, rows)

    def _fill(self, month: date, rows: list[AgentMonth]) -> None:
        t = self.t
        self.query_one("#quality-title", Static).update(
            t("lead.quality.title", month=month.strftime("%Y-%m"))
        )
        table = self.query_one("#quality-table", DataTable)
        table.clear()
        for m in rows:
            table.add_row(
                m.display_name or m.agent,
                str(m.calls),
                f"{m.average:g}",
                f"{m.lowest:g}",
                t(f"lead.norm.{m.weakest}") if m.weakest else "-",
                key=m.agent,
            )
        self.fills += 1

    def action_back(self) -> None:
        self.svc_app.back()
