"""Formatting shared by the lead's screens: time left or late, local times, masked callers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from svcdesk.domain import limits
from svcdesk.i18n import Translator


def span_text(t: Translator, seconds: float) -> str:
    """A length of time in days and hours, hours and minutes, or minutes."""
    minutes = int(abs(seconds) // 60)
    if minutes >= 1440:
        return t("lead.span.days", d=minutes // 1440, h=minutes % 1440 // 60)
    if minutes >= 60:
        return t("lead.span.hours", h=minutes // 60, m=minutes % 60)
    return t("lead.span.minutes", m=minutes)


def left_text(t: Translator, deadline: datetime | None, now: datetime, provisional: bool = False) -> Text:
    """Time left before ``deadline`` (plain), or how late (red); under an hour left, yellow.
    Minutes are enough: the column is refreshed every second from the loaded deadlines."""
    if deadline is None:
        return Text("")
    seconds = (deadline - now).total_seconds()
    span = span_text(t, seconds)
    mark = "*" if provisional else ""
    if seconds < 0:
        return Text(t("lead.late", span=span) + mark, style="bold red")
    style = "yellow" if seconds < limits.DISPATCH_LIMIT.total_seconds() else ""
    return Text(t("lead.left", span=span) + mark, style=style)


def refresh_left(
    table: DataTable[Any],
    t: Translator,
    now: datetime,
    rows: Iterable[tuple[str, datetime | None, bool]],
    shown: dict[str, Text],
) -> None:
    """Rewrites the "left" cell of each (row key, deadline, provisional) whose time left has
    changed since ``shown``: every write redraws the table, and the text changes once a
    minute. No query: the deadlines are the loaded rows'."""
    for key, deadline, provisional in rows:
        text = left_text(t, deadline, now, provisional)
        if shown.get(key) == text:
            continue
        shown[key] = text
        try:
            table.update_cell(key, "left", text)
        except Exception:  # the row left the table while a page was being filled
            continue


FULL = "%Y-%m-%d %H:%M"
"""A time with its date, for the detail and the handover (the tables use ``local``'s default)."""


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
