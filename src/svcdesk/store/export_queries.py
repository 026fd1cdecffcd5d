"""The ticket export's queries: one streamed read in id order, in batches, so an export of any
size holds one batch in memory (a server-side cursor on PostgreSQL, SQLite's own cursor on
the file), and the bound groups of each batch looked up by index."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlmodel import Session, col

from svcdesk.store.models import Account, Ticket
from svcdesk.store.report_queries import sqlite_param

#: The ticket columns an export reads, in the order of each row it yields.
COLUMNS: tuple[str, ...] = (
    "number",
    "status",
    "category",
    "subtype",
    "mode",
    "urgent",
    "major",
    "supervised",
    "round",
    "caller_name",
    "caller_phone",
    "event_time",
    "place",
    "details",
    "unit_id",
    "accepted_by_id",
    "created_at",
    "dispatch_due_at",
    "first_dispatched_at",
    "dispatched_at",
    "due_at",
    "due_provisional",
    "replied_at",
    "callback_due_at",
    "called_back_at",
    "closed_at",
    "close_reason",
    "callback_result",
    "deadline_at",
    "group_id",
)


@dataclass(frozen=True)
class TicketFilter:
    created_from: datetime | None = None
    created_to: datetime | None = None
    """Exclusive."""
    statuses: Sequence[str] = ()
    category: str | None = None
    unit_id: int | None = None


def _where(f: TicketFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.created_from is not None:
        out.append(col(Ticket.created_at) >= f.created_from)
    if f.created_to is not None:
        out.append(col(Ticket.created_at) < f.created_to)
    if f.statuses:
        out.append(col(Ticket.status).in_(list(f.statuses)))
    if f.category:
        out.append(col(Ticket.category) == f.category)
    if f.unit_id is not None:
        out.append(col(Ticket.unit_id) == f.unit_id)
    return out


def count(session: Session, f: TicketFilter) -> int:
    stmt: Select[Any] = select(func.count()).select_from(Ticket)
    for cond in _where(f):
        stmt = stmt.where(cond)
    return int(session.execute(stmt).scalar_one())


#: Positions of the time columns in a row of :data:`COLUMNS`.
TIME_COLUMNS: tuple[int, ...] = tuple(
    i for i, name in enumerate(COLUMNS) if name.endswith("_at") or name == "event_time"
)


def batches(session: Session, f: TicketFilter, size: int = 2_000) -> Iterator[list[tuple[Any, ...]]]:
    """The tickets matching ``f`` in creation order, ``size`` rows at a time, as tuples of
    :data:`COLUMNS`.

    For speed (an export reads millions of them), the times come as UTC text,
    ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLite's own storage form, read as it is), and
    booleans may come as 0 and 1. On SQLite the rows are read from the driver's cursor
    directly, on the session's connection and inside its transaction, so SQLAlchemy's
    per-value processing is skipped; PostgreSQL's rows come through a server-side cursor
    and their times are written out in the same UTC text form.
    """
    table = Ticket.__table__  # type: ignore[attr-defined]
    stmt: Select[Any] = select(*(table.c[name] for name in COLUMNS))
    for cond in _where(f):
        stmt = stmt.where(cond)
    # Creation order (which is also the numbers' order). With a range of days, SQLite is told
    # to walk the creation-time index: without statistics it would rather take a status or
    # unit index and sort every ticket of that status before writing the first row.
    stmt = stmt.order_by(table.c.created_at, table.c.id)
    by_day = f.created_from is not None or f.created_to is not None
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        params = compiled.construct_params()
        values = [sqlite_param(params[name]) for name in compiled.positiontup or ()]
        sql = str(compiled)
        if by_day:
            # SQLAlchemy renders no table hints for SQLite: the clause goes in by hand
            # (tests/store/test_report_plans.py checks the plan).
            sql = sql.replace("FROM ticket ", "FROM ticket INDEXED BY ix_ticket_created_at ", 1)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, values)
            while True:
                part = cursor.fetchmany(size)
                if not part:
                    break
                yield list(part)
        finally:
            cursor.close()
        return
    result = conn.execute(stmt, execution_options={"stream_results": True, "yield_per": size})
    times = TIME_COLUMNS
    for part in result.partitions():
        out = []
        for row in part:
            values = list(row)
            for i in times:
                v = values[i]
                if v is not None:
                    values[i] = v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            out.append(tuple(values))
        yield out


def group_numbers(session: Session, group_ids: Iterable[int]) -> dict[int, list[str]]:
    """The ticket numbers of each of these groups that has at least two tickets, in id order."""
    ids = sorted(set(group_ids))
    out: dict[int, list[str]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stmt = (
            select(col(Ticket.group_id), col(Ticket.number))
            .where(col(Ticket.group_id).in_(chunk))
            .order_by(col(Ticket.group_id), col(Ticket.id))
        )
        for gid, number in session.execute(stmt):
            out.setdefault(int(gid), []).append(number)
    return {g: numbers for g, numbers in out.items() if len(numbers) > 1}


def usernames(session: Session) -> dict[int, str]:
    return {int(i): u for i, u in session.execute(select(col(Account.id), col(Account.username)))}
