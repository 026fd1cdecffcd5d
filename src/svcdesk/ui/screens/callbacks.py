"""My callbacks (F7, 回访, spec §7): the callbacks due, soonest first — the satisfaction
callbacks of tickets the units replied to, and the callbacks promised to callers during a hold.
Beside the list: the callback opening line to read, the original request and the unit's reply,
so the agent spots a reply that is wrong, unclear or passes the work on before calling.

Outcomes, one key each: 1 satisfied, 2 basically satisfied, 3 unsatisfied (with the reason:
the ticket goes to its second round, or in the second round to the office), 4 not reached or no
time now (with the new time agreed, or two hours later)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static

from svcdesk.domain.roles import Permission
from svcdesk.domain.validation import InputError, parse_event_time
from svcdesk.services.callbacks_queue import CallbackItem
from svcdesk.ui.errors import error_text
from svcdesk.ui.lead_format import left_text, local, refresh_left, short, step_error
from svcdesk.ui.screens.base import SvcScreen
from svcdesk.ui.screens.dialogs import Field, FormDialog

COLUMNS = {"number": 14, "kind": 9, "left": 12, "caller": 8, "phone": 12, "category": 10, "round": 8}


class CallbacksScreen(SvcScreen[None]):
    CSS_PATH = "callbacks.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("1", "outcome('satisfied')", "key.cb.satisfied"),
        Binding("2", "outcome('basically_satisfied')", "key.cb.basically"),
        Binding("3", "outcome('unsatisfied')", "key.cb.unsatisfied"),
        Binding("4", "outcome('unreached')", "key.cb.unreached"),
        Binding("a", "everyone", "key.cb.everyone"),
        Binding("enter", "open", "key.lead.open", show=False),
    ]
    TICK_EVERY: ClassVar[float] = 1.0
    REFRESH_EVERY: ClassVar[float] = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.items: list[CallbackItem] = []
        self.everyone = False
        self.fills = 0
        self.shown_left: dict[str, Text] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="callbacks"):
            yield Static(self.t("lead.cb.title.mine"), id="cb-title", markup=False)
            with Horizontal(id="cb-body"):
                yield DataTable(id="cb-table", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="cb-side"):
                    yield Static(self._opening(), id="cb-opening")
                    yield Static("", id="cb-ticket")
            yield Static(self.t("lead.loading"), id="cb-status", markup=False)
        yield Footer()

    def _opening(self) -> Text:
        scripts = self.svc_app.scripts()
        out = Text()
        out.append(self.t("lead.cb.opening") + "\n", style="bold")
        out.append(str(scripts.get("callback_opening", "")) + "\n", style="bold green")
        later = scripts.get("callback_later")
        if later:
            out.append(self.t("lead.cb.later", line=str(later)) + "\n", style="dim")
        return out

    def on_mount(self) -> None:
        table = self.query_one("#cb-table", DataTable)
        for key, width in COLUMNS.items():
            table.add_column(self.t(f"lead.cb.col.{key}"), key=key, width=width)
        table.focus()
        self.load()
        self.set_interval(self.TICK_EVERY, self.tick)
        self.set_interval(self.REFRESH_EVERY, self.load)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action == "everyone" and not self.actor.can(Permission.DISPATCH))

    @work(thread=True, exclusive=True, group="callbacks")
    def load(self) -> None:
        try:
            items = self.svc_app.services.lead.callbacks.due(self.actor, everyone=self.everyone)
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, items)

    def _status(self, text: str) -> None:
        self.query_one("#cb-status", Static).update(text)

    def _fill(self, items: list[CallbackItem]) -> None:
        t = self.t
        table = self.query_one("#cb-table", DataTable)
        keep = table.cursor_row
        self.items = items
        table.clear()
        now = self.svc_app.services.clock.now()
        self.shown_left = {i.number: left_text(t, i.due_at, now, i.provisional) for i in items}
        for i in items:
            table.add_row(
                i.number,
                t(f"lead.cb.kind.{i.kind}"),
                self.shown_left[i.number],
                i.caller_name or t("lead.anonymous"),
                i.caller_phone or "-",
                t(f"category.{i.category}"),
                t("lead.round", n=i.round) + (f" ({i.attempts})" if i.attempts else ""),
                key=i.number,
            )
        if items:
            table.move_cursor(row=min(max(keep, 0), len(items) - 1))
        self._status(t("lead.cb.count", n=len(items)) if items else t("lead.cb.none"))
        self._show()
        self.fills += 1

    def tick(self) -> None:
        refresh_left(
            self.query_one("#cb-table", DataTable),
            self.t,
            self.svc_app.services.clock.now(),
            ((i.number, i.due_at, i.provisional) for i in self.items),
            self.shown_left,
        )

    def current(self) -> CallbackItem | None:
        row = self.query_one("#cb-table", DataTable).cursor_row
        return self.items[row] if 0 <= row < len(self.items) else None

    @on(DataTable.RowHighlighted, "#cb-table")
    def _highlighted(self) -> None:
        self._show()

    def _show(self) -> None:
        t = self.t
        tz = self.svc_app.services.settings.tz
        i = self.current()
        out = Text()
        if i is not None:
            out.append(
                f"{i.number}  {t(f'category.{i.category}')} / {t(f'subtype.{i.category}.{i.subtype}')}\n"
            )
            out.append(t("lead.cb.request") + "\n", style="bold underline")
            out.append(f"{i.place}\n{i.details}\n\n")
            if i.kind == "promised":
                out.append(t("lead.cb.promised") + "\n", style="yellow")
            else:
                out.append(
                    t("lead.cb.reply", unit=i.unit or "-", at=local(i.replied_at, tz)) + "\n",
                    style="bold underline",
                )
                out.append(i.reply_text or "-")
                if i.reply_handler:
                    out.append(f"  ({i.reply_handler})")
                out.append("\n")
            if i.last_result:
                out.append(
                    "\n" + t("lead.cb.last", result=t(f"lead.result.{i.last_result}")) + "\n", style="dim"
                )
            if i.limit_at is not None:
                out.append(t("lead.cb.limit", at=local(i.limit_at, tz)) + "\n", style="dim")
        self.query_one("#cb-ticket", Static).update(out)

    # -- outcomes --------------------------------------------------------------------------

    def action_outcome(self, result: str) -> None:
        item = self.current()
        if item is None:
            self.notify(self.t("lead.no_ticket"), severity="error", markup=False)
            return
        if result == "unsatisfied":
            self._ask(
                item,
                result,
                [Field("note", "lead.field.unsatisfied", required=True)],
            )
        elif result == "unreached":
            self._ask(
                item,
                result,
                [
                    Field(
                        "next_at", "lead.field.next_at", placeholder="lead.next_at.placeholder", max_length=40
                    ),
                    Field("note", "lead.field.note"),
                ],
            )
        else:
            self._record(item.number, result, "", None)

    def _ask(self, item: CallbackItem, result: str, fields: list[Field]) -> None:
        title = self.t(f"lead.cb.ask.{result}", number=item.number)

        def done(values: dict[str, str] | None) -> None:
            if values is None:
                return
            next_at = None
            if values.get("next_at"):
                try:
                    next_at = parse_event_time(values["next_at"], tz=self.svc_app.services.settings.tz)
                except InputError:
                    self.notify(self.t("lead.next_at.bad"), severity="error", markup=False)
                    return
            self._record(item.number, result, values.get("note", ""), next_at)

        self.app.push_screen(
            FormDialog(title, short(item.details, 120), fields, dialog_id=f"cb-{result}"), done
        )

    @work(thread=True, group="callback-step")
    def _record(self, number: str, result: str, note: str, next_at: object) -> None:
        from datetime import datetime

        try:
            view = self.svc_app.services.tickets.callback(
                self.actor, number, result, note, next_at if isinstance(next_at, datetime) else None
            )
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self.notify, step_error(self.t, exc), severity="error", markup=False)
            return
        key = "lead.cb.done." + result
        if result == "unsatisfied":
            key += ".office" if view.status == "supervised" else ".round2"
        if result == "unreached" and view.status == "closed":
            key = "lead.cb.done.unreachable"
        self.app.call_from_thread(self.notify, self.t(key, number=number), markup=False)
        self.app.call_from_thread(self.load)

    # -- navigation --------------------------------------------------------------------------

    def action_everyone(self) -> None:
        self.everyone = not self.everyone
        self.query_one("#cb-title", Static).update(
            self.t("lead.cb.title.everyone" if self.everyone else "lead.cb.title.mine")
        )
        self.load()

    @on(DataTable.RowSelected, "#cb-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        from svcdesk.ui.screens.detail import DetailScreen

        item = self.current()
        if item is not None:
            self.app.push_screen(DetailScreen(item.number))

    def action_back(self) -> None:
        self.svc_app.back()
