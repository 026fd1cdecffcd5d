"""The console's App: small on purpose. Screens own their bindings and call services from
workers; the App holds the dependencies it was given and the signed-in account."""

from __future__ import annotations

from textual.app import App

from svcdesk.i18n import Translator
from svcdesk.services.context import Actor
from svcdesk.services.factory import Services
from svcdesk.ui.screens.sign_in import SignInScreen


class SvcdeskApp(App[None]):
    TITLE = "svcdesk"
    CSS_PATH = "app.tcss"
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def __init__(self, services: Services, *, lang: str = "en", phone: str | None = None) -> None:
        super().__init__()
        self.services = services
        self.t = Translator(lang)
        self.actor: Actor | None = None
        self.incoming_phone = phone

    def on_mount(self) -> None:
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")
        self.push_screen(SignInScreen())

    def signed_in(self, actor: Actor) -> None:
        from svcdesk.ui.screens.home import HomeScreen

        self.actor = actor
        self.switch_screen(HomeScreen())
