"""The intake draft (spec §2): what the agent has typed, saved as they type, offered back at
their next sign-in exactly as it was — after a crash, a closed terminal or a power cut.

The database keeps one draft per agent. When the database is locked for too long or cannot
be reached, the draft goes to a file on this workstation instead (the user data directory,
readable by its owner only); :meth:`DraftService.retry` moves it into the database once the
database answers again, and :meth:`DraftService.load` always offers the newer of the two.
Nothing typed is lost to a database fault.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_data_dir

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.store import draft_store
from svcdesk.store.database import Database
from svcdesk.store.draft_store import DatabaseUnavailable
from svcdesk.store.errors import DatabaseError

#: The most a draft may hold (a full intake is far below this; a runaway paste is refused).
MAX_DRAFT_BYTES = 64_000
DRAFT_VERSION = 1

Where = Literal["database", "local"]


def default_local_dir() -> Path:
    """Where drafts wait while the database cannot be reached (``SVCDESK_DRAFTS`` overrides)."""
    env = os.environ.get("SVCDESK_DRAFTS")
    if env:
        return Path(env)
    return Path(user_data_dir("svcdesk", appauthor=False)) / "drafts"


@dataclass(frozen=True)
class Draft:
    data: dict[str, Any]
    saved_at: datetime
    where: Where


@dataclass(frozen=True)
class SaveResult:
    where: Where
    problem: str = ""
    """Why the database did not take it (the driver's words), when ``where`` is local."""

    @property
    def in_database(self) -> bool:
        return self.where == "database"


class DraftService:
    def __init__(self, db: Database, clock: Clock, local_dir: Path | None = None) -> None:
        self._db = db
        self._clock = clock
        self._dir = local_dir or default_local_dir()
        # Drafts of different databases on one workstation never mix.
        self._db_key = hashlib.sha256(db.url.encode()).hexdigest()[:16]

    # -- the local file ------------------------------------------------------------------

    def local_path(self, actor: Actor) -> Path:
        return self._dir / f"{self._db_key}-{actor.id}.json"

    def _write_local(self, actor: Actor, payload: str) -> None:
        self._write_file(self.local_path(actor), payload)

    def _write_file(self, path: Path, payload: str) -> None:
        self._dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self._dir, 0o700)
        # Written whole to a temporary file, then renamed over the old one: a crash mid-write
        # leaves the previous draft, never half of one.
        fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=".draft-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read_local(self, actor: Actor) -> tuple[dict[str, Any], datetime] | None:
        path = self.local_path(actor)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return _decode(text)

    def _tombstone(self, actor: Actor) -> Path:
        return self._dir / f"{self._db_key}-{actor.id}.discarded"

    def _discarded_at(self, actor: Actor) -> datetime | None:
        try:
            return datetime.fromisoformat(self._tombstone(actor).read_text(encoding="utf-8").strip())
        except (FileNotFoundError, ValueError):
            return None

    def pending_local(self, actor: Actor) -> bool:
        """Whether something waits on this workstation for the database to come back."""
        return self.local_path(actor).exists() or self._tombstone(actor).exists()

    # -- use cases -----------------------------------------------------------------------

    def save(self, actor: Actor, data: dict[str, Any]) -> SaveResult:
        """Saves the draft in the database, or on this workstation when the database is busy
        or unreachable (the result says which, and why)."""
        actor.require(Permission.TAKE_CALL, "take calls")
        now = self._clock.now()
        payload = _encode(data, now)
        try:
            draft_store.save_draft(self._db, actor.id, payload, now)
        except DatabaseError as exc:  # busy, away, or damaged: kept here either way
            self._write_local(actor, payload)
            return SaveResult("local", str(exc))
        self.local_path(actor).unlink(missing_ok=True)
        self._tombstone(actor).unlink(missing_ok=True)
        return SaveResult("database")

    def retry(self, actor: Actor) -> SaveResult | None:
        """Brings the database up to date with what waits on this workstation (a draft, or
        the news that the draft was submitted); None when nothing waits."""
        actor.require(Permission.TAKE_CALL, "take calls")
        local = self._read_local(actor)
        discarded = self._discarded_at(actor)
        if local is None and discarded is None:
            self._tombstone(actor).unlink(missing_ok=True)
            return None
        try:
            if local is not None:
                data, saved_at = local
                draft_store.save_draft(self._db, actor.id, _encode(data, saved_at), saved_at)
            else:
                draft_store.delete_draft(self._db, actor.id)
        except DatabaseUnavailable as exc:
            return SaveResult("local", str(exc))
        self.local_path(actor).unlink(missing_ok=True)
        self._tombstone(actor).unlink(missing_ok=True)
        return SaveResult("database")

    def load(self, actor: Actor) -> Draft | None:
        """The agent's unfinished intake, if any: the newer of the database's and this
        workstation's copy (the local one when the database cannot be reached)."""
        actor.require(Permission.TAKE_CALL, "take calls")
        local = self._read_local(actor)
        try:
            row = draft_store.get_draft(self._db, actor.id)
        except DatabaseUnavailable:
            row = None
        stored = _decode(row[0]) if row is not None else None
        discarded = self._discarded_at(actor)
        if stored is not None and discarded is not None and stored[1] <= discarded:
            stored = None
        if local is not None and (stored is None or local[1] >= stored[1]):
            return Draft(local[0], local[1], "local")
        if stored is not None:
            return Draft(stored[0], stored[1], "database")
        return None

    def discard(self, actor: Actor) -> bool:
        """The intake was submitted or thrown away: its draft goes, here and in the database.
        False when the database could not be reached: a note on this workstation keeps the
        old draft from being offered again, and :meth:`retry` deletes it later."""
        actor.require(Permission.TAKE_CALL, "take calls")
        self.local_path(actor).unlink(missing_ok=True)
        try:
            draft_store.delete_draft(self._db, actor.id)
        except DatabaseUnavailable:
            self._write_file(self._tombstone(actor), self._clock.now().isoformat())
            return False
        self._tombstone(actor).unlink(missing_ok=True)
        return True


def _encode(data: dict[str, Any], saved_at: datetime) -> str:
    if not isinstance(data, dict):
        raise Invalid("draft: the intake must be a mapping of field names to values", field="draft")
    try:
        payload = json.dumps(
            {"version": DRAFT_VERSION, "saved_at": saved_at.isoformat(), "data": data},
            ensure_ascii=False,
            sort_keys=True,
        )
    except (TypeError, ValueError) as exc:
        raise Invalid(f"draft: cannot be saved ({exc})", field="draft") from exc
    if len(payload.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise Invalid(f"draft: more than {MAX_DRAFT_BYTES} bytes", field="draft")
    return payload


def _decode(text: str) -> tuple[dict[str, Any], datetime] | None:
    """A stored draft, or None when it cannot be read (a newer format, a damaged file)."""
    try:
        doc = json.loads(text)
        if doc.get("version") != DRAFT_VERSION or not isinstance(doc.get("data"), dict):
            return None
        return doc["data"], datetime.fromisoformat(doc["saved_at"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
