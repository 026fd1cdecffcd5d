"""Bulk loading for the demo and benchmark generator: hundreds of thousands of rows a second.

The generator hands over plain tuples; :func:`bulk_load` writes them in ONE transaction, so a
failed or interrupted load leaves the database as it was. Times travel as whole seconds since
the epoch (UTC) and the loader turns them into what the backend stores.

SQLite (the 1,000,000-ticket benchmark must be generated in well under two minutes): the
loader takes the file for itself — it is meant for a demo or benchmark database that nobody
else is using — and for the load only switches from WAL to a rollback journal (appended pages
are written once instead of twice) with ``synchronous=OFF`` and a large page cache; it drops
the loaded tables' indexes and triggers, inserts with ``executemany`` on the raw connection,
then creates the indexes again in one sorted pass each and brings the search indexes up to
date in one statement each (``store.search``). The schema it restores is the one it found,
read from ``sqlite_master``, whatever migrations made it. PostgreSQL: ``executemany`` through
SQLAlchemy in the same single transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, insert, select, text, update
from sqlmodel import Session, col

from svcdesk.store import search
from svcdesk.store.database import Database
from svcdesk.store.models import Account, Call, Ticket, TicketCounter, Unit
from svcdesk.store.types import UTCDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
CACHE_KIB = 512 * 1024  # the page cache during a SQLite load (the default is 2 MiB)

Row = tuple[Any, ...]


class BulkLoadError(RuntimeError):
    """The loader cannot fill a table: the schema has a required column the caller does not give."""


def _table(name: str) -> Table:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables[name]


def _defaults(table: Table, given: Sequence[str]) -> tuple[list[str], Row]:
    """The columns the caller does not give, each with its Python-side default: a column added
    by a later migration gets its default instead of breaking the generator."""
    names: list[str] = []
    values: list[Any] = []
    for column in table.columns:
        if column.name in given or (column.primary_key and column.autoincrement in (True, "auto")):
            continue
        default = column.default
        if default is not None and getattr(default, "is_scalar", False):
            names.append(column.name)
            values.append(getattr(default, "arg", None))
        elif column.nullable:
            names.append(column.name)
            values.append(None)
        elif column.server_default is None:
            raise BulkLoadError(f"{table.name}.{column.name} is required and has no default")
    return names, tuple(values)


class Loader:
    """Appends rows to tables within one transaction; see the module's docstring."""

    def add(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Appends ``rows`` (tuples in the order of ``columns``; a time is whole seconds since
        the epoch, UTC) to ``table``; the columns not given get their defaults."""
        raise NotImplementedError

    def set_counters(self, last_by_day: Mapping[str, int]) -> None:
        """Raises each day's ticket counter to at least ``last``."""
        raise NotImplementedError

    def name_groups(self, head_ids: Iterable[int]) -> None:
        """Tickets that became the first of a bound group: their ``group_id`` is their own id."""
        raise NotImplementedError


# -- SQLite -------------------------------------------------------------------------------

# What SQLAlchemy stores for a UTC time on SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``), computed
# by SQLite from seconds since the epoch: four times cheaper than formatting them in Python.
_SQLITE_TIME = "datetime(?, 'unixepoch') || '.000000'"


def _is_time(table: Table, name: str) -> bool:
    return isinstance(table.columns[name].type, UTCDateTime)


class _SqliteLoader(Loader):
    LOADED = ("ticket", "call", "audit", "callback", "ticketlink")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._sql: dict[tuple[str, tuple[str, ...]], tuple[str, Row]] = {}
        self._first_ticket: int | None = None
        self._saved: list[tuple[str, str, str]] = []

    def begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")
        # Every index of the loaded tables, and the triggers of the search indexes (which
        # ``finish`` replaces with one statement each); any other trigger keeps firing.
        placeholders = ",".join("?" * len(self.LOADED))
        self._saved = [
            (kind, name, sql)
            for kind, name, sql in self.conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
                f"AND sql IS NOT NULL AND tbl_name IN ({placeholders}) ORDER BY type, name",
                self.LOADED,
            )
            if kind == "index" or name in search.TICKET_TRIGGERS
        ]
        for kind, name, _sql in self._saved:
            self.conn.execute(f'DROP {kind.upper()} "{name}"')
        row = self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM ticket").fetchone()
        self._first_ticket = int(row[0])

    def add(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        if not rows:
            return
        key = (table, tuple(columns))
        if key not in self._sql:
            schema = _table(table)
            extra, values = _defaults(schema, columns)
            marks = [_SQLITE_TIME if _is_time(schema, c) else "?" for c in columns] + ["?"] * len(extra)
            self._sql[key] = (
                f"INSERT INTO {table} ({', '.join([*columns, *extra])}) VALUES ({', '.join(marks)})",
                values,
            )
        sql, values = self._sql[key]
        self.conn.executemany(sql, [r + values for r in rows] if values else rows)

    def set_counters(self, last_by_day: Mapping[str, int]) -> None:
        self.conn.executemany(
            "INSERT INTO ticketcounter (day, last) VALUES (?, ?) "
            "ON CONFLICT (day) DO UPDATE SET last = max(last, excluded.last)",
            list(last_by_day.items()),
        )

    def name_groups(self, head_ids: Iterable[int]) -> None:
        self.conn.executemany("UPDATE ticket SET group_id = id WHERE id = ?", [(i,) for i in head_ids])

    def finish(self) -> None:
        # Indexes first (each built in one sorted pass), then the triggers, then the search
        # indexes catch up with the new tickets in one statement each.
        for _kind, _name, sql in sorted(self._saved, key=lambda s: s[0] != "index"):
            self.conn.execute(sql)
        assert self._first_ticket is not None
        search.index_tickets_from(self.conn, self._first_ticket)
        self.conn.execute("COMMIT")


@contextmanager
def _sqlite_load(db: Database) -> Iterator[Loader]:
    assert db.path is not None
    db.dispose()  # no pooled connection of ours may keep the file in WAL mode
    conn = sqlite3.connect(db.path, isolation_level=None, timeout=db.busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout={db.busy_timeout_ms}")
        # The generator makes every reference itself (tests/services/test_demo.py checks them
        # with PRAGMA foreign_key_check): millions of look-ups saved.
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA threads=2")  # CREATE INDEX may sort on a second core
        # Leaving WAL needs the file to ourselves; when another program has it open the load
        # simply stays in WAL (slower: every page is written twice), it is still correct.
        mode = conn.execute("PRAGMA journal_mode=TRUNCATE").fetchone()[0]
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.execute("PRAGMA temp_store=MEMORY")
        loader = _SqliteLoader(conn)
        loader.begin()
        try:
            yield loader
            loader.finish()
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


# -- any backend (PostgreSQL) --------------------------------------------------------------


class _SessionLoader(Loader):
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        if not rows:
            return
        schema = _table(table)
        times = [_is_time(schema, c) for c in columns]
        dicts = [
            {
                c: (EPOCH + timedelta(seconds=v) if is_time and v is not None else v)
                for c, v, is_time in zip(columns, r, times, strict=True)
            }
            for r in rows
        ]
        self.session.connection().execute(insert(schema), dicts)

    def set_counters(self, last_by_day: Mapping[str, int]) -> None:
        for day, last in last_by_day.items():
            self.session.connection().execute(
                text(
                    "INSERT INTO ticketcounter (day, last) VALUES (:day, :last) ON CONFLICT (day) "
                    "DO UPDATE SET last = greatest(ticketcounter.last, excluded.last)"
                ),
                {"day": day, "last": last},
            )

    def name_groups(self, head_ids: Iterable[int]) -> None:
        ids = list(head_ids)
        for i in range(0, len(ids), 1000):
            self.session.connection().execute(
                update(_table("ticket"))
                .where(_table("ticket").c.id.in_(ids[i : i + 1000]))
                .values(group_id=_table("ticket").c.id)
            )

    def finish(self) -> None:
        # Rows were given their ids: move the sequences past them, or the next intake would
        # be handed an id that is taken.
        for table in ("ticket", "call"):
            self.session.connection().execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
            )


@contextmanager
def bulk_load(db: Database) -> Iterator[Loader]:
    """One transaction that appends rows fast; nothing of it stays when the block fails."""
    if db.is_sqlite:
        with _sqlite_load(db) as loader:
            yield loader
        return
    with db.write() as session:
        loader = _SessionLoader(session)
        yield loader
        loader.finish()


# -- what the generator reads first ---------------------------------------------------------


def max_ticket_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Ticket.id), 0))).scalar_one())


def max_call_id(session: Session) -> int:
    return int(session.execute(select(func.coalesce(func.max(Call.id), 0))).scalar_one())


def unit_ids(session: Session) -> list[tuple[int, str, str]]:
    return [
        (int(i), c, k) for i, c, k in session.execute(select(col(Unit.id), col(Unit.code), col(Unit.kind)))
    ]


def account_ids(session: Session) -> dict[str, int]:
    return {u: int(i) for i, u in session.execute(select(col(Account.id), col(Account.username)))}


def counters(session: Session) -> dict[str, int]:
    rows = session.execute(select(col(TicketCounter.day), col(TicketCounter.last)))
    return {str(d): int(n) for d, n in rows}
