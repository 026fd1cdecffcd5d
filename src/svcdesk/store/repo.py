"""Queries. Every statement the services need is here, so no SQL lives outside ``store``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from svcdesk.domain.states import OPEN_STATUS_VALUES
from svcdesk.store.models import (
    Account,
    Audit,
    CalendarYear,
    Callback,
    KbEntry,
    Referral,
    Ticket,
    TicketKb,
    Unit,
)
from svcdesk.store.search import like_pattern

OPEN = OPEN_STATUS_VALUES
_NEVER = datetime.max.replace(tzinfo=UTC)  # open tickets always have a deadline


def next_ticket_serial(session: Session, day: str) -> int:
    """Atomically hands out the next serial of ``day``; the row lock (PostgreSQL) or the
    write transaction (SQLite, BEGIN IMMEDIATE) keeps concurrent writers apart."""
    row = (
        session.connection()
        .execute(
            text(
                "INSERT INTO ticketcounter (day, last) VALUES (:day, 1) "
                "ON CONFLICT (day) DO UPDATE SET last = ticketcounter.last + 1 RETURNING last"
            ),
            {"day": day},
        )
        .one()
    )
    return int(row[0])


def names_nothing(key: str) -> bool:
    """Whether a typed key cannot name anything stored: it holds a NUL character or a lone
    surrogate (undecodable bytes on a command line arrive as those). Validation refuses both
    in everything saved, PostgreSQL cannot even take a NUL as a parameter, and neither can
    be encoded as UTF-8, so such a lookup finds nothing, the same on either backend."""
    return "\x00" in key or any("\ud800" <= c <= "\udfff" for c in key)


def ticket_by_number(session: Session, number: str) -> Ticket | None:
    if names_nothing(number):
        return None
    return session.exec(select(Ticket).where(Ticket.number == number)).first()


def tickets_by_ids(session: Session, ids: Iterable[int]) -> list[Ticket]:
    ids = list(ids)
    if not ids:
        return []
    return list(session.exec(select(Ticket).where(col(Ticket.id).in_(ids))))


def numbers_by_ids(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.exec(select(Ticket.id, Ticket.number).where(col(Ticket.id).in_(ids)))
    return {int(i): n for i, n in rows if i is not None}


def account_by_username(session: Session, username: str) -> Account | None:
    if names_nothing(username):
        return None
    return session.exec(select(Account).where(Account.username == username)).first()


def accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.username)))


def usernames_by_ids(session: Session, ids: Iterable[int]) -> dict[int, str]:
    ids = list({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = session.exec(select(Account.id, Account.username).where(col(Account.id).in_(ids)))
    return {int(i): u for i, u in rows if i is not None}


def unit_by_code(session: Session, code: str) -> Unit | None:
    if names_nothing(code):
        return None
    return session.exec(select(Unit).where(Unit.code == code)).first()


def units(session: Session, active_only: bool = False) -> list[Unit]:
    q = select(Unit).order_by(Unit.code)
    if active_only:
        q = q.where(Unit.active == True)  # noqa: E712
    return list(session.exec(q))


def unit_codes(session: Session) -> dict[int, str]:
    """Every unit's code by its id (a few hundred units: read whole for a report or export)."""
    return {int(i): c for i, c in session.execute(select(col(Unit.id), col(Unit.code)))}


