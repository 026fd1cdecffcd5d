"""The lists that keep tickets moving after the call (spec §5, §8, §9): the shift lead's
queue, an agent's own open tickets, and the hotline office's lists.

Every list puts first what is closest to breaking a limit, shows a bound group as one matter
with its callers counted, and is paged by key (see ``store.queue_queries``). The steps taken
from these lists are ``TicketService``'s (dispatch, remind, reply, return, escalate,
supervise): the same checks and the same audit trail as the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from svcdesk.domain import limits
from svcdesk.domain.categories import CATEGORIES
from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.domain.states import OPEN_STATUS_VALUES, Status
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.store import queue_queries as qq
from svcdesk.store import repo
from svcdesk.store.database import Database, Session

PAGE_SIZE = 50
LEAD_VIEWS = ("queue", "dispatch", "due_soon", "overdue", "open")
"""queue: awaiting dispatch plus what units hold that is due within 24 hours or late;
dispatch: awaiting dispatch only; due_soon / overdue: held by units; open: every open ticket."""
AGENT_VIEWS = ("mine",)
MAJOR_WINDOW = timedelta(days=30)
OFFICE_VIEWS = ("supervised", "late", "returned", "major", "escalated")
WITH_UNITS = (Status.WITH_UNIT.value, Status.SUPERVISED.value)
OPEN = OPEN_STATUS_VALUES

_AWAITING_DISPATCH = Status.AWAITING_DISPATCH.value
_AWAITING_CALLBACK = Status.AWAITING_CALLBACK.value


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the order key of the last row shown."""

    at: datetime
    ticket_id: int


@dataclass(frozen=True)
class QueueRow:
    number: str
    status: str
    category: str
    subtype: str
    urgent: bool
    major: bool
    unit: str | None
    place: str
    details: str
    created_at: datetime
    deadline_at: datetime | None
    deadline_kind: str
    """dispatch (the 1-hour clock), handling (the unit's limit) or callback."""
    deadline_provisional: bool
    group_size: int
    """Tickets in the bound group (1 when not bound)."""
    callers: int
    """Distinct callers in the bound group."""
    round: int
    supervised: bool
    escalated: bool
    return_reason: str
    reply_text: str


@dataclass(frozen=True)
class QueuePage:
    view: str
    rows: list[QueueRow]
    next: Cursor | None
    """None when this is the last page."""
    at: datetime
    """The clock when the page was read."""


@dataclass(frozen=True)
class QueueSummary:
    view: str
    total: int
    """Matters in the whole list, a bound group counted once."""
    by_unit: list[tuple[str, int]]
    """(unit code, matters), largest first; "" for tickets with no unit."""
    by_category: list[tuple[str, int]]


def deadline_kind(status: str, has_due: bool, deadline_at: datetime | None) -> str:
    """Which limit ``deadline_at`` is, for a ticket in ``status`` whose unit's handling limit
    is set (``has_due``) or not."""
    if status == _AWAITING_DISPATCH:
        return "dispatch"
    if status == _AWAITING_CALLBACK:
        return "callback"
    if status in WITH_UNITS and has_due:
        return "handling"
    return "dispatch" if deadline_at is not None else ""


def rows_of(_s: Session, found: Sequence[qq.PageRow]) -> list[QueueRow]:
    """The queue rows of a list's page (``queue_queries.page``), which already carries each
    row's unit code and its bound group's counts."""
    out = []
    for (
        _id,
        number,
        status,
        category,
        subtype,
        urgent,
        major,
        unit,
        place,
        details,
        created_at,
        deadline_at,
        has_due,
        due_provisional,
        callback_due_provisional,
        size,
        callers,
        round_,
        supervised,
        escalated,
        return_reason,
        reply_text,
    ) in found:
        kind = deadline_kind(status, has_due, deadline_at)
        provisional = (kind == "handling" and due_provisional) or (
            kind == "callback" and callback_due_provisional
        )
        out.append(
            QueueRow(
                number,
                status,
                category,
                subtype,
                urgent,
                major,
                unit,
                place,
                details,
                created_at,
                deadline_at,
                kind,
                bool(provisional),
                max(1, size or 1),
                max(1, callers or 1),
                round_,
                supervised,
                escalated,
                return_reason,
                reply_text,
            )
        )
    return out


