"""The working-day calendar in force: the built-in years, the files under ``data/calendar``
and the years the office loaded into the database (the last wins)."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.calendar import (
    WorkCalendar,
    YearCalendar,
    default_calendar,
    load_data_dir,
    parse_year_file,
)
from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.services import audit
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.store import repo
from svcdesk.store.database import Database
from svcdesk.store.models import CalendarYear


class CalendarService:
    def __init__(self, db: Database | None, data_dir: Path, clock: Clock, tz: ZoneInfo) -> None:
        self._db = db
        self._data_dir = data_dir
        self._clock = clock
        self._tz = tz
        self._lock = threading.Lock()
        self._cached: WorkCalendar | None = None

    def calendar(self) -> WorkCalendar:
        with self._lock:
            if self._cached is None:
                extra = load_data_dir(self._data_dir / "calendar")
                rows = []
                if self._db is not None:
                    with self._db.read() as s:
                        rows = repo.calendar_years(s)
                if rows:
                    for row in rows:
                        extra.append(
                            YearCalendar(
                                year=row.year,
                                holidays=frozenset(date.fromisoformat(d) for d in json.loads(row.holidays)),
                                workdays=frozenset(date.fromisoformat(d) for d in json.loads(row.workdays)),
                                source=row.source,
                            )
                        )
                self._cached = default_calendar(extra)
            return self._cached

    def invalidate(self) -> None:
        with self._lock:
            self._cached = None

    def missing_years_ahead(self, years_ahead: int = 1) -> list[int]:
        """Years in use soon whose official calendar is not loaded: the office is warned."""
        today = self._clock.now().astimezone(self._tz).date()
        cal = self.calendar()
        return [y for y in range(today.year, today.year + years_ahead + 1) if not cal.is_loaded(y)]

    def load_year(self, actor: Actor, path: Path) -> tuple[YearCalendar, int]:
        """Loads or corrects a year; returns it and how many open tickets' limits were recomputed."""
        actor.require(Permission.LOAD_CALENDAR, "load the holiday calendar")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise Invalid(f"cannot read {path}: {exc.strerror}", field="path") from exc
        try:
            yc = parse_year_file(text, f"file:{path.name}")
        except ValueError as exc:
            raise Invalid(str(exc), field="path") from exc
        now = self._clock.now()
        assert self._db is not None
        with self._db.write() as s:
            row = s.get(CalendarYear, yc.year) or CalendarYear(
                year=yc.year, source="", holidays="[]", workdays="[]", loaded_at=now
            )
            row.source = yc.source
            row.holidays = json.dumps(sorted(d.isoformat() for d in yc.holidays))
            row.workdays = json.dumps(sorted(d.isoformat() for d in yc.workdays))
            row.loaded_at = now
            row.loaded_by_id = actor.id
            s.add(row)
            audit.record(s, actor, now, "calendar_load", f"{yc.year} from {path.name}")
        self.invalidate()
        return yc, self.recompute_provisional(actor)

    def recompute_provisional(self, actor: Actor | None) -> int:
        cal = self.calendar()
        now = self._clock.now()
        changed = 0
        assert self._db is not None
        with self._db.write() as s:
            for t in repo.provisional_open_tickets(s):
                notes = []
                if t.due_provisional and t.dispatched_at and t.handling_days and not t.urgent:
                    due = limits.working_days_due(t.dispatched_at, t.handling_days, cal, self._tz)
                    if due.at != t.due_at or due.provisional != t.due_provisional:
                        notes.append(f"due {due.at.isoformat()}")
                    t.due_at, t.due_provisional = due.at, due.provisional
                if t.callback_due_provisional and t.replied_at:
                    due = limits.callback_due(t.replied_at, cal, self._tz)
                    if due.at != t.callback_due_at:
                        notes.append(f"callback due {due.at.isoformat()}")
                    t.callback_due_at, t.callback_due_provisional = due.at, due.provisional
                t.deadline_at = limits.nearest_deadline(
                    t.status, t.dispatch_due_at, t.due_at, t.callback_due_at
                )
                t.updated_at = now
                s.add(t)
                changed += 1
                audit.record(
                    s,
                    actor,
                    now,
                    "recompute_limits",
                    "; ".join(notes) or "limits confirmed by the loaded calendar",
                    t.id,
                )
        return changed

    def due(self, start: date, days: int) -> tuple[date, bool]:
        if days < 0:
            raise Invalid("days: must be 0 or more", field="days")
        try:
            result = self.calendar().add_working_days(start, days)
        except OverflowError:
            raise Invalid(
                f"start: {days} working days after {start.isoformat()} is past the last date the "
                "calendar can hold (9999-12-31)",
                field="start",
            ) from None
        return result.date, result.provisional