def unit_codes_by_ids(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    ids = list({i for i in ids if i is not None})
    if not ids:
        return {}
    rows = session.exec(select(Unit.id, Unit.code).where(col(Unit.id).in_(ids)))
    return {int(i): c for i, c in rows if i is not None}


def referrals(session: Session) -> list[Referral]:
    return list(session.exec(select(Referral).order_by(Referral.key)))


def referral_by_key(session: Session, key: str) -> Referral | None:
    return session.exec(select(Referral).where(Referral.key == key)).first()


def kb_by_title(session: Session, title: str) -> KbEntry | None:
    return session.exec(select(KbEntry).where(KbEntry.title == title)).first()


def kb_search(session: Session, needle: str, limit: int = 20) -> list[KbEntry]:
    needle = needle.strip()
    q = select(KbEntry)
    if needle:
        pattern = like_pattern(needle)
        q = q.where(
            or_(
                col(KbEntry.title).like(pattern, escape="\\"),
                col(KbEntry.keywords).like(pattern, escape="\\"),
                col(KbEntry.answer).like(pattern, escape="\\"),
            )
        )
    return list(session.exec(q.order_by(KbEntry.title).limit(limit)))


def list_tickets(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    category: str | None = None,
    unit_id: int | None = None,
    accepted_by_id: int | None = None,
    overdue_at: datetime | None = None,
    created_from: datetime | None = None,
    created_to: datetime | None = None,
    order: str = "newest",
    limit: int | None = 50,
    offset: int = 0,
) -> list[Ticket]:
    wanted = list(statuses or (OPEN if overdue_at is not None else ()))
    wanted = [s for s in wanted if overdue_at is None or s in OPEN]
    if order == "deadline" and limit is not None and len(wanted) > 1 and set(wanted) <= set(OPEN):
        # One read per status, each walking the (status, deadline_at) index in order and
        # stopping at the page's end, then merged: one read with ``status IN (…)`` would
        # fetch and sort every open ticket to return a page of them.
        per_status = [
            t
            for status in wanted
            for t in list_tickets(
                session,
                statuses=[status],
                category=category,
                unit_id=unit_id,
                accepted_by_id=accepted_by_id,
                overdue_at=overdue_at,
                created_from=created_from,
                created_to=created_to,
                order=order,
                limit=offset + limit,
            )
        ]
        per_status.sort(key=lambda t: (t.deadline_at or _NEVER, t.id or 0))
        return per_status[offset : offset + limit]
    q = select(Ticket)
    if statuses:
        q = q.where(col(Ticket.status).in_(list(statuses)))
    if category:
        q = q.where(Ticket.category == category)
    if unit_id is not None:
        q = q.where(Ticket.unit_id == unit_id)
    if accepted_by_id is not None:
        q = q.where(Ticket.accepted_by_id == accepted_by_id)
    if overdue_at is not None:
        q = q.where(col(Ticket.status).in_(OPEN)).where(col(Ticket.deadline_at) < overdue_at)
    if created_from is not None:
        q = q.where(col(Ticket.created_at) >= created_from)
    if created_to is not None:
        q = q.where(col(Ticket.created_at) < created_to)
    if order == "deadline":
        q = q.order_by(col(Ticket.deadline_at).asc(), col(Ticket.id).asc())
    else:
        q = q.order_by(col(Ticket.id).desc())
    if limit is not None:
        q = q.limit(limit)
    if offset:
        q = q.offset(offset)
    return list(session.exec(q))


def tickets_by_phone(session: Session, phone: str, limit: int = 20) -> list[Ticket]:
    return list(
        session.exec(
            select(Ticket)
            .where(Ticket.caller_phone == phone)
            .order_by(col(Ticket.created_at).desc())
            .limit(limit)
        )
    )


def audit_for_ticket(session: Session, ticket_id: int) -> list[Audit]:
    return list(session.exec(select(Audit).where(Audit.ticket_id == ticket_id).order_by(col(Audit.id))))


def audit_all(session: Session, limit: int = 100) -> list[Audit]:
    return list(session.exec(select(Audit).order_by(col(Audit.id).desc()).limit(limit)))


def callbacks_for_ticket(session: Session, ticket_id: int) -> list[Callback]:
    return list(
        session.exec(select(Callback).where(Callback.ticket_id == ticket_id).order_by(col(Callback.id)))
    )


def group_member_ids(session: Session, group_id: int) -> list[int]:
    rows = session.exec(select(Ticket.id).where(Ticket.group_id == group_id).order_by(col(Ticket.id)))
    return [int(r) for r in rows if r is not None]


def regroup(session: Session, old_group: int, new_group: int) -> None:
    for t in session.exec(select(Ticket).where(Ticket.group_id == old_group)):
        t.group_id = new_group
        session.add(t)


def kb_ids_for_ticket(session: Session, ticket_id: int) -> list[int]:
    return [int(r) for r in session.exec(select(TicketKb.kb_id).where(TicketKb.ticket_id == ticket_id))]


def calendar_years(session: Session) -> list[CalendarYear]:
    return list(session.exec(select(CalendarYear)))


def provisional_open_tickets(session: Session) -> list[Ticket]:
    return list(
        session.exec(
            select(Ticket)
            .where(col(Ticket.status).in_(OPEN))
            .where(or_(col(Ticket.due_provisional).is_(True), col(Ticket.callback_due_provisional).is_(True)))
        )
    )


def count_tickets(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Ticket)).one())


def count_audit(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(Audit)).one())
