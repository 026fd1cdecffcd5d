from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcdesk.domain.calendar import (
    WorkCalendar,
    WorkingDayResult,
    YearCalendar,
    builtin_years,
    default_calendar,
    end_of_day,
    load_data_dir,
    parse_year_file,
)

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "calendar"
CAL = default_calendar()

# A made-up 2027 calendar (NOT the official one, which is not published yet): New Year's
# holiday 01-01..01-04 with Sat 01-09 as adjusted working day.
FAKE_2027 = YearCalendar(
    year=2027,
    holidays=frozenset(date(2027, 1, d) for d in (1, 2, 3, 4))
    | {date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1), date(2027, 10, 2)}
    | {date(2027, 10, 3)},
    workdays=frozenset({date(2027, 1, 9)}),
    source="test",
)


def days(start: date, end: date) -> list[date]:
    """Days in (start, end]."""
    return [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]


# --- the worked examples -------------------------------------------------------------


def test_spec_example_national_day_2025() -> None:
    # Dispatched 2025-09-30 with 5 working days. 10-01..10-08 are holidays (National Day
    # and Mid-Autumn); the five working days are 10-09 (Thu), 10-10 (Fri), the adjusted
    # Saturday 10-11, 10-13 (Mon) and 10-14 (Tue); Sunday 10-12 is a rest day.
    assert CAL.add_working_days(date(2025, 9, 30), 5) == WorkingDayResult(
        date(2025, 10, 14), provisional=False
    )


def test_adjusted_sunday_counts() -> None:
    # Fri 2025-09-26 + 1: Sat 09-27 is a rest day, Sun 09-28 is an adjusted working day.
    assert CAL.add_working_days(date(2025, 9, 26), 1) == WorkingDayResult(
        date(2025, 9, 28), provisional=False
    )


def test_year_end_2025_into_2026() -> None:
    # From the 2026 calendar in chinese_calendar: 01-01..01-03 are New Year's holidays,
    # Sun 01-04 is an adjusted working day. So: 12-31 (1), 01-04 (2), 01-05 (3).
    assert not chinese_calendar.is_workday(date(2026, 1, 2))  # a Friday, holiday
    assert chinese_calendar.is_workday(date(2026, 1, 4))  # a Sunday, adjusted
    assert CAL.add_working_days(date(2025, 12, 30), 3) == WorkingDayResult(
        date(2026, 1, 5), provisional=False
    )


def test_into_unloaded_2027_is_provisional() -> None:
    assert not CAL.is_loaded(2027)
    # Mon 2026-12-28: 12-29, 12-30, 12-31 (1..3); 2027-01-01 is a fixed holiday (Fri),
    # 01-02/01-03 the weekend; 01-04 (4), 01-05 (5).
    result = CAL.add_working_days(date(2026, 12, 28), 5)
    assert result == WorkingDayResult(date(2027, 1, 5), provisional=True)
    assert not CAL.is_workday(date(2027, 1, 1))
    assert not CAL.is_workday(date(2027, 1, 2))
    assert not CAL.is_workday(date(2027, 1, 3))


def test_loading_2027_makes_it_official_and_may_change_it() -> None:
    loaded = CAL.with_year(FAKE_2027)
    assert loaded.is_loaded(2027) and not CAL.is_loaded(2027)  # CAL itself is unchanged
    # 12-29, 12-30, 12-31 (1..3); 01-01..01-04 holidays; 01-05 (4), 01-06 (5).
    assert loaded.add_working_days(date(2026, 12, 28), 5) == WorkingDayResult(
        date(2027, 1, 6), provisional=False
    )
    assert loaded.is_workday(date(2027, 1, 9))  # adjusted Saturday
    assert not CAL.is_workday(date(2027, 1, 9))


def test_with_year_replaces_a_loaded_year() -> None:
    official = CAL.year_calendar(2025)
    assert official is not None
    # The office drops the adjusted working days (as if correcting a wrong file).
    fixed = YearCalendar(2025, official.holidays, frozenset(), "office")
    corrected = CAL.with_year(fixed)
    assert corrected.year_calendar(2025) is fixed
    assert not corrected.is_workday(date(2025, 10, 11))
    assert corrected.add_working_days(date(2025, 9, 30), 5).date == date(2025, 10, 15)


def test_provisional_only_when_a_counted_day_is_unloaded() -> None:
    assert CAL.add_working_days(date(2026, 12, 31), 1) == WorkingDayResult(date(2027, 1, 4), provisional=True)
    # The start day is not examined: starting on the last day of unloaded 2003 and
    # counting only 2004 days is official.
    assert not CAL.is_loaded(2003)
    assert CAL.add_working_days(date(2003, 12, 31), 1) == WorkingDayResult(
        date(2004, 1, 2), provisional=False
    )
    # n == 0 is the start day itself, never provisional.
    assert CAL.add_working_days(date(2027, 3, 3), 0) == WorkingDayResult(date(2027, 3, 3), provisional=False)


