"""Engine set-up for the embedded SQLite file and the shared PostgreSQL server, and the
rules every transaction follows on both.

One writer at a time, on both backends. SQLite: WAL, foreign keys, a busy timeout, and
``BEGIN IMMEDIATE`` for write sessions so that a second writer waits instead of failing
(see the field notes); reads stay deferred so they never queue behind writers. PostgreSQL:
every write transaction first takes one transaction-scoped advisory lock, so writers queue
exactly as they do on SQLite. The services were written for serialized writers (they read a
ticket, check its state, then change it); the lock keeps that true on PostgreSQL without a
``FOR UPDATE`` on every read, without deadlocks and without serialization failures, and
ticket numbering is serialized by its counter row anyway. A write transaction lasts a few
milliseconds, far below what a hotline's agents ask for; reads (queues, searches, history,
reports) never take the lock and run in parallel on a consistent snapshot.

Faults: opening a transaction waits out a busy database (SQLite locked beyond the busy
timeout, the PostgreSQL lock not granted in time) and a server that is away (refused,
restarting, connection cut) with a bounded number of attempts and a growing pause
(:class:`RetryPolicy`). :meth:`Database.transaction` goes further: it runs a whole write
transaction again, from the start, when it failed that way before its commit. When the
database does not come back, :class:`DatabaseUnavailable` says so in words a person can act
on; it is a :class:`DatabaseError`, which the CLI turns into exit status 6.

The SQLite file is created readable by its owner only.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from svcdesk.store.errors import DatabaseDamaged, DatabaseError, DatabaseUnavailable, SaveOutcomeUnknown

__all__ = [
    "BUSY_TIMEOUT_MS",
    "FAIL_FAST",
    "Database",
    "DatabaseDamaged",
    "DatabaseError",
    "DatabaseUnavailable",
    "RetryPolicy",
    "SaveOutcomeUnknown",
    "Session",
    "is_transient",
    "normalize_url",
]

BUSY_TIMEOUT_MS = 10_000
DEFAULT_WAIT_S = 30.0
WAIT_ENV = "SVCDESK_DB_WAIT"
PG_CONNECT_TIMEOUT_S = 5
# The key of the advisory lock every PostgreSQL write transaction takes ("SVCDESK1").
PG_WRITE_LOCK = 0x5356434445534B31
_WRITE_OPTION = "svcdesk_write"

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How long a step waits for a busy or unreachable database before giving up.

    ``attempts`` tries in all, with pauses doubling from ``first_pause`` up to ``max_pause``
    (each shortened by a random part, so that many workstations coming back at once do not
    retry in step), and no new attempt once ``deadline`` seconds have passed. On SQLite
    every attempt itself waits up to the busy timeout for the lock.
    """

    attempts: int = 20
    first_pause: float = 0.2
    max_pause: float = 3.0
    deadline: float = DEFAULT_WAIT_S

    def pause(self, attempt: int) -> float:
        """The pause after failed attempt number ``attempt`` (1-based)."""
        base = min(self.max_pause, self.first_pause * (2 ** (attempt - 1)))
        return base * random.uniform(0.6, 1.0)

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """The default policy, with ``SVCDESK_DB_WAIT`` (seconds) as its deadline when set."""
        raw = os.environ.get(WAIT_ENV, "").strip()
        if not raw:
            return cls()
        try:
            seconds = float(raw)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 3600:
            raise DatabaseError(f"{WAIT_ENV}: a number of seconds from 0 to 3600, not {raw!r}")
        return cls(deadline=seconds)


FAIL_FAST = RetryPolicy(attempts=1)
"""No retry: for a caller that has somewhere else to put its data (the intake draft)."""


def normalize_url(db: str | Path) -> str:
    """``--db`` takes a SQLite file path or an SQLAlchemy URL."""
    text_ = str(db)
    if "://" in text_:
        return text_
    return f"sqlite:///{Path(text_).expanduser().resolve()}"


def _prepare_sqlite_file(path: Path) -> None:
    if path.exists():
        return
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


# -- which failures are worth waiting out ----------------------------------------------

