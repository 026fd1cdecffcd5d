"""``svcdesk db backup`` while agents are working: the copy is one consistent moment of the
database (every ticket with its intake's audit entry, the day's counter at its highest
number), checks clean, and the writers never noticed.

SQLite: the copy is a SQLite file. PostgreSQL: a ``pg_dump`` archive, restored here with
``pg_restore`` into an empty database and checked there.
"""

from __future__ import annotations

import multiprocessing as mp
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import build_services
from svcdesk.services.settings import Settings
from svcdesk.store import repo
from svcdesk.store.database import Database
from svcdesk.store.pg_admin import libpq_uri
from tests.conftest import T0, TZ, intake
from tests.pg import PgServer

WRITERS = 3
runner = CliRunner()


def _writer(db: str, who: str, stop: Any, queue: Any) -> None:
    try:
        services = build_services(Settings(db=db, tz=TZ), FixedClock(T0))
        actor = services.accounts.sign_in(who, "demo")
        taken = 0
        while not stop.is_set():
            services.tickets.take_call(actor, intake(details=f"backup under load {taken}"))
            taken += 1
        services.close()
        queue.put(("ok", taken))
    except BaseException as exc:
        queue.put(("error", repr(exc)))


def count(db: str) -> int:
    database = Database(db)
    try:
        with database.read() as s:
            return repo.count_tickets(s)
    finally:
        database.dispose()


def snapshot_figures(db: Database) -> tuple[int, int, int]:
    """Tickets, intake audit entries, and the day's counter of a copy."""
    with db.read() as s:
        conn = s.connection()
        tickets = repo.count_tickets(s)
        submits = conn.exec_driver_sql("SELECT count(*) FROM audit WHERE action = 'submit'").scalar_one()
        counter = conn.exec_driver_sql("SELECT last FROM ticketcounter WHERE day = '20250930'").scalar()
    return tickets, int(submits), int(counter or 0)


def wait_for(predicate: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the writers made no progress"
        time.sleep(0.1)


@pytest.mark.slow
@pytest.mark.xdist_group("concurrency")
def test_a_backup_made_while_agents_work_is_consistent(
    backend: str, db_url: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_writer, args=(db_url, ("agent1", "agent2", "lead1")[i], stop, queue))
        for i in range(WRITERS)
    ]
    for p in procs:
        p.start()
    target = tmp_path / ("copy.db" if backend == "sqlite" else "copy.dump")
    try:
        wait_for(lambda: count(db_url) >= 20)
        before = count(db_url)
        r = runner.invoke(
            app, ["db", "backup", str(target), "--db", db_url, "--user", "office1", "--password", "demo"]
        )
        assert r.exit_code == 0, r.stderr
        after = count(db_url)
        wait_for(lambda: count(db_url) > after + 5)  # the writers went on working
    finally:
        stop.set()
        results = [queue.get(timeout=120) for _ in procs]
        for p in procs:
            p.join(timeout=60)
    assert [x for kind, x in results if kind == "error"] == []
    assert target.stat().st_mode & 0o077 == 0  # readable by its owner only

    if backend == "sqlite":
        copy = Database(target)
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        restored = server.create_database(f"restored_{time.monotonic_ns()}")
        uri, _env = libpq_uri(restored)
        subprocess.run(
            [str(server.bindir / "pg_restore"), "--no-owner", f"--dbname={uri}", str(target)],
            check=True,
            capture_output=True,
        )
        copy = Database(restored)
    tickets, submits, counter = snapshot_figures(copy)
    assert before <= tickets <= after
    assert tickets == submits == counter  # one moment: no ticket without its entry, no gap
    assert copy.integrity_problems() == []
    copy.dispose()


def test_a_backup_never_overwrites(db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    existing = tmp_path / "precious.db"
    existing.write_bytes(b"yesterday's backup")
    args = ["--db", str(db_path), "--user", "office1", "--password", "demo"]
    r = runner.invoke(app, ["db", "backup", str(existing), *args])
    assert r.exit_code == 2 and "exists" in r.stderr
    assert existing.read_bytes() == b"yesterday's backup"
    r = runner.invoke(app, ["db", "backup", str(db_path), *args])
    assert r.exit_code != 0 and "Traceback" not in r.stderr
