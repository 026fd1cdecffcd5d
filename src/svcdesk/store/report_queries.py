"""The reports' queries (spec §13). They fetch narrow candidate rows through indexes; the rules
that turn them into figures live in ``services.metrics``, the one place they are defined.

Each range is half-open ``[start, end)`` on aware datetimes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session, col

from svcdesk.domain.states import OPEN_STATUS_VALUES
from svcdesk.store.models import Audit, Ticket, Unit
from svcdesk.store.repo import unit_codes

OPEN = OPEN_STATUS_VALUES
UNIT_HOLDS = ("with_unit", "supervised")
_BATCH = 5_000

#: The audit actions of the satisfaction callbacks of spec §7, one per attempt.
CALLBACK_ACTIONS = (
    "callback_satisfied",
    "callback_basically_satisfied",
    "callback_unsatisfied",
    "callback_unreached",
)


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    c = col(column)
    return and_(c >= start, c < end)


def _stream(session: Session, stmt: Any, times: tuple[int, ...]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``stmt``; the columns at ``times`` as aware UTC datetimes.

    On SQLite the rows are read from the driver's cursor directly, on the session's connection
    and inside its transaction, and the stored UTC text is parsed here: SQLAlchemy's
    per-value processing would cost more than the query itself on a month of tickets."""
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        for row in conn.execute(stmt, execution_options={"yield_per": _BATCH}):
            yield tuple(row)
        return
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    values = [sqlite_param(params[name]) for name in compiled.positiontup or ()]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    parse = datetime.fromisoformat
    try:
        cursor.execute(str(compiled), values)
        while True:
            part = cursor.fetchmany(_BATCH)
            if not part:
                break
            for row in part:
                out = list(row)
                for i in times:
                    v = out[i]
                    if v is not None:
                        out[i] = parse(v).replace(tzinfo=UTC)
                yield tuple(out)
    finally:
        cursor.close()


def sqlite_param(value: Any) -> Any:
    """A bound value as the ``UTCDateTime`` column type stores it on SQLite (naive UTC text)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def dispatch_rows(
    session: Session, start: datetime, end: datetime
) -> Iterator[tuple[str, datetime, datetime | None]]:
    """``(mode, created_at, first_dispatched_at)`` of the tickets created in the range."""
    stmt = select(col(Ticket.mode), col(Ticket.created_at), col(Ticket.first_dispatched_at)).where(
        _between(Ticket.created_at, start, end)
    )
    yield from _stream(session, stmt, (1, 2))  # type: ignore[misc]


def handling_rows(
    session: Session, start: datetime, end: datetime
) -> Iterator[tuple[int | None, datetime | None, datetime | None, datetime | None]]:
    """``(unit_id, dispatched_at, due_at, replied_at)`` of the tickets whose handling limit
    or whose reply falls in the range."""
    stmt = select(
        col(Ticket.unit_id), col(Ticket.dispatched_at), col(Ticket.due_at), col(Ticket.replied_at)
    ).where(or_(_between(Ticket.due_at, start, end), _between(Ticket.replied_at, start, end)))
    yield from _stream(session, stmt, (1, 2, 3))  # type: ignore[misc]


def callback_rows(
    session: Session, start: datetime, end: datetime
) -> Iterator[tuple[datetime | None, datetime | None, datetime | None, str | None, str]]:
    """``(replied_at, callback_due_at, called_back_at, callback_result, close_reason)`` of the
    tickets whose callback limit or whose latest callback falls in the range."""
    stmt = select(
        col(Ticket.replied_at),
        col(Ticket.callback_due_at),
        col(Ticket.called_back_at),
        col(Ticket.callback_result),
        col(Ticket.close_reason),
    ).where(or_(_between(Ticket.callback_due_at, start, end), _between(Ticket.called_back_at, start, end)))
    yield from _stream(session, stmt, (0, 1, 2))  # type: ignore[misc]


def callback_result_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Satisfaction callbacks (spec §7) recorded in the range, every attempt, by result.

    Read from the audit trail, where each such callback is one ``callback_<result>`` entry: the
    callback table also holds the callbacks promised during a hold (spec §6), which are not
    a caller's opinion of a unit's handling."""
    stmt = (
        select(col(Audit.action), func.count())
        .where(_between(Audit.at, start, end))
        .where(col(Audit.action).in_(CALLBACK_ACTIONS))
        .group_by(col(Audit.action))
    )
    return {str(a).removeprefix("callback_"): int(n) for a, n in session.execute(stmt)}


