"""What every screen of the console shares: the App that holds the services and the
signed-in account, the translator, and key descriptions in the interface language."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, cast

from textual import events, on
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea

from svcdesk.i18n import Translator
from svcdesk.services.context import Actor
from svcdesk.ui.keys import translate_bindings

if TYPE_CHECKING:
    from svcdesk.ui.app import SvcdeskApp

ResultT = TypeVar("ResultT")


class _Shared:
    @on(events.DescendantFocus)
    def _cursor_blink(self, event: events.DescendantFocus) -> None:
        # A console started with cursor_blink=False (snapshots, recordings) keeps every
        # text cursor still.
        widget = event.widget
        if isinstance(widget, Input | TextArea) and not self.svc_app.cursor_blink:
            widget.cursor_blink = False

    @property
    def svc_app(self) -> SvcdeskApp:
        return cast("SvcdeskApp", self.app)  # type: ignore[attr-defined]

    @property
    def t(self) -> Translator:
        return self.svc_app.t

    @property
    def actor(self) -> Actor:
        actor = self.svc_app.actor
        if actor is None:
            raise RuntimeError("no account is signed in")
        return actor


class SvcScreen(_Shared, Screen[ResultT]):
    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self, self.svc_app.t)


class SvcModal(_Shared, ModalScreen[ResultT]):
    def __init__(self, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self, self.svc_app.t)
