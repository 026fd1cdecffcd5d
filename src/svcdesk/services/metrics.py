"""The one definition of each figure of spec §13: the rates, the counts, overdue now and the
bound groups. The CLI's reports, the exports' per-ticket outcomes and the console's dashboard
all take their figures from here, so a rate means the same thing wherever it is shown.

Periods
    A report covers a *window* ``[start, end)`` of local days in the centre's time zone
    (:func:`period_of`): a day; a week, Monday to Sunday; a calendar month. Figures are
    computed *as of* a moment (``as_of``, normally the clock's now): an outcome that is not
    known yet at ``as_of`` is *pending* and counts in no rate.

Time-limit outcomes (one per ticket and limit)
    Each of the three limits gives every ticket one :class:`Decision`: ``met``, ``missed``,
    ``pending`` (the limit is still running and nothing has happened yet) or
    ``not_applicable`` (the limit does not concern this ticket in its current round). A
    decision has the moment it became known (``decided_at``): the moment the step was done
    when it was done in time, the end of the limit when it was not. A rate for a window
    counts the tickets whose decision became known inside the window, so consecutive days
    add up to their week, and a ticket counts once per limit. Beside the rate, ``pending``
    counts the limits that end inside the window and are still running at ``as_of``.

    * **Dispatched within 1 hour** (:func:`dispatch_decision`): tickets transferred to the
      lead's queue (mode ``transfer``; a phone hand-over is with its unit from the start and
      a direct ticket is never dispatched). Met when the *first* dispatch happened at most
      1 hour after the ticket was created (``first_dispatched_at <= created_at + 1 h``);
      missed once that hour has passed without it. A return or a second round starts a new
      1-hour clock for the lead's queue, but the rate measures the first dispatch only.
    * **Handled within the limit** (:func:`handling_decision`): tickets with a handling limit
      in their current round (``due_at``, set by the dispatch: 3 to 5 working days, or
      24 hours when urgent). Met when the unit's reply for the current round was recorded at
      or before ``due_at`` (the reply's ``replied_at``, which may be earlier than the moment
      it was typed in); missed once ``due_at`` has passed without one, whatever else
      happened to the ticket (supervised, closed by the office). A reply older than the
      latest dispatch belongs to an earlier round and does not count. A ticket returned by
      its unit, or sent to a second round and not dispatched again yet, has no limit
      running: not applicable. Only the current round's outcome is kept on a ticket, so a
      ticket in its second round counts with its second round's outcome.
    * **Called back within 3 working days** (:func:`callback_decision`): tickets with a
      unit's reply (``callback_due_at`` = the end of the 3rd working day after the reply).
      The callback is *done* when the caller was reached (satisfied, basically satisfied
      or unsatisfied) or when the ticket was closed as unreachable after two working days of
      attempts; an attempt that did not reach the caller is not a callback done. Met when
      it was done at or before ``callback_due_at``; missed once ``callback_due_at`` has
      passed without it. Again, only the current round's callback counts.

Satisfaction (:func:`satisfaction_of`)
    Of the callbacks that reached the caller in the window (each callback recorded, by its
    time; a ticket called back in both rounds gives two opinions), the share that were
    satisfied or basically satisfied: ``(satisfied + basically_satisfied) / (satisfied +
    basically_satisfied + unsatisfied)``. Attempts that did not reach the caller are counted
    apart (``unreached``) and are not in the rate.

Counts
    Tickets *created* in the window, by category and subtype, by handling mode and by the
    unit that holds them now (none for direct tickets and those awaiting dispatch). Each
    ticket is the record of one call. For each unit, beside its tickets: its *handled within
    the limit* outcomes decided in the window (for the tickets it holds now) and the tickets
    it holds now (with the unit, or supervised) past their handling limit.

Overdue now (:func:`is_overdue`)
    Open tickets (awaiting dispatch, with a unit, awaiting callback, supervised) whose
    nearest limit in their status (``deadline_at``: the 1-hour dispatch limit, the handling
    limit or the callback limit) has passed at ``as_of``. It is a count at ``as_of``, not a
    count of the window: a report on last month shows what is overdue now.

Bound groups, hot matters (:class:`GroupFigures`)
    Tickets bound together (参阅) form one matter. A report lists the groups of at least two
    tickets with at least one ticket created in the window, biggest first (then the most
    tickets created in the window, then the newest group); each group is named by its first
    ticket's number and shows its size, how many of its tickets were created in the window
    and how many are still open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from svcdesk.domain import limits
from svcdesk.domain.clock import Clock
from svcdesk.domain.roles import Permission
from svcdesk.domain.states import OPEN_STATUSES
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.store import repo
from svcdesk.store import report_queries as q
from svcdesk.store.database import Database

#: Callback results that reached the caller: they count in the satisfaction rate.
REACHED_RESULTS: tuple[str, ...] = ("satisfied", "basically_satisfied", "unsatisfied")
#: Of those, the ones that count as satisfied (满意 + 基本满意).
SATISFIED_RESULTS: tuple[str, ...] = ("satisfied", "basically_satisfied")
#: Every callback result, in the order reports show them.
CALLBACK_RESULTS: tuple[str, ...] = (*REACHED_RESULTS, "unreached")
#: The handling mode whose tickets go through the lead's dispatch queue.
DISPATCHED_MODE = "transfer"
#: Open statuses in the order reports show them.
OPEN_ORDER: tuple[str, ...] = ("awaiting_dispatch", "with_unit", "awaiting_callback", "supervised")
PERIOD_KINDS: tuple[str, ...] = ("daily", "weekly", "monthly")
GROUPS_SHOWN = 10


# --------------------------------------------------------------------------- outcomes


class Outcome(StrEnum):
    MET = "met"
    MISSED = "missed"
    PENDING = "pending"
    NOT_APPLICABLE = "not_applicable"


class Decision(NamedTuple):
    """A ticket's outcome for one limit and the moment it became known (``None`` while
    pending or when the limit does not apply). A named tuple: an export makes three per
    ticket, millions of them."""

    outcome: Outcome
    decided_at: datetime | None = None
    limit_at: datetime | None = None
    """When the limit ends (``None`` when it does not apply)."""


_NOT_APPLICABLE = Decision(Outcome.NOT_APPLICABLE)
_MET, _MISSED, _PENDING = Outcome.MET, Outcome.MISSED, Outcome.PENDING
_decision = tuple.__new__  # Decision(...) without the generated __new__'s Python frame


def _limit_decision(done_at: datetime | None, limit_at: datetime, now: datetime) -> Decision:
    """The rule of every limit: done by the limit (inclusive) is met; not done when the
    limit has passed is missed; otherwise it is still pending."""
    if done_at is not None and done_at <= limit_at:
        return _decision(Decision, (_MET, done_at, limit_at))  # type: ignore[no-any-return]
    if now > limit_at:
        return _decision(Decision, (_MISSED, limit_at, limit_at))  # type: ignore[no-any-return]
    return _decision(Decision, (_PENDING, None, limit_at))  # type: ignore[no-any-return]


def dispatch_decision(
    mode: str, created_at: datetime, first_dispatched_at: datetime | None, now: datetime
) -> Decision:
    """Dispatched within 1 hour of creation (see the module)."""
    if mode != DISPATCHED_MODE:
        return _NOT_APPLICABLE
    return _limit_decision(first_dispatched_at, created_at + limits.DISPATCH_LIMIT, now)


def handling_decision(
    dispatched_at: datetime | None,
    due_at: datetime | None,
    replied_at: datetime | None,
    now: datetime,
) -> Decision:
    """Handled within the limit in the current round (see the module)."""
    if due_at is None or dispatched_at is None:
        return _NOT_APPLICABLE
    reply = replied_at if replied_at is not None and replied_at >= dispatched_at else None
    return _limit_decision(reply, due_at, now)


def callback_done_at(
    replied_at: datetime | None,
    called_back_at: datetime | None,
    callback_result: str | None,
    close_reason: str,
) -> datetime | None:
    """When the current round's callback was done: the caller reached, or the ticket closed
    as unreachable. ``None`` while only failed attempts (or none) were made."""
    if replied_at is None or called_back_at is None or called_back_at < replied_at:
        return None
    if callback_result in REACHED_RESULTS or close_reason == "unreachable":
        return called_back_at
    return None


def callback_decision(
    replied_at: datetime | None,
    callback_due_at: datetime | None,
    called_back_at: datetime | None,
    callback_result: str | None,
    close_reason: str,
    now: datetime,
) -> Decision:
    """Called back within 3 working days of the unit's reply (see the module)."""
    if replied_at is None or callback_due_at is None:
        return _NOT_APPLICABLE
    done = callback_done_at(replied_at, called_back_at, callback_result, close_reason)
    return _limit_decision(done, callback_due_at, now)


