"""The intake draft's storage (spec §2: nothing typed is lost).

A draft is written as the agent types, so its write must never queue for long behind another
writer: it waits at most ``DRAFT_WAIT_MS`` for the lock (SQLite's busy timeout, PostgreSQL's
lock timeout) and otherwise fails with :class:`DatabaseUnavailable`, which the services turn
into a local copy and a retry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlmodel import col

from svcdesk.store.database import FAIL_FAST, Database, DatabaseUnavailable
from svcdesk.store.models import IntakeDraft

# DatabaseUnavailable is the store's one error for a database that is busy or away: the
# services catch the same class whether a draft or any other step met the fault.
__all__ = ["DRAFT_WAIT_MS", "DatabaseUnavailable", "delete_draft", "get_draft", "save_draft"]

DRAFT_WAIT_MS = 1000


def is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, DatabaseUnavailable):
        return True
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


@contextmanager
def unavailable_as_error() -> Iterator[None]:
    """Re-raises a busy or unreachable database as :class:`DatabaseUnavailable` (with the
    driver's words), leaving every other error as it is."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except (OperationalError, InterfaceError, DBAPIError) as exc:
        if not is_unavailable(exc):
            raise
        detail = str(exc.orig) if exc.orig is not None else str(exc)
        raise DatabaseUnavailable(detail.splitlines()[0] if detail else type(exc).__name__) from exc


def save_draft(
    db: Database, agent_id: int, data: str, saved_at: datetime, wait_ms: int = DRAFT_WAIT_MS
) -> None:
    """Insert or replace the agent's draft in one statement (no read first: in WAL mode a read
    followed by a write can fail at once when another writer got in between)."""
    values = {"agent_id": agent_id, "data": data, "saved_at": saved_at}
    stmt: sqlite.Insert | postgresql.Insert
    if db.is_sqlite:
        lite = sqlite.insert(IntakeDraft).values(**values)
        stmt = lite.on_conflict_do_update(
            index_elements=["agent_id"], set_={"data": lite.excluded.data, "saved_at": lite.excluded.saved_at}
        )
    else:
        pg = postgresql.insert(IntakeDraft).values(**values)
        stmt = pg.on_conflict_do_update(
            index_elements=["agent_id"], set_={"data": pg.excluded.data, "saved_at": pg.excluded.saved_at}
        )
    with _short_write(db, wait_ms) as conn:
        conn.execute(stmt)


@contextmanager
def _short_write(db: Database, wait_ms: int) -> Iterator[Connection]:
    """A write transaction that waits at most ``wait_ms`` for the lock, committed at the end."""
    db.refuse_writes_once_damaged()
    with unavailable_as_error(), db.engine.connect() as conn:
        try:
            if db.is_sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait_ms)}")
            else:
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
            yield conn
            conn.commit()
        finally:
            if db.is_sqlite:
                _restore_busy_timeout(conn, db.busy_timeout_ms)


def _restore_busy_timeout(conn: Connection, busy_timeout_ms: int) -> None:
    # A broken connection is discarded by the pool: nothing to restore then.
    with suppress(OperationalError, InterfaceError):
        conn.exec_driver_sql(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


def get_draft(db: Database, agent_id: int) -> tuple[str, datetime] | None:
    # No retries: the caller has the local copy to offer while the database is away.
    with unavailable_as_error(), db.read(retry=FAIL_FAST) as s:
        draft = s.get(IntakeDraft, agent_id)
        return None if draft is None else (draft.data, draft.saved_at)


def delete_draft(db: Database, agent_id: int, wait_ms: int = DRAFT_WAIT_MS) -> None:
    with _short_write(db, wait_ms) as conn:
        conn.execute(delete(IntakeDraft).where(col(IntakeDraft.agent_id) == agent_id))