def test_negative_n_rejected() -> None:
    with pytest.raises(ValueError, match=">= 0"):
        CAL.add_working_days(date(2025, 1, 1), -1)


def test_fallback_for_unloaded_year() -> None:
    empty = WorkCalendar({})
    for m, d in ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)):
        assert not empty.is_workday(date(2031, m, d))  # fixed holidays
    assert empty.is_workday(date(2027, 5, 3))  # a Monday, not guessed as holiday
    assert not empty.is_workday(date(2027, 5, 8))  # Saturday
    assert empty.is_workday(date(2027, 2, 5))  # lunar holidays are not guessed


# --- loaded years ----------------------------------------------------------------------


def test_builtin_years_cover_2004_to_2026() -> None:
    years = builtin_years()
    assert sorted(years) == list(range(2004, 2027))
    assert CAL.loaded_years() == tuple(range(2004, 2027))
    assert all(yc.source.startswith("chinesecalendar") for yc in years.values())


def test_builtin_agrees_with_chinese_calendar_every_day() -> None:
    d = date(2004, 1, 1)
    while d <= date(2026, 12, 31):
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_2025_file_agrees_with_chinese_calendar() -> None:
    path = DATA_DIR / "2025.json"
    yc = parse_year_file(path.read_text(encoding="utf-8"), f"file:{path}")
    pkg = builtin_years()[2025]
    assert yc.year == 2025
    assert yc.holidays == pkg.holidays
    assert yc.workdays == pkg.workdays
    d = date(2025, 1, 1)
    while d.year == 2025:
        assert yc.is_workday(d) == chinese_calendar.is_workday(d), d
        d += timedelta(days=1)


def test_data_dir_has_no_2027() -> None:
    years = [yc.year for yc in load_data_dir(DATA_DIR)]
    assert 2025 in years
    assert 2027 not in years
    assert not default_calendar(load_data_dir(DATA_DIR)).is_loaded(2027)


def test_default_calendar_extra_overrides() -> None:
    office = YearCalendar(2025, frozenset({date(2025, 1, 1)}), frozenset(), "office")
    cal = default_calendar([FAKE_2027, office])
    assert cal.year_calendar(2025) is office
    assert cal.is_loaded(2027)
    assert cal.is_workday(date(2025, 10, 8))  # the office's (deliberately bare) 2025


def test_missing_years() -> None:
    assert CAL.missing_years(date(2026, 12, 1), date(2028, 1, 5)) == (2027, 2028)
    assert CAL.missing_years(date(2028, 1, 5), date(2026, 12, 1)) == (2027, 2028)
    assert CAL.missing_years(date(2025, 1, 1), date(2026, 12, 31)) == ()


def test_work_calendar_rejects_year_under_wrong_key() -> None:
    with pytest.raises(ValueError, match="under year 2026"):
        WorkCalendar({2026: FAKE_2027})


def test_year_calendar_invariants() -> None:
    with pytest.raises(ValueError, match="not in the year"):
        YearCalendar(2027, frozenset({date(2026, 1, 1)}), frozenset(), "x")
    with pytest.raises(ValueError, match="Mon–Fri"):
        YearCalendar(2027, frozenset(), frozenset({date(2027, 1, 4)}), "x")
    with pytest.raises(ValueError, match="both"):
        YearCalendar(2027, frozenset({date(2027, 1, 9)}), frozenset({date(2027, 1, 9)}), "x")


def test_end_of_day() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    eod = end_of_day(date(2025, 10, 14), tz)
    assert eod == datetime(2025, 10, 14, 23, 59, 59, tzinfo=tz)
    assert eod.utcoffset() == timedelta(hours=8)
    assert eod.time() == time(23, 59, 59)


# --- parse_year_file -------------------------------------------------------------------

GOOD: dict[str, Any] = {
    "year": 2027,
    "holidays": ["2027-01-01", "2027-05-01..2027-05-05", "2027-10-01..2027-10-07"],
    "workdays": ["2027-09-26"],
    "note": "test",
}


def with_(**changes: Any) -> str:
    doc = {**GOOD, **changes}
    return json.dumps({k: v for k, v in doc.items() if v is not ...})


