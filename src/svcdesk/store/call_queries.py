"""Queries of the call itself (spec §6): the call row, its hold periods and their events."""

from __future__ import annotations

from sqlmodel import Session, col, select

from svcdesk.store.models import Call, HoldEvent, HoldPeriod


def call_by_id(session: Session, call_id: int) -> Call | None:
    return session.get(Call, call_id)


def open_hold(session: Session, call_id: int) -> HoldPeriod | None:
    """The hold of ``call_id`` that has not ended, if any (at most one by construction)."""
    return session.exec(
        select(HoldPeriod)
        .where(HoldPeriod.call_id == call_id)
        .where(col(HoldPeriod.ended_at).is_(None))
        .order_by(col(HoldPeriod.id).desc())
    ).first()


def holds_with_events(session: Session, call_id: int) -> list[tuple[HoldPeriod, list[HoldEvent]]]:
    holds = list(
        session.exec(select(HoldPeriod).where(HoldPeriod.call_id == call_id).order_by(col(HoldPeriod.id)))
    )
    if not holds:
        return []
    ids = [h.id for h in holds if h.id is not None]
    events = list(
        session.exec(select(HoldEvent).where(col(HoldEvent.hold_id).in_(ids)).order_by(col(HoldEvent.id)))
    )
    by_hold: dict[int, list[HoldEvent]] = {i: [] for i in ids}
    for e in events:
        by_hold[e.hold_id].append(e)
    return [(h, by_hold.get(h.id or 0, [])) for h in holds]