# PostgreSQL SQLSTATEs of a server going away or refusing for now: connection exceptions
# (08…), insufficient resources (53…: too many connections), operator intervention
# (57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 57P05 idle
# session timeout), and the transaction conflicts that a new attempt resolves (40001
# serialization failure, 40P01 deadlock, 55P03 lock not available: the write lock's timeout).
_PG_TRANSIENT_CLASSES = ("08", "53")
_PG_TRANSIENT_STATES = frozenset({"57P01", "57P02", "57P03", "57P05", "40001", "40P01", "55P03"})


def _sqlite_busy(orig: BaseException) -> bool:
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    name = getattr(orig, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    message = str(orig).lower()
    return "database is locked" in message or "database is busy" in message


def _pg_transient(orig: BaseException) -> bool:
    if not type(orig).__module__.startswith("psycopg"):
        return False
    state = getattr(orig, "sqlstate", None)
    if state is None:
        # No SQLSTATE: the client's own failure to reach the server (refused, reset, closed,
        # timed out). Every such psycopg error is an OperationalError.
        return any(c.__name__ == "OperationalError" for c in type(orig).__mro__)
    return state[:2] in _PG_TRANSIENT_CLASSES or state in _PG_TRANSIENT_STATES


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is the database being busy or away for now, so that the same step,
    tried again in a moment, may succeed."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return _sqlite_busy(orig) or _pg_transient(orig)


def _is_damaged(exc: BaseException) -> bool:
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if not isinstance(orig, sqlite3.DatabaseError):
        return False
    name = getattr(orig, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return True
    message = str(orig).lower()
    return "malformed" in message or "not a database" in message


_SQLITE_ENVIRONMENT = ("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")


def _sqlite_environment(exc: BaseException) -> bool:
    """The disk or the file's permissions, not svcdesk: full, unreadable, read-only."""
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    name = getattr(orig, "sqlite_errorname", "") or ""
    return isinstance(orig, sqlite3.Error) and name.startswith(_SQLITE_ENVIRONMENT)


def _is_disconnect(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    state = getattr(orig, "sqlstate", None)
    return _pg_transient(orig) and (state is None or state[:2] == "08" or state.startswith("57P"))


def _reason(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    first = str(orig).strip().splitlines()
    return first[0] if first else type(orig).__name__


class Database:
    def __init__(
        self,
        db: str | Path,
        *,
        echo: bool = False,
        retry: RetryPolicy | None = None,
        busy_timeout_ms: int | None = None,
        create: bool = True,
    ) -> None:
        """``retry``: how long steps wait for a busy or unreachable database (by default
        :meth:`RetryPolicy.from_env`); ``busy_timeout_ms``: how long one attempt waits for
        the other writer (10 s, or less when the whole wait is set shorter); ``create``: make
        the SQLite file (and its folder) when it is not there — only for ``init``, so that a
        mistyped ``--db`` leaves no empty database behind."""
        self.url = normalize_url(db)
        url = make_url(self.url)
        self.dialect = url.get_backend_name()
        self.display_url = url.render_as_string(hide_password=True)
        self.retry = retry or RetryPolicy.from_env()
        self._damage: str | None = None
        if busy_timeout_ms is None:
            busy_timeout_ms = int(min(BUSY_TIMEOUT_MS, max(100.0, self.retry.deadline * 1000)))
        self._busy_timeout_ms = busy_timeout_ms
        self.path: Path | None = None
        if self.dialect == "sqlite":
            if not url.database or url.database == ":memory:":
                raise DatabaseError("an in-memory SQLite database cannot be shared; give a file")
            self.path = Path(url.database)
            self.display_url = str(self.path)
            if not create and not self.path.exists():
                raise DatabaseError(f"no svcdesk database at {self.path}: run `svcdesk init` first")
            try:
                _prepare_sqlite_file(self.path)
            except OSError as exc:
                raise DatabaseError(f"cannot create the database file {self.path}: {exc.strerror}") from exc
            self.engine: Engine = create_engine(
                self.url,
                echo=echo,
                connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            )
            event.listen(self.engine, "connect", self._on_sqlite_connect)
            event.listen(self.engine, "begin", _on_sqlite_begin)
            self._read_engine = self.engine
            self._write_engine = self.engine.execution_options(**{_WRITE_OPTION: True})
        elif self.dialect == "postgresql":
            try:
                self.engine = create_engine(
                    self.url,
                    echo=echo,
                    pool_pre_ping=True,  # a server restarted meanwhile: reconnect at checkout
                    pool_size=5,
                    max_overflow=10,
                    pool_recycle=1800,  # firewalls drop idle connections silently
                    connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "svcdesk"},
                )
            except ModuleNotFoundError as exc:
                raise DatabaseError(
                    "PostgreSQL needs the psycopg driver: pip install 'svcdesk[postgres]'"
                ) from exc
            event.listen(self.engine, "connect", _on_pg_connect)
            # Reads see one consistent snapshot, as a SQLite read transaction does; writes
            # see the latest committed rows once they hold the write lock.
            self._read_engine = self.engine.execution_options(isolation_level="REPEATABLE READ")
            self._write_engine = self.engine.execution_options(
                isolation_level="READ COMMITTED", **{_WRITE_OPTION: True}
            )
        else:
            raise DatabaseError(f"unsupported database {self.dialect!r}: use a SQLite file or PostgreSQL")

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def busy_timeout_ms(self) -> int:
        """How long one attempt waits for another writer before it counts as failed."""
        return self._busy_timeout_ms

    @busy_timeout_ms.setter
    def busy_timeout_ms(self, value: int) -> None:
        self._busy_timeout_ms = value
        self.engine.dispose()  # pooled connections carry the old value

    def _on_sqlite_connect(self, dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_sqlite_begin)
        cur = dbapi_connection.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    # -- errors --------------------------------------------------------------------------

    def _unavailable(self, exc: BaseException, attempts: int, waited: float) -> DatabaseUnavailable:
        tried = f"{attempts} attempts over {waited:.1f} s; " if attempts > 1 else ""
        reason = _reason(exc)
        if self.is_sqlite:
            return DatabaseUnavailable(
                f"the database {self.display_url} is busy: another program has kept it locked "
                f"({tried}{reason}). Nothing was changed; try again in a moment, and if it "
                "lasts, find the program holding the file"
            )
        return DatabaseUnavailable(
            f"the database server is unreachable ({self.display_url}; {tried}{reason}). Nothing "
            "was changed; try again when it is back, or ask the administrator to check the "
            "PostgreSQL server and the network"
        )

    def _cannot_open(self, exc: BaseException) -> DatabaseError:
        if _is_damaged(exc):
            return self._damaged(exc)
        return DatabaseError(f"cannot read the database at {self.display_url}: {_reason(exc)}")

    def _damaged(self, exc: BaseException | str) -> DatabaseDamaged:
        """Remembers the damage (no more writes through this object) and says what to do."""
        self._damage = exc if isinstance(exc, str) else _reason(exc)
        return DatabaseDamaged(
            f"cannot read the database at {self.display_url}: the file is damaged or is not a "
            f"svcdesk database ({self._damage}). svcdesk neither repairs nor replaces it, and "
            "writes nothing more to it: restore the latest backup (`svcdesk db backup` makes "
            "them) and keep this file for inspection; `svcdesk db check` lists the damage"
        )

    def _retrying(self, attempt: Callable[[], T], policy: RetryPolicy | None = None) -> T:
        """Runs ``attempt`` until it succeeds, fails for a reason waiting cannot fix, or the
        policy runs out; only transient failures (see :func:`is_transient`) are retried."""
        policy = policy or self.retry
        started = time.monotonic()
        n = 0
        while True:
            n += 1
            try:
                return attempt()
            except (SQLAlchemyError, sqlite3.Error) as exc:
                if not is_transient(exc):
                    raise
                waited = time.monotonic() - started
                pause = policy.pause(n)
                if n >= policy.attempts or waited + pause > policy.deadline:
                    raise self._unavailable(exc, n, waited) from exc
                time.sleep(pause)

    # -- sessions ------------------------------------------------------------------------

    def refuse_writes_once_damaged(self) -> None:
        """Once a damaged page has been seen, nothing more is written to the file, by any
        path (the intake draft's short writes included)."""
        if self._damage is not None:
            raise self._damaged(self._damage)

    def _open(self, write: bool) -> Session:
        """A session whose transaction has begun: connection checked out, and for a write the
        lock held. Errors here come before anything was done, so they can be retried."""
        if write:
            self.refuse_writes_once_damaged()
        session = Session(self._write_engine if write else self._read_engine, expire_on_commit=False)
        try:
            conn = session.connection()
            if write and not self.is_sqlite:
                conn.execute(
                    text("SELECT set_config('lock_timeout', :timeout, true), pg_advisory_xact_lock(:key)"),
                    {"timeout": f"{int(self._busy_timeout_ms)}ms", "key": PG_WRITE_LOCK},
                )
        except BaseException:
            session.close()
            raise
        return session

    def _open_checked(self, write: bool) -> Session:
        """:meth:`_open`, with a failure that waiting cannot fix (wrong password, no such
        database, not a database file) turned into a :class:`DatabaseError` at once."""
        try:
            return self._open(write)
        except (SQLAlchemyError, sqlite3.Error) as exc:
            if is_transient(exc):
                raise
            raise self._cannot_open(exc) from exc

    def _open_retrying(self, write: bool, policy: RetryPolicy | None) -> Session:
        return self._retrying(lambda: self._open_checked(write), policy)

    def _failed(self, exc: BaseException, committing: bool) -> BaseException:
        """What a failure inside an open transaction becomes for the caller."""
        if _is_damaged(exc):
            return self._damaged(exc)
        if _sqlite_environment(exc):
            return DatabaseError(
                f"the database file {self.display_url} cannot be written or read ({_reason(exc)}). "
                "Nothing was changed; check the disk's free space and the file's permissions"
            )
        if not is_transient(exc):
            return exc
        if committing and not self.is_sqlite and _is_disconnect(exc):
            return SaveOutcomeUnknown(
                f"the connection to the database server ({self.display_url}) was lost while "
                f"saving ({_reason(exc)}): the step may or may not have been saved. Look it up "
                "before doing it again"
            )
        return self._unavailable(exc, 1, 0.0)

    @contextmanager
    def read(self, retry: RetryPolicy | None = None) -> Iterator[Session]:
        """A read transaction on one consistent snapshot. Opening it waits for a server that
        is away (``retry``: this database's policy unless given, e.g. :data:`FAIL_FAST` for a
        caller with a plan B); a failure once it is open becomes :class:`DatabaseUnavailable`."""
        session = self._open_retrying(False, retry)
        try:
            yield session
            session.commit()
        except (SQLAlchemyError, sqlite3.Error) as exc:
            _rollback_quietly(session)
            error = self._failed(exc, committing=False)
            if error is exc:
                raise
            raise error from exc
        finally:
            session.close()

    @contextmanager
    def write(self, retry: RetryPolicy | None = None) -> Iterator[Session]:
        """One write transaction: committed if the block ends normally, rolled back otherwise.

        Opening it waits (with retries) for the other writer or for a server that is away. A
        failure inside the block cannot be retried here, because the block cannot be run
        again; it becomes :class:`DatabaseUnavailable`. Use :meth:`transaction` for a step
        that should simply be done again."""
        session = self._open_retrying(True, retry)
        committing = False
        try:
            yield session
            committing = True
            session.commit()
        except BaseException as exc:
            _rollback_quietly(session)
            if isinstance(exc, SQLAlchemyError | sqlite3.Error):
                error = self._failed(exc, committing)
                if error is not exc:
                    raise error from exc
            raise
        finally:
            session.close()

    def transaction(self, work: Callable[[Session], T], retry: RetryPolicy | None = None) -> T:
        """Runs ``work(session)`` in one write transaction and commits it. When the database
        was busy or the connection was lost before the commit, everything was rolled back,
        so the whole transaction is run again from the start, in a new session, until the
        retry policy runs out (then :class:`DatabaseUnavailable`). ``work`` must therefore
        keep nothing between attempts but what it reads from the session.

        A refusal raised by ``work`` (a service error) rolls back and is not retried."""

        def attempt() -> T:
            session = self._open_checked(write=True)
            committing = False
            try:
                result = work(session)
                committing = True
                session.commit()
                return result
            except BaseException as exc:
                _rollback_quietly(session)
                if isinstance(exc, SQLAlchemyError | sqlite3.Error):
                    error = self._failed(exc, committing)
                    # Busy, or the connection lost before the commit: _retrying runs the
                    # whole transaction again. Anything else the failure became is final.
                    again = isinstance(error, DatabaseUnavailable) and not isinstance(
                        error, SaveOutcomeUnknown
                    )
                    if error is not exc and not again:
                        raise error from exc
                raise
            finally:
                session.close()

        return self._retrying(attempt, retry)

    def dispose(self) -> None:
        self.engine.dispose()

    # -- administration ------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """A consistent copy of a live database, safe while agents are working.

        SQLite: the online backup API in a single step, which reads one snapshot (WAL lets
        writers go on meanwhile; a copy made in small steps would restart every time a writer
        commits and might never finish). PostgreSQL: ``pg_dump``, which reads one snapshot too.
        """
        target = target.expanduser().resolve()
        if not self.is_sqlite:
            from svcdesk.store.pg_admin import dump

            dump(self.url, target)
            return
        assert self.path is not None
        if target == self.path.resolve():
            raise DatabaseError("the backup cannot overwrite the database itself")
        _prepare_sqlite_file(target)
        src = sqlite3.connect(self.path, timeout=self._busy_timeout_ms / 1000)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst, pages=-1)
        except sqlite3.Error as exc:
            dst.close()
            target.unlink(missing_ok=True)
            raise DatabaseError(f"the backup to {target} failed: {exc}") from exc
        finally:
            dst.close()
            src.close()

    def quick_problems(self) -> list[str]:
        """SQLite's quick check (every page read once; a few seconds on a big file): empty when
        the file is sound. ``svcdesk init`` runs it before it changes anything."""
        if not self.is_sqlite:
            return []
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
        except (DBAPIError, sqlite3.Error) as exc:
            return [_reason(exc)]
        return [str(r[0]) for r in rows if r[0] != "ok"]

    def refuse_if_damaged(self) -> None:
        problems = self.quick_problems()
        if problems:
            raise self._damaged("; ".join(problems[:3]))

    def describe(self) -> dict[str, str]:
        """Which database this is, for ``svcdesk db check``: backend, server version, where."""
        with self.read() as s:
            query = "SELECT sqlite_version()" if self.is_sqlite else "SHOW server_version"
            version = str(s.connection().exec_driver_sql(query).scalar())
        return {
            "backend": "sqlite" if self.is_sqlite else "postgresql",
            "version": version,
            "url": self.display_url,
        }

    def integrity_problems(self, svcdesk_checks: bool = True) -> list[str]:
        """Empty when the database is sound. SQLite: its integrity and foreign-key checks;
        both: svcdesk's own consistency checks (see ``store.health``), unless
        ``svcdesk_checks`` is false (a database without svcdesk's tables yet)."""
        from svcdesk.store import health

        problems: list[str] = []
        if self.is_sqlite:
            try:
                with self.engine.connect() as conn:
                    rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
                    fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            except (DBAPIError, sqlite3.Error) as exc:
                return [_reason(exc)]
            problems += [str(r[0]) for r in rows if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in fk]
            if problems:
                return problems  # the logical checks would read damaged pages
        if svcdesk_checks:
            with self.read() as s:
                problems += health.consistency_problems(s)
        return problems


def _on_pg_connect(dbapi_connection: Any, _record: Any) -> None:
    """Times in SQL are UTC on both backends (SQLite stores them as naive UTC), whatever the
    server's TimeZone. A SET rather than a startup option, which PgBouncer would refuse."""
    with dbapi_connection.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.commit()


def _on_sqlite_begin(conn: Any) -> None:
    if conn.get_execution_options().get(_WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _rollback_quietly(session: Session) -> None:
    # When the connection is gone, the server has rolled the transaction back itself.
    with contextlib.suppress(SQLAlchemyError, sqlite3.Error):
        session.rollback()


def make_memoryless_engine(url: str) -> Engine:
    """An engine without a pool, for short-lived tools (migrations)."""
    return create_engine(url, poolclass=NullPool)
