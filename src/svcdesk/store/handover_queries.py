"""The shift handover log (交接班) and the duty record (值班记录)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from svcdesk.store.models import DutyRecord, HandoverEntry


def handover_by_id(session: Session, entry_id: int) -> HandoverEntry | None:
    return session.get(HandoverEntry, entry_id)


def handovers(session: Session, *, unacknowledged: bool = False, limit: int = 20) -> list[HandoverEntry]:
    """The latest handover logs, newest first."""
    q = select(HandoverEntry)
    if unacknowledged:
        q = q.where(col(HandoverEntry.acknowledged_at).is_(None))
    return list(
        session.exec(
            q.order_by(col(HandoverEntry.created_at).desc(), col(HandoverEntry.id).desc()).limit(limit)
        )
    )


def duty_records(session: Session, since: datetime | None = None, limit: int = 100) -> list[DutyRecord]:
    """Duty record entries, newest first."""
    q = select(DutyRecord)
    if since is not None:
        q = q.where(col(DutyRecord.at) >= since)
    return list(session.exec(q.order_by(col(DutyRecord.at).desc(), col(DutyRecord.id).desc()).limit(limit)))
