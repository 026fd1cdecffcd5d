"""The shift (spec §9): the handover log the outgoing lead writes and the incoming lead reads
and acknowledges, the open matters that carry over beside it, and the duty record.

The log's headings are the seed's (交接班, seed 002 and seed 004 articles 14-15): changes in
business, instructions from above, callers' suggestions and complaints, process or equipment
changes, difficult matters, staffing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.domain.states import Status
from svcdesk.domain.validation import InputError, clean_text
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Conflict, Invalid, NotFound, PermissionDenied
from svcdesk.services.queue import OPEN, WITH_UNITS, QueueRow, rows_of
from svcdesk.store import handover_queries as hq
from svcdesk.store import queue_queries as qq
from svcdesk.store import repo
from svcdesk.store.database import Database
from svcdesk.store.models import DutyRecord, HandoverEntry

SECTIONS = ("business", "instructions", "callers", "process", "difficult", "staffing")
"""The handover log's headings, in the seed's order."""
SECTION_MAX = 4000
DUTY_MAX = 4000
OPEN_MATTERS_EACH = 10


@dataclass(frozen=True)
class HandoverView:
    id: int
    author: str
    created_at: datetime
    sections: dict[str, str]
    acknowledged_by: str | None
    acknowledged_at: datetime | None


@dataclass(frozen=True)
class OpenMatter:
    reason: str
    """overdue_dispatch, overdue, major, escalated or supervised."""
    row: QueueRow


@dataclass(frozen=True)
class DutyView:
    id: int
    author: str
    at: datetime
    text: str


def _clean(value: str | None, field: str, max_len: int, required: bool) -> str:
    try:
        return clean_text(value, field, max_len, required, multiline=True) or ""
    except InputError as exc:
        raise Invalid(str(exc), field=field) from exc


class HandoverService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _view(self, e: HandoverEntry, names: Mapping[int, str]) -> HandoverView:
        return HandoverView(
            id=e.id or 0,
            author=names.get(e.author_id, "?"),
            created_at=e.created_at,
            sections={k: getattr(e, k) for k in SECTIONS},
            acknowledged_by=names.get(e.acknowledged_by_id) if e.acknowledged_by_id else None,
            acknowledged_at=e.acknowledged_at,
        )

    def write(self, actor: Actor, sections: Mapping[str, str]) -> HandoverView:
        """The outgoing lead writes the log; at least one heading must say something."""
        actor.require(Permission.HANDOVER, "write the shift handover log")
        unknown = set(sections) - set(SECTIONS)
        if unknown:
            raise Invalid(
                f"{sorted(unknown)[0]}: not a heading of the handover log ({', '.join(SECTIONS)})",
                field=sorted(unknown)[0],
            )
        clean = {k: _clean(sections.get(k, ""), k, SECTION_MAX, required=False) for k in SECTIONS}
        if not any(clean.values()):
            raise Invalid("business: the handover log is empty; write at least one heading", field="business")
        now = self._clock.now()
        with self._db.write() as s:
            e = HandoverEntry(author_id=actor.id, created_at=now)
            for key, value in clean.items():
                setattr(e, key, value)
            s.add(e)
            s.flush()
            filled = ", ".join(k for k in SECTIONS if clean[k])
            audit.record(s, actor, now, "handover_write", f"handover log {e.id}: {filled}")
            view = self._view(e, {actor.id: actor.username})
        return view

    def recent(self, actor: Actor, *, unacknowledged: bool = False, limit: int = 20) -> list[HandoverView]:
        """The latest logs, newest first (staff only, like the duty record)."""
        actor.require(Permission.READ_QUEUE, "read the shift handover log")
        with self._db.read() as s:
            entries = hq.handovers(s, unacknowledged=unacknowledged, limit=limit)
            names = repo.usernames_by_ids(
                s, [e.author_id for e in entries] + [e.acknowledged_by_id or 0 for e in entries]
            )
            return [self._view(e, names) for e in entries]

    def acknowledge(self, actor: Actor, entry_id: int) -> HandoverView:
        """The incoming lead has read the log: recorded with who and when. The lead who wrote it
        cannot acknowledge it, and a log is acknowledged once."""
        actor.require(Permission.HANDOVER, "acknowledge the shift handover log")
        now = self._clock.now()
        with self._db.write() as s:
            e = hq.handover_by_id(s, entry_id)
            if e is None:
                raise NotFound(f"no handover log numbered {entry_id}")
            if e.author_id == actor.id:
                raise PermissionDenied(
                    f"{actor.username} wrote handover log {entry_id}; the incoming lead acknowledges it"
                )
            if e.acknowledged_at is not None:
                names = repo.usernames_by_ids(s, [e.acknowledged_by_id or 0])
                who = names.get(e.acknowledged_by_id or 0, "?")
                raise Conflict(f"handover log {entry_id} was already acknowledged by {who}")
            e.acknowledged_by_id = actor.id
            e.acknowledged_at = now
            s.add(e)
            audit.record(s, actor, now, "handover_ack", f"handover log {entry_id} read and acknowledged")
            names = repo.usernames_by_ids(s, [e.author_id, actor.id])
            view = self._view(e, names)
        return view

    def open_matters(self, actor: Actor) -> list[OpenMatter]:
        """What carries over to the next shift, listed automatically beside the log: tickets past
        their 1-hour dispatch clock, units' overdue tickets, open matters flagged major, sent to
        the office or supervised; each list closest to its limit first."""
        actor.require(Permission.READ_QUEUE, "read tickets")
        now = self._clock.now()
        ad = (Status.AWAITING_DISPATCH.value,)
        lists = (
            ("overdue_dispatch", qq.QueueFilter(statuses=ad, deadline_before=now)),
            ("overdue", qq.QueueFilter(statuses=WITH_UNITS, deadline_before=now)),
            ("major", qq.QueueFilter(statuses=OPEN, major=True)),
            ("escalated", qq.QueueFilter(statuses=OPEN, escalated=True)),
            ("supervised", qq.QueueFilter(statuses=(Status.SUPERVISED.value,))),
        )
        out: list[OpenMatter] = []
        seen: set[str] = set()
        with self._db.read() as s:
            for reason, f in lists:
                for row in rows_of(s, qq.page(s, f, limit=OPEN_MATTERS_EACH)):
                    if row.number not in seen:
                        seen.add(row.number)
                        out.append(OpenMatter(reason, row))
        return out

    # -- the duty record -----------------------------------------------------------------

    def add_duty(self, actor: Actor, text: str) -> DutyView:
        """What happened on the shift, objective and complete."""
        actor.require(Permission.HANDOVER, "write the duty record")
        text = _clean(text, "text", DUTY_MAX, required=True)
        now = self._clock.now()
        with self._db.write() as s:
            d = DutyRecord(author_id=actor.id, at=now, text=text)
            s.add(d)
            s.flush()
            audit.record(s, actor, now, "duty_record", f"duty record {d.id}")
            return DutyView(d.id or 0, actor.username, now, text)

    def duty(self, actor: Actor, since: datetime | None = None, limit: int = 100) -> list[DutyView]:
        actor.require(Permission.READ_QUEUE, "read the duty record")
        with self._db.read() as s:
            rows = hq.duty_records(s, since, limit)
            names = repo.usernames_by_ids(s, [d.author_id for d in rows])
            return [DutyView(d.id or 0, names.get(d.author_id, "?"), d.at, d.text) for d in rows]
