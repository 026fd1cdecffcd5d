"""The shift lead's view of the shift (spec §9): calls per hour and per category today,
tickets awaiting dispatch and the oldest one's age, what units hold that is due soon or overdue,
callbacks due, agents on hold now, and call quality per agent this month.

Counts and rates that the reports also show come from ``services.metrics`` (the one
definition of each): calls are the tickets created (each ticket is the record of one call),
and "overdue now" is the metrics' figure. Due soon and overdue by unit are the lead's queue's
own lists (F6), so the dashboard and the queue always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.services.callbacks_queue import CallbackQueueService
from svcdesk.services.context import Actor
from svcdesk.services.metrics import MetricsService, Window
from svcdesk.services.quality import AgentMonth, QualityService
from svcdesk.services.queue import QueueService
from svcdesk.store import dashboard_queries as dq
from svcdesk.store.database import Database


@dataclass(frozen=True)
class UnitLoad:
    unit: str
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class OnHold:
    agent: str
    display_name: str
    since: datetime
    breaks: int


@dataclass(frozen=True)
class Dashboard:
    at: datetime
    calls_by_hour: list[int]
    """Calls taken in each hour of today (local), 0 to 23; hours still to come are 0."""
    calls_today: int
    calls_by_category: list[tuple[str, int]]
    """Today's calls by category, most first."""
    awaiting_dispatch: int
    oldest_waiting_since: datetime | None
    """When the ticket waiting longest for dispatch entered the lead's queue."""
    overdue_now: dict[str, int]
    """Open tickets past their nearest limit, by status (the reports' figure)."""
    units: list[UnitLoad]
    """Units holding tickets due within 24 hours or overdue, most overdue first."""
    callbacks_due_today: int
    on_hold: list[OnHold]
    quality: list[AgentMonth]

    @property
    def oldest_waiting(self) -> timedelta | None:
        return None if self.oldest_waiting_since is None else self.at - self.oldest_waiting_since


class DashboardService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        tz: ZoneInfo,
        metrics: MetricsService,
        queue: QueueService,
        callbacks: CallbackQueueService,
        quality: QualityService,
    ) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz
        self._metrics = metrics
        self._queue = queue
        self._callbacks = callbacks
        self._quality = quality

    def snapshot(self, actor: Actor) -> Dashboard:
        actor.require(Permission.DISPATCH, "see the shift dashboard")
        now = self._clock.now()
        local = now.astimezone(self._tz)
        midnight = datetime.combine(local.date(), time(), tzinfo=self._tz)
        by_hour = [0] * 24
        for hour in range(local.hour + 1):
            start = midnight + timedelta(hours=hour)
            by_hour[hour] = self._metrics.counts(actor, Window(start, start + timedelta(hours=1))).total
        today = self._metrics.counts(actor, Window(midnight, midnight + timedelta(days=1)))
        by_category = sorted(today.category_totals().items(), key=lambda kv: (-kv[1], kv[0]))
        with self._db.read() as s:
            waiting, first_limit = dq.awaiting_dispatch(s)
            holds = [OnHold(u, d, at, b) for u, d, at, b in dq.on_hold(s)]
        soon = dict(self._queue.summary(actor, "due_soon").by_unit)
        late = dict(self._queue.summary(actor, "overdue").by_unit)
        units = [
            UnitLoad(code or "-", soon.get(code, 0), late.get(code, 0))
            for code in sorted(set(soon) | set(late))
        ]
        units.sort(key=lambda u: (-u.overdue, -u.due_soon, u.unit))
        end_of_day = midnight + timedelta(days=1)
        return Dashboard(
            at=now,
            calls_by_hour=by_hour,
            calls_today=today.total,
            calls_by_category=by_category,
            awaiting_dispatch=waiting,
            oldest_waiting_since=None if first_limit is None else first_limit - limits.DISPATCH_LIMIT,
            overdue_now=self._metrics.overdue_now(actor, now),
            units=units,
            callbacks_due_today=self._callbacks.count_due(actor, end_of_day),
            on_hold=holds,
            quality=self._quality.monthly(actor, local.date()),
        )
