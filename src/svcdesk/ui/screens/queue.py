"""The queue (F6). A shift lead's: tickets awaiting dispatch with their 1-hour clock and what
the units hold that is due soon or overdue, closest to breaking a limit first, a bound group
shown once with its callers counted; filtered by unit, category and urgency; the steps one key
each (``steps.py``). An agent's F6: their own open tickets. The office's lists (``office.py``)
are the same screen with other views.

Every read runs in a worker; a page is 50 rows read by key (fast on a million tickets). The
time left is redrawn every second from the deadlines already loaded, without a query; the page
itself is read again every 30 seconds, and after each step.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Header, Static

from svcdesk.domain.categories import CATEGORIES
from svcdesk.domain.roles import Permission
from svcdesk.services.queue import AGENT_VIEWS, LEAD_VIEWS, Cursor, QueuePage, QueueRow, QueueSummary
from svcdesk.ui.errors import error_text
from svcdesk.ui.lead_format import left_text, refresh_left, short
from svcdesk.ui.screens.steps import STEP_BINDINGS, StepsScreen, Target

COLUMNS = {"number": 15, "status": 12, "category": 12, "unit": 8, "left": 13, "callers": 11, "place": 30}
"""Column -> width. Fixed widths: a table sized by its content would change shape with every
page and with the language."""
URGENCY = (None, True, False)


class QueueScreen(StepsScreen):
    CSS_PATH = "queue.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("enter", "open", "key.lead.open", show=False),
        *STEP_BINDINGS,
        Binding("v", "next_view", "key.lead.view"),
        Binding("u", "next_unit", "key.lead.unit"),
        Binding("c", "next_category", "key.lead.category"),
        Binding("g", "next_urgency", "key.lead.urgency"),
        Binding("n", "next_page", "key.lead.next_page"),
        Binding("f", "first_page", "key.lead.first_page"),
    ]
    REFRESH_EVERY: ClassVar[float] = 30.0
    TICK_EVERY: ClassVar[float] = 1.0
    VIEWS: ClassVar[tuple[str, ...]] = LEAD_VIEWS

    def __init__(self, view: str | None = None) -> None:
        super().__init__()
        lead = self.actor.can(Permission.DISPATCH)
        self.views = self.VIEWS if lead or self.VIEWS is not LEAD_VIEWS else AGENT_VIEWS
        self.view = view if view in self.views else self.views[0]
        self.unit: str | None = None
        self.category: str | None = None
        self.urgent: bool | None = None
        self.rows: list[QueueRow] = []
        self.page_at: Cursor | None = None
        """The cursor the shown page was read from (None: the first page)."""
        self.next_at: Cursor | None = None
        self.page_number = 1
        self.summary: QueueSummary | None = None
        self.fills = 0
        """Pages shown so far (the benchmark watches it)."""
        self.shown_left: dict[str, Text] = {}

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="queue"):
            yield Static("", id="queue-title", markup=False)
            with Horizontal(id="queue-body"):
                yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="queue-side")
            yield Static("", id="queue-detail", markup=False)
            yield Static(self.t("lead.loading"), id="queue-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        for key, width in COLUMNS.items():
            table.add_column(self.t(f"lead.col.{key}"), key=key, width=width)
        table.focus()
        self._title()
        self.load()
        self.set_interval(self.TICK_EVERY, self.tick)
        self.set_interval(self.REFRESH_EVERY, self.refresh_page)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next_view",) and len(self.views) < 2:
            return False
        if action in ("next_unit", "next_category", "next_urgency") and self.views == AGENT_VIEWS:
            return False
        return super().check_action(action, parameters)

    def _title(self) -> None:
        t = self.t
        parts = [t(f"lead.view.{self.view}")]
        parts.append(t("lead.filter.unit", unit=self.unit or t("lead.filter.all")))
        parts.append(
            t(
                "lead.filter.category",
                category=t(f"category.{self.category}") if self.category else t("lead.filter.all"),
            )
        )
        urgency = {None: "lead.filter.all", True: "lead.filter.urgent", False: "lead.filter.not_urgent"}
        parts.append(t("lead.filter.urgency", urgency=t(urgency[self.urgent])))
        if self.page_number > 1:
            parts.append(t("lead.page", n=self.page_number))
        self.query_one("#queue-title", Static).update("   ".join(parts))

    # -- reading -------------------------------------------------------------------------

    def load(self, after: Cursor | None = None) -> None:
        self.query_one("#queue-status", Static).update(self.t("lead.loading"))
        self._read_page(self.view, self.unit, self.category, self.urgent, after)
        if after is None:
            self._read_summary(self.view, self.unit, self.category, self.urgent)

    def refresh_page(self) -> None:
        """The timer's reload: the page shown, read again from where it started."""
        self._read_page(self.view, self.unit, self.category, self.urgent, self.page_at)
        if self.page_at is None:
            self._read_summary(self.view, self.unit, self.category, self.urgent)

    @work(thread=True, exclusive=True, group="queue-page")
    def _read_page(
        self, view: str, unit: str | None, category: str | None, urgent: bool | None, after: Cursor | None
    ) -> None:
        try:
            page = self.svc_app.services.lead.queue.page(
                self.actor, view, unit=unit, category=category, urgent=urgent, after=after
            )
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, page, after)

    @work(thread=True, exclusive=True, group="queue-summary")
    def _read_summary(self, view: str, unit: str | None, category: str | None, urgent: bool | None) -> None:
        try:
            summary = self.svc_app.services.lead.queue.summary(
                self.actor, view, unit=unit, category=category, urgent=urgent
            )
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill_summary, summary)

    def _status(self, text: str) -> None:
        self.query_one("#queue-status", Static).update(text)

    def _fill(self, page: QueuePage, after: Cursor | None) -> None:
        if page.view != self.view:
            return
        if page.rows == self.rows and after == self.page_at and self.fills:
            # The timer's reload found the page as it is: nothing to redraw (a redraw of the
            # table is the costliest thing the screen does).
            self.next_at = page.next
            self._counts()
            self.fills += 1
            return
        table = self.query_one("#queue-table", DataTable)
        keep = table.cursor_row
        selected = self.rows[keep].number if 0 <= keep < len(self.rows) else None
        self.rows = page.rows
        self.page_at = after
        self.next_at = page.next
        table.clear()
        t = self.t
        now = self.svc_app.services.clock.now()
        self.shown_left = {}
        for row in page.rows:
            left = left_text(t, row.deadline_at, now, row.deadline_provisional)
            self.shown_left[row.number] = left
            callers = "" if row.group_size <= 1 else t("lead.callers", n=row.callers, tickets=row.group_size)
            marks = ("!" if row.urgent else "") + ("#" if row.major else "")
            # Text cells, not strings: a string cell would be parsed as markup on every draw.
            table.add_row(
                Text(row.number + marks, style="bold" if row.urgent or row.major else ""),
                Text(t(f"status.{row.status}")),
                Text(t(f"category.{row.category}")),
                Text(row.unit or ""),
                left,
                Text(callers),
                Text(short(row.place or row.details, 40)),
                key=row.number,
            )
        numbers = [r.number for r in page.rows]
        if selected in numbers:
            table.move_cursor(row=numbers.index(selected))
        elif numbers and keep > 0:
            # the ticket just dispatched (or closed) left the list: stay at its place
            table.move_cursor(row=min(keep, len(numbers) - 1))
        self._show_current()
        self._counts()
        self._title()
        self.fills += 1

    def _counts(self) -> None:
        t = self.t
        shown = len(self.rows)
        if not shown:
            text = t("lead.empty")
        elif self.summary is not None and self.summary.view == self.view:
            text = t("lead.count", shown=shown, total=self.summary.total)
        else:
            text = t("lead.count.some", shown=shown)
        if self.next_at is not None:
            text += "   " + t("lead.more")
        self._status(text)

    def _fill_summary(self, summary: QueueSummary) -> None:
        if summary.view != self.view:
            return
        self.summary = summary
        t = self.t
        out = Text()
        out.append(t("lead.side.units") + "\n", style="bold")
        for code, n in summary.by_unit[:12]:
            out.append(f"{code or t('lead.no_unit'):<10}{n:>6}\n")
        out.append("\n" + t("lead.side.categories") + "\n", style="bold")
        for cat, n in summary.by_category:
            out.append(f"{t(f'category.{cat}')}  {n}\n")
        self.query_one("#queue-side", Static).update(out)
        self._counts()

    def tick(self) -> None:
        """Every second: the time left of each loaded row, from its deadline; no query."""
        if not self.rows:
            return
        refresh_left(
            self.query_one("#queue-table", DataTable),
            self.t,
            self.svc_app.services.clock.now(),
            ((r.number, r.deadline_at, r.deadline_provisional) for r in self.rows),
            self.shown_left,
        )

    # -- the current ticket ----------------------------------------------------------------

    def current(self) -> QueueRow | None:
        table = self.query_one("#queue-table", DataTable)
        row = table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def target(self) -> Target | None:
        row = self.current()
        if row is None:
            return None
        return Target(row.number, self._about(row), row.unit, row.urgent)

    def _about(self, row: QueueRow) -> str:
        t = self.t
        text = f"{t(f'category.{row.category}')} / {t(f'subtype.{row.category}.{row.subtype}')}: "
        text += short(row.details, 120)
        if row.return_reason:
            text += "\n" + t("lead.returned", reason=row.return_reason)
        return text

    @on(DataTable.RowHighlighted, "#queue-table")
    def _highlighted(self) -> None:
        self._show_current()

    def _show_current(self) -> None:
        row = self.current()
        text = ""
        if row is not None:
            text = f"{row.number}  {row.place}\n{self._about(row)}"
            if row.reply_text:
                text += "\n" + self.t("lead.reply", reply=short(row.reply_text, 120))
        self.query_one("#queue-detail", Static).update(text)

    @on(DataTable.RowSelected, "#queue-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from svcdesk.ui.screens.detail import DetailScreen

        row = self.current()
        if row is not None:
            self.app.push_screen(DetailScreen(row.number))

    def after_step(self, number: str) -> None:
        self.refresh_page()

    # -- views, filters and pages ----------------------------------------------------------

    def _reload(self) -> None:
        self.page_number = 1
        self.summary = None
        self.query_one("#queue-side", Static).update("")
        self._title()
        self.load()

    def action_next_view(self) -> None:
        self.view = self.views[(self.views.index(self.view) + 1) % len(self.views)]
        self._reload()

    def action_next_unit(self) -> None:
        units = [code for code, _ in (self.summary.by_unit if self.summary else []) if code]
        if self.unit is None:
            self.unit = units[0] if units else None
        else:
            units = sorted(set(units) | {self.unit})
            i = units.index(self.unit) + 1
            self.unit = units[i] if i < len(units) else None
        self._reload()

    def action_next_category(self) -> None:
        cats: list[str | None] = [None, *CATEGORIES]
        self.category = cats[(cats.index(self.category) + 1) % len(cats)]
        self._reload()

    def action_next_urgency(self) -> None:
        self.urgent = URGENCY[(URGENCY.index(self.urgent) + 1) % len(URGENCY)]
        self._reload()

    def action_next_page(self) -> None:
        if self.next_at is None:
            self.show_message(self.t("lead.last_page"))
            return
        self.page_number += 1
        self._title()
        self.load(self.next_at)

    def action_first_page(self) -> None:
        self._reload()

    def action_back(self) -> None:
        self.svc_app.back()
