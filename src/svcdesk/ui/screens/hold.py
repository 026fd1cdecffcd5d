"""The hold dialogs (spec §6): the caller's consent first; then, every 30 seconds, a prompt
that takes the focus (and rings the terminal bell) to break the hold and tell the caller the
consultation goes on; after a minute the prompt also offers to hang up and call back."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from svcdesk.domain.validation import InputError, parse_event_time
from svcdesk.ui.screens.base import SvcModal
from svcdesk.ui.widgets.call_bar import clock_text

HoldAnswer = tuple[str, datetime | None]


class HoldConsentScreen(SvcModal[bool]):
    CSS_PATH = "hold.tcss"
    BINDINGS: ClassVar = [
        Binding("y,enter", "answer(True)", "key.hold.agreed"),
        Binding("n,escape", "answer(False)", "key.hold.refused"),
    ]

    def compose(self) -> ComposeResult:
        t = self.t
        script = self.svc_app.scripts().get("hold_consent", "")
        with Vertical(id="hold-box", classes="dialog"):
            yield Static(t("hold.consent.title"), classes="dialog-title", markup=False)
            yield Static(t("hold.consent.ask", line=script), markup=False)
            yield Static(t("hold.consent.keys"), classes="dialog-keys", markup=False)

    def action_answer(self, agreed: bool) -> None:
        self.dismiss(agreed)


class HoldPromptScreen(SvcModal[HoldAnswer]):
    """Answers: ``("break", None)``, ``("resume", None)``, ``("callback", when)``, or
    ``("later", None)`` when dismissed with Escape (no break is recorded then)."""

    CSS_PATH = "hold.tcss"
    AUTO_FOCUS = None
    BINDINGS: ClassVar = [
        Binding("enter", "break_done", "key.hold.break"),
        Binding("f5", "resume", "key.hold.resume"),
        Binding("c", "callback", "key.hold.callback"),
        Binding("escape", "later", "key.hold.later"),
    ]

    def __init__(self, held: timedelta, offer: bool, default_at: datetime) -> None:
        super().__init__()
        self.held = held
        self.offer = offer
        self.default_at = default_at
        self._asking_time = False

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box", classes="dialog alert"):
            yield Static("", id="prompt-title", classes="dialog-title", markup=False)
            yield Static("", id="prompt-text", markup=False)
            yield Static("", id="prompt-offer", markup=False)
            yield Static("", id="callback-error", classes="dialog-error", markup=False)
            yield Static("", id="prompt-keys", classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        self._show()

    def escalate(self, held: timedelta, offer: bool) -> None:
        """A later prompt while this one is still open: the same dialog, the new time."""
        self.held = held
        self.offer = self.offer or offer
        self._show()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "callback":
            return self.offer and not self._asking_time
        return True

    def _show(self) -> None:
        t = self.t
        scripts = self.svc_app.scripts()
        self.query_one("#prompt-title", Static).update(
            t("hold.prompt.title", held=clock_text(self.held.total_seconds()))
        )
        self.query_one("#prompt-text", Static).update(
            t("hold.prompt.break", line=scripts.get("hold_break", ""))
        )
        offer = self.query_one("#prompt-offer", Static)
        offer.update(t("hold.prompt.offer", line=scripts.get("hang_up_consent", "")) if self.offer else "")
        offer.display = self.offer
        keys = "hold.prompt.keys.offer" if self.offer else "hold.prompt.keys"
        if self._asking_time:
            keys = "hold.prompt.keys.time"
        self.query_one("#prompt-keys", Static).update(t(keys))
        self.refresh_bindings()

    def action_break_done(self) -> None:
        if self._asking_time:
            self._confirm_time()
            return
        self.dismiss(("break", None))

    def action_resume(self) -> None:
        self.dismiss(("resume", None))

    def action_later(self) -> None:
        if self._asking_time:
            self._asking_time = False
            self.query_one("#callback-at", Input).remove()
            self.query_one("#callback-error", Static).update("")
            self._show()
            return
        self.dismiss(("later", None))

    def action_callback(self) -> None:
        """The caller agreed to hang up: ask when to call back (the field appears only now,
        so that no key typed before lands in it)."""
        self._asking_time = True
        tz = self.svc_app.services.settings.tz
        field = Input(
            value=self.default_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), id="callback-at", compact=True
        )
        self.query_one("#prompt-box").mount(field, before="#callback-error")
        field.focus()
        self._show()

    @on(Input.Submitted, "#callback-at")
    def _confirm_time(self) -> None:
        services = self.svc_app.services
        text = self.query_one("#callback-at", Input).value
        error = self.query_one("#callback-error", Static)
        now = services.clock.now()
        try:
            at = parse_event_time(text, tz=services.settings.tz)
        except InputError:
            error.update(self.t("hold.callback.bad_time"))
            return
        if at is None or at <= now:
            error.update(self.t("hold.callback.past"))
            return
        self.dismiss(("callback", at))
