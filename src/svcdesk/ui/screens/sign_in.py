"""Sign-in: every account signs in; the role decides what the console offers. An unfinished
intake of the account (a draft) is looked up in the same worker and offered at once."""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Static

from svcdesk.services.context import Actor
from svcdesk.services.errors import NotSignedIn
from svcdesk.ui.errors import error_text
from svcdesk.ui.screens.base import SvcScreen

if TYPE_CHECKING:
    from svcdesk.services.drafts import Draft


class SignInScreen(SvcScreen[None]):
    """The App's first screen; its stylesheet, sign_in.tcss, is loaded by the App."""

    def compose(self) -> ComposeResult:
        t = self.t
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

    _checking = False
    """A sign-in is being checked."""

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
            message.update(self.t("signin.empty"))
            return
        if self._checking:
            # A second Enter while the first is checked (or waits for the database to open)
            # would sign in twice, and count a wrong password twice towards the lock-out.
            return
        self._checking = True
        message.update(self.t("signin.checking"))
        self._sign_in(user, password)

    @work(thread=True, exclusive=True, group="signin")
    def _sign_in(self, user: str, password: str) -> None:
        # Argon2 takes tens of milliseconds: never on the UI thread. The services may still
        # be opening (the console draws this screen first): asking for them waits.
        try:
            services = self.svc_app.services
            actor = services.accounts.sign_in(user, password)
        except NotSignedIn as exc:
            self.app.call_from_thread(self._refused, self._refusal_text(str(exc), user))
            return
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self._refused, error_text(self.t, exc))
            return
        with suppress(Exception):  # read here, off the UI thread; a problem is said later
            services.reference.scripts()
        try:
            draft = services.drafts.load(actor)
        except Exception:
            # A draft that cannot be read must not keep the agent from working; the
            # intake's own draft saving reports database problems.
            draft = None
        self.app.call_from_thread(self._accepted, actor, draft)

    def show_problem(self, message: str) -> None:
        """A problem found before anyone signs in (the database cannot be opened)."""
        self.query_one("#signin-message", Static).update(message)

    def _refusal_text(self, message: str, user: str) -> str:
        if "disabled" in message:
            return self.t("signin.disabled", user=user)
        if "too many failed" in message:
            minutes = "".join(ch for ch in message.split("try again in")[-1] if ch.isdigit()) or "5"
            return self.t("signin.locked", user=user, minutes=minutes)
        return self.t("signin.wrong")

    def _refused(self, reason: str) -> None:
        self._checking = False
        self.query_one("#signin-message", Static).update(reason)
        pw = self.query_one("#password", Input)
        pw.value = ""
        pw.focus()

    def _accepted(self, actor: Actor, draft: Draft | None) -> None:
        self._checking = False
        # This screen stays under the signed-in ones: nothing of the password stays in it.
        self.query_one("#password", Input).value = ""
        self.query_one("#signin-message", Static).update("")
        self.svc_app.signed_in(actor, draft)

    def reset(self) -> None:
        """After sign-out: an empty form for whoever signs in next."""
        for field in ("#username", "#password"):
            self.query_one(field, Input).value = ""
        self.query_one("#signin-message", Static).update("")
        self.query_one("#username", Input).focus()
