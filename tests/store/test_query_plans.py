"""The read paths an agent or a lead waits on go by their indexes (SQLite's EXPLAIN QUERY
PLAN): a later change to a query, a model or a migration cannot silently turn one of them into
a scan of a million tickets. Each test runs the service call itself, catches the statements it
sends, and asks SQLite how it would run each of them on the same file."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from svcdesk.services.factory import Services
from svcdesk.services.reports import ReportService
from tests.conftest import TZ, Staff, intake

BIG_TABLES = ("ticket", "audit", "callback", "call", "ticketlink", "ticketkb", "holdperiod", "holdevent")
# A full scan of a big table (``SCAN ticket``, ``SCAN ticket USING INDEX …``; an alias such as
# ``ticket_1`` counts too); FTS5 tables (``SCAN ticket_fts VIRTUAL TABLE …``) are index look-ups.
FULL_SCAN = re.compile(rf"\bSCAN ({'|'.join(BIG_TABLES)})(_\d+)?\b(?! VIRTUAL)")


@pytest.fixture
def plans(services: Services, db_path: Path) -> Iterator[Callable[[Callable[[], object]], list[Plan]]]:
    """``plans(call)`` runs ``call`` and returns the plan of each SELECT it sent."""
    sent: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(services.db.engine, "before_cursor_execute", before)
    raw = sqlite3.connect(db_path)

    def run(call: Callable[[], object]) -> list[Plan]:
        sent.clear()
        call()
        assert sent, "the call sent no query"
        return [
            Plan(statement, [row[3] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, params)])
            for statement, params in sent
        ]

    yield run
    raw.close()
    event.remove(services.db.engine, "before_cursor_execute", before)


class Plan:
    def __init__(self, statement: str, steps: list[str]) -> None:
        self.statement = " ".join(statement.split())
        self.steps = steps

    def uses(self, name: str) -> bool:
        return any(name in step for step in self.steps)

    @property
    def sorts(self) -> bool:
        return any("USE TEMP B-TREE FOR ORDER BY" in step for step in self.steps)

    def __repr__(self) -> str:
        return f"{self.statement[:160]}\n    " + "\n    ".join(self.steps)


def no_full_scan(found: list[Plan]) -> None:
    bad = [p for p in found if any(FULL_SCAN.search(step) for step in p.steps)]
    assert bad == [], f"full scans of a big table: {bad}"


def that(found: list[Plan], fragment: str) -> Plan:
    """The one plan whose statement contains ``fragment``."""
    matching = [p for p in found if fragment in p.statement]
    assert len(matching) >= 1, f"no statement with {fragment!r} in {found}"
    return matching[0]


@pytest.fixture
def some(services: Services, staff: Staff) -> None:
    for i in range(3):
        services.tickets.take_call(staff.agent1, intake(caller_phone=f"1381234567{i}"))
    v = services.tickets.take_call(staff.agent1, intake())
    services.tickets.dispatch(staff.lead1, v.number, "CGJ")


def test_caller_history_by_phone(services: Services, staff: Staff, plans: Any, some: None) -> None:
    found = plans(lambda: services.tickets.history_by_phone(staff.agent1, "13812345678"))
    no_full_scan(found)
    history = that(found, "ticket.caller_phone = ?")
    assert history.uses("ix_ticket_phone_created")
    assert not history.sorts


def test_the_leads_queue_by_time_to_breach(services: Services, staff: Staff, plans: Any, some: None) -> None:
    found = plans(
        lambda: services.tickets.list(staff.lead1, status="awaiting_dispatch", order="deadline", limit=50)
    )
    no_full_scan(found)
    page = that(found, "ORDER BY ticket.deadline_at")
    assert page.uses("ix_ticket_status_deadline")
    assert not page.sorts


def test_overdue_reads_each_status_by_the_index(
    services: Services, staff: Staff, plans: Any, some: None
) -> None:
    found = plans(lambda: services.tickets.list(staff.lead1, overdue=True, limit=50))
    no_full_scan(found)
    pages = [p for p in found if "ORDER BY ticket.deadline_at" in p.statement]
    assert len(pages) == 4  # one per open status
    assert all(p.uses("ix_ticket_status_deadline") and not p.sorts for p in pages)


def test_the_lead_consoles_queue_page(services: Services, staff: Staff, plans: Any, some: None) -> None:
    for view in ("queue", "dispatch", "overdue", "open"):
        found = plans(lambda view=view: services.lead.queue.page(staff.lead1, view))
        no_full_scan(found)
        pages = [p for p in found if "ORDER BY ticket.deadline_at" in p.statement]
        assert pages and all(p.uses("ix_ticket_status_deadline") and not p.sorts for p in pages), view


def test_the_queue_pages_rows_come_by_key_with_their_units_and_groups(
    services: Services, staff: Staff, plans: Any, some: None
) -> None:
    """A page of several statuses: the merged keys' rows read by primary key; a page of one
    status: in the index's order. Each row's unit by key, its bound group's tickets and
    callers through ``ix_ticket_group_id``; the group's other members are never scanned."""
    first = services.tickets.take_call(staff.agent1, intake()).number
    services.tickets.take_call(staff.agent2, intake(caller_phone="13900001111"), bind_to=first)
    for view in ("queue", "dispatch"):
        found = plans(lambda view=view: services.lead.queue.page(staff.lead1, view))
        no_full_scan(found)
        rows = that(found, "unit.code")
        if view == "queue":
            assert rows.uses("SEARCH ticket USING INTEGER PRIMARY KEY") and not rows.sorts, rows
        else:
            assert rows.uses("ix_ticket_status_deadline") and not rows.sorts, rows
        assert rows.uses("SEARCH unit USING INTEGER PRIMARY KEY"), rows
        assert rows.uses("SEARCH group_ticket USING COVERING INDEX ix_ticket_group_id"), rows
        aliases = [s for p in found for s in p.steps if re.search(r"\bSCAN (group|other)_ticket\b", s)]
        assert aliases == [], found


