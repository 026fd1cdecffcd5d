"""The shift dashboard: calls per hour today (a sparkline) and per category (bars), tickets
awaiting dispatch and the oldest one's age, what units hold that is due soon or overdue,
callbacks due today, agents on hold now, and call quality per agent this month.

Refreshed live: a timer asks a worker for a new snapshot every 15 seconds; the screen only
draws what the worker brings, so it never waits on the database."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Footer, Header, Sparkline, Static

from svcdesk.services.dashboard import Dashboard
from svcdesk.ui.errors import error_text
from svcdesk.ui.lead_format import local, span_text
from svcdesk.ui.screens.base import SvcScreen

BAR = 24


def bars(rows: list[tuple[str, int]], width: int = BAR) -> Text:
    """A horizontal bar chart: one line per (label, value), scaled to the largest."""
    out = Text()
    top = max((v for _, v in rows), default=0)
    label_width = max((len(label) * 2 for label, _ in rows), default=0)
    for label, value in rows:
        n = 0 if top == 0 else max(1 if value else 0, round(value / top * width))
        out.append(label + " " * max(1, label_width - len(label) * 2 + 1))
        out.append("#" * n, style="cyan")
        out.append(f" {value}\n")
    return out


class DashboardScreen(SvcScreen[None]):
    CSS_PATH = "dashboard.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("ctrl+r", "refresh_now", "key.lead.refresh"),
    ]
    REFRESH_EVERY: ClassVar[float] = 15.0

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Dashboard | None = None
        self.fills = 0

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Grid(id="dash"):
            with Vertical(classes="dash-cell", id="dash-calls"):
                yield Static(t("lead.dash.calls"), classes="dash-title", id="dash-calls-title", markup=False)
                yield Sparkline([0] * 24, id="dash-hours")
                yield Static("", id="dash-hours-axis", markup=False)
                yield Static("", id="dash-categories")
            with Vertical(classes="dash-cell"):
                yield Static(t("lead.dash.queue"), classes="dash-title", markup=False)
                yield Static(t("lead.loading"), id="dash-queue")
            with Vertical(classes="dash-cell"):
                yield Static(t("lead.dash.units"), classes="dash-title", markup=False)
                yield Static("", id="dash-units")
            with Vertical(classes="dash-cell"):
                yield Static(t("lead.dash.people"), classes="dash-title", markup=False)
                yield Static("", id="dash-people")
        yield Static("", id="dash-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.set_interval(self.REFRESH_EVERY, self.load)

    def action_refresh_now(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="dashboard")
    def load(self) -> None:
        try:
            snapshot = self.svc_app.services.lead.dashboard.snapshot(self.actor)
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, snapshot)

    def _status(self, text: str) -> None:
        self.query_one("#dash-status", Static).update(text)

    def _fill(self, d: Dashboard) -> None:
        t = self.t
        tz = self.svc_app.services.settings.tz
        self.snapshot = d
        self.query_one("#dash-calls-title", Static).update(t("lead.dash.calls.today", n=d.calls_today))
        self.query_one("#dash-hours", Sparkline).data = [float(n) for n in d.calls_by_hour]
        self.query_one("#dash-hours-axis", Static).update(
            t("lead.dash.hours", peak=max(d.calls_by_hour), hour=d.calls_by_hour.index(max(d.calls_by_hour)))
        )
        self.query_one("#dash-categories", Static).update(
            bars([(t(f"category.{c}"), n) for c, n in d.calls_by_category])
        )
        q = Text()
        q.append(t("lead.dash.awaiting", n=d.awaiting_dispatch) + "\n", style="bold")
        if d.oldest_waiting is not None:
            late = d.oldest_waiting.total_seconds() > 3600
            q.append(
                t("lead.dash.oldest", age=span_text(t, max(0.0, d.oldest_waiting.total_seconds()))) + "\n",
                style="bold red" if late else "",
            )
        q.append(t("lead.dash.callbacks", n=d.callbacks_due_today) + "\n")
        q.append("\n" + t("lead.dash.overdue", n=sum(d.overdue_now.values())) + "\n", style="bold")
        for status, n in d.overdue_now.items():
            q.append(f"  {t(f'status.{status}')}: {n}\n", style="red" if n else "dim")
        self.query_one("#dash-queue", Static).update(q)
        u = Text()
        u.append(f"{t('lead.dash.unit'):<10}{t('lead.dash.soon'):>8}{t('lead.dash.late'):>8}\n", style="bold")
        for load in d.units[:12]:
            u.append(f"{load.unit:<10}{load.due_soon:>8}")
            u.append(f"{load.overdue:>8}\n", style="bold red" if load.overdue else "")
        if not d.units:
            u.append(t("lead.none") + "\n", style="dim")
        self.query_one("#dash-units", Static).update(u)
        p = Text()
        p.append(t("lead.dash.on_hold", n=len(d.on_hold)) + "\n", style="bold")
        for h in d.on_hold:
            held = (d.at - h.since).total_seconds()
            p.append(f"  {h.display_name or h.agent}  {int(held) // 60}:{int(held) % 60:02d}", style="yellow")
            p.append(f"  {t('lead.dash.breaks', n=h.breaks)}\n")
        p.append("\n" + t("lead.dash.quality", month=local(d.at, tz, "%Y-%m")) + "\n", style="bold")
        for m in d.quality:
            p.append(f"  {m.display_name or m.agent}  {m.average:g}  ({t('lead.dash.scored', n=m.calls)})")
            if m.weakest:
                p.append(f"  {t(f'lead.norm.{m.weakest}')}", style="dim")
            p.append("\n")
        if not d.quality:
            p.append("  " + t("lead.none") + "\n", style="dim")
        self.query_one("#dash-people", Static).update(p)
        self._status(t("lead.dash.updated", at=local(d.at, tz, "%H:%M:%S")))
        self.fills += 1

    def action_back(self) -> None:
        self.svc_app.back()
