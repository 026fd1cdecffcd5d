"""The reports' and the exports' queries go by their indexes (SQLite's EXPLAIN QUERY PLAN), so a
later change cannot silently turn a daily report into a scan of a million tickets.

These queries are read from the driver's cursor directly (no SQLAlchemy events), so the
statements are caught with SQLite's own trace callback on the session's connection."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from svcdesk.services.factory import Services
from svcdesk.store import export_queries as eq
from svcdesk.store import report_queries as q
from svcdesk.store.database import Session

NOW = datetime(2025, 9, 30, 2, 0, tzinfo=UTC)
START = NOW - timedelta(days=1)


def plans(services: Services, db_path: Path, call: Callable[[Session], object]) -> list[list[str]]:
    sent: list[str] = []
    with services.db.read() as s:
        raw = s.connection().connection.dbapi_connection
        assert raw is not None
        raw.set_trace_callback(sent.append)  # type: ignore[attr-defined]
        try:
            call(s)
        finally:
            raw.set_trace_callback(None)  # type: ignore[attr-defined]
    selects = [st for st in sent if st.lstrip().upper().startswith("SELECT")]
    assert selects, "the call sent no query"
    with sqlite3.connect(db_path) as con:
        return [[row[3] for row in con.execute("EXPLAIN QUERY PLAN " + st)] for st in selects]


def test_each_rate_finds_its_candidates_through_indexes(services: Services, db_path: Path) -> None:
    (dispatch,) = plans(services, db_path, lambda s: list(q.dispatch_rows(s, START, NOW)))
    assert dispatch == ["SEARCH ticket USING INDEX ix_ticket_created_at (created_at>? AND created_at<?)"]
    (handling,) = plans(services, db_path, lambda s: list(q.handling_rows(s, START, NOW)))
    assert "MULTI-INDEX OR" in handling
    assert any("ix_ticket_due_at" in step for step in handling)
    assert any("ix_ticket_replied_at" in step for step in handling)
    (callback,) = plans(services, db_path, lambda s: list(q.callback_rows(s, START, NOW)))
    assert "MULTI-INDEX OR" in callback
    assert any("ix_ticket_callback_due_at" in step for step in callback)
    assert any("ix_ticket_called_back_at" in step for step in callback)


def test_counts_and_overdue_use_indexes(services: Services, db_path: Path) -> None:
    (results,) = plans(services, db_path, lambda s: q.callback_result_counts(s, START, NOW))
    assert results[0].startswith("SEARCH audit USING INDEX ix_audit_at")
    (created,) = plans(services, db_path, lambda s: q.created_counts(s, START, NOW))
    assert created[0].startswith("SEARCH ticket USING INDEX ix_ticket_created_at")
    (overdue,) = plans(services, db_path, lambda s: q.overdue_counts(s, NOW))
    assert overdue == [
        "SEARCH ticket USING COVERING INDEX ix_ticket_status_deadline (status=? AND deadline_at<?)"
    ]
    (by_unit,) = plans(services, db_path, lambda s: q.unit_overdue_counts(s, NOW))
    assert by_unit[0] == "SEARCH ticket USING INDEX ix_ticket_status_deadline (status=? AND deadline_at<?)"


def test_an_export_for_some_days_reads_only_those_in_order(services: Services, db_path: Path) -> None:
    for flt in (
        eq.TicketFilter(START, NOW),
        eq.TicketFilter(START, NOW, statuses=("closed",)),
        eq.TicketFilter(START, None, unit_id=1, category="inquiry"),
    ):
        (found,) = plans(services, db_path, lambda s, f=flt: [b for b in eq.batches(s, f)])  # type: ignore[misc]
        assert found[0].startswith("SEARCH ticket USING INDEX ix_ticket_created_at"), found
        assert not any("TEMP B-TREE" in step for step in found), found  # no sort before the first row
