"""Engine set-up for the embedded SQLite file and the shared PostgreSQL server.

SQLite: WAL, foreign keys, a busy timeout, and ``BEGIN IMMEDIATE`` for write sessions so
that a second writer waits instead of failing (see the field notes); reads stay deferred
so they never queue behind writers. The file is created readable by its owner only.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

BUSY_TIMEOUT_MS = 10_000
_WRITE_OPTION = "svcdesk_write"


class DatabaseError(RuntimeError):
    """A problem with the database a user can act on (wrong path, newer version, corrupt)."""


def normalize_url(db: str | Path) -> str:
    """``--db`` takes a SQLite file path or an SQLAlchemy URL."""
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def _prepare_sqlite_file(path: Path) -> None:
    if path.exists():
        return
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _on_sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Database:
    def __init__(self, db: str | Path, *, echo: bool = False) -> None:
        self.url = normalize_url(db)
        url = make_url(self.url)
        self.dialect = url.get_backend_name()
        self.path: Path | None = None
        if self.dialect == "sqlite":
            if not url.database or url.database == ":memory:":
                raise DatabaseError("an in-memory SQLite database cannot be shared; give a file")
            self.path = Path(url.database)
            _prepare_sqlite_file(self.path)
            self.engine: Engine = create_engine(
                self.url,
                echo=echo,
                connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            )
            event.listen(self.engine, "connect", _on_sqlite_connect)
            event.listen(self.engine, "begin", _on_sqlite_begin)
        elif self.dialect == "postgresql":
            self.engine = create_engine(self.url, echo=echo, pool_pre_ping=True)
        else:
            raise DatabaseError(f"unsupported database {self.dialect!r}: use a SQLite file or PostgreSQL")
        self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed if the block ends normally, rolled back otherwise."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    def backup(self, target: Path) -> None:
        """A consistent copy of a live database (SQLite's online backup API)."""
        if not self.is_sqlite or self.path is None:
            raise DatabaseError(
                "online backup from svcdesk covers the SQLite file; back up PostgreSQL with pg_dump"
            )
        target = target.expanduser().resolve()
        if target == self.path:
            raise DatabaseError("the backup cannot overwrite the database itself")
        _prepare_sqlite_file(target)
        src = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=256)
        finally:
            dst.close()
            src.close()

    def integrity_problems(self) -> list[str]:
        """Empty when the database is sound."""
        if self.is_sqlite:
            try:
                with self.engine.connect() as conn:
                    rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
                    fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            except OperationalError as exc:
                return [str(exc.orig)]
            problems = [str(r[0]) for r in rows if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in fk]
            return problems
        with self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return []


def make_memoryless_engine(url: str) -> Engine:
    """An engine without a pool, for short-lived tools (migrations)."""
    return create_engine(url, poolclass=NullPool)
