"""Time limits of spec §5. Clock limits (1 h dispatch, 24 h urgent) run day and night;
working-day limits end at the end of the Nth working day after the start day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from svcdesk.domain.calendar import WorkCalendar, end_of_day
from svcdesk.domain.states import Status

DISPATCH_LIMIT = timedelta(hours=1)
URGENT_LIMIT = timedelta(hours=24)
HANDLING_DAYS_MIN = 3
HANDLING_DAYS_MAX = 5
HANDLING_DAYS_DEFAULT = 5
CALLBACK_DAYS = 3
UNREACHABLE_AFTER_DAYS = 2
DUE_SOON = timedelta(hours=24)


@dataclass(frozen=True)
class Due:
    at: datetime
    provisional: bool


def dispatch_due(created_at: datetime) -> datetime:
    return created_at + DISPATCH_LIMIT


def check_handling_days(days: int) -> int:
    if not HANDLING_DAYS_MIN <= days <= HANDLING_DAYS_MAX:
        raise ValueError(
            f"days: the handling limit is {HANDLING_DAYS_MIN} to {HANDLING_DAYS_MAX} working days, not {days}"
        )
    return days


def working_days_due(start: datetime, days: int, cal: WorkCalendar, tz: ZoneInfo) -> Due:
    local_day = start.astimezone(tz).date()
    result = cal.add_working_days(local_day, days)
    return Due(end_of_day(result.date, tz), result.provisional)


def handling_due(dispatched_at: datetime, days: int, urgent: bool, cal: WorkCalendar, tz: ZoneInfo) -> Due:
    if urgent:
        return Due(dispatched_at + URGENT_LIMIT, False)
    return working_days_due(dispatched_at, check_handling_days(days), cal, tz)


def callback_due(replied_at: datetime, cal: WorkCalendar, tz: ZoneInfo) -> Due:
    return working_days_due(replied_at, CALLBACK_DAYS, cal, tz)


def unreachable_after(first_attempt: datetime, cal: WorkCalendar, tz: ZoneInfo) -> Due:
    """When a callback with no contact since ``first_attempt`` may be closed as unreachable."""
    local = first_attempt.astimezone(tz)
    result = cal.add_working_days(local.date(), UNREACHABLE_AFTER_DAYS)
    at = datetime.combine(result.date, local.timetz()).replace(tzinfo=tz)
    return Due(at, result.provisional)


def nearest_deadline(
    status: str,
    dispatch_due_at: datetime | None,
    due_at: datetime | None,
    callback_due_at: datetime | None,
) -> datetime | None:
    """The limit a ticket in ``status`` breaks next, by which the queues order it (kept on
    the ticket as ``deadline_at``): dispatch within the hour, the unit's handling limit (the
    dispatch hour until it is set), the callback's limit; none once closed."""
    state = Status(status)
    if state is Status.AWAITING_DISPATCH:
        return dispatch_due_at
    if state in (Status.WITH_UNIT, Status.SUPERVISED):
        return due_at or dispatch_due_at
    if state is Status.AWAITING_CALLBACK:
        return callback_due_at
    return None


def time_left(deadline: datetime | None, now: datetime) -> timedelta | None:
    """Positive: time left; negative: how late."""
    return None if deadline is None else deadline - now
