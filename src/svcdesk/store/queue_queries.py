"""The lead's queue, an agent's open tickets, callbacks due and the office's lists.

Every list is ordered by ``deadline_at`` (the nearest limit a ticket can break) and paged by
key — ``(deadline_at, id)`` of the last row shown — so the first page and every next page
walk the ``(status, deadline_at)`` index instead of counting past skipped rows: a page of 50
costs the same on a thousand tickets as on a million.

A bound group (``group_id``) shows as one matter: the member that comes first in the list's
own order stands for it (the others of the group that are in the same list are left out), and
``group_counts`` tells how many tickets and callers the group has.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from sqlalchemy import and_, case, exists, func, or_, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from svcdesk.store.models import Account, Callback, Ticket, Unit


@dataclass(frozen=True)
class QueueFilter:
    """What a list holds. ``deadline_before``/``deadline_from`` bound the nearest limit."""

    statuses: tuple[str, ...]
    """Empty: every status."""
    deadline_before: datetime | None = None
    deadline_from: datetime | None = None
    unit_id: int | None = None
    category: str | None = None
    urgent: bool | None = None
    accepted_by_id: int | None = None
    major: bool | None = None
    supervised: bool | None = None
    escalated: bool | None = None
    returned: bool | None = None
    collapse_groups: bool = True
    group_statuses: tuple[str, ...] | None = None
    """The statuses a group's other members are looked for in (``statuses`` when None): a list
    read one status at a time still shows a group once across all its statuses."""
    created_from: datetime | None = None
    newest_first: bool = False
    """Order by creation, newest first, instead of by deadline (lists that include closed
    tickets, which have no deadline)."""


def _conditions(t: type[Ticket], f: QueueFilter, by_group: bool = False) -> list[ColumnElement[bool]]:
    """``by_group``: the conditions of the inner look-up of a group's other members, which must
    go by the ``group_id`` index. The status is wrapped so that no planner walks the
    ``(status, deadline_at)`` index instead (without statistics SQLite would, and scan every
    earlier ticket of the list for each row)."""
    status = func.coalesce(t.status, "") if by_group else col(t.status)
    statuses = (f.group_statuses or f.statuses) if by_group else f.statuses
    conds: list[ColumnElement[bool]] = [status.in_(list(statuses))] if statuses else []
    if not f.newest_first:
        conds.append(col(t.deadline_at).is_not(None))
    if f.deadline_before is not None:
        conds.append(col(t.deadline_at) < f.deadline_before)
    if f.deadline_from is not None:
        conds.append(col(t.deadline_at) >= f.deadline_from)
    if f.created_from is not None:
        conds.append(col(t.created_at) >= f.created_from)
    if f.unit_id is not None:
        conds.append(col(t.unit_id) == f.unit_id)
    if f.category is not None:
        conds.append(col(t.category) == f.category)
    if f.urgent is not None:
        conds.append(col(t.urgent).is_(f.urgent))
    if f.accepted_by_id is not None:
        conds.append(col(t.accepted_by_id) == f.accepted_by_id)
    if f.major is not None:
        conds.append(col(t.major).is_(f.major))
    if f.supervised is not None:
        conds.append(col(t.supervised).is_(f.supervised))
    if f.escalated is not None:
        conds.append(col(t.escalated).is_(f.escalated))
    if f.returned is not None:
        conds.append(col(t.return_reason) != "" if f.returned else col(t.return_reason) == "")
    return conds


def _before(other: type[Ticket], f: QueueFilter) -> ColumnElement[bool]:
    """``other`` comes before the outer ticket in the list's order."""
    if f.newest_first:
        return or_(
            col(other.created_at) > col(Ticket.created_at),
            and_(col(other.created_at) == col(Ticket.created_at), col(other.id) > col(Ticket.id)),
        )
    return or_(
        col(other.deadline_at) < col(Ticket.deadline_at),
        and_(col(other.deadline_at) == col(Ticket.deadline_at), col(other.id) < col(Ticket.id)),
    )


