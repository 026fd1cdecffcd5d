"""The knowledge base (F3): Chinese substring search over titles, answers and keywords, with
results as the agent types. From the intake, Enter uses the highlighted answer: it is linked
to the ticket (and, for a simple inquiry, becomes the direct-handling result)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from svcdesk.services.reference import KbView
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcScreen


class KbScreen(SvcScreen[KbView | None]):
    CSS_PATH = "kb.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("down", "results", "key.kb.results", show=False),
        Binding("f3", "search", "key.kb.search"),
    ]
    SEARCH_DELAY: ClassVar[float] = 0.15

    def __init__(self, *, query: str = "", linking: bool = False) -> None:
        super().__init__()
        self.initial_query = query
        self.linking = linking
        self._results: list[KbView] = []
        self._timer: Timer | None = None
        self._searched: str | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Vertical(id="kb"):
            yield Input(id="kb-query", placeholder=t("kb.placeholder"), max_length=200, compact=True)
            yield Static("", id="kb-status", markup=False)
            with Horizontal(id="kb-body"):
                yield DataTable(id="kb-results", cursor_type="row", zebra_stripes=True)
                yield Static("", id="kb-answer")
            yield Static(t("kb.hint.link" if self.linking else "kb.hint.browse"), id="kb-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#kb-results", DataTable)
        table.add_column(self.t("kb.col.title"), key="title")
        table.add_column(self.t("kb.col.department"), key="department")
        query = self.query_one("#kb-query", Input)
        query.value = self.initial_query
        query.focus()
        self._search(self.initial_query)

    @on(Input.Changed, "#kb-query")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.SEARCH_DELAY, lambda: self._search(event.value))

    @on(Input.Submitted, "#kb-query")
    def _submitted(self) -> None:
        self.action_results()

    @work(thread=True, exclusive=True, group="kb")
    def _search(self, text: str) -> None:
        try:
            found = self.svc_app.services.reference.kb_search(self.actor, text.strip(), limit=30)
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, text, found)

    def _status(self, text: str) -> None:
        self.query_one("#kb-status", Static).update(text)

    def _fill(self, text: str, found: list[KbView]) -> None:
        if text != self.query_one("#kb-query", Input).value:
            return
        self._searched = text
        self._results = found
        table = self.query_one("#kb-results", DataTable)
        table.clear()
        for entry in found:
            table.add_row(entry.title, entry.department, key=str(entry.id))
        self._status(self.t("kb.count", count=len(found)) if found else self.t("kb.none"))
        self._show(0)

    @on(DataTable.RowHighlighted, "#kb-results")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show(event.cursor_row)

    def _show(self, row: int) -> None:
        answer = self.query_one("#kb-answer", Static)
        if not self._results or row >= len(self._results):
            answer.update("")
            return
        entry = self._results[row]
        t = self.t
        out = Text()
        out.append(entry.title + "\n\n", style="bold")
        out.append(entry.answer + "\n\n")
        out.append(
            t("kb.department", department=entry.department, contact=entry.contact) + "\n", style="bold"
        )
        if entry.keywords:
            out.append(t("kb.keywords", keywords=entry.keywords) + "\n", style="dim")
        if entry.review_date:
            out.append(t("kb.review", date=entry.review_date.isoformat()), style="dim")
        answer.update(out)

    @on(DataTable.RowSelected, "#kb-results")
    def _selected(self, event: DataTable.RowSelected) -> None:
        if self.linking and event.cursor_row < len(self._results):
            self.dismiss(self._results[event.cursor_row])

    def action_results(self) -> None:
        table = self.query_one("#kb-results", DataTable)
        if table.row_count:
            table.focus()

    def action_search(self) -> None:
        self.query_one("#kb-query", Input).focus()

    def action_back(self) -> None:
        self.dismiss(None)
