"""Time limits of spec §5 on the real 2025/2026 calendars."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from svcdesk.domain import limits
from svcdesk.domain.calendar import YearCalendar, default_calendar

TZ = ZoneInfo("Asia/Shanghai")
CAL = default_calendar()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=TZ)  # type: ignore[misc]


def test_dispatch_within_one_hour_runs_on_the_clock() -> None:
    assert limits.dispatch_due(at(2025, 10, 1, 23, 30)) == at(2025, 10, 2, 0, 30)


def test_handling_across_national_day_2025() -> None:
    # Dispatched Tue 2025-09-30; the day itself is not counted. 10-01..10-08 are holidays;
    # the five working days are 10-09, 10-10, the adjusted Saturday 10-11, 10-13 and 10-14.
    due = limits.handling_due(at(2025, 9, 30, 16, 0), 5, False, CAL, TZ)
    assert due.at == at(2025, 10, 14, 23, 59, 59)
    assert not due.provisional


def test_three_days_across_national_day() -> None:
    due = limits.handling_due(at(2025, 9, 30, 9, 0), 3, False, CAL, TZ)
    assert due.at == at(2025, 10, 11, 23, 59, 59)  # 10-09, 10-10, Saturday 10-11 (调休)


def test_the_adjusted_sunday_before_national_day_counts() -> None:
    # Friday 2025-09-26 + 1 working day: Sunday 09-28 is an adjusted working day.
    due = limits.handling_due(at(2025, 9, 26, 10, 0), 3, False, CAL, TZ)
    assert due.at.date() == at(2025, 9, 30).date()


def test_urgent_is_24_hours_day_and_night() -> None:
    due = limits.handling_due(at(2025, 9, 30, 16, 0), 5, True, CAL, TZ)
    assert due.at == at(2025, 10, 1, 16, 0)


def test_local_day_decides_not_utc() -> None:
    # 2025-09-30 00:30 in Beijing is still 09-29 in UTC: the start day is the local one.
    due = limits.handling_due(at(2025, 9, 30, 0, 30), 5, False, CAL, TZ)
    assert due.at.date() == at(2025, 10, 14).date()


def test_callback_within_three_working_days_across_a_year_end() -> None:
    # Replied Tue 2025-12-30: 12-31, then 2026-01-01..03 off, Sunday 01-04 adjusted working day.
    due = limits.callback_due(at(2025, 12, 30, 15, 0), CAL, TZ)
    assert due.at == at(2026, 1, 5, 23, 59, 59)
    assert not due.provisional


def test_a_limit_running_into_an_unloaded_year_is_provisional_and_recomputed() -> None:
    due = limits.handling_due(at(2026, 12, 28, 10, 0), 5, False, CAL, TZ)
    assert due.provisional
    assert due.at.date() == at(2027, 1, 5).date()  # 29, 30, 31, Jan 1 off, 4, 5
    loaded = CAL.with_year(
        YearCalendar(
            2027,
            frozenset(at(2027, 1, d).date() for d in (1, 2, 3, 4))
            | {at(2027, 5, 1).date(), at(2027, 5, 2).date()}
            | {at(2027, 10, d).date() for d in (1, 2, 3)},
            frozenset(),
            "test",
        )
    )
    again = limits.handling_due(at(2026, 12, 28, 10, 0), 5, False, loaded, TZ)
    assert not again.provisional
    assert again.at.date() == at(2027, 1, 6).date()


@pytest.mark.parametrize("days", [0, 1, 2, 6, 10, -1])
def test_handling_days_outside_three_to_five_are_refused(days: int) -> None:
    with pytest.raises(ValueError, match="3 to 5"):
        limits.handling_due(at(2025, 9, 30), days, False, CAL, TZ)


def test_unreachable_after_two_working_days() -> None:
    first = at(2025, 9, 30, 10, 0)
    assert limits.unreachable_after(first, CAL, TZ).at == at(2025, 10, 10, 10, 0)
    assert limits.time_left(first + timedelta(hours=1), first) == timedelta(hours=1)