@functools.cache
def _other() -> type[Ticket]:
    """One alias for the whole process: a new ``aliased(Ticket)`` per page made SQLAlchemy
    rebuild its column proxies and miss its statement cache every time (15 ms of a page's 20).
    Made on first use: making it configures every mapper, 30 ms the console's launch need not
    wait for."""
    return aliased(Ticket, name="other_ticket")  # type: ignore[return-value]


def _where(f: QueueFilter) -> list[ColumnElement[bool]]:
    conds = _conditions(Ticket, f)
    if f.collapse_groups:
        # Another member of the group in the same list and before this one in its order.
        other = _other()
        earlier = exists().where(
            col(other.group_id) == col(Ticket.group_id),
            col(other.id) != col(Ticket.id),
            *_conditions(other, f, by_group=True),  # type: ignore[arg-type]
            _before(other, f),
        )
        conds.append(or_(col(Ticket.group_id).is_(None), ~earlier))
    return conds


_Q = TypeVar("_Q", Select[Ticket, str | None], Select[datetime | None, int | None])


def _ordered(q: _Q, f: QueueFilter, after: tuple[datetime, int] | None) -> _Q:
    """``q`` restricted to the list, after ``after``, in the list's order."""
    q = q.where(*_where(f))
    if f.newest_first:
        if after is not None:
            at, last_id = after
            q = q.where(
                or_(col(Ticket.created_at) < at, and_(col(Ticket.created_at) == at, col(Ticket.id) < last_id))
            )
        return q.order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
    if after is not None:
        at, last_id = after
        q = q.where(
            or_(
                col(Ticket.deadline_at) > at,
                and_(col(Ticket.deadline_at) == at, col(Ticket.id) > last_id),
            )
        )
    return q.order_by(col(Ticket.deadline_at).asc(), col(Ticket.id).asc())


def _with_unit() -> Select[Ticket, str | None]:
    return select(Ticket, Unit.code).join(Unit, col(Unit.id) == col(Ticket.unit_id), isouter=True)


def _page_one(
    session: Session, f: QueueFilter, after: tuple[datetime, int] | None, limit: int
) -> list[tuple[Ticket, str | None]]:
    q = _ordered(_with_unit(), f, after)
    return [(t, code) for t, code in session.exec(q.limit(limit))]


def order_key(t: Ticket, f: QueueFilter) -> tuple[datetime, int]:
    at = t.created_at if f.newest_first else t.deadline_at
    assert at is not None and t.id is not None
    return at, t.id


