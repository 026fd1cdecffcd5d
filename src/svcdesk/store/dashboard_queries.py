"""What the shift lead's dashboard reads besides the report figures of ``services.metrics``:
the dispatch queue's size and age, the agents on hold now, the ticket's detail extras."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from svcdesk.store.models import Account, Call, HoldPeriod, KbEntry, Ticket


def awaiting_dispatch(session: Session) -> tuple[int, datetime | None]:
    """Tickets awaiting dispatch and the earliest 1-hour limit among them (from the
    ``(status, deadline_at)`` index: no scan)."""
    n, first = session.exec(
        select(func.count(), func.min(Ticket.deadline_at)).where(Ticket.status == "awaiting_dispatch")
    ).one()
    return int(n), first


def on_hold(session: Session) -> list[tuple[str, str, datetime, int]]:
    """(user name, display name, hold start, breaks so far) of every hold still running,
    longest first."""
    rows = session.exec(
        select(Account.username, Account.display_name, HoldPeriod.started_at, HoldPeriod.breaks)
        .join(Call, col(Call.id) == col(HoldPeriod.call_id))
        .join(Account, col(Account.id) == col(Call.agent_id))
        .where(col(HoldPeriod.ended_at).is_(None))
        .order_by(col(HoldPeriod.started_at))
    )
    return [(u, d, at, int(b)) for u, d, at, b in rows]


def kb_entries(session: Session, ids: list[int]) -> list[tuple[int, str, str, str]]:
    """(id, title, department, contact) of knowledge-base entries."""
    if not ids:
        return []
    rows = session.exec(
        select(KbEntry.id, KbEntry.title, KbEntry.department, KbEntry.contact)
        .where(col(KbEntry.id).in_(ids))
        .order_by(col(KbEntry.title))
    )
    return [(int(i or 0), t, d, c) for i, t, d, c in rows]
