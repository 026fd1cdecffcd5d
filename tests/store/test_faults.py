"""Faults, for real: a SQLite file kept locked by another process beyond the busy timeout, a
PostgreSQL server restarted mid-shift or stopped while a step waits for it, a connection cut
in the middle of a transaction. The services keep working once the database is back, no
ticket is lost or recorded twice, and a database that never comes back gives a clear error.

The PostgreSQL tests restart their server, so they have one of their own (not the suite's).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services.drafts import DraftService
from svcdesk.services.factory import Services, build_services, initialize
from svcdesk.services.settings import Settings
from svcdesk.services.views import TicketView
from svcdesk.store import repo
from svcdesk.store.database import Database, DatabaseUnavailable, RetryPolicy, SaveOutcomeUnknown
from tests.conftest import ACCOUNTS, T0, TZ, intake
from tests.pg import PgServer, PgUnavailable, skip_requested

runner = CliRunner()

PATIENT = RetryPolicy(attempts=200, first_pause=0.05, max_pause=0.25, deadline=40)
IMPATIENT = RetryPolicy(attempts=3, first_pause=0.05, max_pause=0.1, deadline=1.0)

# Another process taking SQLite's write lock and keeping it (an import, a stuck tool).
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@dataclass
class Holder:
    proc: subprocess.Popen[str]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


def hold_lock(path: Path, seconds: float) -> Holder:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "locked"
    return Holder(proc)


def counts(services: Services) -> tuple[int, int]:
    with services.db.read() as s:
        return repo.count_tickets(s), repo.count_audit(s)


def history(services: Services, view: TicketView) -> list[str]:
    lead = services.accounts.sign_in("lead1", "demo")
    return [h.action for h in services.tickets.get(lead, view.number).history or []]


# -- SQLite ------------------------------------------------------------------------------


def test_a_write_lock_held_beyond_the_busy_timeout_is_waited_out(db_path: Path) -> None:
    services = build_services(Settings(db=str(db_path), tz=TZ), FixedClock(T0))
    services.db.retry = PATIENT
    services.db.busy_timeout_ms = 200
    agent = services.accounts.sign_in("agent1", "demo")
    holder = hold_lock(db_path, 1.5)
    try:
        started = time.monotonic()
        view = services.tickets.take_call(agent, intake())
        waited = time.monotonic() - started
    finally:
        holder.stop()
    assert waited >= 1.0  # it did wait for the other process, several busy timeouts long
    assert view.number == "20250930-0001"
    assert counts(services)[0] == 1
    assert history(services, view) == ["submit"]
    services.close()


def test_a_lock_that_is_never_released_gives_a_clear_error_and_changes_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = build_services(Settings(db=str(db_path), tz=TZ), FixedClock(T0))
    agent = services.accounts.sign_in("agent1", "demo")
    before = counts(services)
    services.db.retry = IMPATIENT
    services.db.busy_timeout_ms = 200
    holder = hold_lock(db_path, 120)
    try:
        with pytest.raises(DatabaseUnavailable, match="is busy: another program has kept it locked"):
            services.tickets.take_call(agent, intake())
        # The CLI says the same, with exit status 6 and no traceback.
        monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
        monkeypatch.setenv("SVCDESK_DB_WAIT", "0.5")
        r = runner.invoke(
            app, ["tickets", "list", "--db", str(db_path), "--user", "agent1", "--password", "demo"]
        )
        assert r.exit_code == 6, r.output
        assert "busy" in r.stderr and "Traceback" not in r.stderr + r.stdout
        # Reading goes on meanwhile (WAL): the queue stays visible.
        assert services.tickets.list(agent) == []
    finally:
        holder.stop()
    assert counts(services) == before
    assert services.tickets.take_call(agent, intake()).number == "20250930-0001"
    services.close()


# -- PostgreSQL --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def own_pg() -> Iterator[PgServer]:
    if skip_requested():
        pytest.skip("PostgreSQL tests skipped: SVCDESK_SKIP_PG is set")
    try:
        server = PgServer()
        server.start()
    except PgUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    url = server.create_database("template_faults")
    s = initialize(Settings(db=url, tz=TZ), FixedClock(T0))
    for name, role in ACCOUNTS:
        s.accounts.add(None, name, "demo", role)
    s.close()
    yield server
    server.destroy()


@pytest.fixture
def pg(own_pg: PgServer) -> Iterator[tuple[PgServer, Services]]:
    if not own_pg.running:
        own_pg.start()
    url = own_pg.create_database(f"faults_{time.monotonic_ns()}", template="template_faults")
    services = build_services(Settings(db=url, tz=TZ), FixedClock(T0))
    yield own_pg, services
    services.close()
    if not own_pg.running:
        own_pg.start()


@pytest.mark.postgres
def test_a_server_restarted_between_two_steps(pg: tuple[PgServer, Services]) -> None:
    server, services = pg
    agent = services.accounts.sign_in("agent1", "demo")
    lead = services.accounts.sign_in("lead1", "demo")
    first = services.tickets.take_call(agent, intake())
    server.restart()  # every pooled connection is now dead
    services.tickets.dispatch(lead, first.number, "CGJ")
    second = services.tickets.take_call(agent, intake())
    server.restart()
    services.tickets.reply(lead, first.number, "已修复")
    services.tickets.callback(agent, first.number, "satisfied")
    assert (first.number, second.number) == ("20250930-0001", "20250930-0002")
    assert history(services, first) == ["submit", "dispatch", "reply", "callback_satisfied"]
    assert history(services, second) == ["submit"]
    assert counts(services)[0] == 2


@pytest.mark.postgres
def test_a_step_made_while_the_server_is_down_waits_and_is_saved_once(
    pg: tuple[PgServer, Services],
) -> None:
    server, services = pg
    services.db.retry = PATIENT
    agent = services.accounts.sign_in("agent1", "demo")
    server.stop()
    outcome: dict[str, object] = {}

    def take() -> None:
        try:
            outcome["view"] = services.tickets.take_call(agent, intake(details="停电了,整栋楼没电"))
        except Exception as exc:  # reported below
            outcome["error"] = exc

    worker = threading.Thread(target=take)
    worker.start()
    time.sleep(1.5)
    assert worker.is_alive(), outcome  # still retrying: the server is away
    server.start()
    worker.join(timeout=40)
    assert not worker.is_alive()
    assert "error" not in outcome, outcome
    view = outcome["view"]
    assert isinstance(view, TicketView)
    assert view.number == "20250930-0001" and view.details == "停电了,整栋楼没电"
    assert counts(services)[0] == 1
    assert history(services, view) == ["submit"]


@pytest.mark.postgres
def test_a_server_that_stays_away_gives_a_clear_error_and_nothing_is_saved(
    pg: tuple[PgServer, Services], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, services = pg
    agent = services.accounts.sign_in("agent1", "demo")
    before = counts(services)
    server.stop()
    services.db.retry = IMPATIENT
    with pytest.raises(DatabaseUnavailable, match="database server is unreachable") as caught:
        services.tickets.take_call(agent, intake())
    assert "try again when it is back" in str(caught.value)
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    monkeypatch.setenv("SVCDESK_DB_WAIT", "0.5")
    url = services.db.url
    r = runner.invoke(app, ["tickets", "list", "--db", url, "--user", "agent1", "--password", "demo"])
    assert r.exit_code == 6, r.output
    assert "unreachable" in r.stderr and "Traceback" not in r.stderr + r.stdout
    server.start()
    assert counts(services) == before


@pytest.mark.postgres
def test_the_url_password_never_shows_in_an_error(own_pg: PgServer) -> None:
    db = Database(
        f"postgresql+psycopg://svcdesk:s3cret-pw@127.0.0.1:{own_pg.port + 1}/none",
        retry=RetryPolicy(attempts=1),
    )
    with pytest.raises(DatabaseUnavailable) as caught, db.read():
        pass
    assert "s3cret-pw" not in str(caught.value) and "***" in str(caught.value)


@pytest.mark.postgres
def test_a_transaction_cut_midway_is_run_again_whole(pg: tuple[PgServer, Services]) -> None:
    _server, services = pg
    attempts: list[int] = []

    def work(s: Session) -> int:
        serial = repo.next_ticket_serial(s, "20991231")
        attempts.append(serial)
        if len(attempts) == 1:
            # The server ends this connection, as a fast shutdown or an administrator does.
            s.connection().exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")
        return serial

    assert services.db.transaction(work) == 1
    assert attempts == [1, 1]  # the first attempt's serial was rolled back with it
    assert services.db.transaction(lambda s: repo.next_ticket_serial(s, "20991231")) == 2


@pytest.mark.postgres
def test_a_connection_lost_while_committing_is_never_done_again_blindly(
    pg: tuple[PgServer, Services],
) -> None:
    server, services = pg
    attempts: list[int] = []

    def work(s: Session) -> int:
        serial = repo.next_ticket_serial(s, "20991231")
        attempts.append(serial)
        pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with server.admin() as admin:  # the server ends the connection just before the commit
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.2)
        return serial

    with pytest.raises(SaveOutcomeUnknown, match="may or may not have been saved"):
        services.db.transaction(work)
    assert attempts == [1]  # not repeated: repeating could record the step twice
    assert services.db.transaction(lambda s: repo.next_ticket_serial(s, "20991231")) == 1


@pytest.mark.postgres
def test_init_from_several_workstations_at_once(own_pg: PgServer) -> None:
    """The second init waits for the first (the write lock) and finds the schema current."""
    url = own_pg.create_database(f"empty_{time.monotonic_ns()}")
    code = (
        "import sys\n"
        "from svcdesk.services.factory import initialize\n"
        "from svcdesk.services.settings import Settings\n"
        "initialize(Settings(db=sys.argv[1])).close()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    procs = [
        subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(3)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    services = build_services(Settings(db=url, tz=TZ), FixedClock(T0))
    with services.db.read() as s:
        codes = [u.code for u in repo.units(s)]
    assert "CGJ" in codes
    services.close()


# -- the intake draft through an outage (the console's side, services/drafts.py) ----------

TYPED = {
    "fields": intake(
        caller_name="欧阳·娜娜",
        place="西湖区文三路100号 3幢2单元",
        details="楼道灯坏了\n晚上很黑,老人摔倒过一次 🌃\n请尽快修",
    ),
    "focus": "details",
    "kb_ids": [],
}


def drive_a_draft_through_an_outage(
    services: Services, drafts: DraftService, outage: Callable[[], object], back: Callable[[], object]
) -> None:
    agent = services.accounts.sign_in("agent1", "demo")
    before = counts(services)
    outage()
    try:
        assert drafts.save(agent, TYPED).where == "local"
        kept = drafts.load(agent)
        assert kept is not None and kept.where == "local" and kept.data == TYPED
        with pytest.raises(DatabaseUnavailable):  # the submit is refused in plain words
            services.tickets.take_call(agent, TYPED["fields"])
        retried = drafts.retry(agent)
        assert retried is not None and retried.where == "local"  # still away: still kept here
    finally:
        back()
    assert counts(services) == before  # nothing half-written
    retried = drafts.retry(agent)
    assert retried is not None and retried.where == "database"
    assert not drafts.pending_local(agent)
    resumed = drafts.load(agent)
    assert resumed is not None and resumed.where == "database" and resumed.data == TYPED
    view = services.tickets.take_call(agent, resumed.data["fields"])
    typed = TYPED["fields"]
    assert (view.caller_name, view.place, view.details) == (
        typed["caller_name"],
        typed["place"],
        typed["details"],
    )
    assert drafts.discard(agent) and drafts.load(agent) is None


def test_a_draft_typed_while_sqlite_is_locked_is_saved_when_it_is_free(db_path: Path, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    services = build_services(Settings(db=str(db_path), tz=TZ), clock)
    services.db.retry = IMPATIENT
    services.db.busy_timeout_ms = 200
    drafts = DraftService(services.db, clock, tmp_path / "drafts")
    holder: list[Holder] = []
    drive_a_draft_through_an_outage(
        services,
        drafts,
        lambda: holder.append(hold_lock(db_path, 120)),
        lambda: holder.pop().stop(),
    )
    services.close()


@pytest.mark.postgres
def test_a_draft_typed_while_postgresql_is_down_is_saved_when_it_is_back(
    pg: tuple[PgServer, Services], tmp_path: Path
) -> None:
    server, services = pg
    services.db.retry = IMPATIENT
    drafts = DraftService(services.db, services.clock, tmp_path / "drafts")
    drive_a_draft_through_an_outage(services, drafts, server.stop, server.start)
