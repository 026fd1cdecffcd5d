"""The follow-up steps, one key each, shared by the queue, the office's lists and the ticket's
detail: dispatch (d), remind (r), a unit's reply (p), a return (b), escalate to the office (x),
supervise (s), close a supervised ticket (e), score the call (q). A key is offered only to a
role that may take the step (``check_action``); the service checks again and its refusal is
shown, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import work
from textual.binding import Binding

from svcdesk.domain.roles import Permission
from svcdesk.services.quality import NORMS
from svcdesk.ui.lead_format import step_error
from svcdesk.ui.screens.base import SvcScreen
from svcdesk.ui.screens.dialogs import DispatchChoice, DispatchDialog, Field, FormDialog


@dataclass(frozen=True)
class Target:
    """The ticket a step applies to, and a line describing it for the dialog."""

    number: str
    about: str
    unit: str | None = None
    urgent: bool = False


STEP_PERMISSIONS: dict[str, Permission] = {
    "dispatch": Permission.DISPATCH,
    "remind": Permission.REMIND,
    "reply": Permission.RECORD_REPLY,
    "return": Permission.RECORD_RETURN,
    "escalate": Permission.REMIND,
    "supervise": Permission.SUPERVISE,
    "close": Permission.CLOSE_SUPERVISED,
    "score": Permission.SCORE_QUALITY,
}

STEP_BINDINGS: list[Binding] = [
    Binding("d", "dispatch", "key.lead.dispatch"),
    Binding("r", "remind", "key.lead.remind"),
    Binding("p", "reply", "key.lead.reply"),
    Binding("b", "return", "key.lead.return"),
    Binding("x", "escalate", "key.lead.escalate"),
    Binding("s", "supervise", "key.lead.supervise"),
    Binding("e", "close", "key.lead.close"),
    Binding("q", "score", "key.lead.score"),
]


class StepsScreen(SvcScreen[None]):
    """A screen with a current ticket (``target``) on which the steps act."""

    BINDINGS: ClassVar = list(STEP_BINDINGS)

    def target(self) -> Target | None:
        raise NotImplementedError

    def after_step(self, number: str) -> None:
        """Called on the UI thread once a step succeeded: reload what is shown."""

    def show_message(self, text: str, error: bool = False) -> None:
        self.notify(text, severity="error" if error else "information", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        permission = STEP_PERMISSIONS.get(action)
        return not (permission is not None and not self.actor.can(permission))

    def _with_target(self) -> Target | None:
        target = self.target()
        if target is None:
            self.show_message(self.t("lead.no_ticket"), error=True)
        return target

    # -- the steps -----------------------------------------------------------------------

    def action_dispatch(self) -> None:
        target = self._with_target()
        if target is None:
            return

        def chosen(choice: DispatchChoice | None) -> None:
            if choice is not None:
                self.run_step(
                    target.number,
                    "lead.done.dispatch",
                    lambda: self.svc_app.services.tickets.dispatch(
                        self.actor, target.number, choice.unit, choice.days, choice.urgent, choice.note
                    ),
                )

        self.app.push_screen(DispatchDialog(target.number, target.about, target.unit, target.urgent), chosen)

    def _form(
        self,
        step: str,
        fields: list[Field],
        call: Callable[[Target, dict[str, str]], Any],
    ) -> None:
        target = self._with_target()
        if target is None:
            return

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self.run_step(target.number, f"lead.done.{step}", lambda: call(target, values))

        title = self.t(f"lead.{step}.title", number=target.number)
        self.app.push_screen(FormDialog(title, target.about, fields, dialog_id=f"{step}-dialog"), done)

    def action_remind(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "remind",
            [Field("note", "lead.field.note", placeholder="lead.remind.placeholder")],
            lambda t, v: tickets.remind(self.actor, t.number, v["note"]),
        )

    def action_reply(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "reply",
            [
                Field("text", "lead.field.reply", required=True, max_length=4000),
                Field("handler", "lead.field.handler", max_length=80),
            ],
            lambda t, v: tickets.reply(self.actor, t.number, v["text"], handler=v["handler"]),
        )

    def action_return(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "return",
            [Field("reason", "lead.field.reason", required=True)],
            lambda t, v: tickets.return_(self.actor, t.number, v["reason"]),
        )

    def action_escalate(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "escalate",
            [Field("note", "lead.field.note")],
            lambda t, v: tickets.escalate(self.actor, t.number, v["note"]),
        )

    def action_supervise(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "supervise",
            [Field("note", "lead.field.note")],
            lambda t, v: tickets.supervise(self.actor, t.number, v["note"]),
        )

    def action_close(self) -> None:
        tickets = self.svc_app.services.tickets
        self._form(
            "close",
            [Field("note", "lead.field.close", required=True)],
            lambda t, v: tickets.close_supervised(self.actor, t.number, v["note"]),
        )

    def action_score(self) -> None:
        quality = self.svc_app.services.lead.quality
        fields = [
            Field(key, f"lead.norm.{key}", required=True, value=str(points), max_length=3)
            for key, points in NORMS.items()
        ]
        fields.append(Field("note", "lead.field.note"))

        def score(target: Target, values: dict[str, str]) -> Any:
            items: dict[str, int] = {}
            for key in NORMS:
                try:
                    items[key] = int(values[key])
                except ValueError:
                    items[key] = -1  # the service names the field and its range
            return quality.score(self.actor, items, ticket=target.number, note=values["note"])

        self._form("score", fields, score)

    # -- running one ---------------------------------------------------------------------

    @work(thread=True, group="step")
    def run_step(self, number: str, done_key: str, call: Callable[[], Any]) -> None:
        try:
            call()
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self.show_message, step_error(self.t, exc), True)
            return
        self.app.call_from_thread(self._stepped, number, done_key)

    def _stepped(self, number: str, done_key: str) -> None:
        self.show_message(self.t(done_key, number=number))
        self.after_step(number)
