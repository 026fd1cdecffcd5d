"""The intake (F2): a call from the opening line to the submitted ticket.

The form follows the contract's Tab order (phone, name, event time, place, details, category,
subtype, handling mode, handling unit when it applies, urgency); beside it the prescribed
handling of the chosen subtype, the suggested classification, the open tickets that may be the
same matter (F8 binds) and the caller's earlier tickets. Everything that reads or writes the
database runs in a worker thread, debounced while the agent types, so the form never waits:

* the caller's earlier tickets, as soon as the phone number is complete;
* related tickets and the suggestion, a moment after the place or details change;
* the draft, a moment after anything changes, in the database or, when the database is busy
  or unreachable, on this workstation until it answers again (nothing typed is lost);
* the call and its holds (F5), under the 30-second rule driven by the injected clock.
"""

from __future__ import annotations

import threading
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Label, Select, Static, TextArea

from svcdesk.domain.categories import CATEGORIES, MODES, Mode, handling_for
from svcdesk.domain.phone import is_complete_phone
from svcdesk.domain.validation import find_forbidden
from svcdesk.i18n import CATALOGUES
from svcdesk.services.calls import offers_callback, prompts_due
from svcdesk.services.drafts import Draft, SaveResult
from svcdesk.services.reference import KbView, ReferralView, UnitView
from svcdesk.services.suggest import Suggestion
from svcdesk.services.tickets import InvalidInput, RelatedTicket
from svcdesk.services.views import TicketView
from svcdesk.store.draft_store import DatabaseUnavailable
from svcdesk.ui.errors import error_text, invalid_text, phone_problem, problem_text
from svcdesk.ui.lead_format import short
from svcdesk.ui.screens.base import SvcScreen
from svcdesk.ui.widgets.call_bar import CallBar
from svcdesk.ui.widgets.choice_bar import Choice, ChoiceBar

TEXT_FIELDS = ("caller_phone", "caller_name", "event_time", "place")
#: Every field of the form, in the contract's Tab order, then those that follow it.
FORM_FIELDS = (
    "caller_phone",
    "caller_name",
    "event_time",
    "place",
    "details",
    "category",
    "subtype",
    "mode",
    "unit_code",
    "urgent",
    "major",
    "direct_result",
    "handover_contact",
)
#: Fields whose text is checked against the forbidden phrases.
WRITTEN = ("caller_name", "place", "details", "direct_result", "handover_contact")
MAX_LENGTH = {"caller_phone": 40, "caller_name": 40, "event_time": 40, "place": 200, "handover_contact": 80}


def _fid(field: str) -> str:
    return f"f-{field}"


