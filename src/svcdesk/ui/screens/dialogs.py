"""The follow-up dialogs opened from the queue, the callbacks and the detail: dispatch (unit,
3 to 5 working days, urgent), and the one-form steps — remind, a unit's reply, a return with
its reason, escalate, supervise, an unsatisfied caller's reason, a new time for a caller not
reached. Each returns what was typed (``None`` on Escape); the screen that opened it calls the
service in a worker, so the service's checks decide and its message is shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from svcdesk.domain import limits
from svcdesk.services.reference import UnitView
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcModal


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    """An i18n key."""
    required: bool = False
    placeholder: str = ""
    """An i18n key, or empty."""
    max_length: int = 1000
    value: str = ""


class FormDialog(SvcModal[dict[str, str] | None]):
    """A title, what the step is about, and a few one-line fields; Enter on the last field or
    the OK button submits, Escape cancels. A required field left empty keeps the dialog open."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar = [Binding("escape", "cancel", "key.lead.cancel")]

    def __init__(self, title: str, about: str, fields: list[Field], dialog_id: str = "") -> None:
        super().__init__(id=dialog_id or None)
        self.title_text = title
        self.about = about
        self.fields = fields

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(classes="dialog-box"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.about:
                yield Static(self.about, classes="dialog-about", markup=False)
            for f in self.fields:
                yield Label(t(f.label) + (" *" if f.required else ""))
                yield Input(
                    value=f.value,
                    id=f"field-{f.key}",
                    max_length=f.max_length,
                    placeholder=t(f.placeholder) if f.placeholder else "",
                )
            yield Static("", classes="dialog-message", markup=False)
            yield Button(t("lead.dialog.ok"), id="dialog-ok", variant="primary")

    def on_mount(self) -> None:
        if self.fields:
            self.query_one(f"#field-{self.fields[0].key}", Input).focus()

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        ids = [f"field-{f.key}" for f in self.fields]
        if event.input.id == ids[-1]:
            self._submit()
        else:
            self.query_one(f"#{ids[ids.index(event.input.id or '') + 1]}", Input).focus()

    @on(Button.Pressed, "#dialog-ok")
    def _ok(self) -> None:
        self._submit()

    def _submit(self) -> None:
        values = {f.key: self.query_one(f"#field-{f.key}", Input).value.strip() for f in self.fields}
        for f in self.fields:
            if f.required and not values[f.key]:
                self.query_one(".dialog-message", Static).update(
                    self.t("lead.dialog.required", field=self.t(f.label))
                )
                self.query_one(f"#field-{f.key}", Input).focus()
                return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class DispatchChoice:
    unit: str
    days: int
    urgent: bool
    note: str


class DispatchDialog(SvcModal[DispatchChoice | None]):
    """Dispatch (交办): the handling unit, the limit of 3 to 5 working days (5 by default),
    urgent (due within 24 hours), a note. The units are read in a worker."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar = [Binding("escape", "cancel", "key.lead.cancel")]

    def __init__(self, number: str, about: str, unit: str | None = None, urgent: bool = False) -> None:
        super().__init__(id="dispatch-dialog")
        self.number = number
        self.about = about
        self.unit = unit
        self.urgent = urgent

    def compose(self) -> ComposeResult:
        t = self.t
        days = range(limits.HANDLING_DAYS_MIN, limits.HANDLING_DAYS_MAX + 1)
        with Vertical(classes="dialog-box"):
            yield Static(t("lead.dispatch.title", number=self.number), classes="dialog-title", markup=False)
            yield Static(self.about, classes="dialog-about", markup=False)
            yield Label(t("lead.dispatch.unit") + " *")
            yield Select[str]([], id="dispatch-unit", prompt=t("lead.dispatch.unit.prompt"))
            yield Label(t("lead.dispatch.days"))
            yield Select[int](
                [(t("lead.dispatch.days.n", n=n), n) for n in days],
                id="dispatch-days",
                value=limits.HANDLING_DAYS_DEFAULT,
                allow_blank=False,
            )
            yield Checkbox(t("lead.dispatch.urgent"), value=self.urgent, id="dispatch-urgent")
            yield Label(t("lead.field.note"))
            yield Input(id="dispatch-note", max_length=1000)
            yield Static("", classes="dialog-message", markup=False)
            yield Button(t("lead.dispatch.ok"), id="dialog-ok", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#dispatch-unit", Select).focus()
        self._load_units()

    @work(thread=True, exclusive=True, group="dispatch-units")
    def _load_units(self) -> None:
        try:
            units = self.svc_app.services.reference.units(self.actor, active_only=True)
        except Exception as exc:
            self.app.call_from_thread(self._message, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill_units, units)

    def _fill_units(self, units: list[UnitView]) -> None:
        select: Select[str] = self.query_one("#dispatch-unit", Select)
        select.set_options([(f"{u.code}  {u.name}", u.code) for u in units])
        if self.unit and any(u.code == self.unit for u in units):
            select.value = self.unit

    def _message(self, text: str) -> None:
        self.query_one(".dialog-message", Static).update(text)

    @on(Input.Submitted, "#dispatch-note")
    @on(Button.Pressed, "#dialog-ok")
    def _ok(self) -> None:
        unit = self.query_one("#dispatch-unit", Select).value
        if not isinstance(unit, str):
            self._message(self.t("lead.dialog.required", field=self.t("lead.dispatch.unit")))
            self.query_one("#dispatch-unit", Select).focus()
            return
        days = self.query_one("#dispatch-days", Select).value
        self.dismiss(
            DispatchChoice(
                unit=unit,
                days=days if isinstance(days, int) else limits.HANDLING_DAYS_DEFAULT,
                urgent=self.query_one("#dispatch-urgent", Checkbox).value,
                note=self.query_one("#dispatch-note", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
