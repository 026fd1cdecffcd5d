"""At sign-in: the account's unfinished intake, offered back exactly as it was."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from svcdesk.services.drafts import Draft
from svcdesk.ui.screens.base import SvcModal


class DraftOfferScreen(SvcModal[bool | None]):
    """True: resume it; False: discard it; None (Escape): decide later (it stays)."""

    CSS_PATH = "draft_offer.tcss"
    BINDINGS: ClassVar = [
        Binding("r,enter", "answer(True)", "key.draft.resume"),
        Binding("d", "answer(False)", "key.draft.discard"),
        Binding("escape", "later", "key.draft.later"),
    ]

    def __init__(self, draft: Draft) -> None:
        super().__init__()
        self.draft = draft

    def compose(self) -> ComposeResult:
        t = self.t
        fields = self.draft.data.get("fields", {})
        tz = self.svc_app.services.settings.tz
        at = self.draft.saved_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        details = " ".join(str(fields.get("details") or "").split())
        with Vertical(id="draft-box"):
            yield Static(t("draft.offer.title"), id="draft-title", markup=False)
            yield Static(t("draft.offer.saved", at=at), markup=False)
            if self.draft.where == "local":
                yield Static(t("draft.offer.local"), markup=False)
            yield Static(
                t(
                    "draft.offer.summary",
                    phone=fields.get("caller_phone") or "-",
                    name=fields.get("caller_name") or "-",
                    details=(details[:60] + "~") if len(details) > 60 else (details or "-"),
                ),
                id="draft-summary",
                markup=False,
            )
            yield Static(t("draft.offer.keys"), id="draft-keys", markup=False)

    def action_answer(self, resume: bool) -> None:
        self.dismiss(resume)

    def action_later(self) -> None:
        self.dismiss(None)
