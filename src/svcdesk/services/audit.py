"""The append-only audit trail: every change to a ticket, with who and when."""

from __future__ import annotations

from datetime import datetime

from svcdesk.services.context import Actor
from svcdesk.store.database import Session
from svcdesk.store.models import Audit


def record(
    session: Session,
    actor: Actor | None,
    at: datetime,
    action: str,
    note: str = "",
    ticket_id: int | None = None,
) -> None:
    session.add(
        Audit(
            at=at,
            account_id=actor.id if actor else None,
            ticket_id=ticket_id,
            action=action,
            note=note,
        )
    )
