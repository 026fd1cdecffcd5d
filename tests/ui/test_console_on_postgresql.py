"""The console unchanged on a shared PostgreSQL server: a call from the first ring to the
lead's queue, and a call typed while the server is stopped, kept on the workstation, and
submitted once the server is back, exactly as typed.

The outage test stops and starts its server, so this module has a server of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from textual.widgets import DataTable

from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services, build_services, initialize
from svcdesk.services.settings import Settings
from svcdesk.store.database import RetryPolicy
from svcdesk.ui.app import SvcdeskApp
from svcdesk.ui.screens.closing import ClosingScreen
from svcdesk.ui.screens.intake import IntakeScreen
from svcdesk.ui.screens.queue import QueueScreen
from tests.conftest import ACCOUNTS, T0, TZ
from tests.pg import PgServer, PgUnavailable, skip_requested
from tests.ui.helpers import new_call, settle, sign_in, text_of, type_call

pytestmark = pytest.mark.postgres
SIZE = (120, 40)


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    if skip_requested():
        pytest.skip("PostgreSQL tests skipped: SVCDESK_SKIP_PG is set")
    try:
        pg = PgServer()
        pg.start()
    except PgUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    url = pg.create_database("console_template")
    s = initialize(Settings(db=url, tz=TZ), FixedClock(T0))
    for name, role in ACCOUNTS:
        s.accounts.add(None, name, "demo", role)
    s.close()
    yield pg
    pg.destroy()


@pytest.fixture
def pg_services(server: PgServer) -> Iterator[Services]:
    if not server.running:
        server.start()
    url = server.create_database(f"console_{time.monotonic_ns()}", template="console_template")
    services = build_services(Settings(db=url, tz=TZ, lang="en"), FixedClock(T0))
    yield services
    services.close()
    if not server.running:
        server.start()


async def test_a_call_taken_in_the_console_reaches_the_leads_queue(pg_services: Services) -> None:
    app = SvcdeskApp(pg_services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await type_call(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
        number = text_of(app, "#closing-number")
    lead = pg_services.accounts.sign_in("lead1", "demo")
    (ticket,) = pg_services.tickets.list(lead)
    assert ticket.number in number and ticket.place == "西湖区文三路100号"
    app = SvcdeskApp(pg_services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "lead1")
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        table = app.screen.query_one(DataTable)
        assert ticket.number in str(table.get_row_at(0))


async def test_a_call_typed_while_the_server_is_down_is_kept_and_submitted_when_it_is_back(
    server: PgServer, pg_services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The console retries on a timer; the test retries by hand, so the messages stay put.
    monkeypatch.setattr(IntakeScreen, "RETRY_EVERY", 600)
    pg_services.db.retry = RetryPolicy(attempts=2, first_pause=0.05, max_pause=0.05, deadline=1)
    agent = pg_services.accounts.sign_in("agent1", "demo")
    app = SvcdeskApp(pg_services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(app, pilot, "agent1")
        await new_call(app, pilot)
        await settle(app, pilot)
        server.stop()  # mid-call: the server goes away
        await type_call(app, pilot, name="欧阳娜娜", details="停水两天了\n老人孩子在家,请尽快处理")
        await settle(app, pilot)
        assert "kept as a draft on this computer" in text_of(app, "#intake-status")
        assert pg_services.drafts.pending_local(agent)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        # Not submitted (the console said so, then that the intake is kept here): nothing lost.
        assert isinstance(app.screen, IntakeScreen)
        assert "cannot be reached" in text_of(app, "#intake-status")
        server.start()
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        screen.retry_draft()  # what the console's timer does every few seconds
        await settle(app, pilot)
        assert "The database is back" in text_of(app, "#intake-status")
        assert not pg_services.drafts.pending_local(agent)
        draft = pg_services.drafts.load(agent)
        assert draft is not None and draft.where == "database"
        assert pg_services.tickets.list(agent) == []  # the refused submit left nothing behind
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, ClosingScreen)
    (ticket,) = pg_services.tickets.list(agent)
    assert ticket.caller_name == "欧阳娜娜"
    assert ticket.details == "停水两天了\n老人孩子在家,请尽快处理"