def created_counts(
    session: Session, start: datetime, end: datetime
) -> list[tuple[str, str, str, int | None, int]]:
    """``(category, subtype, mode, unit_id, tickets)`` of the tickets created in the range."""
    stmt = (
        select(col(Ticket.category), col(Ticket.subtype), col(Ticket.mode), col(Ticket.unit_id), func.count())
        .where(_between(Ticket.created_at, start, end))
        .group_by(col(Ticket.category), col(Ticket.subtype), col(Ticket.mode), col(Ticket.unit_id))
    )
    return [(c, s, m, u, int(n)) for c, s, m, u, n in session.execute(stmt)]


def overdue_counts(session: Session, now: datetime) -> dict[str, int]:
    """Open tickets whose nearest limit has passed, by status (read from the
    ``(status, deadline_at)`` index alone)."""
    stmt = (
        select(col(Ticket.status), func.count())
        .where(col(Ticket.status).in_(OPEN))
        .where(col(Ticket.deadline_at) < now)
        .group_by(col(Ticket.status))
    )
    return {s: int(n) for s, n in session.execute(stmt)}


def unit_overdue_counts(session: Session, now: datetime) -> dict[int, int]:
    """Tickets each unit holds (with the unit, or supervised) past their limit, by unit id."""
    stmt = (
        select(col(Ticket.unit_id), func.count())
        .where(col(Ticket.status).in_(UNIT_HOLDS))
        .where(col(Ticket.deadline_at) < now)
        .where(col(Ticket.unit_id).is_not(None))
        .group_by(col(Ticket.unit_id))
    )
    return {int(u): int(n) for u, n in session.execute(stmt)}


def units(session: Session) -> list[tuple[int, str, str]]:
    """``(id, code, name)`` of every unit, active or not, by code."""
    rows = session.execute(select(col(Unit.id), col(Unit.code), col(Unit.name)).order_by(col(Unit.code)))
    return [(int(i), c, n) for i, c, n in rows]


class GroupRow(NamedTuple):
    number: str
    size: int
    new: int
    open: int
    category: str
    subtype: str
    place: str
    unit: str | None


def bound_groups(session: Session, start: datetime, end: datetime, limit: int) -> list[GroupRow]:
    """Groups of at least two bound tickets with a ticket created in the range, biggest first
    (then the most created in the range, then the newest); named by their first ticket."""
    in_range = (
        select(col(Ticket.group_id))
        .where(_between(Ticket.created_at, start, end))
        .where(col(Ticket.group_id).is_not(None))
        .distinct()
    )
    size = func.count()
    new = func.sum(case((_between(Ticket.created_at, start, end), 1), else_=0))
    still_open = func.sum(case((col(Ticket.status).in_(OPEN), 1), else_=0))
    stmt = (
        select(func.min(col(Ticket.id)), size, new, still_open)
        .where(col(Ticket.group_id).in_(in_range))
        .group_by(col(Ticket.group_id))
        .having(size >= 2)
        .order_by(size.desc(), new.desc(), func.max(col(Ticket.id)).desc())
        .limit(limit)
    )
    groups = [(int(f), int(n), int(w or 0), int(o or 0)) for f, n, w, o in session.execute(stmt)]
    if not groups:
        return []
    heads_stmt = select(
        col(Ticket.id),
        col(Ticket.number),
        col(Ticket.category),
        col(Ticket.subtype),
        col(Ticket.place),
        col(Ticket.unit_id),
    ).where(col(Ticket.id).in_([g[0] for g in groups]))
    heads = {int(r[0]): r for r in session.execute(heads_stmt)}
    codes = unit_codes(session)
    out = []
    for first_id, n, w, o in groups:
        _id, number, category, subtype, place, unit_id = heads[first_id]
        unit = codes.get(unit_id) if unit_id is not None else None
        out.append(GroupRow(number, n, w, o, category, subtype, place, unit))
    return out
