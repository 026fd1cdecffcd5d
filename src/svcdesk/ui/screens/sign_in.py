"""Sign-in: every account signs in; the role decides what the console offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from svcdesk.services.context import Actor
from svcdesk.services.errors import ServiceError
from svcdesk.store.database import DatabaseError

if TYPE_CHECKING:
    from svcdesk.ui.app import SvcdeskApp


class SignInScreen(Screen[None]):
    CSS_PATH = "sign_in.tcss"

    @property
    def svc_app(self) -> SvcdeskApp:
        return cast("SvcdeskApp", self.app)

    def compose(self) -> ComposeResult:
        t = self.svc_app.t
        yield Header()
        with Vertical(id="signin-box"):
            yield Static(t("signin.title"), id="signin-title")
            yield Label(t("signin.username"))
            yield Input(id="username", max_length=40)
            yield Label(t("signin.password"))
            yield Input(id="password", password=True, max_length=200)
            yield Button(t("signin.submit"), id="signin-submit", variant="primary")
            yield Static("", id="signin-message")
            yield Static(t("signin.hint"), id="signin-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#signin-submit")
    def _submit(self) -> None:
        user = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        message = self.query_one("#signin-message", Static)
        if not user or not password:
            message.update(self.svc_app.t("signin.empty"))
            return
        message.update(self.svc_app.t("signin.checking"))
        self._sign_in(user, password)

    @work(thread=True, exclusive=True, group="signin")
    def _sign_in(self, user: str, password: str) -> None:
        # Argon2 takes tens of milliseconds: never on the UI thread.
        try:
            actor = self.svc_app.services.accounts.sign_in(user, password)
        except (ServiceError, DatabaseError) as exc:
            self.app.call_from_thread(self._refused, str(exc))
            return
        self.app.call_from_thread(self._accepted, actor)

    def _refused(self, reason: str) -> None:
        self.query_one("#signin-message", Static).update(reason)
        pw = self.query_one("#password", Input)
        pw.value = ""
        pw.focus()

    def _accepted(self, actor: Actor) -> None:
        self.svc_app.signed_in(actor)