def test_parse_good_file_with_ranges() -> None:
    yc = parse_year_file(with_(), "file:2027.json")
    assert yc.year == 2027 and yc.source == "file:2027.json"
    assert len(yc.holidays) == 1 + 5 + 7
    assert date(2027, 10, 3) in yc.holidays  # a Sunday inside a period: allowed
    assert yc.workdays == {date(2027, 9, 26)}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        (with_(year=...), "missing key.*year"),
        (with_(holidays=...), "missing key.*holidays"),
        (with_(workdays=...), "missing key.*workdays"),
        (with_(workday=["2027-09-26"]), "unknown key.*workday"),
        (with_(year="2027"), "'year' must be"),
        (with_(year=True), "'year' must be"),
        (with_(note=5), "'note' must be"),
        (with_(holidays="2027-01-01"), "'holidays' must be a list"),
        (with_(holidays=[*GOOD["holidays"], 20270102]), "not a date string"),
        (with_(workdays=["2027/09/26"]), "malformed date '2027/09/26'"),
        (with_(workdays=["20270926"]), "malformed date"),
        (with_(workdays=["2027-W39-7"]), "malformed date"),
        (with_(holidays=[*GOOD["holidays"], "2027-02-30"]), "invalid date '2027-02-30'"),
        (with_(holidays=[*GOOD["holidays"], "2028-01-01"]), "2028-01-01 not in the year 2027"),
        (with_(workdays=["2026-12-27"]), "2026-12-27 not in the year 2027"),
        (with_(workdays=["2027-10-02"]), "2027-10-02 listed both"),
        (with_(workdays=["2027-09-27"]), "2027-09-27 fall on Mon–Fri"),
        (with_(holidays=[*GOOD["holidays"], "2027-10-05"]), "2027-10-05 more than once"),
        (with_(holidays=[*GOOD["holidays"], "2027-02-10..2027-02-05"]), "ends before"),
        (with_(workdays=["2027-09-25..2027-09-26"]), "ranges are allowed only"),
        (with_(holidays=["2027-05-01..2027-05-05", "2027-10-01..2027-10-07"]), "2027-01-01"),
        (with_(holidays=["2027-01-01", "2027-05-01", "2027-10-01..2027-10-07"]), "2027-05-02"),
    ],
)
def test_parse_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_year_file(text, "file:bad.json")
    assert str(info.value).startswith("file:bad.json: ")


def test_parse_may_2_required_only_from_2025() -> None:
    # In 2012 Labour Day was 04-29..05-01 and 05-02 a working day.
    text = json.dumps(
        {
            "year": 2012,
            "holidays": ["2012-01-01", "2012-04-29..2012-05-01", "2012-10-01..2012-10-03"],
            "workdays": [],
        }
    )
    assert date(2012, 5, 2) not in parse_year_file(text, "x").holidays


def test_load_data_dir(tmp_path: Path) -> None:
    assert load_data_dir(tmp_path / "nowhere") == []
    (tmp_path / "2027.json").write_text(with_(), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    [yc] = load_data_dir(tmp_path)
    assert yc.year == 2027 and yc.source == f"file:{tmp_path / '2027.json'}"

    (tmp_path / "2027-copy.json").write_text(with_(), encoding="utf-8")
    with pytest.raises(ValueError, match="also in"):
        load_data_dir(tmp_path)
    (tmp_path / "2027-copy.json").unlink()

    (tmp_path / "2028.json").write_text(with_(), encoding="utf-8")
    with pytest.raises(ValueError, match="named for 2028 but holds 2027"):
        load_data_dir(tmp_path)


# --- properties ------------------------------------------------------------------------

# 2003 and 2027–2028 are unloaded: the range covers both official and provisional counts.
starts = st.dates(min_value=date(2003, 6, 1), max_value=date(2028, 6, 30))
counts = st.integers(min_value=0, max_value=40)
calendars = st.sampled_from([CAL, CAL.with_year(FAKE_2027), WorkCalendar({})])


@settings(max_examples=300)
@given(cal=calendars, start=starts, n=counts)
def test_exactly_n_workdays_after_start(cal: WorkCalendar, start: date, n: int) -> None:
    result = cal.add_working_days(start, n)
    between = days(start, result.date)
    assert sum(cal.is_workday(d) for d in between) == n
    if n > 0:
        assert result.date > start
        assert cal.is_workday(result.date)
    else:
        assert result.date == start
    assert result.provisional == any(not cal.is_loaded(d.year) for d in between)


@given(cal=calendars, start=starts, n=counts, k=st.integers(min_value=1, max_value=20))
def test_monotone_in_n(cal: WorkCalendar, start: date, n: int, k: int) -> None:
    assert cal.add_working_days(start, n).date < cal.add_working_days(start, n + k).date


@given(start=st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30)), n=counts)
def test_agrees_with_chinese_calendar_in_loaded_years(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert not result.provisional
    expected = start
    for _ in range(n):
        expected += timedelta(days=1)
        while not chinese_calendar.is_workday(expected):
            expected += timedelta(days=1)
    assert result.date == expected


@given(start=starts, n=counts)
def test_composition(start: date, n: int) -> None:
    # Counting n then 3 working days is counting n + 3.
    first = CAL.add_working_days(start, n)
    both = CAL.add_working_days(first.date, 3)
    assert both.date == CAL.add_working_days(start, n + 3).date
