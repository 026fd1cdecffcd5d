"""The console's App: small on purpose. Screens own their bindings and call services from
workers; the App holds the dependencies it was given, the signed-in account, and the few keys
that work on every screen after sign-in.

Started from the command line, the App is given a way to open the services rather than the
services themselves: the sign-in screen is drawn first, and the database layer (SQLAlchemy,
the migrations' check, the services) loads in a worker while the agent types a name and a
password. It takes longer than drawing the screen, so a console that waited for it would
open several times slower than a bare Textual app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from svcdesk.i18n import Translator
from svcdesk.services.context import Actor
from svcdesk.ui.errors import error_text
from svcdesk.ui.keys import binding_commands, translate_bindings
from svcdesk.ui.lead_commands import lead_commands
from svcdesk.ui.screens.sign_in import SignInScreen

if TYPE_CHECKING:
    from svcdesk.services.drafts import Draft
    from svcdesk.services.factory import Services


class SvcdeskApp(App[None]):
    TITLE = "svcdesk"
    # The sign-in screen is the App's first screen (``get_default_screen``), which Textual
    # does not load a screen's own CSS_PATH for: the App loads its stylesheet.
    CSS_PATH = ["app.tcss", "screens/sign_in.tcss"]
    # Keys that work on every screen once signed in (screens add their own).
    BINDINGS = [
        Binding("ctrl+q", "quit", "key.quit"),
        Binding("f2", "new_call", "key.new_call"),
        Binding("f3", "knowledge_base", "key.knowledge_base"),
        Binding("f6", "queue", "key.lead.queue"),
        Binding("f7", "callbacks", "key.lead.callbacks"),
    ]

    def __init__(
        self,
        services: Services | Callable[[], Services],
        *,
        lang: str = "en",
        phone: str | None = None,
        cursor_blink: bool = True,
    ) -> None:
        """``services``: the services, or the factory call that opens them (the command line
        passes that, so the sign-in screen does not wait for the database layer)."""
        super().__init__()
        self.cursor_blink = cursor_blink
        self._services: Services | None = None
        self._open_services: Callable[[], Services] | None = None
        if callable(services):
            self._open_services = services
        else:
            self._services = services
        self._opening = threading.Lock()
        self._scripts: dict[str, Any] | None = None
        self.t = Translator(lang)
        self.actor: Actor | None = None
        self.incoming_phone = phone
        self.pending_draft: Draft | None = None
        """A draft the agent chose to decide on later: F2 offers it again."""
        translate_bindings(self, self.t, {"command_palette": "key.palette"})

    def format_title(self, title: str, sub_title: str) -> Content:
        # Textual joins them with an em dash, which CJK terminals draw two columns wide.
        return Content(f"{title}  |  {sub_title}") if sub_title else Content(title)

    def get_default_screen(self) -> Screen[None]:  # type: ignore[override]
        # The sign-in screen is the first screen drawn (no blank screen under it to draw
        # first) and stays at the bottom of the stack: over it, once signed in, the base
        # screen (the desk or an intake, switched in turn), and over that what is pushed.
        return SignInScreen()

    @property
    def services(self) -> Services:
        """The services; opened on first use when the App was given a factory. Only workers
        ask before sign-in (the sign-in itself runs in one), and they wait for an opening under
        way; after a failed opening, the next one to ask tries again (the database may be back
        by then) and gets the error when it is not."""
        if self._services is not None:
            return self._services
        with self._opening:
            if self._services is None:
                assert self._open_services is not None
                self._services = self._open_services()
            return self._services

    def on_mount(self) -> None:
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")
        if self._services is None:
            # After the sign-in screen's first frame: that frame must not wait for imports.
            self.call_after_refresh(self._open_in_background)

    @work(thread=True, group="open-services")
    def _open_in_background(self) -> None:
        try:
            self.services  # noqa: B018 - opens them
        except Exception as exc:  # said on the sign-in screen, never a traceback
            self.call_from_thread(self._opening_failed, error_text(self.t, exc))

    def scripts(self) -> dict[str, Any]:
        """The call scripts (opening line, hold consent, closing lines). Read at sign-in, in
        its worker, so screens never read the file on the UI thread; a file that cannot be
        read leaves the lines empty and is said once, never as a traceback."""
        if self._scripts is None:
            try:
                self._scripts = self.services.reference.scripts()
            except Exception as exc:
                self._scripts = {}
                self.notify(error_text(self.t, exc), severity="warning")
        return self._scripts

    def _opening_failed(self, message: str) -> None:
        if isinstance(self.screen, SignInScreen):
            self.screen.show_problem(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Nothing but quitting before someone signs in.
        return not (action in ("new_call", "knowledge_base", "queue", "callbacks") and self.actor is None)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from binding_commands(self, screen)
        yield from lead_commands(self)
        if self.actor is not None:
            yield SystemCommand(self.t("palette.desk"), self.t("palette.desk.help"), self.action_desk)
            yield SystemCommand(
                self.t("palette.sign_out"), self.t("palette.sign_out.help"), self.action_sign_out
            )
        yield from super().get_system_commands(screen)

    # -- signing in and out --------------------------------------------------------------

    def signed_in(self, actor: Actor, draft: Draft | None = None) -> None:
        """Called by the sign-in screen; ``draft``: the account's unfinished intake, if any,
        offered before anything else (an incoming call waits for the answer)."""
        from svcdesk.ui.screens.desk import DeskScreen

        self.actor = actor
        self.pending_draft = draft
        if draft is None and self.incoming_phone:
            # Straight to the incoming call (one screen switch: the caller is waiting).
            self.action_new_call()
            return
        self._show_base(DeskScreen())
        if draft is not None:
            self._offer_draft(draft)

    def _offer_draft(self, draft: Draft) -> None:
        from svcdesk.ui.screens.draft_offer import DraftOfferScreen

        self.push_screen(DraftOfferScreen(draft), lambda resume: self._draft_answer(draft, resume))

    def _draft_answer(self, draft: Draft, resume: bool | None) -> None:
        if resume is None:
            return
        self.pending_draft = None
        if resume:
            self._open_intake(draft=draft)
            return
        self._discard_draft()
        if self.incoming_phone:
            self.action_new_call()

    @work(thread=True, group="draft-discard")
    def _discard_draft(self) -> None:
        assert self.actor is not None
        try:
            self.services.drafts.discard(self.actor)
        except Exception as exc:  # the console never shows a traceback
            self.call_from_thread(self.notify, error_text(self.t, exc), severity="warning")

    def action_sign_out(self) -> None:
        self._flush_drafts()
        self.actor = None
        self.pending_draft = None
        self._pop_to(1)
        sign_in = self.screen
        if isinstance(sign_in, SignInScreen):
            sign_in.reset()

    # -- keys of every screen ------------------------------------------------------------

    async def action_quit(self) -> None:
        """Ctrl+Q: an intake typed a moment ago is saved as a draft before the console closes."""
        self._flush_drafts()
        self.exit()

    def _flush_drafts(self) -> None:
        # On the UI thread on purpose: the console is about to close or the account to
        # change, and a worker would find no account signed in.
        for screen in self.screen_stack:
            flush = getattr(screen, "flush_draft", None)
            if callable(flush):
                flush()

    # -- the screen stack: sign-in, the base screen (desk or intake), what is pushed over it

    _BASE_DEPTH = 2

    def _pop_to(self, depth: int) -> None:
        while len(self.screen_stack) > depth:
            self.pop_screen()

    def back(self) -> None:
        """Closes a screen pushed over the base one (Escape on the lead's screens)."""
        if len(self.screen_stack) > self._BASE_DEPTH:
            self.pop_screen()
        else:
            self.action_desk()

    def _show_base(self, screen: Screen[None]) -> None:
        """Shows ``screen`` (the desk or an intake) as the base screen, closing what was
        over the previous one."""
        self._pop_to(self._BASE_DEPTH)
        if len(self.screen_stack) == self._BASE_DEPTH:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_desk(self) -> None:
        from svcdesk.ui.screens.desk import DeskScreen

        if self.actor is None:
            return
        self._pop_to(self._BASE_DEPTH)
        if not isinstance(self.screen, DeskScreen):
            self._show_base(DeskScreen())

    def action_new_call(self) -> None:
        """F2: a new call. On the intake screen itself the screen handles it."""
        if self.pending_draft is not None:
            self._offer_draft(self.pending_draft)
            return
        self._open_intake(phone=self.incoming_phone)
        self.incoming_phone = None

    def _open_intake(self, *, phone: str | None = None, draft: Draft | None = None) -> None:
        from svcdesk.ui.screens.intake import IntakeScreen

        if self.actor is None:
            return
        self._show_base(IntakeScreen(phone=phone, draft=draft))

    def action_knowledge_base(self) -> None:
        from svcdesk.ui.screens.kb import KbScreen

        if self.actor is None:
            return
        self.push_screen(KbScreen())

    def action_queue(self) -> None:
        """F6: the queue (a lead's dispatch queue; an agent's own open tickets)."""
        from svcdesk.ui.screens.queue import QueueScreen

        # Not isinstance: the office's lists are a QueueScreen too, and F6 leaves them.
        if self.actor is not None and type(self.screen) is not QueueScreen:
            self.push_screen(QueueScreen())

    def action_callbacks(self) -> None:
        """F7: my callbacks."""
        from svcdesk.ui.screens.callbacks import CallbacksScreen

        if self.actor is not None and not isinstance(self.screen, CallbacksScreen):
            self.push_screen(CallbacksScreen())
