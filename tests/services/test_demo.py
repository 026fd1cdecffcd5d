"""The demo and benchmark generator: fast bulk writes must still give data the services would
have written — every state, consistent times and limits, references that hold, bound groups,
ticket numbers the next intake continues, and search indexes in step (on both backends)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from svcdesk.domain import limits
from svcdesk.domain.states import OPEN_STATUSES, STATUSES
from svcdesk.services import demo
from svcdesk.services.factory import Services
from svcdesk.store.models import Ticket
from tests.conftest import Staff, intake

N = 3000


@pytest.fixture
def generated(services: Services, staff: Staff) -> demo.DemoResult:
    return demo.generate(services, N, seed=7)


def rows(services: Services, sql: str) -> list[tuple[object, ...]]:
    with services.db.read() as s:
        return [tuple(r) for r in s.connection().execute(text(sql))]


def test_every_state_and_the_counts_it_reports(services: Services, generated: demo.DemoResult) -> None:
    assert generated.tickets == N
    assert generated.calls == N
    statuses = dict(rows(services, "SELECT status, count(*) FROM ticket GROUP BY status"))
    assert set(statuses) == set(STATUSES) - {"draft"}  # drafts live in intakedraft, not here
    assert sum(statuses.values()) == N  # type: ignore[arg-type]
    assert (
        rows(services, "SELECT count(*) FROM audit WHERE ticket_id IS NOT NULL")[0][0] == generated.audit_rows
    )
    assert rows(services, "SELECT count(*) FROM callback")[0][0] == generated.callbacks
    assert rows(services, "SELECT count(*) FROM ticketlink")[0][0] == generated.links
    reasons = {r[0] for r in rows(services, "SELECT DISTINCT close_reason FROM ticket")}
    assert {"direct", "callback", "unreachable", "office"} <= reasons
    assert rows(services, "SELECT count(*) FROM ticket WHERE round = 2")[0][0] > 0
    actions = {r[0] for r in rows(services, "SELECT DISTINCT action FROM audit")}
    assert {
        "submit",
        "dispatch",
        "return",
        "remind",
        "escalate",
        "supervise",
        "reply",
        "close",
        "bind",
    } <= actions
    assert {"callback_satisfied", "callback_unsatisfied", "callback_unreached"} <= actions


def test_each_ticket_is_as_the_services_would_have_left_it(
    services: Services, generated: demo.DemoResult
) -> None:
    now = services.clock.now()
    with services.db.read() as s:
        tickets = list(s.exec(select(Ticket)))

    def deadline(t: Ticket) -> datetime | None:  # the domain's rule for the nearest limit
        return limits.nearest_deadline(t.status, t.dispatch_due_at, t.due_at, t.callback_due_at)

    for t in tickets:
        assert t.created_at <= now
        assert t.deadline_at == deadline(t), t.number
        assert (t.status in {s.value for s in OPEN_STATUSES}) == (t.closed_at is None), t.number
        if t.mode == "direct":
            assert t.status == "closed" and t.closed_at == t.created_at and t.unit_id is None
        else:
            assert t.dispatch_due_at is not None
        if t.dispatched_at is not None:
            assert t.created_at <= t.first_dispatched_at <= t.dispatched_at <= now  # type: ignore[operator]
            assert t.due_at is None or t.due_at > t.dispatched_at
        if t.replied_at is not None:  # a second round keeps the first round's reply, as the services do
            assert t.first_dispatched_at is not None and t.first_dispatched_at <= t.replied_at <= now
            assert t.callback_due_at is not None and t.callback_due_at > t.replied_at
        if t.status == "with_unit":
            assert t.unit_id is not None and t.due_at is not None and t.dispatched_at is not None
            assert t.replied_at is None or t.replied_at < t.dispatched_at
        if t.status == "awaiting_callback":
            assert t.reply_text and t.callback_due_at is not None
        if t.urgent and t.due_at is not None and t.dispatched_at is not None:
            assert t.due_at - t.dispatched_at == timedelta(hours=24)
        if t.closed_at is not None:
            assert t.created_at <= t.closed_at <= now
        assert t.call_id is not None


def test_references_hold_and_numbers_go_on(
    services: Services, staff: Staff, generated: demo.DemoResult
) -> None:
    if services.db.is_sqlite:
        assert rows(services, "PRAGMA foreign_key_check") == []
    else:  # PostgreSQL checked every reference as the rows went in
        assert services.db.dialect == "postgresql"
    with services.db.read() as s:
        from svcdesk.store import health

        assert health.consistency_problems(s) == []
    heads = rows(services, "SELECT DISTINCT other_id FROM ticketlink")
    for (head,) in heads:
        members = rows(services, f"SELECT id FROM ticket WHERE group_id = {head}")
        assert (head,) in members and len(members) >= 2
    orphans = rows(
        services,
        "SELECT count(*) FROM ticket t WHERE group_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM ticket h WHERE h.id = t.group_id AND h.group_id = h.id)",
    )
    assert orphans == [(0,)]
    v = services.tickets.take_call(staff.agent1, intake())  # ids and today's numbers continue
    day = services.clock.now().astimezone(services.settings.tz).strftime("%Y%m%d")
    highest = rows(services, f"SELECT max(number) FROM ticket WHERE number LIKE '{day}-%'")[0][0]
    assert v.number == highest


def test_generated_tickets_are_searchable(
    services: Services, staff: Staff, generated: demo.DemoResult
) -> None:
    newest = rows(services, "SELECT number, place FROM ticket ORDER BY id DESC LIMIT 1")[0]
    assert newest[0] in [v.number for v in services.tickets.search(staff.agent1, str(newest[1]))]
    open_one = rows(
        services,
        "SELECT number, place, details FROM ticket WHERE status = 'with_unit' ORDER BY id DESC LIMIT 1",
    )[0]
    related = services.tickets.related(staff.agent1, place=str(open_one[1]), details=str(open_one[2]))
    assert open_one[0] in [r.number for r in related]
    if services.db.path is not None:
        with sqlite3.connect(services.db.path) as raw:
            raw.execute("INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('integrity-check', 1)")
            indexed = raw.execute("SELECT count(*) FROM ticket_open_fts").fetchone()
            assert indexed == raw.execute("SELECT count(*) FROM ticket WHERE status != 'closed'").fetchone()


def test_a_failed_load_leaves_nothing(
    services: Services, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo._Life, "call_back", boom)
    before = rows(services, "SELECT count(*) FROM ticket")
    with pytest.raises(RuntimeError, match="disk full"):
        demo.generate(services, 500, seed=1)
    assert rows(services, "SELECT count(*) FROM ticket") == before
    assert services.tickets.take_call(staff.agent1, intake()).status == "awaiting_dispatch"
    if services.db.is_sqlite:
        assert rows(services, "PRAGMA journal_mode") == [("wal",)]
        indexes = {r[0] for r in rows(services, "SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"ix_ticket_phone_created", "ix_ticket_status_deadline"} <= indexes
