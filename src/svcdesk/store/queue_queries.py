"""The lead's queue, an agent's open tickets, callbacks due and the office's lists.

Every list is ordered by ``deadline_at`` (the nearest limit a ticket can break) and paged by
key — ``(deadline_at, id)`` of the last row shown — so the first page and every next page
walk the ``(status, deadline_at)`` index instead of counting past skipped rows: a page of 50
costs the same on a thousand tickets as on a million.

A bound group (``group_id``) shows as one matter: the member that comes first in the list's
own order stands for it (the others of the group that are in the same list are left out), and
each row carries how many tickets and distinct callers its group has.

The lists are read with SQLAlchemy Core, not the ORM: a row (``PageRow``) is the 22 values a
queue row needs, not a whole ``Ticket`` in the session's identity map. Each list's
statements are built once per shape (its statuses, which filters are given, whether it
continues after a cursor) and kept: the filters' values, the cursor and the page size are
bound parameters, so SQLAlchemy compiles each shape once and every later page reuses it.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Integer, Table, and_, bindparam, case, exists, func, literal, or_, union_all
from sqlalchemy.engine import Row
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause
from sqlalchemy.types import NullType
from sqlmodel import Session, col, select

from svcdesk.store.models import Callback, Ticket, Unit

_TICKET: Table = Ticket.metadata.tables["ticket"]
_UNIT: Table = Unit.metadata.tables["unit"]
_OTHER = _TICKET.alias("other_ticket")
"""Another member of a ticket's bound group, in the list (the group shown once)."""
_MEMBER = _TICKET.alias("group_ticket")
"""Any member of a ticket's bound group (the group's counts)."""


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


_BOUND = ("deadline_before", "deadline_from", "created_from", "unit_id", "category", "accepted_by_id")
"""The filters whose values are bound parameters: only whether they are given shapes a statement."""


@dataclass(frozen=True)
class _Shape:
    """What a list's statements depend on (their cache key); the values of ``_BOUND`` and of
    the cursor are parameters of each execution."""

    statuses: tuple[str, ...]
    group_statuses: tuple[str, ...]
    given: frozenset[str]
    urgent: bool | None
    major: bool | None
    supervised: bool | None
    escalated: bool | None
    returned: bool | None
    collapse_groups: bool
    newest_first: bool
    after: bool


def _shape(f: QueueFilter, after: bool) -> _Shape:
    return _Shape(
        statuses=f.statuses,
        group_statuses=f.group_statuses or f.statuses,
        given=frozenset(name for name in _BOUND if getattr(f, name) is not None),
        urgent=f.urgent,
        major=f.major,
        supervised=f.supervised,
        escalated=f.escalated,
        returned=f.returned,
        collapse_groups=f.collapse_groups,
        newest_first=f.newest_first,
        after=after,
    )


