"""Formatting shared by the lead's screens: time left or late, local times, masked callers."""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text

from svcdesk.domain import limits
from svcdesk.i18n import Translator


def left_text(t: Translator, deadline: datetime | None, now: datetime, provisional: bool = False) -> Text:
    """Time left before ``deadline`` (plain), or how late (red); under an hour left, yellow.
    Minutes are enough: the column is refreshed every second from the loaded deadlines."""
    if deadline is None:
        return Text("")
    seconds = (deadline - now).total_seconds()
    minutes = int(abs(seconds) // 60)
    if minutes >= 1440:
        span = t("lead.span.days", d=minutes // 1440, h=minutes % 1440 // 60)
    elif minutes >= 60:
        span = t("lead.span.hours", h=minutes // 60, m=minutes % 60)
    else:
        span = t("lead.span.minutes", m=minutes)
    mark = "*" if provisional else ""
    if seconds < 0:
        return Text(t("lead.late", span=span) + mark, style="bold red")
    style = "yellow" if seconds < limits.DISPATCH_LIMIT.total_seconds() else ""
    return Text(t("lead.left", span=span) + mark, style=style)


def local(at: datetime | None, tz: tzinfo, fmt: str = "%m-%d %H:%M") -> str:
    return "" if at is None else at.astimezone(tz).strftime(fmt)


def short(text: str, width: int) -> str:
    """One line of at most ``width`` characters (a CJK character counts as one here; the
    table's column width does the rest)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "~"


FIELD_LABELS = {
    "note": "lead.field.note",
    "text": "lead.field.reply",
    "handler": "lead.field.handler",
    "reason": "lead.field.reason",
    "unit": "lead.dispatch.unit",
    "days": "lead.dispatch.days",
    "next_at": "lead.field.next_at",
}


def step_error(t: Translator, exc: BaseException) -> str:
    """A refusal of a follow-up step: a wrong field is named in the interface language (a
    norm of the scorecard, the unit, the reason...), anything else as ``error_text`` says it."""
    from svcdesk.i18n import CATALOGUES
    from svcdesk.services.errors import Invalid
    from svcdesk.ui.errors import error_text

    if isinstance(exc, Invalid) and exc.field:
        key = FIELD_LABELS.get(exc.field, f"lead.norm.{exc.field}")
        label = t(key) if key in CATALOGUES["en"] else exc.field
        return f"{label}: {str(exc).split(': ', 1)[-1]}"
    return error_text(t, exc)