def is_overdue(status: str, deadline_at: datetime | None, now: datetime) -> bool:
    """An open ticket whose nearest limit has passed (the queue's ``deadline_at``)."""
    return status in OPEN_STATUSES and deadline_at is not None and deadline_at < now


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Window:
    """A half-open span of time ``[start, end)``; both ends timezone-aware."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a window needs timezone-aware ends")
        if self.end <= self.start:
            raise ValueError("a window must end after it starts")

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, datetime) and self.start <= moment < self.end


@dataclass(frozen=True)
class Period:
    """A report's period: ``first_day`` to ``last_day`` inclusive, local days."""

    kind: str
    first_day: date
    last_day: date
    window: Window


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def days_window(first_day: date, last_day: date, tz: ZoneInfo) -> Window:
    """The local days ``first_day`` to ``last_day`` inclusive, as a window."""
    if last_day < first_day:
        raise Invalid(f"to: {last_day} is before from: {first_day}", field="to")
    return Window(_local_midnight(first_day, tz), _local_midnight(last_day + timedelta(days=1), tz))


def period_of(kind: str, day: date, tz: ZoneInfo) -> Period:
    """The day, the week (Monday to Sunday) or the calendar month that contains ``day``."""
    if kind == "daily":
        first = last = day
    elif kind == "weekly":
        first = day - timedelta(days=day.weekday())
        last = first + timedelta(days=6)
    elif kind == "monthly":
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    else:
        raise Invalid(f"period: one of {', '.join(PERIOD_KINDS)}, not {kind!r}", field="period")
    return Period(kind, first, last, days_window(first, last, tz))


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Rate:
    """``met`` of ``decided`` (= met + missed). ``pending`` counts the limits that end in the
    window and are still running at ``as_of``; they are not in the rate."""

    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def value(self) -> float | None:
        """``met / decided``, or ``None`` when nothing was decided (no rate, not 0 %)."""
        return self.met / self.decided if self.decided else None

    def percent(self) -> str:
        v = self.value
        return "-" if v is None else f"{v * 100:.1f}%"

    def to_json(self) -> dict[str, Any]:
        v = self.value
        return {
            "met": self.met,
            "missed": self.missed,
            "decided": self.decided,
            "pending": self.pending,
            "rate": None if v is None else round(v, 4),
        }


