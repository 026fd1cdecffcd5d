"""SQLite's search indexes stay in step with their tables through every step of a ticket's
life, and the triggers that keep them so are there at the newest schema: a later migration
that rebuilds ``ticket`` or ``kbentry`` (Alembic's batch copy-and-rename drops triggers) fails
here instead of leaving the search silently stale."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from svcdesk.services.factory import Services
from svcdesk.store import search
from tests.conftest import Staff, intake

TRIGGERS = {
    "ticket": {
        "ticket_fts_insert",
        "ticket_fts_delete",
        "ticket_fts_update",
        "ticket_open_fts_insert",
        "ticket_open_fts_delete",
        "ticket_open_fts_update",
    },
    "kbentry": {"kbentry_fts_insert", "kbentry_fts_delete", "kbentry_fts_update"},
}


def test_the_triggers_are_there_at_the_newest_schema(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        for table, names in TRIGGERS.items():
            found = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
                )
            }
            assert names <= found, table


def open_index(db_path: Path, phrase: str | None = None) -> set[int]:
    with sqlite3.connect(db_path) as conn:
        if phrase is None:
            return {r[0] for r in conn.execute("SELECT rowid FROM ticket_open_fts")}
        return {
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM ticket_open_fts WHERE ticket_open_fts MATCH ?",
                (search.fts_phrase(phrase),),
            )
        }


def check_full_index(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        # rank 1: compare the index with the ticket table's text, row by row
        conn.execute("INSERT INTO ticket_fts(ticket_fts, rank) VALUES ('integrity-check', 1)")
        conn.execute("INSERT INTO kbentry_fts(kbentry_fts, rank) VALUES ('integrity-check', 1)")


def ids(db_path: Path, status: str | None = None) -> set[int]:
    with sqlite3.connect(db_path) as conn:
        if status is None:
            return {r[0] for r in conn.execute("SELECT id FROM ticket WHERE status != 'closed'")}
        return {r[0] for r in conn.execute("SELECT id FROM ticket WHERE status = ?", (status,))}


def test_the_open_index_follows_each_step_of_a_ticket(
    services: Services, staff: Staff, db_path: Path
) -> None:
    lamp = services.tickets.take_call(staff.agent1, intake(details="路灯坏了,晚上很黑。"))
    direct = services.tickets.take_call(
        staff.agent1, intake(category="inquiry", subtype="simple", mode="direct", details="路灯报修电话")
    )
    assert open_index(db_path) == ids(db_path)
    assert len(open_index(db_path, "路灯坏了")) == 1
    assert open_index(db_path, "路灯报修") == set()  # closed at intake

    services.tickets.dispatch(staff.lead1, lamp.number, "CGJ")
    services.tickets.reply(staff.lead1, lamp.number, "已修复")
    assert open_index(db_path) == ids(db_path)
    assert len(open_index(db_path, "路灯坏了")) == 1

    services.tickets.callback(staff.agent1, lamp.number, "satisfied")
    assert open_index(db_path) == set()
    assert open_index(db_path, "路灯坏了") == set()
    check_full_index(db_path)
    assert {v.number for v in services.tickets.search(staff.agent1, "路灯")} == {lamp.number, direct.number}


def test_a_second_round_comes_back_into_the_open_index(
    services: Services, staff: Staff, db_path: Path
) -> None:
    t = services.tickets.take_call(staff.agent1, intake(details="楼道堆放杂物,存在消防隐患。"))
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    services.tickets.reply(staff.lead1, t.number, "已清理")
    services.tickets.callback(staff.agent1, t.number, "unsatisfied", "没有清理干净")
    assert open_index(db_path, "消防隐患") == ids(db_path, "awaiting_dispatch")
    assert len(open_index(db_path, "消防隐患")) == 1
    check_full_index(db_path)


def test_the_knowledge_base_index_follows_a_reload(services: Services, staff: Staff, db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE kbentry SET keywords = keywords || ',窨井盖' WHERE title = '社保卡补办'")
    assert [e.title for e in services.reference.kb_search(staff.agent1, "窨井盖")] == ["社保卡补办"]
    services.reference.load_shipped(None)  # puts the shipped keywords back
    assert services.reference.kb_search(staff.agent1, "窨井盖") == []
    check_full_index(db_path)


@pytest.mark.parametrize(
    ("name", "kind", "ours"),
    [
        ("ticket_fts", "table", True),
        ("ticket_fts_data", "table", True),
        ("kbentry_fts_config", "table", True),
        ("ticket_open_fts_idx", "table", True),
        ("ticket", "table", False),
        ("ticketlink", "table", False),
        ("ix_ticket_details_trgm", "index", True),
        ("ix_ticket_status_deadline", "index", False),
    ],
)
def test_autogenerate_leaves_the_search_indexes_alone(name: str, kind: str, ours: bool) -> None:
    assert search.is_search_object(name, kind) is ours
