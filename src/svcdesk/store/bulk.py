"""Bulk loading for the demo and benchmark generator: plain executemany, no ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlmodel import Session, SQLModel, col

from svcdesk.store.models import Account, Audit, Callback, Ticket, TicketCounter, TicketLink, Unit


def insert_rows(session: Session, model: type[SQLModel], rows: Iterable[Mapping[str, Any]]) -> int:
    rows = list(rows)
    if rows:
        session.connection().execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def insert_tickets(session: Session, rows: list[dict[str, Any]]) -> None:
    insert_rows(session, Ticket, rows)


def insert_audit(session: Session, rows: list[dict[str, Any]]) -> None:
    insert_rows(session, Audit, rows)


def insert_callbacks(session: Session, rows: list[dict[str, Any]]) -> None:
    insert_rows(session, Callback, rows)


def insert_links(session: Session, rows: list[dict[str, Any]]) -> None:
    insert_rows(session, TicketLink, rows)


def set_counters(session: Session, last_by_day: Mapping[str, int]) -> None:
    for day, last in last_by_day.items():
        row = session.get(TicketCounter, day)
        if row is None:
            session.add(TicketCounter(day=day, last=last))
        else:
            row.last = max(row.last, last)
            session.add(row)


def max_ticket_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Ticket.id), 0))).scalar_one())


def unit_ids(session: Session) -> list[tuple[int, str, str]]:
    return [
        (int(i), c, k) for i, c, k in session.execute(select(col(Unit.id), col(Unit.code), col(Unit.kind)))
    ]


def account_ids(session: Session) -> dict[str, int]:
    return {u: int(i) for i, u in session.execute(select(col(Account.id), col(Account.username)))}


def existing_numbers_on(session: Session, days: Iterable[str]) -> dict[str, int]:
    out = {}
    for day in days:
        row = session.get(TicketCounter, day)
        if row is not None:
            out[day] = row.last
    return out