def page(
    session: Session,
    f: QueueFilter,
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[tuple[Ticket, str | None]]:
    """One page of the list, each ticket with its unit's code, closest limit first (or newest
    first). ``after`` is the order key of the last row of the previous page.

    A list of several statuses is read one status at a time — each read walks the
    ``(status, deadline_at)`` index in order and stops after ``limit`` rows — and the reads are
    merged: one read with ``status IN (...)`` would sort every ticket of the list first."""
    if f.newest_first or len(f.statuses) <= 1:
        return _page_one(session, f, after, limit)
    # Only the order keys per status, then the page's whole rows: loading every status's
    # ``limit`` whole tickets to keep ``limit`` of them cost most of the page's time.
    parts = []
    for status in f.statuses:
        one = replace(f, statuses=(status,), group_statuses=f.statuses)
        sub = _ordered(select(Ticket.deadline_at, Ticket.id), one, after).limit(limit).subquery()
        parts.append(select(sub.c.deadline_at, sub.c.id))
    keys = [(at, int(i)) for at, i in session.execute(union_all(*parts)) if at is not None and i is not None]
    wanted = [i for _, i in sorted(keys)[:limit]]
    if not wanted:
        return []
    rows = {t.id: (t, code) for t, code in session.exec(_with_unit().where(col(Ticket.id).in_(wanted)))}
    return [rows[i] for i in wanted if i in rows]


def count(session: Session, f: QueueFilter) -> int:
    """How many matters (a bound group counting once) the list holds."""
    return int(session.exec(select(func.count()).select_from(Ticket).where(*_where(f))).one())


def count_by(session: Session, f: QueueFilter, key: str) -> list[tuple[str, int]]:
    """The list's matters counted by ``unit`` (code) or ``category``, largest first."""
    if key == "unit":
        q = (
            select(Unit.code, func.count())
            .select_from(Ticket)
            .join(Unit, col(Unit.id) == col(Ticket.unit_id), isouter=True)
            .where(*_where(f))
            .group_by(col(Unit.code))
        )
    elif key == "category":
        q = (
            select(Ticket.category, func.count())
            .select_from(Ticket)
            .where(*_where(f))
            .group_by(col(Ticket.category))
        )
    else:
        raise ValueError(f"count by unit or category, not {key!r}")
    rows = [(k or "", int(n)) for k, n in session.exec(q)]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def group_counts(session: Session, group_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """For each group: (tickets, distinct callers). A ticket without a phone is its own caller."""
    ids = sorted(set(group_ids))
    if not ids:
        return {}
    q = (
        select(
            Ticket.group_id,
            func.count(),
            func.count(func.distinct(Ticket.caller_phone)),
            func.sum(case((col(Ticket.caller_phone).is_(None), 1), else_=0)),
        )
        .where(col(Ticket.group_id).in_(ids))
        .group_by(col(Ticket.group_id))
    )
    out: dict[int, tuple[int, int]] = {}
    for gid, n, phones, nophone in session.exec(q):
        if gid is not None:
            out[int(gid)] = (int(n), int(phones) + int(nophone or 0))
    return out


def callbacks_due(
    session: Session,
    *,
    agent_id: int | None,
    before: datetime | None = None,
    limit: int = 200,
) -> list[tuple[Ticket, str | None]]:
    """Tickets awaiting a callback (of one agent, or everyone's), soonest first: an agreed new
    time (``callback_next_at``) when there is one, otherwise the 3-working-day limit."""
    when = func.coalesce(Ticket.callback_next_at, Ticket.callback_due_at)
    q = (
        select(Ticket, Unit.code)
        .join(Unit, col(Unit.id) == col(Ticket.unit_id), isouter=True)
        .where(Ticket.status == "awaiting_callback")
    )
    if agent_id is not None:
        q = q.where(Ticket.accepted_by_id == agent_id)
    if before is not None:
        q = q.where(when < before)
    q = q.order_by(when.asc(), col(Ticket.id).asc()).limit(limit)
    return [(t, code) for t, code in session.exec(q)]


def promised_callbacks(
    session: Session, *, agent_id: int | None, limit: int = 200
) -> list[tuple[Ticket, str | None]]:
    """Open tickets not (yet) awaiting a callback on which a callback time was promised — a
    caller asked to be called back during a hold (spec §6) — soonest first."""
    q = (
        select(Ticket, Unit.code)
        .join(Unit, col(Unit.id) == col(Ticket.unit_id), isouter=True)
        .where(Ticket.status != "awaiting_callback")
        .where(col(Ticket.callback_next_at).is_not(None))
    )
    if agent_id is not None:
        q = q.where(Ticket.accepted_by_id == agent_id)
    q = q.order_by(col(Ticket.callback_next_at).asc(), col(Ticket.id).asc()).limit(limit)
    return [(t, code) for t, code in session.exec(q)]


def count_callbacks_due(session: Session, before: datetime, agent_id: int | None = None) -> int:
    when = func.coalesce(Ticket.callback_next_at, Ticket.callback_due_at)
    q = (
        select(func.count())
        .select_from(Ticket)
        .where(Ticket.status == "awaiting_callback")
        .where(when < before)
    )
    if agent_id is not None:
        q = q.where(Ticket.accepted_by_id == agent_id)
    return int(session.exec(q).one())


def callback_rounds(session: Session, ticket_ids: Sequence[int]) -> dict[int, int]:
    """How many callback attempts each ticket has had (all rounds)."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return {}
    q = (
        select(Callback.ticket_id, func.count())
        .where(col(Callback.ticket_id).in_(ids))
        .group_by(col(Callback.ticket_id))
    )
    return {int(i): int(n) for i, n in session.exec(q)}


def account_id(session: Session, username: str) -> int | None:
    row = session.exec(select(Account.id).where(Account.username == username)).first()
    return int(row) if row is not None else None
