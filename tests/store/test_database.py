"""The SQLite file: owner-only, WAL, foreign keys; refusing newer or corrupt databases."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from svcdesk.services.factory import build_services, initialize
from svcdesk.services.settings import Settings
from svcdesk.store import migrate
from svcdesk.store.database import Database, DatabaseError
from tests.conftest import TZ


def test_a_new_database_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "svcdesk.db"
    initialize(Settings(db=str(path), tz=TZ)).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_pragmas(db_path: Path) -> None:
    db = Database(db_path)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_database_from_a_newer_svcdesk_is_refused_and_left_alone(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="newer svcdesk"):
        build_services(Settings(db=str(db_path), tz=TZ))
    with pytest.raises(DatabaseError, match="newer svcdesk"):
        initialize(Settings(db=str(db_path), tz=TZ))
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_refused_and_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database at all" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="cannot read"):
        initialize(Settings(db=str(path), tz=TZ))
    assert path.read_bytes() == before


def test_an_empty_database_asks_for_init(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="svcdesk init"):
        build_services(Settings(db=str(tmp_path / "empty.db"), tz=TZ))


def test_init_twice_is_harmless(db_path: Path) -> None:
    s = initialize(Settings(db=str(db_path), tz=TZ))
    assert migrate.check_schema(s.db) == "current"
    s.close()


def test_backup_is_a_consistent_copy(db_path: Path, tmp_path: Path) -> None:
    db = Database(db_path)
    target = tmp_path / "copy.db"
    db.backup(target)
    copy = Database(target)
    assert copy.integrity_problems() == []
    assert migrate.check_schema(copy) == "current"
    with pytest.raises(DatabaseError):
        db.backup(db_path)