def _params(f: QueueFilter, after: tuple[datetime, int] | None, limit: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {name: getattr(f, name) for name in _BOUND if getattr(f, name) is not None}
    if after is not None:
        params["after_at"], params["after_id"] = after
    if limit is not None:
        params["page_limit"] = limit
    return params


def _in(expr: ColumnElement[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    """``expr = ?`` or ``expr IN (?, ?, …)``, one parameter per value (not an "expanding" list,
    which SQLAlchemy would render into the statement again at each execution)."""
    if len(values) == 1:
        return expr == literal(values[0])
    return expr.in_([literal(v) for v in values])


def _conditions(t: FromClause, sh: _Shape, by_group: bool = False) -> list[ColumnElement[bool]]:
    """``by_group``: the conditions of the inner look-up of a group's other members, which must
    go by the ``group_id`` index. The status is wrapped so that no planner walks the
    ``(status, deadline_at)`` index instead (without statistics SQLite would, and scan every
    earlier ticket of the list for each row)."""
    c = t.c
    conds: list[ColumnElement[bool]] = []
    if by_group and sh.group_statuses:
        conds.append(func.coalesce(c.status, "").in_([literal(s) for s in sh.group_statuses]))
    elif not by_group and sh.statuses:
        conds.append(_in(c.status, sh.statuses))
    if not sh.newest_first:
        conds.append(c.deadline_at.is_not(None))
    given = sh.given
    if "deadline_before" in given:
        conds.append(c.deadline_at < bindparam("deadline_before"))
    if "deadline_from" in given:
        conds.append(c.deadline_at >= bindparam("deadline_from"))
    if "created_from" in given:
        conds.append(c.created_at >= bindparam("created_from"))
    if "unit_id" in given:
        conds.append(c.unit_id == bindparam("unit_id"))
    if "category" in given:
        conds.append(c.category == bindparam("category"))
    if sh.urgent is not None:
        conds.append(c.urgent.is_(sh.urgent))
    if "accepted_by_id" in given:
        conds.append(c.accepted_by_id == bindparam("accepted_by_id"))
    if sh.major is not None:
        conds.append(c.major.is_(sh.major))
    if sh.supervised is not None:
        conds.append(c.supervised.is_(sh.supervised))
    if sh.escalated is not None:
        conds.append(c.escalated.is_(sh.escalated))
    if sh.returned is not None:
        conds.append(c.return_reason != "" if sh.returned else c.return_reason == "")
    return conds


def _before(other: FromClause, sh: _Shape) -> ColumnElement[bool]:
    """``other`` comes before the outer ticket in the list's order."""
    o, t = other.c, _TICKET.c
    if sh.newest_first:
        return or_(o.created_at > t.created_at, and_(o.created_at == t.created_at, o.id > t.id))
    return or_(o.deadline_at < t.deadline_at, and_(o.deadline_at == t.deadline_at, o.id < t.id))


def _where(sh: _Shape) -> list[ColumnElement[bool]]:
    conds = _conditions(_TICKET, sh)
    if sh.collapse_groups:
        # Another member of the group in the same list and before this one in its order.
        o, t = _OTHER.c, _TICKET.c
        earlier = exists().where(
            o.group_id == t.group_id,
            o.id != t.id,
            *_conditions(_OTHER, sh, by_group=True),
            _before(_OTHER, sh),
        )
        conds.append(or_(t.group_id.is_(None), ~earlier))
    return conds


def _ordered(q: sa.Select[Any], sh: _Shape) -> sa.Select[Any]:
    """``q`` restricted to the list, after the cursor when there is one, in the list's order,
    ``page_limit`` rows."""
    t = _TICKET.c
    q = q.where(*_where(sh))
    at: ColumnElement[Any] = bindparam("after_at")
    last_id: ColumnElement[Any] = bindparam("after_id")
    if sh.newest_first:
        if sh.after:
            q = q.where(or_(t.created_at < at, and_(t.created_at == at, t.id < last_id)))
        q = q.order_by(t.created_at.desc(), t.id.desc())
    else:
        if sh.after:
            q = q.where(or_(t.deadline_at > at, and_(t.deadline_at == at, t.id > last_id)))
        q = q.order_by(t.deadline_at.asc(), t.id.asc())
    return q.limit(bindparam("page_limit", type_=Integer()))


def _group_count(value: ColumnElement[Any]) -> ColumnElement[int]:
    """``value`` over the ticket's bound group; 1 for a ticket that is not bound."""
    m, t = _MEMBER.c, _TICKET.c
    of_group = sa.select(value).where(m.group_id == t.group_id).correlate(_TICKET).scalar_subquery()
    return case((t.group_id.is_(None), 1), else_=of_group)


def _row_columns() -> tuple[ColumnElement[Any], ...]:
    t, m = _TICKET.c, _MEMBER.c
    return (
        t.id,
        t.number,
        t.status,
        t.category,
        t.subtype,
        t.urgent,
        t.major,
        _UNIT.c.code.label("unit"),
        t.place,
        t.details,
        t.created_at,
        t.deadline_at,
        t.due_at.is_not(None).label("has_due"),
        t.due_provisional,
        t.callback_due_provisional,
        _group_count(func.count()).label("group_size"),
        # A ticket without a phone is its own caller.
        _group_count(
            func.count(m.caller_phone.distinct()) + func.sum(case((m.caller_phone.is_(None), 1), else_=0))
        ).label("callers"),
        t.round,
        t.supervised,
        t.escalated,
        t.return_reason,
        t.reply_text,
    )


PageRow = Row[*tuple[Any, ...]]
"""One row of a list, in this order: the ticket's ``id``, ``number``, ``status``,
``category``, ``subtype``, ``urgent``, ``major``, ``unit`` (the unit's code), ``place``,
``details``, ``created_at``, ``deadline_at``, ``has_due`` (the unit's handling limit is set),
``due_provisional``, ``callback_due_provisional``, ``group_size`` and ``callers`` (the tickets
and distinct callers of its bound group, 1 and 1 when not bound), ``round``, ``supervised``,
``escalated``, ``return_reason``, ``reply_text``."""


def _rows() -> sa.Select[Any]:
    return sa.select(*_row_columns()).select_from(_TICKET.outerjoin(_UNIT, _UNIT.c.id == _TICKET.c.unit_id))


@functools.lru_cache(maxsize=256)
def _page_statement(sh: _Shape) -> sa.Select[Any]:
    """A page read in one walk of an index: one status, or newest first."""
    return _ordered(_rows(), sh)


@functools.lru_cache(maxsize=256)
def _keys_statement(sh: _Shape) -> sa.CompoundSelect:
    """The order keys of each status's first ``page_limit`` tickets, one ``UNION ALL``. The
    deadlines come back as the database holds them (SQLite: text in one fixed format, which is
    what its own ``ORDER BY`` compares): they are only merged, never shown."""
    parts = []
    for status in sh.statuses:
        one = replace(sh, statuses=(status,))
        sub = _ordered(sa.select(_TICKET.c.deadline_at, _TICKET.c.id), one).subquery()
        parts.append(sa.select(sa.type_coerce(sub.c.deadline_at, NullType()), sub.c.id))
    return union_all(*parts)


@functools.lru_cache(maxsize=64)
def _rows_by_id(n: int) -> sa.Select[Any]:
    """The rows of ``n`` ids (``id_0`` …), one parameter each: a fixed statement, where an
    "expanding" list would be rendered into the SQL again at every execution."""
    return _rows().where(_TICKET.c.id.in_([bindparam(name, type_=Integer()) for name in _id_names(n)]))


@functools.lru_cache(maxsize=64)
def _id_names(n: int) -> tuple[str, ...]:
    return tuple(f"id_{k}" for k in range(n))


def order_key(row: PageRow, f: QueueFilter) -> tuple[datetime, int]:
    """The key a next page starts after: ``(created_at or deadline_at, id)`` of ``row``."""
    at = row.created_at if f.newest_first else row.deadline_at
    assert at is not None
    return at, int(row.id)


def page(
    session: Session,
    f: QueueFilter,
    *,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[PageRow]:
    """One page of the list, closest limit first (or newest first). ``after`` is the order key
    of the last row of the previous page.

    A list of several statuses is read one status at a time — each read walks the
    ``(status, deadline_at)`` index in order and stops after ``limit`` rows — and the reads are
    merged: one read with ``status IN (...)`` would sort every ticket of the list first."""
    sh = _shape(f, after is not None)
    params = _params(f, after, limit)
    conn = session.connection()
    if f.newest_first or len(f.statuses) <= 1:
        return list(conn.execute(_page_statement(sh), params))
    # Only the order keys per status, then the page's rows: reading every status's ``limit``
    # rows to keep ``limit`` of them would cost most of the page's time.
    keys = [(at, i) for at, i in conn.execute(_keys_statement(sh), params) if at is not None]
    keys.sort()
    wanted = [i for _, i in keys[:limit]]
    if not wanted:
        return []
    # Always ``limit`` ids (the last one repeated): one statement for every page of a list.
    ids = dict(zip(_id_names(limit), wanted + wanted[-1:] * (limit - len(wanted)), strict=True))
    rows = {row[0]: row for row in conn.execute(_rows_by_id(limit), ids)}
    return [rows[i] for i in wanted if i in rows]


@functools.lru_cache(maxsize=256)
def _count_statement(sh: _Shape) -> sa.Select[Any]:
    return sa.select(func.count()).select_from(_TICKET).where(*_where(sh))


@functools.lru_cache(maxsize=256)
def _count_by_statement(sh: _Shape, key: str) -> sa.Select[Any]:
    if key == "unit":
        return (
            sa.select(_UNIT.c.code, func.count())
            .select_from(_TICKET.outerjoin(_UNIT, _UNIT.c.id == _TICKET.c.unit_id))
            .where(*_where(sh))
            .group_by(_UNIT.c.code)
        )
    return sa.select(_TICKET.c.category, func.count()).where(*_where(sh)).group_by(_TICKET.c.category)


def count(session: Session, f: QueueFilter) -> int:
    """How many matters (a bound group counting once) the list holds."""
    return int(
        session.connection().execute(_count_statement(_shape(f, False)), _params(f, None, None)).scalar_one()
    )


def count_by(session: Session, f: QueueFilter, key: str) -> list[tuple[str, int]]:
    """The list's matters counted by ``unit`` (code) or ``category``, largest first."""
    if key not in ("unit", "category"):
        raise ValueError(f"count by unit or category, not {key!r}")
    q = _count_by_statement(_shape(f, False), key)
    rows = [(k or "", int(n)) for k, n in session.connection().execute(q, _params(f, None, None))]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


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