class _Tally:
    def __init__(self) -> None:
        self.met = self.missed = self.pending = 0

    def add(self, decision: Decision, window: Window) -> None:
        if decision.outcome is Outcome.PENDING:
            if decision.limit_at in window:
                self.pending += 1
        elif decision.decided_at is not None and decision.decided_at in window:
            if decision.outcome is Outcome.MET:
                self.met += 1
            else:
                self.missed += 1

    def rate(self) -> Rate:
        return Rate(self.met, self.missed, self.pending)


def satisfaction_of(results: dict[str, int]) -> Rate:
    """The satisfaction rate from callback results counted in a window (see the module)."""
    met = sum(results.get(r, 0) for r in SATISFIED_RESULTS)
    reached = sum(results.get(r, 0) for r in REACHED_RESULTS)
    return Rate(met=met, missed=reached - met)


@dataclass(frozen=True)
class UnitFigures:
    code: str
    name: str
    tickets: int
    """Tickets created in the window that this unit holds now."""
    handled_in_time: Rate
    """Handled within the limit, decided in the window, for tickets this unit holds now."""
    overdue_now: int
    """Tickets the unit holds now (with the unit, or supervised) past their handling limit."""

    def to_json(self) -> dict[str, Any]:
        return {
            "unit": self.code,
            "name": self.name,
            "tickets": self.tickets,
            "handled_in_time": self.handled_in_time.to_json(),
            "overdue_now": self.overdue_now,
        }