def test_related_suggestions(services: Services, staff: Staff, plans: Any, some: None) -> None:
    found = plans(
        lambda: services.tickets.related(
            staff.agent2, phone="13812345678", place="西湖区文三路", details="路灯坏了一个多星期"
        )
    )
    no_full_scan(found)
    assert that(found, "ticket.caller_phone = ?").uses("ix_ticket_phone_created")
    assert that(found, "ORDER BY rowid DESC").uses("ticket_open_fts VIRTUAL TABLE")  # same place
    assert that(found, "ORDER BY rank").uses("ticket_open_fts VIRTUAL TABLE")  # similar details


def test_a_two_character_place_scans_only_the_open_tickets(
    services: Services, staff: Staff, plans: Any, some: None
) -> None:
    found = plans(lambda: services.tickets.related(staff.agent2, place="文三"))
    no_full_scan(found)
    assert that(found, "ticket.place LIKE").uses("ix_ticket_status_deadline (status=?)")


def test_ticket_search(services: Services, staff: Staff, plans: Any, some: None) -> None:
    found = plans(lambda: services.tickets.search(staff.agent1, "文三路"))
    no_full_scan(found)
    assert that(found, "ticket_fts MATCH").uses("ticket_fts VIRTUAL TABLE")

    found = plans(lambda: services.tickets.search(staff.agent1, "文三路 灯"))
    no_full_scan(found)
    assert that(found, "ticket_fts MATCH").uses("ticket_fts VIRTUAL TABLE")

    found = plans(lambda: services.tickets.search(staff.agent1, "路灯"))  # the bounded scan
    no_full_scan(found)
    window = that(found, "ticket.details LIKE")
    assert window.uses("INTEGER PRIMARY KEY (rowid>?)")
    assert not window.sorts


def test_knowledge_base_search(services: Services, staff: Staff, plans: Any) -> None:
    found = plans(lambda: services.reference.kb_search(staff.agent1, "公积金"))
    assert that(found, "kbentry_fts MATCH").uses("kbentry_fts VIRTUAL TABLE")


def test_the_daily_report(services: Services, staff: Staff, plans: Any, some: None) -> None:
    reports = ReportService(services.metrics, services.clock, TZ)
    found = plans(lambda: reports.report(staff.lead1, "daily"))
    no_full_scan(found)


def test_the_full_scan_rule_catches_a_scan(plans: Any, services: Services, staff: Staff) -> None:
    """The rule above is not vacuous: listing every ticket newest first by category scans."""
    found = plans(lambda: services.tickets.list(staff.lead1, category="inquiry", limit=5))
    with pytest.raises(AssertionError, match="full scans"):
        no_full_scan(found)
