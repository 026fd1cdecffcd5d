"""The SQLite file: owner-only, WAL, foreign keys; refusing newer or corrupt databases."""

from __future__ import annotations

import json
import random
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services import demo
from svcdesk.services.factory import build_services, initialize
from svcdesk.services.settings import Settings
from svcdesk.store import migrate, repo
from svcdesk.store.database import Database, DatabaseDamaged, DatabaseError
from tests.conftest import T0, TZ, intake


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


# -- damaged files -----------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def filled(db_path: Path) -> Path:
    """A real database with a few hundred tickets, its WAL folded into the file."""
    services = build_services(Settings(db=str(db_path), tz=TZ), FixedClock(T0))
    demo.generate(services, 400, seed=7)
    services.close()
    con = sqlite3.connect(db_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return db_path


def ticket_pages(path: Path) -> list[int]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT pageno FROM dbstat WHERE name = 'ticket' AND pagetype = 'leaf'")
        return sorted(r[0] for r in rows)
    except sqlite3.OperationalError:  # a SQLite built without the dbstat table
        return []
    finally:
        con.close()


def garble(path: Path, start: int, end: int) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(12345)
    data[start:end] = bytes(rng.randrange(256) for _ in range(end - start))
    path.write_bytes(bytes(data))


def cli(path: Path, *args: str) -> Any:
    return runner.invoke(app, [*args, "--db", str(path)])


def signed_in(path: Path, *args: str) -> Any:
    return runner.invoke(app, [*args, "--db", str(path), "--user", "office1", "--password", "demo"])


def test_a_truncated_file_is_refused_with_a_clear_message_and_left_alone(filled: Path) -> None:
    data = filled.read_bytes()
    filled.write_bytes(data[: len(data) // 2])
    before = filled.read_bytes()
    with pytest.raises(DatabaseDamaged, match="damaged or is not a svcdesk database"):
        build_services(Settings(db=str(filled), tz=TZ))
    with pytest.raises(DatabaseError, match="restore the latest backup"):
        initialize(Settings(db=str(filled), tz=TZ))
    for r in (signed_in(filled, "tickets", "list"), cli(filled, "init")):
        assert r.exit_code == 6, r.output
        assert "damaged" in r.stderr and "Traceback" not in r.stderr + r.stdout
    r = cli(filled, "db", "check")
    assert r.exit_code != 0 and "Traceback" not in r.stderr + r.stdout
    assert filled.read_bytes() == before


def test_garbage_in_the_middle_of_a_database_is_found_refused_and_never_written_over(filled: Path) -> None:
    page_size = 4096
    pages = ticket_pages(filled)
    if pages:
        page = pages[len(pages) // 2]
        garble(filled, (page - 1) * page_size, page * page_size)
    else:
        size = filled.stat().st_size
        garble(filled, size // 3, 2 * size // 3)
    before = filled.read_bytes()
    # The header and the schema are intact, so only a full check finds it: db check does.
    r = cli(filled, "db", "check", "--json")
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["ok"] is False and report["problems"]
    # init reads every page before it changes anything, and refuses.
    r = cli(filled, "init")
    assert r.exit_code == 6 and "damaged" in r.stderr and "Traceback" not in r.stderr
    assert filled.read_bytes() == before
    # Reading the damaged tickets is refused in plain words, not with a traceback...
    r = signed_in(filled, "tickets", "list", "--limit", "10000")
    assert r.exit_code == 6, r.output
    assert "damaged" in r.stderr and "Traceback" not in r.stderr + r.stdout
    # ...and once the damage is seen, svcdesk writes nothing more to the file.
    services = build_services(Settings(db=str(filled), tz=TZ), FixedClock(T0))
    office = services.accounts.sign_in("office1", "demo")
    with pytest.raises(DatabaseDamaged):
        services.tickets.list(office, limit=10000)
    services.db.engine.dispose()
    con = sqlite3.connect(filled)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    after_seen = filled.read_bytes()
    with pytest.raises(DatabaseDamaged):
        services.accounts.sign_in("office1", "demo")
    with pytest.raises(DatabaseDamaged):
        services.tickets.take_call(office, intake())
    # The intake being typed is kept on the workstation, not written to the damaged file.
    assert services.drafts.save(office, {"details": "路灯坏了"}).where == "local"
    services.close()
    assert filled.read_bytes() == after_seen


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[2]), int(sys.argv[2])))
from typer.testing import CliRunner
from svcdesk.cli.main import app
ticket = ["--phone", "13812345678", "--name", "张三", "--time", "2025-09-30 08:00", "--place", "文三路",
          "--details", "路灯坏了" * 900, "--category", "help", "--subtype", "general", "--mode", "transfer"]
for i in range(100):
    r = CliRunner().invoke(app, ["tickets", "new", "--db", sys.argv[1], "--user", "agent1", "--password",
                                 "demo", *ticket])
    if r.exit_code != 0:
        print(i, r.exit_code, repr(r.exception))
        print(r.stderr)
        break
"""


def test_a_full_disk_is_said_in_plain_words_and_leaves_the_database_sound(db_path: Path) -> None:
    limit = db_path.stat().st_size + 64_000
    args = [sys.executable, "-c", FULL_DISK, str(db_path), str(limit)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=300)
    first, _, message = r.stdout.partition("\n")
    taken, code, _exc = first.split(" ", 2)
    assert code == "6", r.stdout + r.stderr
    assert "cannot be written or read" in message and "check the disk's free space" in message
    assert "Traceback" not in r.stdout + r.stderr
    db = Database(db_path)
    assert db.integrity_problems() == []
    with db.read() as s:
        assert repo.count_tickets(s) == int(taken)  # every ticket before the failure, not the failed one


def test_a_mistyped_path_is_refused_and_leaves_no_empty_database_behind(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "svcdesk.db"
    with pytest.raises(DatabaseError, match="no svcdesk database"):
        build_services(Settings(db=str(missing), tz=TZ))
    for r in (signed_in(missing, "tickets", "list"), signed_in(missing, "report", "daily")):
        assert r.exit_code == 6, r.output
        assert "no svcdesk database" in r.stderr and "svcdesk init" in r.stderr
    assert not (tmp_path / "no").exists()
    # init is what creates it.
    assert cli(missing, "init").exit_code == 0 and missing.exists()