@dataclass(frozen=True)
class GroupFigures:
    number: str
    """The group's first ticket."""
    size: int
    new_in_window: int
    open: int
    category: str
    subtype: str
    place: str
    unit: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "size": self.size,
            "new": self.new_in_window,
            "open": self.open,
            "category": self.category,
            "subtype": self.subtype,
            "place": self.place,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Counts:
    """Tickets created in a window."""

    total: int
    by_category: dict[tuple[str, str], int]
    """(category, subtype) -> tickets."""
    by_mode: dict[str, int]
    by_unit: dict[str | None, int]
    """Unit code (``None``: no unit) -> tickets."""

    def category_totals(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for (cat, _sub), n in self.by_category.items():
            out[cat] = out.get(cat, 0) + n
        return out


@dataclass(frozen=True)
class Figures:
    """Everything a report shows for one window."""

    window: Window
    as_of: datetime
    counts: Counts
    dispatched_within_hour: Rate
    handled_in_time: Rate
    called_back_in_time: Rate
    satisfaction: Rate
    callback_results: dict[str, int]
    overdue_now: dict[str, int]
    """Open status -> tickets overdue at ``as_of``."""
    units: list[UnitFigures]
    groups: list[GroupFigures] = field(default_factory=list)

    @property
    def overdue_total(self) -> int:
        return sum(self.overdue_now.values())

    def rates(self) -> dict[str, Rate]:
        return {
            "dispatched_within_1h": self.dispatched_within_hour,
            "handled_in_time": self.handled_in_time,
            "called_back_within_3_working_days": self.called_back_in_time,
            "satisfaction": self.satisfaction,
        }


# --------------------------------------------------------------------------- the service


class MetricsService:
    """The figures of spec §13 for any window; each method is one figure and reads the
    database once. Every signed-in member of staff may read them (no caller data)."""

    def __init__(self, db: Database, clock: Clock, tz: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._tz = tz

    def _check(self, actor: Actor) -> None:
        actor.require(Permission.READ_QUEUE, "read reports")

    def _as_of(self, as_of: datetime | None) -> datetime:
        return as_of if as_of is not None else self._clock.now()

    def dispatched_within_hour(self, actor: Actor, window: Window, as_of: datetime | None = None) -> Rate:
        self._check(actor)
        now = self._as_of(as_of)
        tally = _Tally()
        with self._db.read() as s:
            # A decision is known between creation and creation + 1 h: the candidates are the
            # tickets created from an hour before the window to its end.
            rows = q.dispatch_rows(s, window.start - limits.DISPATCH_LIMIT, window.end)
            for mode, created_at, first_dispatched_at in rows:
                tally.add(dispatch_decision(mode, created_at, first_dispatched_at, now), window)
        return tally.rate()

    def _handling(self, window: Window, now: datetime) -> dict[int | None, _Tally]:
        by_unit: dict[int | None, _Tally] = {}
        with self._db.read() as s:
            # decided_at is the reply (met) or due_at (missed): the candidates are the
            # tickets whose reply or whose limit falls in the window.
            for unit_id, dispatched_at, due_at, replied_at in q.handling_rows(s, window.start, window.end):
                tally = by_unit.get(unit_id)
                if tally is None:
                    tally = by_unit[unit_id] = _Tally()
                tally.add(handling_decision(dispatched_at, due_at, replied_at, now), window)
        return by_unit

    def handled_in_time(self, actor: Actor, window: Window, as_of: datetime | None = None) -> Rate:
        self._check(actor)
        return _sum_rates(t.rate() for t in self._handling(window, self._as_of(as_of)).values())

    def called_back_in_time(self, actor: Actor, window: Window, as_of: datetime | None = None) -> Rate:
        self._check(actor)
        now = self._as_of(as_of)
        tally = _Tally()
        with self._db.read() as s:
            # decided_at is the callback done (met) or callback_due_at (missed).
            for row in q.callback_rows(s, window.start, window.end):
                replied_at, due_at, called_back_at, result, close_reason = row
                tally.add(
                    callback_decision(replied_at, due_at, called_back_at, result, close_reason, now), window
                )
        return tally.rate()

    def callback_results(self, actor: Actor, window: Window) -> dict[str, int]:
        """Callbacks recorded in the window, by result (every attempt counts)."""
        self._check(actor)
        with self._db.read() as s:
            found = q.callback_result_counts(s, window.start, window.end)
        return {r: found.get(r, 0) for r in CALLBACK_RESULTS}

    def satisfaction(self, actor: Actor, window: Window) -> Rate:
        return satisfaction_of(self.callback_results(actor, window))

    def counts(self, actor: Actor, window: Window) -> Counts:
        self._check(actor)
        by_category: dict[tuple[str, str], int] = {}
        by_mode: dict[str, int] = {}
        by_unit_id: dict[int | None, int] = {}
        total = 0
        with self._db.read() as s:
            rows = q.created_counts(s, window.start, window.end)
            codes = repo.unit_codes(s)
        for category, subtype, mode, unit_id, n in rows:
            total += n
            by_category[(category, subtype)] = by_category.get((category, subtype), 0) + n
            by_mode[mode] = by_mode.get(mode, 0) + n
            by_unit_id[unit_id] = by_unit_id.get(unit_id, 0) + n
        by_unit = {(codes.get(u) if u is not None else None): n for u, n in by_unit_id.items()}
        return Counts(total, by_category, by_mode, by_unit)

    def overdue_now(self, actor: Actor, as_of: datetime | None = None) -> dict[str, int]:
        """Open tickets past their nearest limit at ``as_of``, by status."""
        self._check(actor)
        now = self._as_of(as_of)
        with self._db.read() as s:
            found = q.overdue_counts(s, now)
        return {status: found.get(status, 0) for status in OPEN_ORDER}

    def bound_groups(self, actor: Actor, window: Window, limit: int = GROUPS_SHOWN) -> list[GroupFigures]:
        self._check(actor)
        with self._db.read() as s:
            rows = q.bound_groups(s, window.start, window.end, limit)
        return [
            GroupFigures(r.number, r.size, r.new, r.open, r.category, r.subtype, r.place, r.unit)
            for r in rows
        ]

    def figures(self, actor: Actor, window: Window, as_of: datetime | None = None) -> Figures:
        """Every figure of a report for ``window``, all as of the same moment."""
        self._check(actor)
        now = self._as_of(as_of)
        counts = self.counts(actor, window)
        handling = self._handling(window, now)
        results = self.callback_results(actor, window)
        overdue = self.overdue_now(actor, now)
        with self._db.read() as s:
            overdue_by_unit = q.unit_overdue_counts(s, now)
            units = q.units(s)
        units_out = []
        for unit_id, code, name in units:
            tickets = counts.by_unit.get(code, 0)
            tally = handling.get(unit_id)
            rate = tally.rate() if tally else Rate()
            late = overdue_by_unit.get(unit_id, 0)
            if tickets or rate.decided or rate.pending or late:
                units_out.append(UnitFigures(code, name, tickets, rate, late))
        units_out.sort(key=lambda u: (-u.tickets, -u.overdue_now, u.code))
        return Figures(
            window=window,
            as_of=now,
            counts=counts,
            dispatched_within_hour=self.dispatched_within_hour(actor, window, now),
            handled_in_time=_sum_rates(t.rate() for t in handling.values()),
            called_back_in_time=self.called_back_in_time(actor, window, now),
            satisfaction=satisfaction_of(results),
            callback_results=results,
            overdue_now=overdue,
            units=units_out,
            groups=self.bound_groups(actor, window),
        )


def _sum_rates(rates: Iterable[Rate]) -> Rate:
    met = missed = pending = 0
    for r in rates:
        met += r.met
        missed += r.missed
        pending += r.pending
    return Rate(met, missed, pending)