class QueueService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def _filter(
        self,
        actor: Actor,
        view: str,
        now: datetime,
        unit_id: int | None,
        category: str | None,
        urgent: bool | None,
    ) -> qq.QueueFilter:
        f = self._view(actor, view, now)
        return replace(f, unit_id=unit_id, category=category, urgent=urgent)

    def _view(self, actor: Actor, view: str, now: datetime) -> qq.QueueFilter:
        soon = now + limits.DUE_SOON
        if view == "mine":
            actor.require(Permission.READ_QUEUE, "read tickets")
            return qq.QueueFilter(statuses=OPEN, accepted_by_id=actor.id, collapse_groups=False)
        if view in LEAD_VIEWS:
            actor.require(Permission.DISPATCH, "read the lead's dispatch queue")
        elif view in OFFICE_VIEWS:
            actor.require(Permission.SUPERVISE, "read the office's lists")
        else:
            raise Invalid(
                f"view: one of {', '.join((*LEAD_VIEWS, *AGENT_VIEWS, *OFFICE_VIEWS))}, not {view!r}",
                field="view",
            )
        ad = (Status.AWAITING_DISPATCH.value,)
        match view:
            case "queue":
                return qq.QueueFilter(statuses=ad + WITH_UNITS, deadline_before=soon)
            case "dispatch":
                return qq.QueueFilter(statuses=ad)
            case "due_soon":
                return qq.QueueFilter(statuses=WITH_UNITS, deadline_from=now, deadline_before=soon)
            case "overdue" | "late":
                return qq.QueueFilter(statuses=WITH_UNITS, deadline_before=now)
            case "open":
                return qq.QueueFilter(statuses=OPEN)
            case "supervised":
                return qq.QueueFilter(statuses=(Status.SUPERVISED.value,))
            case "returned":
                return qq.QueueFilter(statuses=ad, returned=True)
            case "escalated":
                return qq.QueueFilter(statuses=OPEN, escalated=True)
            case _:  # major: flagged in the last 30 days, closed ones included (a major matter is
                # closed directly with a referral, and the office must still see it), newest first
                return qq.QueueFilter(
                    statuses=(),
                    major=True,
                    created_from=now - MAJOR_WINDOW,
                    newest_first=True,
                    collapse_groups=False,
                )

    def _resolve(
        self, s: Session, actor: Actor, view: str, unit: str | None, category: str | None, urgent: bool | None
    ) -> qq.QueueFilter:
        if category is not None and category not in CATEGORIES:
            raise Invalid(f"category: one of {', '.join(CATEGORIES)}, not {category!r}", field="category")
        unit_id = None
        if unit:
            u = repo.unit_by_code(s, unit)
            if u is None:
                raise Invalid(f"unit: no handling unit with code {unit!r}", field="unit")
            unit_id = u.id
        return self._filter(actor, view, self._clock.now(), unit_id, category, urgent)

    def page(
        self,
        actor: Actor,
        view: str = "queue",
        *,
        unit: str | None = None,
        category: str | None = None,
        urgent: bool | None = None,
        after: Cursor | None = None,
        limit: int = PAGE_SIZE,
    ) -> QueuePage:
        """One page of a list, closest to breaking a limit first; ``after`` is the previous
        page's ``next``. Reads only the page: its cost does not grow with the database."""
        if not 1 <= limit <= 500:
            raise Invalid("limit: between 1 and 500", field="limit")
        now = self._clock.now()
        with self._db.read() as s:
            f = self._resolve(s, actor, view, unit, category, urgent)
            found = qq.page(s, f, after=(after.at, after.ticket_id) if after else None, limit=limit + 1)
            more = len(found) > limit
            found = found[:limit]
            rows = rows_of(s, found)
        nxt = None
        if more and found:
            at, ticket_id = qq.order_key(found[-1], f)
            nxt = Cursor(at, ticket_id)
        return QueuePage(view, rows, nxt, now)

    def summary(
        self,
        actor: Actor,
        view: str = "queue",
        *,
        unit: str | None = None,
        category: str | None = None,
        urgent: bool | None = None,
    ) -> QueueSummary:
        """The whole list's size (bound groups counted once) and its matters by unit and by
        category: what the queue shows beside the page, read separately so the page never
        waits for it."""
        with self._db.read() as s:
            f = self._resolve(s, actor, view, unit, category, urgent)
            return QueueSummary(
                view, qq.count(s, f), qq.count_by(s, f, "unit"), qq.count_by(s, f, "category")
            )
