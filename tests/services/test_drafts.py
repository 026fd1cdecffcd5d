"""The intake draft: saved as typed, offered back exactly as it was, and kept on this
workstation while the database is locked, then saved there when it is back."""

from __future__ import annotations

import sqlite3
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.drafts import DraftService
from svcdesk.services.errors import Invalid
from svcdesk.services.factory import Services
from tests.conftest import Staff

TYPED = {
    "fields": {"caller_phone": "138 1234 5678", "details": "路灯坏了\n晚上很黑 🌃", "urgent": True},
    "kb_ids": [1, 2],
    "focus": "details",
}


@pytest.fixture
def drafts(services: Services, tmp_path: Path, clock: FixedClock) -> DraftService:
    return DraftService(services.db, clock, tmp_path / "drafts")


class Locked:
    """Another process holding the database's write lock (an import, a long transaction)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> Locked:
        self.conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_: object) -> None:
        self.conn.execute("ROLLBACK")
        self.conn.close()


def test_a_draft_comes_back_exactly_as_it_was(drafts: DraftService, staff: Staff, clock: FixedClock) -> None:
    assert drafts.load(staff.agent1) is None
    assert drafts.save(staff.agent1, TYPED).in_database
    draft = drafts.load(staff.agent1)
    assert draft is not None
    assert draft.data == TYPED and draft.where == "database" and draft.saved_at == clock.now()
    # One draft per agent, never another agent's.
    assert drafts.load(staff.agent2) is None
    drafts.save(staff.agent1, {"fields": {"details": "newer"}})
    again = drafts.load(staff.agent1)
    assert again is not None and again.data == {"fields": {"details": "newer"}}


def test_a_submitted_draft_is_discarded(drafts: DraftService, staff: Staff) -> None:
    drafts.save(staff.agent1, TYPED)
    assert drafts.discard(staff.agent1)
    assert drafts.load(staff.agent1) is None


def test_a_runaway_draft_is_refused(drafts: DraftService, staff: Staff) -> None:
    with pytest.raises(Invalid):
        drafts.save(staff.agent1, {"fields": {"details": "x" * 70_000}})


def test_while_the_database_is_locked_the_draft_is_kept_here_then_saved_there(
    drafts: DraftService, services: Services, staff: Staff, db_path: Path, clock: FixedClock
) -> None:
    with Locked(db_path):
        result = drafts.save(staff.agent1, TYPED)
        assert result.where == "local" and "locked" in result.problem
        path = drafts.local_path(staff.agent1)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert drafts.pending_local(staff.agent1)
        # Offered back from this workstation even while the database cannot take it.
        kept = drafts.load(staff.agent1)
        assert kept is not None and kept.data == TYPED and kept.where == "local"
        retried = drafts.retry(staff.agent1)
        assert retried is not None and not retried.in_database
    clock.advance(seconds=5)
    retried = drafts.retry(staff.agent1)
    assert retried is not None and retried.in_database
    assert not drafts.pending_local(staff.agent1)
    stored = drafts.load(staff.agent1)
    assert stored is not None and stored.data == TYPED and stored.where == "database"
    assert drafts.retry(staff.agent1) is None


def test_the_newer_copy_wins(drafts: DraftService, staff: Staff, db_path: Path, clock: FixedClock) -> None:
    drafts.save(staff.agent1, {"fields": {"details": "old"}})
    clock.advance(seconds=3)
    with Locked(db_path):
        drafts.save(staff.agent1, {"fields": {"details": "typed while locked"}})
    draft = drafts.load(staff.agent1)
    assert draft is not None and draft.data["fields"]["details"] == "typed while locked"


def test_a_draft_submitted_while_the_database_was_locked_is_not_offered_again(
    drafts: DraftService, staff: Staff, db_path: Path, clock: FixedClock
) -> None:
    drafts.save(staff.agent1, TYPED)
    clock.advance(seconds=1)
    with Locked(db_path):
        assert drafts.discard(staff.agent1) is False
    assert drafts.load(staff.agent1) is None
    assert drafts.retry(staff.agent1) is not None
    assert not drafts.pending_local(staff.agent1)
    clock.advance(timedelta(seconds=1))
    assert drafts.load(staff.agent1) is None


def test_drafts_of_different_databases_never_mix(
    services: Services, staff: Staff, tmp_path: Path, clock: FixedClock, db_path: Path
) -> None:
    from svcdesk.store.database import Database

    other = Database(tmp_path / "other.db")
    a = DraftService(services.db, clock, tmp_path / "d")
    b = DraftService(other, clock, tmp_path / "d")
    assert a.local_path(staff.agent1) != b.local_path(staff.agent1)
    other.dispose()
