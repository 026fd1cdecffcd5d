"""Candidates for the intake's suggested classification: recent tickets sharing a fragment of
the place or the details. The window of recent tickets bounds the work whatever the size of
the database (the suggestion follows how the centre classifies matters now)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from svcdesk.store.models import Ticket, Unit
from svcdesk.store.search import like_pattern


@dataclass(frozen=True)
class Candidate:
    number: str
    place: str
    details: str
    category: str
    subtype: str
    unit: str | None


def similar_candidates(
    session: Session,
    place_terms: list[str],
    detail_terms: list[str],
    *,
    window: int = 10_000,
    limit: int = 300,
) -> list[Candidate]:
    """Tickets among the last ``window`` whose place contains one of ``place_terms`` or whose
    details contain one of ``detail_terms``, newest first."""
    if not place_terms and not detail_terms:
        return []
    top = session.exec(select(func.max(Ticket.id))).one()
    if top is None:
        return []
    conditions = [col(Ticket.place).like(like_pattern(t), escape="\\") for t in place_terms]
    conditions += [col(Ticket.details).like(like_pattern(t), escape="\\") for t in detail_terms]
    q = (
        core_select(
            col(Ticket.number),
            col(Ticket.place),
            col(Ticket.details),
            col(Ticket.category),
            col(Ticket.subtype),
            col(Unit.code),
        )
        .outerjoin(Unit, col(Unit.id) == col(Ticket.unit_id))
        .where(col(Ticket.id) > int(top) - window)
        .where(or_(*conditions))
        .order_by(col(Ticket.id).desc())
        .limit(limit)
    )
    return [Candidate(n, p or "", d or "", c, s, u) for n, p, d, c, s, u in session.connection().execute(q)]
