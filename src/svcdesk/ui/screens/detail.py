"""A ticket's detail: the request, the unit's reply, the whole history (the audit trail as a
readable timeline), the call's hold periods, the bound tickets, the knowledge-base answers
used and the callbacks. The steps keys of the queue work here too, on this ticket."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from svcdesk.services.detail import TicketDetail
from svcdesk.ui.errors import error_text
from svcdesk.ui.lead_format import FULL, left_text, local
from svcdesk.ui.screens.steps import STEP_BINDINGS, StepsScreen, Target


class DetailScreen(StepsScreen):
    CSS_PATH = "detail.tcss"
    BINDINGS: ClassVar = [Binding("escape", "back", "key.back"), *STEP_BINDINGS]

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.detail: TicketDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="detail"):
            yield Static(self.t("lead.loading"), id="detail-head")
            yield Static("", id="detail-request")
            yield Static("", id="detail-timeline")
            yield Static("", id="detail-extra")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail", VerticalScroll).focus()
        self.load()

    @work(thread=True, exclusive=True, group="detail")
    def load(self) -> None:
        try:
            detail = self.svc_app.services.lead.detail.get(self.actor, self.number)
        except Exception as exc:  # the console never shows a traceback
            self.app.call_from_thread(self._failed, error_text(self.t, exc))
            return
        self.app.call_from_thread(self._fill, detail)

    def _failed(self, text: str) -> None:
        self.query_one("#detail-head", Static).update(Text(text, style="bold red"))

    def target(self) -> Target | None:
        if self.detail is None:
            return None
        v = self.detail.ticket
        return Target(v.number, v.details[:120], v.unit, v.urgent)

    def after_step(self, number: str) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def _section(self, out: Text, key: str) -> None:
        out.append("\n" + self.t(key) + "\n", style="bold underline")

    def _fill(self, detail: TicketDetail) -> None:
        self.detail = detail
        t = self.t
        tz = self.svc_app.services.settings.tz
        now = self.svc_app.services.clock.now()
        v = detail.ticket
        head = Text()
        head.append(f"{v.number}  ", style="bold")
        head.append(t(f"status.{v.status}"), style="bold reverse")
        if v.urgent:
            head.append("  " + t("lead.urgent"), style="bold red")
        if v.major:
            head.append("  " + t("lead.major"), style="bold red")
        if v.supervised:
            head.append("  " + t("lead.supervised"), style="bold yellow")
        if v.escalated:
            head.append("  " + t("lead.escalated"), style="bold yellow")
        if v.round > 1:
            head.append("  " + t("lead.round", n=v.round), style="bold")
        head.append("\n")
        head.append(
            t(
                "lead.detail.line1",
                category=t(f"category.{v.category}"),
                subtype=t(f"subtype.{v.category}.{v.subtype}"),
                mode=t(f"mode.{v.mode}"),
                unit=v.unit or "-",
            )
            + "\n"
        )
        caller = v.caller_name or t("lead.anonymous")
        head.append(
            t("lead.detail.caller", name=caller, phone=v.caller_phone or "-", by=v.accepted_by or "-")
        )
        head.append("\n" + t("lead.detail.created", at=local(v.created_at, tz, FULL)))
        if v.deadline_at is not None:
            head.append("   " + t("lead.detail.deadline", at=local(v.deadline_at, tz, FULL)) + " ")
            head.append(left_text(t, v.deadline_at, now, v.due_provisional))
        self.query_one("#detail-head", Static).update(head)

        req = Text()
        self._section(req, "lead.detail.request")
        if v.event_time:
            req.append(t("lead.detail.event", at=local(v.event_time, tz, FULL), place=v.place or "-") + "\n")
        req.append(v.details + "\n")
        if v.direct_result:
            req.append(t("lead.detail.direct", result=v.direct_result) + "\n")
        if v.reply_text:
            self._section(req, "lead.detail.reply")
            req.append(f"{local(v.replied_at, tz, FULL)}  {v.reply_text}\n")
        if v.return_reason:
            req.append(t("lead.returned", reason=v.return_reason) + "\n", style="yellow")
        self.query_one("#detail-request", Static).update(req)

        line = Text()
        self._section(line, "lead.detail.history")
        for h in v.history or []:
            line.append(f"{local(h.at, tz, FULL)}  ", style="dim")
            line.append(f"{h.account or '-':<8} ", style="bold")
            action = f"lead.action.{h.action}"
            line.append(t(action) if t(action) != action else h.action, style="cyan")
            if h.note:
                line.append(f"  {h.note}")
            line.append("\n")
        self.query_one("#detail-timeline", Static).update(line)

        extra = Text()
        self._section(extra, "lead.detail.callbacks")
        if not v.callbacks:
            extra.append(t("lead.none") + "\n", style="dim")
        for c in v.callbacks or []:
            extra.append(
                f"{local(c.at, tz, FULL)}  {c.account or '-'}  {t(f'lead.result.{c.result}')}"
                f"  {t('lead.round', n=c.round)}"
            )
            if c.next_at:
                extra.append("  " + t("lead.next_at", at=local(c.next_at, tz, FULL)))
            if c.note:
                extra.append(f"  {c.note}")
            extra.append("\n")
        self._section(extra, "lead.detail.holds")
        if not detail.holds:
            extra.append(t("lead.none") + "\n", style="dim")
        for hold in detail.holds:
            end = local(hold.ended_at, tz, "%H:%M:%S") if hold.ended_at else t("lead.on_hold_now")
            extra.append(
                t(
                    "lead.detail.hold",
                    start=local(hold.started_at, tz, "%H:%M:%S"),
                    end=end,
                    breaks=hold.breaks,
                )
            )
            if hold.callback_offered:
                extra.append("  " + t("lead.detail.hold.offered"))
            extra.append("\n")
        self._section(extra, "lead.detail.bound")
        if not detail.bound:
            extra.append(t("lead.none") + "\n", style="dim")
        for b in detail.bound:
            extra.append(
                f"{b.number}  {t(f'status.{b.status}')}  {b.caller_name or t('lead.anonymous')}  {b.place}\n"
            )
        self._section(extra, "lead.detail.kb")
        if not detail.kb:
            extra.append(t("lead.none") + "\n", style="dim")
        for k in detail.kb:
            extra.append(f"{k.title}  ({k.department} {k.contact})\n")
        if detail.scores:
            self._section(extra, "lead.detail.scores")
            for at, total in detail.scores:
                extra.append(f"{local(at, tz, FULL)}  {total:g}/100\n")
        self.query_one("#detail-extra", Static).update(extra)
