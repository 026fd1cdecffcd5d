"""Call quality scorecards (质检, spec §12)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from svcdesk.store.models import Account, QualityScore


def scores_between(session: Session, start: datetime, end: datetime) -> list[tuple[QualityScore, str, str]]:
    """Scorecards of calls scored in [start, end), each with the agent's user and display name."""
    q = (
        select(QualityScore, Account.username, Account.display_name)
        .join(Account, col(Account.id) == col(QualityScore.agent_id))
        .where(col(QualityScore.at) >= start)
        .where(col(QualityScore.at) < end)
        .order_by(col(QualityScore.at), col(QualityScore.id))
    )
    return [(q_, u, d) for q_, u, d in session.exec(q)]


def scores_for_ticket(session: Session, ticket_id: int) -> list[QualityScore]:
    return list(
        session.exec(
            select(QualityScore).where(QualityScore.ticket_id == ticket_id).order_by(col(QualityScore.id))
        )
    )
