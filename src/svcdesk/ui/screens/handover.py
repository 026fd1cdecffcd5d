"""The shift handover (交接班): the latest log under the seed's headings with who wrote it and
who acknowledged it, the open matters that carry over listed beside it, and the duty record.
w: the outgoing lead writes the log; a: the incoming lead acknowledges it; t: a line in the
duty record."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Label, Static, TextArea

from svcdesk.domain.roles import Permission
from svcdesk.services.handover import SECTIONS, DutyView, HandoverView, OpenMatter
from svcdesk.ui.errors import error_text
from svcdesk.ui.lead_format import FULL, left_text, local, short
from svcdesk.ui.screens.base import SvcModal, SvcScreen
from svcdesk.ui.screens.dialogs import Field, FormDialog


class HandoverDialog(SvcModal[dict[str, str] | None]):
    """The log's six headings; F9 or the button saves, Escape cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "cancel", "key.lead.cancel"),
        Binding("f9", "save", "key.lead.save"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Static(self.t("lead.handover.write"), classes="dialog-title", markup=False)
            for key in SECTIONS:
                yield Label(self.t(f"lead.handover.{key}"))
                yield TextArea(id=f"ho-{key}", classes="ho-area")
            yield Static("", classes="dialog-message", markup=False)
            yield Button(self.t("lead.dialog.ok"), id="dialog-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#ho-{SECTIONS[0]}", TextArea).focus()

    @on(Button.Pressed, "#dialog-ok")
    def action_save(self) -> None:
        values = {key: self.query_one(f"#ho-{key}", TextArea).text.strip() for key in SECTIONS}
        if not any(values.values()):
            self.query_one(".dialog-message", Static).update(self.t("lead.handover.empty"))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


class HandoverScreen(SvcScreen[None]):
    CSS_PATH = "handover.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "back", "key.back"),
        Binding("w", "write", "key.lead.handover.write"),
        Binding("a", "acknowledge", "key.lead.handover.ack"),
        Binding("t", "duty", "key.lead.duty"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.logs: list[HandoverView] = []
        self.fills = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="handover"):
            with VerticalScroll(id="ho-log"):
                yield Static(self.t("lead.loading"), id="ho-log-text")
                yield Static("", id="ho-duty")
            with Vertical(id="ho-open"):
                yield Static(self.t("lead.handover.open"), id="ho-open-title", markup=False)
                yield DataTable(id="ho-matters", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#ho-matters", DataTable)
        for key, width in (("reason", 10), ("number", 14), ("left", 12), ("place", 24)):
            table.add_column(self.t(f"lead.ho.col.{key}"), key=key, width=width)
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (action in ("write", "acknowledge", "duty") and not self.actor.can(Permission.HANDOVER))

    @work(thread=True, exclusive=True, group="handover")
    def load(self) -> None:
        svc = self.svc_app.services.lead.handover
        try:
            logs = svc.recent(self.actor, limit=3)
            matters = svc.open_matters(self.actor)
            duty = svc.duty(self.actor, limit=8)
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self.notify, error_text(self.t, exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._fill, logs, matters, duty)

    def _fill(self, logs: list[HandoverView], matters: list[OpenMatter], duty: list[DutyView]) -> None:
        t = self.t
        tz = self.svc_app.services.settings.tz
        now = self.svc_app.services.clock.now()
        self.logs = logs
        out = Text()
        if not logs:
            out.append(t("lead.handover.none") + "\n", style="dim")
        for i, log in enumerate(logs):
            out.append(
                t("lead.handover.by", author=log.author, at=local(log.created_at, tz, FULL)) + "  ",
                style="bold",
            )
            if log.acknowledged_at:
                out.append(
                    t(
                        "lead.handover.acked",
                        who=log.acknowledged_by or "-",
                        at=local(log.acknowledged_at, tz, FULL),
                    ),
                    style="green",
                )
            else:
                out.append(t("lead.handover.unacked"), style="bold yellow")
            out.append("\n")
            for key in SECTIONS:
                text = log.sections.get(key, "")
                if text or i == 0:
                    out.append(f"  {t(f'lead.handover.{key}')}: ", style="bold")
                    out.append((text or "-") + "\n")
            out.append("\n")
        self.query_one("#ho-log-text", Static).update(out)
        d = Text()
        d.append(t("lead.duty.title") + "\n", style="bold underline")
        for entry in duty:
            d.append(f"{local(entry.at, tz, FULL)}  {entry.author}  ", style="dim")
            d.append(entry.text + "\n")
        if not duty:
            d.append(t("lead.none") + "\n", style="dim")
        self.query_one("#ho-duty", Static).update(d)
        table = self.query_one("#ho-matters", DataTable)
        table.clear()
        for m in matters:
            table.add_row(
                t(f"lead.matter.{m.reason}"),
                m.row.number,
                left_text(t, m.row.deadline_at, now, m.row.deadline_provisional),
                short(m.row.place or m.row.details, 24),
                key=m.row.number,
            )
        self.fills += 1

    def action_write(self) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._step(
                    "lead.handover.saved",
                    lambda: self.svc_app.services.lead.handover.write(self.actor, values),
                )

        self.app.push_screen(HandoverDialog(), done)

    def action_acknowledge(self) -> None:
        pending = [log for log in self.logs if log.acknowledged_at is None]
        if not pending:
            self.notify(self.t("lead.handover.nothing"), markup=False)
            return
        log_id = pending[0].id
        self._step(
            "lead.handover.acknowledged",
            lambda: self.svc_app.services.lead.handover.acknowledge(self.actor, log_id),
        )

    def action_duty(self) -> None:
        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._step(
                    "lead.duty.saved",
                    lambda: self.svc_app.services.lead.handover.add_duty(self.actor, values["text"]),
                )

        self.app.push_screen(
            FormDialog(
                self.t("lead.duty.write"),
                "",
                [Field("text", "lead.duty.text", required=True, max_length=4000)],
            ),
            done,
        )

    @work(thread=True, group="handover-step")
    def _step(self, done_key: str, call: object) -> None:
        try:
            call()  # type: ignore[operator]
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self.notify, error_text(self.t, exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, self.t(done_key), markup=False)
        self.app.call_from_thread(self.load)

    def action_back(self) -> None:
        self.svc_app.back()