class IntakeScreen(SvcScreen[None]):
    CSS_PATH = "intake.tcss"
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "submit", "key.submit", priority=True),
        Binding("f2", "new_call", "key.new_call"),
        Binding("f3", "knowledge_base", "key.knowledge_base"),
        Binding("f4", "accept_suggestion", "key.accept_suggestion", show=False),
        Binding("f5", "hold", "key.hold"),
        Binding("f8", "bind", "key.bind", show=False),
        Binding("ctrl+down", "related(1)", "key.related_next", show=False),
        Binding("ctrl+up", "related(-1)", "key.related_previous", show=False),
        Binding("escape", "end_without_ticket", "key.end_call"),
    ]

    #: Seconds of quiet typing before the draft is saved / related tickets and the
    #: suggestion are looked up (tests shorten them).
    DRAFT_DELAY: ClassVar[float] = 0.5
    LOOKUP_DELAY: ClassVar[float] = 0.3
    RETRY_EVERY: ClassVar[float] = 5.0

    def __init__(
        self, *, phone: str | None = None, draft: Draft | None = None, start_call: bool = True
    ) -> None:
        super().__init__()
        self._initial_phone = phone
        self._draft = draft
        self._start_call_now = start_call or draft is not None or bool(phone)
        # The call.
        self._call_id: int | None = None
        self._call_started: datetime | None = None
        self._call_lock = threading.Lock()
        self._hold_started: datetime | None = None
        self._hold_busy = False
        self._prompted = 0
        self._offer_recorded = False
        self._callback_at: datetime | None = None
        # What the intake carries besides the form.
        self._kb: list[tuple[int, str, str]] = []
        """(id, title, the answer as it fills a direct result)."""
        self._bind: tuple[str, str] | None = None
        self._related: list[RelatedTicket] = []
        self._suggestion: Suggestion | None = None
        self._units: list[UnitView] = []
        self._referrals: dict[str, ReferralView] = {}
        self._pending_unit: str | None = None
        self._mode_proposed: str | None = None
        self._errors: dict[str, str] = {}
        self._suggested_for: tuple[str, str] | None = None
        self._forbidden_text = ""
        # Timers and state of the background work.
        self._restoring = False
        self._submitting = False
        self._submitted = False
        self._dirty = False
        self._draft_seq = 0
        self._draft_saved_seq = 0
        self._draft_lock = threading.Lock()
        self._draft_timer: Timer | None = None
        self._lookup_timer: Timer | None = None
        self._retry_timer: Timer | None = None
        self._history_for: str | None = None

    # -- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        yield CallBar(id="callbar")
        with Horizontal(id="intake-body"):
            with VerticalScroll(id="form"):
                for field in TEXT_FIELDS:
                    yield from self._row(
                        field,
                        Input(
                            id=_fid(field),
                            placeholder=t(f"intake.placeholder.{field}"),
                            max_length=MAX_LENGTH[field],
                            compact=True,
                            select_on_focus=False,
                        ),
                    )
                yield from self._row(
                    "details",
                    TextArea(id=_fid("details"), soft_wrap=True, tab_behavior="focus", compact=True),
                )
                yield Static("", id="warn-forbidden", classes="field-warning", markup=False)
                yield from self._row("category", ChoiceBar(self._category_choices(), id=_fid("category")))
                yield from self._row("subtype", ChoiceBar(id=_fid("subtype")))
                yield from self._row("mode", ChoiceBar(id=_fid("mode")))
                yield from self._row(
                    "unit_code",
                    Select[str](
                        [], prompt=t("intake.placeholder.unit_code"), id=_fid("unit_code"), compact=True
                    ),
                )
                with Horizontal(classes="field-row", id="row-urgent"):
                    yield Label(t("intake.label.urgent"), classes="field-label")
                    yield Checkbox(t("intake.label.urgent.box"), id=_fid("urgent"), compact=True)
                    yield Checkbox(t("intake.label.major.box"), id=_fid("major"), compact=True)
                yield from self._row(
                    "direct_result",
                    TextArea(id=_fid("direct_result"), soft_wrap=True, tab_behavior="focus", compact=True),
                )
                yield from self._row(
                    "handover_contact",
                    Input(
                        id=_fid("handover_contact"),
                        placeholder=t("intake.placeholder.handover_contact"),
                        max_length=MAX_LENGTH["handover_contact"],
                        compact=True,
                    ),
                )
                yield Static("", id="intake-status", markup=False)
            with Vertical(id="side"):
                yield Static("", id="guidance")
                yield Static("", id="suggestion")
                yield Static(t("intake.related.title"), classes="side-title", markup=False)
                yield DataTable(id="related", cursor_type="row", zebra_stripes=True, show_cursor=True)
                yield Static("", id="bound", markup=False)
                yield Static(t("intake.history.title"), classes="side-title", markup=False)
                yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
                yield Static("", id="kb-linked", markup=False)
        yield Footer()

    def _row(self, field: str, widget: Widget) -> ComposeResult:
        with Vertical(classes="field", id=f"row-{field}"):
            with Horizontal(classes="field-row"):
                yield Label(self.t(f"intake.label.{field}"), classes="field-label")
                yield widget
            yield Static("", id=f"err-{field}", classes="field-error", markup=False)

    def _category_choices(self) -> list[Choice]:
        return [Choice(c, self.t(f"category.{c}")) for c in CATEGORIES]

    def on_mount(self) -> None:
        t = self.t
        bar = self.query_one(CallBar)
        bar.script = t("intake.opening", line=self.svc_app.scripts().get("opening", ""))
        bar.call_label = t("intake.call")
        bar.hold_label = t("intake.on_hold")
        for table_id, cols in (
            ("#related", ("number", "why", "details")),
            ("#history", ("number", "created", "status", "details")),
        ):
            table = self.query_one(table_id, DataTable)
            for col in cols:
                table.add_column(t(f"intake.col.{col}"), key=col)
        self.query_one("#f-subtype", ChoiceBar).set_choices([], t("intake.subtype.first"))
        self.query_one("#f-mode", ChoiceBar).set_choices([], t("intake.mode.first"))
        self._show_mode_rows()
        self._show_guidance()
        self._load_reference()
        if self._draft is not None:
            self._restore(self._draft)
        else:
            self.query_one("#f-caller_phone", Input).focus()
            if self._initial_phone:
                self._restoring = True
                self.query_one("#f-caller_phone", Input).value = self._initial_phone
                self.call_after_refresh(self._end_restore)
                self.query_one("#f-caller_name", Input).focus()
                self._phone_changed(self._initial_phone)
                self._dirty = True
        if self._start_call_now and self._call_id is None:
            self._begin_call()
        self.set_interval(0.5, self.check_hold)
        self._refresh_callbar()

    # -- reference data ------------------------------------------------------------------

    @work(thread=True, group="reference")
    def _load_reference(self) -> None:
        services = self.svc_app.services
        try:
            units = services.reference.units(self.actor, active_only=True)
            referrals = services.reference.referrals(self.actor)
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._reference_loaded, units, referrals)

    def _reference_loaded(self, units: list[UnitView], referrals: list[ReferralView]) -> None:
        self._units = units
        self._referrals = {r.key: r for r in referrals}
        select = self.query_one("#f-unit_code", Select)
        wanted = self._pending_unit if self._pending_unit is not None else self._unit_value()
        self._restoring, was = True, self._restoring
        select.set_options([(f"{u.code} {u.name}", u.code) for u in units])
        if wanted and any(u.code == wanted for u in units):
            select.value = wanted
        self._pending_unit = None
        self.call_after_refresh(self._end_restore, was)
        self._show_guidance()

    # -- reading the form ----------------------------------------------------------------

    def _text(self, field: str) -> str:
        widget = self.query_one(f"#{_fid(field)}")
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Input):
            return widget.value
        raise TypeError(field)

    def _choice(self, field: str) -> str | None:
        return self.query_one(f"#{_fid(field)}", ChoiceBar).value

    def _unit_value(self) -> str | None:
        if self._pending_unit is not None:
            return self._pending_unit
        value = self.query_one("#f-unit_code", Select).value
        return value if isinstance(value, str) else None

    def _checked(self, field: str) -> bool:
        return self.query_one(f"#{_fid(field)}", Checkbox).value

    def ticket_data(self) -> dict[str, object]:
        """The intake as the services take it."""
        mode = self._choice("mode")
        return {
            "caller_phone": self._text("caller_phone"),
            "caller_name": self._text("caller_name"),
            "event_time": self._text("event_time"),
            "place": self._text("place"),
            "details": self._text("details"),
            "category": self._choice("category") or "",
            "subtype": self._choice("subtype") or "",
            "mode": mode or "",
            "unit_code": self._unit_value() if mode in (Mode.PHONE_HANDOVER, Mode.TRANSFER) else None,
            "urgent": self._checked("urgent"),
            "major": self._checked("major"),
        }

    def snapshot(self) -> dict[str, Any]:
        """Everything typed and chosen, for the draft: restored exactly by :meth:`_restore`."""
        fields: dict[str, Any] = {f: self._text(f) for f in (*TEXT_FIELDS, "details")}
        fields.update(
            category=self._choice("category"),
            subtype=self._choice("subtype"),
            mode=self._choice("mode"),
            unit_code=self._unit_value(),
            urgent=self._checked("urgent"),
            major=self._checked("major"),
            direct_result=self._text("direct_result"),
            handover_contact=self._text("handover_contact"),
        )
        focus: dict[str, Any] | None = None
        focused = self.focused
        if focused is not None and focused.id and focused.id.startswith("f-"):
            focus = {"field": focused.id[2:]}
            if isinstance(focused, TextArea):
                focus["cursor"] = list(focused.cursor_location)
            elif isinstance(focused, Input):
                focus["cursor"] = focused.cursor_position
        return {
            "fields": fields,
            "kb": [list(k) for k in self._kb],
            "bind": list(self._bind) if self._bind else None,
            "callback_at": self._callback_at.isoformat() if self._callback_at else None,
            "call_id": self._call_id,
            "call_started_at": self._call_started.isoformat() if self._call_started else None,
            "focus": focus,
        }

    def has_content(self) -> bool:
        data = self.snapshot()
        return any(v for v in data["fields"].values()) or bool(
            data["kb"] or data["bind"] or data["callback_at"]
        )

    # -- restoring a draft ---------------------------------------------------------------

    def _end_restore(self, value: bool = False) -> None:
        self._restoring = value

    def _restore(self, draft: Draft) -> None:
        data = draft.data
        fields = data.get("fields", {})
        self._restoring = True
        for field in (*TEXT_FIELDS, "handover_contact"):
            self.query_one(f"#{_fid(field)}", Input).value = str(fields.get(field) or "")
        for field in ("details", "direct_result"):
            self.query_one(f"#{_fid(field)}", TextArea).load_text(str(fields.get(field) or ""))
        category = fields.get("category")
        if category in CATEGORIES:
            self.query_one("#f-category", ChoiceBar).value = category
            self._category_set(category)
            subtype = fields.get("subtype")
            if subtype in CATEGORIES[category]:
                self.query_one("#f-subtype", ChoiceBar).value = subtype
                self._subtype_set(category, subtype, propose_mode=False)
                mode = fields.get("mode")
                if mode in MODES and self.query_one("#f-mode", ChoiceBar).is_enabled(mode):
                    self.query_one("#f-mode", ChoiceBar).value = mode
        self._pending_unit = fields.get("unit_code") or None
        self.query_one("#f-urgent", Checkbox).value = bool(fields.get("urgent"))
        self.query_one("#f-major", Checkbox).value = bool(fields.get("major"))
        self._kb = [(int(k[0]), str(k[1]), str(k[2])) for k in data.get("kb") or []]
        bind = data.get("bind")
        self._bind = (str(bind[0]), str(bind[1])) if bind else None
        self._callback_at = _parse_time(data.get("callback_at"))
        self._call_id = data.get("call_id") if isinstance(data.get("call_id"), int) else None
        self._call_started = _parse_time(data.get("call_started_at"))
        self._show_mode_rows()
        self._show_guidance()
        self._show_bound()
        self._show_kb()
        self._check_forbidden()
        focus = data.get("focus") or {}
        focus_field = focus.get("field") if isinstance(focus, dict) else None
        target = self.query(f"#{_fid(str(focus_field))}") if focus_field in FORM_FIELDS else None
        widget = target.first() if target else self.query_one("#f-caller_phone")
        widget.focus()
        cursor = focus.get("cursor") if isinstance(focus, dict) else None
        if isinstance(widget, TextArea) and isinstance(cursor, list) and len(cursor) == 2:
            widget.move_cursor((int(cursor[0]), int(cursor[1])))
        elif isinstance(widget, Input) and isinstance(cursor, int):
            widget.cursor_position = cursor
        self._status(self.t("intake.draft.resumed", at=self._local_hm(draft.saved_at)))
        phone = str(fields.get("caller_phone") or "")
        if phone:
            self._phone_changed(phone)
        self._schedule_lookups()
        # Change events of the restored values arrive after this method: ignore them.
        self.call_after_refresh(self._end_restore)

    # -- reacting to what is typed -------------------------------------------------------

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("f-"):
            field = event.input.id[2:]
            self._changed(field)
            if field == "caller_phone":
                self._phone_changed(event.value)

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id and event.text_area.id.startswith("f-"):
            self._changed(event.text_area.id[2:])

    @on(Checkbox.Changed)
    def _box_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id and event.checkbox.id.startswith("f-"):
            self._changed(event.checkbox.id[2:])

    @on(Select.Changed, "#f-unit_code")
    def _unit_changed(self, event: Select.Changed) -> None:
        self._changed("unit_code")

    @on(ChoiceBar.Changed)
    def _choice_changed(self, event: ChoiceBar.Changed) -> None:
        field = (event.bar.id or "")[2:]
        if field == "category":
            self._category_set(event.value)
        elif field == "subtype":
            category = self._choice("category")
            if category and event.value:
                self._subtype_set(category, event.value, propose_mode=not self._restoring)
            else:
                self._show_guidance()
                self.query_one("#f-mode", ChoiceBar).set_choices([], self.t("intake.mode.first"))
        elif field == "mode":
            self._show_mode_rows()
            self._show_guidance()
        self._changed(field)

    def _changed(self, field: str) -> None:
        if self._restoring or self._submitted:
            return
        self._set_error(field, "")
        if field in ("category", "subtype", "mode"):
            self.query_one(f"#{_fid(field)}", ChoiceBar).remove_class("-invalid")
        if self._call_started is None:
            # A clean intake after the last call: this call starts with its first keystroke.
            self._begin_call()
        self._dirty = True
        self._schedule_draft()
        if field in ("caller_phone", "place", "details"):
            self._schedule_lookups()
        if field in WRITTEN:
            self._check_forbidden()

    def _category_set(self, category: str | None) -> None:
        subtype_bar = self.query_one("#f-subtype", ChoiceBar)
        if category is None:
            subtype_bar.set_choices([], self.t("intake.subtype.first"))
        else:
            subtype_bar.set_choices(
                [Choice(s, self.t(f"subtype.{category}.{s}")) for s in CATEGORIES[category]]
            )
        if subtype_bar.value is None:
            self.query_one("#f-mode", ChoiceBar).set_choices([], self.t("intake.mode.first"))
        self._show_mode_rows()
        self._show_guidance()

    def _subtype_set(self, category: str, subtype: str, *, propose_mode: bool) -> None:
        handling = handling_for(category, subtype)
        allowed = {m.value for m in handling.modes} | {Mode.TRANSFER.value}
        mode_bar = self.query_one("#f-mode", ChoiceBar)
        mode_bar.set_choices([Choice(m, self.t(f"mode.{m}"), m in allowed) for m in MODES])
        agent_chose = mode_bar.value is not None and mode_bar.value != self._mode_proposed
        if propose_mode and (not agent_chose or mode_bar.value not in allowed):
            # The first mode the handling lists is the one the console proposes (§3); a mode
            # the agent picked stays while it applies.
            self._mode_proposed = handling.modes[0].value
            mode_bar.value = handling.modes[0].value
        if (category, subtype) == ("inquiry", "simple"):
            self._fill_direct_result()
        self._show_mode_rows()
        self._show_guidance()

    def _show_mode_rows(self) -> None:
        mode = self._choice("mode")
        self.query_one("#row-unit_code").display = mode in (Mode.PHONE_HANDOVER, Mode.TRANSFER)
        self.query_one("#row-direct_result").display = mode == Mode.DIRECT
        self.query_one("#row-handover_contact").display = mode == Mode.PHONE_HANDOVER

    def _show_guidance(self) -> None:
        t = self.t
        category, subtype = self._choice("category"), self._choice("subtype")
        panel = self.query_one("#guidance", Static)
        if not category or not subtype:
            panel.update(Text(t("intake.guidance.choose"), style="dim"))
            return
        handling = handling_for(category, subtype)
        out = Text()
        out.append(f"{t(f'category.{category}')} / {t(f'subtype.{category}.{subtype}')}\n", style="bold")
        out.append(t(handling.guidance_key) + "\n")
        modes = [*handling.modes, *([Mode.TRANSFER] if Mode.TRANSFER not in handling.modes else [])]
        out.append(t("intake.guidance.modes", modes=", ".join(t(f"mode.{m.value}") for m in modes)) + "\n")
        for ref in handling.referrals:
            entry = self._referrals.get(ref.key)
            name, number = (
                (entry.name, entry.number) if entry else (t(f"intake.referral.{ref.key}"), ref.number)
            )
            out.append(f"  {name}  ", style="bold")
            out.append(f"{number}\n", style="bold reverse")
        if handling.consult_lead:
            out.append(t("intake.guidance.consult_lead") + "\n", style="bold")
        if handling.always_major:
            out.append(t("intake.guidance.major") + "\n", style="bold")
        if handling.needs_unit and self._choice("mode") == Mode.PHONE_HANDOVER:
            out.append(t("intake.guidance.handover") + "\n")
        panel.update(out)

    def _set_error(self, field: str, text: str) -> None:
        # Called on every keystroke: touch the widget only when its message changes, so
        # typing never costs a layout.
        if self._errors.get(field, "") == text:
            return
        self._errors[field] = text
        for widget in self.query(f"#err-{field}"):
            if isinstance(widget, Static):
                widget.update(text)
                widget.display = bool(text)

    def _status(self, text: str) -> None:
        self.query_one("#intake-status", Static).update(text)

    def _check_forbidden(self) -> None:
        found: list[str] = []
        for field in WRITTEN:
            for _start, _end, phrase in find_forbidden(self._text(field)):
                label = self.t(f"intake.label.{field}")
                found.append(f"{label}: 「{phrase}」")
        text = self.t("intake.forbidden", found="; ".join(dict.fromkeys(found))) if found else ""
        if text != self._forbidden_text:
            self._forbidden_text = text
            self.query_one("#warn-forbidden", Static).update(text)

    # -- the caller's history, related tickets, the suggestion ----------------------------

    def _phone_changed(self, text: str) -> None:
        if not text.strip():
            self._history_for = None
            self.query_one("#history", DataTable).clear()
            return
        if is_complete_phone(text):
            self._set_error("caller_phone", "")
            self._load_history(text)

    @on(Input.Blurred, "#f-caller_phone")
    def _phone_left(self, event: Input.Blurred) -> None:
        text = event.value.strip()
        if text:
            problem = phone_problem(self.t, text)
            self._set_error("caller_phone", problem or "")

    @work(thread=True, exclusive=True, group="history")
    def _load_history(self, phone: str) -> None:
        try:
            views = self.svc_app.services.tickets.history_by_phone(self.actor, phone, limit=20)
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill_history, phone, views)

    def _fill_history(self, phone: str, views: list[TicketView]) -> None:
        if self._text("caller_phone") != phone:
            return
        table = self.query_one("#history", DataTable)
        table.clear()
        tz = self.svc_app.services.settings.tz
        for v in views:
            table.add_row(
                v.number,
                v.created_at.astimezone(tz).strftime("%m-%d"),
                self.t(f"status.{v.status}"),
                short(v.details, 40),
                key=v.number,
            )

    def _schedule_lookups(self) -> None:
        if self._lookup_timer is not None:
            self._lookup_timer.stop()
        self._lookup_timer = self.set_timer(self.LOOKUP_DELAY, self._lookup)

    def _lookup(self) -> None:
        self._find_related(self._text("caller_phone"), self._text("place"), self._text("details"))

    @work(thread=True, exclusive=True, group="related")
    def _find_related(self, phone: str, place: str, details: str) -> None:
        services = self.svc_app.services
        try:
            related = services.tickets.related(
                self.actor, phone=phone, place=place, details=details, limit=10
            )
            if (place, details) == self._suggested_for:
                suggestion = self._suggestion  # only the phone changed
            else:
                suggestion = services.suggest.suggest(self.actor, place=place, details=details)
                self._suggested_for = (place, details)
        except Exception as exc:
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill_related, related, suggestion)

    def _fill_related(self, related: list[RelatedTicket], suggestion: Suggestion | None) -> None:
        # While the agent types, the answers rarely change: redraw only what did (the UI
        # thread is the one the next keystroke waits for).
        if suggestion != self._suggestion:
            self._suggestion = suggestion
            self._show_suggestion()
        if [(r.number, r.reason) for r in related] == [(r.number, r.reason) for r in self._related]:
            self._related = related
            return
        self._related = related
        table = self.query_one("#related", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in related:
            why_key = f"intake.why.{r.reason}"
            table.add_row(
                r.number,
                self.t(why_key) if why_key in CATALOGUES["en"] else r.reason,
                short(f"{r.place} {r.details}", 40),
                key=r.number,
            )
        if related:
            table.move_cursor(row=min(keep, len(related) - 1))

    def _show_suggestion(self) -> None:
        s = self._suggestion
        widget = self.query_one("#suggestion", Static)
        if s is None:
            widget.update("")
            return
        t = self.t
        text = t(
            "intake.suggestion",
            category=t(f"category.{s.category}"),
            subtype=t(f"subtype.{s.category}.{s.subtype}"),
            count=len(s.based_on),
        )
        if s.unit:
            text += " " + t("intake.suggestion.unit", unit=s.unit)
        widget.update(Text(text, style="italic"))

    def action_accept_suggestion(self) -> None:
        s = self._suggestion
        if s is None:
            self._status(self.t("intake.suggestion.none"))
            return
        self.query_one("#f-category", ChoiceBar).value = s.category
        self._category_set(s.category)
        self.query_one("#f-subtype", ChoiceBar).value = s.subtype
        self._subtype_set(s.category, s.subtype, propose_mode=True)
        if s.unit and self._choice("mode") in (Mode.PHONE_HANDOVER, Mode.TRANSFER):
            if self._units:
                self.query_one("#f-unit_code", Select).value = s.unit
            else:
                self._pending_unit = s.unit
        self._status(self.t("intake.suggestion.accepted"))
        self._changed("category")

    def action_related(self, step: int) -> None:
        table = self.query_one("#related", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_bind(self) -> None:
        """F8: bind the intake to the highlighted related ticket (again: undo)."""
        table = self.query_one("#related", DataTable)
        if not self._related or not table.row_count:
            self._status(self.t("intake.bind.none"))
            return
        row = self._related[min(table.cursor_row, len(self._related) - 1)]
        kind = "same_caller" if row.reason == "same_caller" else "same_matter"
        if self._bind is not None and self._bind[0] == row.number:
            self._bind = None
            self._status(self.t("intake.bind.undone", number=row.number))
        else:
            self._bind = (row.number, kind)
            self._status("")
        self._show_bound()
        self._changed("bind")

    def _show_bound(self) -> None:
        widget = self.query_one("#bound", Static)
        if self._bind is None:
            widget.update("")
            return
        number, kind = self._bind
        widget.update(self.t("intake.bound", number=number, kind=self.t(f"intake.bind.{kind}")))

    # -- knowledge base (F3) -------------------------------------------------------------

    def action_knowledge_base(self) -> None:
        from svcdesk.ui.screens.kb import KbScreen

        query = ""
        self.app.push_screen(KbScreen(query=query, linking=True), self._kb_used)

    def _kb_used(self, entry: KbView | None) -> None:
        if entry is None:
            return
        answer = entry.answer
        if entry.department or entry.contact:
            answer += f"\n{entry.department} {entry.contact}".rstrip()
        if all(k[0] != entry.id for k in self._kb):
            self._kb.append((entry.id, entry.title, answer))
        if (self._choice("category"), self._choice("subtype")) == ("inquiry", "simple"):
            self._fill_direct_result()
        self._show_kb()
        self._status(self.t("intake.kb.linked", title=entry.title))
        self._changed("kb")

    def _fill_direct_result(self) -> None:
        """A simple inquiry answered from the knowledge base: the answer is the direct result."""
        area = self.query_one("#f-direct_result", TextArea)
        if self._kb and not area.text.strip():
            area.load_text(self._kb[-1][2])

    def _show_kb(self) -> None:
        widget = self.query_one("#kb-linked", Static)
        titles = ", ".join(k[1] for k in self._kb)
        widget.update(self.t("intake.kb.list", titles=titles) if self._kb else "")

    # -- the call and the hold (F5) ------------------------------------------------------

    def action_new_call(self) -> None:
        if self._call_started is None:
            self._begin_call()
            self.query_one("#f-caller_phone", Input).focus()
        else:
            self._status(self.t("intake.call.in_progress"))

    def _begin_call(self) -> None:
        self._call_started = self.svc_app.services.clock.now()
        self._refresh_callbar()
        self._start_call_worker()

    @work(thread=True, group="call")
    def _start_call_worker(self) -> None:
        try:
            self._ensure_call()
        except Exception as exc:
            self.app.call_from_thread(
                self._status, self.t("intake.call.not_recorded", reason=error_text(self.t, exc))
            )

    def _ensure_call(self) -> int:
        """The call's id, creating the call (with its real start) the first time: from a
        worker thread only."""
        with self._call_lock:
            if self._call_id is None:
                phone = self._text_threadsafe("caller_phone")
                self._call_id = self.svc_app.services.calls.start(
                    self.actor, phone, started_at=self._call_started
                )
                self.app.call_from_thread(self._schedule_draft)
            return self._call_id

    def _text_threadsafe(self, field: str) -> str:
        # Reading a widget's value from a worker thread is a plain attribute read.
        return self._text(field)

    def action_hold(self) -> None:
        """F5: hold (after confirming the caller agreed), or resume the call."""
        from svcdesk.ui.screens.hold import HoldConsentScreen

        if self._hold_busy:
            return
        if self._hold_started is not None:
            self._hold_busy = True
            self._hold_op("resume")
            return
        if self._call_started is None:
            self._begin_call()
        self.app.push_screen(HoldConsentScreen(), self._consent_answered)

    def _consent_answered(self, agreed: bool | None) -> None:
        if agreed:
            self._hold_busy = True
            self._hold_op("hold")
        else:
            self._status(self.t("hold.not_agreed"))

    @work(thread=True, group="call")
    def _hold_op(self, op: str, callback_at: datetime | None = None) -> None:
        calls = self.svc_app.services.calls
        try:
            call_id = self._ensure_call()
            if op == "hold":
                view = calls.hold(self.actor, call_id, consent=True)
            elif op == "break":
                view = calls.hold_break(self.actor, call_id)
            elif op == "offer":
                view = calls.callback_offered(self.actor, call_id)
            elif op == "callback":
                assert callback_at is not None
                view = calls.hang_up_for_callback(self.actor, call_id, callback_at)
            else:
                view = calls.resume(self.actor, call_id)
        except Exception as exc:
            self.app.call_from_thread(self._hold_failed, op, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._hold_done, op, view.started_at, callback_at)

    def _hold_failed(self, op: str, reason: str) -> None:
        self._hold_busy = False
        self._status(self.t("hold.not_recorded", reason=reason))

    def _hold_done(self, op: str, started_at: datetime, callback_at: datetime | None) -> None:
        self._hold_busy = False
        if op == "hold":
            self._hold_started = started_at
            self._prompted = 0
            self._offer_recorded = False
            self._status(self.t("hold.started"))
        elif op == "resume":
            self._hold_started = None
            self._status(self.t("hold.resumed"))
        elif op == "callback":
            self._hold_started = None
            self._callback_at = callback_at
            self._status(self.t("hold.callback_agreed", at=self._local_hm(callback_at)))
            self._changed("callback")
        elif op == "break":
            self._status(self.t("hold.break_recorded"))
        self._refresh_callbar()

    def check_hold(self) -> None:
        """Runs twice a second: the timers, and the 30-second rule's prompts (with the
        injected clock, so tests move time instead of waiting)."""
        self._refresh_callbar()
        if self._hold_started is None or self._hold_busy:
            return
        now = self.svc_app.services.clock.now()
        due = prompts_due(self._hold_started, now)
        if due <= self._prompted:
            return
        self._prompted = due
        offer = offers_callback(self._hold_started, now)
        if offer and not self._offer_recorded:
            self._offer_recorded = True
            self._hold_op("offer")
        self._prompt(now, offer)

    def _prompt(self, now: datetime, offer: bool) -> None:
        from svcdesk.ui.screens.hold import HoldPromptScreen

        assert self._hold_started is not None
        held = now - self._hold_started
        self.app.bell()
        top = self.app.screen
        if isinstance(top, HoldPromptScreen):
            top.escalate(held, offer)
            return
        default_at = now + timedelta(minutes=30)
        self.app.push_screen(HoldPromptScreen(held, offer, default_at), self._prompt_answered)

    def _prompt_answered(self, answer: tuple[str, datetime | None] | None) -> None:
        if answer is None or self._hold_started is None:
            return
        op, at = answer
        if op in ("break", "resume", "callback"):
            self._hold_busy = True
            self._hold_op(op, at)

    def _refresh_callbar(self) -> None:
        now = self.svc_app.services.clock.now()
        bar = self.query_one(CallBar)
        break_due = self._hold_started is not None and prompts_due(self._hold_started, now) > 0
        callback = (
            self.t("intake.callback_promised", at=self._local_hm(self._callback_at))
            if self._callback_at
            else ""
        )
        bar.update_state(
            now=now,
            call_started=self._call_started,
            hold_started=self._hold_started,
            break_due=break_due,
            callback_text=callback,
        )

    def _local_hm(self, at: datetime | None) -> str:
        if at is None:
            return ""
        return at.astimezone(self.svc_app.services.settings.tz).strftime("%H:%M")

    # -- the draft -----------------------------------------------------------------------

    def _schedule_draft(self) -> None:
        if self._submitted or self._restoring:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(self.DRAFT_DELAY, self.save_draft)

    def save_draft(self) -> None:
        """Takes the snapshot on the UI thread and saves it in a worker."""
        if self._submitted or not self.has_content():
            return
        self._draft_seq += 1
        self._save_draft(self._draft_seq, self.snapshot())

    @work(thread=True, group="draft")
    def _save_draft(self, seq: int, data: dict[str, Any]) -> None:
        # One save at a time, and never an older snapshot over a newer one.
        with self._draft_lock:
            if seq <= self._draft_saved_seq or self._submitted:
                return
            try:
                result = self.svc_app.services.drafts.save(self.actor, data)
            except Exception as exc:
                self.app.call_from_thread(
                    self._status, self.t("draft.failed", reason=error_text(self.t, exc))
                )
                return
            self._draft_saved_seq = seq
        self.app.call_from_thread(self._draft_saved, seq, result)

    def _draft_saved(self, seq: int, result: SaveResult) -> None:
        if seq == self._draft_seq:
            self._dirty = False
        self._show_draft_result(result)

    def _show_draft_result(self, result: SaveResult) -> None:
        now = self._local_hms(self.svc_app.services.clock.now())
        if result.in_database:
            if self._retry_timer is not None:
                self._retry_timer.stop()
                self._retry_timer = None
                self._status(self.t("draft.back", at=now))
            return
        self._status(self.t("draft.local", at=now, reason=result.problem))
        if self._retry_timer is None:
            self._retry_timer = self.set_interval(self.RETRY_EVERY, self.retry_draft)

    def retry_draft(self) -> None:
        self._retry_draft()

    @work(thread=True, group="draft")
    def _retry_draft(self) -> None:
        with self._draft_lock:
            try:
                result = self.svc_app.services.drafts.retry(self.actor)
            except Exception as exc:
                self.app.call_from_thread(
                    self._status, self.t("draft.failed", reason=error_text(self.t, exc))
                )
                return
        if result is not None:
            self.app.call_from_thread(self._show_draft_result, result)

    def _local_hms(self, at: datetime) -> str:
        return at.astimezone(self.svc_app.services.settings.tz).strftime("%H:%M:%S")

    def flush_draft(self) -> None:
        """The console is closing: changes not yet saved are saved now, on the way out."""
        if not self._dirty or self._submitted or not self.has_content():
            return
        try:
            self.svc_app.services.drafts.save(self.actor, self.snapshot())
        except Exception:
            # Closing anyway; the last debounced save is what remains.
            return
        self._dirty = False

    # -- submit (Ctrl+S) -----------------------------------------------------------------

    def action_submit(self) -> None:
        if self._submitting or self._submitted:
            return
        if self._hold_started is not None:
            self._status(self.t("intake.submit.on_hold"))
            return
        for field in FORM_FIELDS:
            self._set_error(field, "")
        mode = self._choice("mode")
        if mode == Mode.PHONE_HANDOVER and not self._unit_value():
            # The unit is checked here first: the service would say the same in English.
            self._show_problems([("unit_code", self.t("field.error.required.unit_code"))])
            return
        self._submitting = True
        self._status(self.t("intake.submit.sending"))
        extra = {
            "direct_result": self._text("direct_result") if mode == Mode.DIRECT else "",
            "handover_contact": self._text("handover_contact") if mode == Mode.PHONE_HANDOVER else "",
        }
        self._submit(self.ticket_data(), extra, [k[0] for k in self._kb], self._bind, self._callback_at)

    @work(thread=True, group="submit")
    def _submit(
        self,
        data: dict[str, object],
        extra: dict[str, str],
        kb_ids: list[int],
        bind: tuple[str, str] | None,
        callback_at: datetime | None,
    ) -> None:
        services = self.svc_app.services
        try:
            call_id = self._ensure_call()
            view = services.calls.submit(
                self.actor,
                call_id,
                data,
                direct_result=extra["direct_result"],
                handover_contact=extra["handover_contact"],
                kb_ids=kb_ids,
                bind_to=bind[0] if bind else None,
                bind_kind=bind[1] if bind else "same_matter",
                callback_at=callback_at,
            )
        except InvalidInput as exc:
            typed = str(data.get("caller_phone") or "")
            problems = [(p.field, problem_text(self.t, p, typed)) for p in exc.problems]
            self.app.call_from_thread(self._refused, problems, "")
            return
        except DatabaseUnavailable as exc:
            # Nothing typed is lost: the draft goes to this workstation if need be.
            self.app.call_from_thread(self._refused, [], self.t("intake.submit.unavailable", reason=str(exc)))
            self.app.call_from_thread(self.save_draft)
            return
        except Exception as exc:
            from svcdesk.services.errors import Invalid

            if isinstance(exc, Invalid) and exc.field in FORM_FIELDS:
                self.app.call_from_thread(self._refused, [(exc.field, invalid_text(self.t, exc))], "")
            else:
                self.app.call_from_thread(self._refused, [], error_text(self.t, exc))
            return
        self._submitted = True
        # The ticket is in; a draft that could not be removed is caught by retry() later.
        with suppress(Exception):
            services.drafts.discard(self.actor)
        self.app.call_from_thread(self._accepted, view, call_id)

    def _refused(self, problems: list[tuple[str, str]], message: str) -> None:
        self._submitting = False
        if problems:
            self._show_problems(problems)
        else:
            self._status(message)

    def _show_problems(self, problems: list[tuple[str, str]]) -> None:
        """Each message next to its field; the focus on the first field the agent must fix."""
        shown: dict[str, list[str]] = {}
        other: list[str] = []
        for field, text in problems:
            if field in FORM_FIELDS:
                shown.setdefault(field, []).append(text)
            else:
                other.append(text)
        for field, texts in shown.items():
            self._set_error(field, "; ".join(dict.fromkeys(texts)))
            if field in ("category", "subtype", "mode"):
                self.query_one(f"#{_fid(field)}", ChoiceBar).add_class("-invalid")
        if shown:
            first = min(shown, key=FORM_FIELDS.index)
            self.query_one(f"#{_fid(first)}").focus()
        status = self.t("intake.submit.refused", count=len(shown) + len(other))
        self._status("; ".join([status, *other]))

    def _accepted(self, view: TicketView, call_id: int) -> None:
        from svcdesk.ui.screens.closing import ClosingScreen

        for timer in (self._draft_timer, self._lookup_timer, self._retry_timer):
            if timer is not None:
                timer.stop()
        self.app.switch_screen(ClosingScreen(ticket=view, call_id=call_id, callback_at=self._callback_at))

    # -- ending a call without a ticket (Escape) -----------------------------------------

    def action_end_without_ticket(self) -> None:
        from svcdesk.ui.screens.closing import ClosingScreen

        if self._call_started is None and not self.has_content():
            self.svc_app.action_desk()
            return
        if self._hold_started is not None:
            self._status(self.t("intake.submit.on_hold"))
            return
        self.app.push_screen(ClosingScreen(ticket=None, call_id=None, callback_at=None), self._ended)

    def _ended(self, closing: str | None) -> None:
        if closing is None:
            return
        self._submitted = True
        self._end_call(closing)

    @work(thread=True, group="call")
    def _end_call(self, closing: str) -> None:
        services = self.svc_app.services
        try:
            call_id = self._ensure_call()
            services.calls.end(self.actor, call_id, closing)
            services.drafts.discard(self.actor)
        except Exception as exc:
            self._submitted = False
            self.app.call_from_thread(self._status, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._next_call)

    def _next_call(self) -> None:
        self.app.switch_screen(IntakeScreen(start_call=False))


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
