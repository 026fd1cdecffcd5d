"""The working-day calendar: mainland Chinese statutory holidays and adjusted working days (调休).

Pure, except for `builtin_years` (reads the `chinese_calendar` package's tables) and
`load_data_dir` (reads `*.json` year files from a directory).

See spec §5: a limit of N working days ends at the end of the Nth working day after the
day it starts from (that day itself is not counted, 民法典 第二百零一条). A year whose
official calendar is not loaded is computed from weekends and the fixed Gregorian
statutory holidays only, and every result that touched such a year is marked provisional.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "FIXED_HOLIDAYS",
    "WorkCalendar",
    "WorkingDayResult",
    "YearCalendar",
    "builtin_years",
    "default_calendar",
    "end_of_day",
    "load_data_dir",
    "parse_year_file",
]

# Statutory holidays with a fixed Gregorian date (全国年节及纪念日放假办法, as revised in
# 2024, in force from 2025): New Year's Day, Labour Day (2 days), National Day (3 days).
# The lunar holidays (Spring Festival, Qingming, Dragon Boat, Mid-Autumn) are not guessed.
FIXED_HOLIDAYS: tuple[tuple[int, int], ...] = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))

_SATURDAY = 5


def _required_holidays(year: int) -> list[dt.date]:
    """The fixed holidays every official calendar of `year` must contain.

    May 2 became statutory only in 2025 (before, e.g. 2012, it was a working day).
    """
    days = [(1, 1), (5, 1), (10, 1), (10, 2), (10, 3)]
    if year >= 2025:
        days.append((5, 2))
    return sorted(dt.date(year, m, d) for m, d in days)


@dataclass(frozen=True)
class YearCalendar:
    """One year's official calendar.

    `holidays`: statutory days off (on any day of the week, weekends within a holiday
    period may be listed or not). `workdays`: adjusted working days (调休) that fall on a
    Saturday or Sunday. Every other Mon–Fri is a working day, every other Sat/Sun is not.
    """

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        where = self.source or f"calendar {self.year}"
        for name, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            outside = sorted(d for d in days if d.year != self.year)
            if outside:
                raise ValueError(f"{where}: {name} {_fmt(outside)} not in the year {self.year}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"{where}: {_fmt(both)} listed both as holiday and as workday")
        weekdays = sorted(d for d in self.workdays if d.weekday() < _SATURDAY)
        if weekdays:
            raise ValueError(
                f"{where}: workdays {_fmt(weekdays)} fall on Mon–Fri; only a Saturday or "
                "Sunday can be an adjusted working day (调休)"
            )

    def is_workday(self, d: dt.date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < _SATURDAY and d not in self.holidays


@dataclass(frozen=True)
class WorkingDayResult:
    date: dt.date
    provisional: bool


class WorkCalendar:
    """Working days over the loaded (official) years, with a provisional fallback."""

    def __init__(self, years: Mapping[int, YearCalendar] | None = None) -> None:
        years = dict(years or {})
        for key, yc in years.items():
            if key != yc.year:
                raise ValueError(f"calendar for {yc.year} ({yc.source}) given under year {key}")
        self._years: Mapping[int, YearCalendar] = MappingProxyType(years)

    def __repr__(self) -> str:
        return f"WorkCalendar(loaded={list(self.loaded_years())})"

    def is_loaded(self, year: int) -> bool:
        return year in self._years

    def loaded_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def year_calendar(self, year: int) -> YearCalendar | None:
        return self._years.get(year)

    def missing_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        """Years from start's through end's (inclusive, either order) that are not loaded."""
        lo, hi = sorted((start.year, end.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self._years)

    def with_year(self, yc: YearCalendar) -> WorkCalendar:
        return WorkCalendar({**self._years, yc.year: yc})

    def is_workday(self, d: dt.date) -> bool:
        yc = self._years.get(d.year)
        if yc is not None:
            return yc.is_workday(d)
        return d.weekday() < _SATURDAY and (d.month, d.day) not in FIXED_HOLIDAYS

    def add_working_days(self, start: dt.date, n: int) -> WorkingDayResult:
        """The Nth working day after `start` (`start` itself is not counted).

        Provisional iff some day examined (start+1 … result) lies in an unloaded year.
        n == 0 returns `start` itself, not provisional.
        """
        if n < 0:
            raise ValueError(f"number of working days must be >= 0, got {n}")
        d = start
        provisional = False
        one = dt.timedelta(days=1)
        while n > 0:
            d += one
            if d.year not in self._years:
                provisional = True
            if self.is_workday(d):
                n -= 1
        return WorkingDayResult(d, provisional)


def builtin_years() -> dict[int, YearCalendar]:
    """Years fully covered by the installed `chinese_calendar` package (2004–2026 in 1.11).

    A year counts as covered only if the package lists both its New Year's Day and its
    National Day, so a year the package knows only in part is never taken as official.
    """
    import chinese_calendar

    holidays: Iterable[dt.date] = chinese_calendar.holidays.keys()
    workdays: Iterable[dt.date] = chinese_calendar.workdays.keys()
    by_year_h: dict[int, set[dt.date]] = {}
    by_year_w: dict[int, set[dt.date]] = {}
    for d in holidays:
        by_year_h.setdefault(d.year, set()).add(d)
    for d in workdays:
        by_year_w.setdefault(d.year, set()).add(d)
    version = getattr(chinese_calendar, "__version__", "?")
    out: dict[int, YearCalendar] = {}
    for year, hs in sorted(by_year_h.items()):
        if dt.date(year, 1, 1) not in hs or dt.date(year, 10, 1) not in hs:
            continue
        out[year] = YearCalendar(
            year=year,
            holidays=frozenset(hs),
            workdays=frozenset(by_year_w.get(year, ())),
            source=f"chinesecalendar {version}",
        )
    return out


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_KEYS = {"year", "holidays", "workdays", "note"}


def _fmt(days: Iterable[dt.date]) -> str:
    return ", ".join(d.isoformat() for d in days)


def _parse_date(text: str, where: str) -> dt.date:
    if not _DATE_RE.match(text):
        raise ValueError(f"{where}: malformed date {text!r}, expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{where}: invalid date {text!r}") from None


def _parse_list(raw: Any, name: str, where: str, allow_ranges: bool) -> list[dt.date]:
    if not isinstance(raw, list):
        raise ValueError(f"{where}: {name!r} must be a list of dates")
    out: list[dt.date] = []
    for item in raw:
        if not isinstance(item, str):
            raise ValueError(f"{where}: {name!r} entry {item!r} is not a date string")
        if ".." in item:
            if not allow_ranges:
                raise ValueError(f"{where}: {name!r} entry {item!r}: ranges are allowed only in 'holidays'")
            first_s, _, last_s = item.partition("..")
            first = _parse_date(first_s.strip(), where)
            last = _parse_date(last_s.strip(), where)
            if last < first:
                raise ValueError(f"{where}: {name!r} range {item!r} ends before it starts")
            d = first
            while d <= last:
                out.append(d)
                d += dt.timedelta(days=1)
        else:
            out.append(_parse_date(item.strip(), where))
    seen: set[dt.date] = set()
    twice: set[dt.date] = set()
    for d in out:
        (twice if d in seen else seen).add(d)
    if twice:
        raise ValueError(f"{where}: {name!r} lists {_fmt(sorted(twice))} more than once")
    return out


def parse_year_file(text: str, source: str) -> YearCalendar:
    """Parse and strictly validate one year's calendar file (format: data/calendar/README.md).

    Every error is a ValueError whose message starts with `source` and names the problem.
    """
    where = source
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{where}: expected a JSON object with year, holidays, workdays")
    missing = [k for k in ("year", "holidays", "workdays") if k not in doc]
    if missing:
        raise ValueError(f"{where}: missing key(s) {', '.join(missing)}")
    unknown = sorted(set(doc) - _KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})"
        )
    year = doc["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 9998:
        raise ValueError(f"{where}: 'year' must be a year number like 2027, got {year!r}")
    if "note" in doc and not isinstance(doc["note"], str):
        raise ValueError(f"{where}: 'note' must be a string")
    holidays = _parse_list(doc["holidays"], "holidays", where, allow_ranges=True)
    workdays = _parse_list(doc["workdays"], "workdays", where, allow_ranges=False)
    # YearCalendar checks: dates outside the year, in both lists, workdays on Mon–Fri.
    yc = YearCalendar(year=year, holidays=frozenset(holidays), workdays=frozenset(workdays), source=source)
    absent = [d for d in _required_holidays(year) if d not in yc.holidays]
    if absent:
        raise ValueError(f"{where}: fixed statutory holidays {_fmt(absent)} are missing from 'holidays'")
    return yc


def load_data_dir(path: Path) -> list[YearCalendar]:
    """Read every `*.json` year file in `path` (none if the directory does not exist).

    A file named after a year (2027.json) must hold that year; two files for one year
    are an error.
    """
    if not path.is_dir():
        return []
    out: dict[int, YearCalendar] = {}
    for file in sorted(path.glob("*.json")):
        source = f"file:{file}"
        yc = parse_year_file(file.read_text(encoding="utf-8"), source)
        if file.stem.isdigit() and int(file.stem) != yc.year:
            raise ValueError(f"{source}: file is named for {file.stem} but holds {yc.year}")
        if yc.year in out:
            raise ValueError(f"{source}: year {yc.year} is also in {out[yc.year].source}")
        out[yc.year] = yc
    return [out[y] for y in sorted(out)]


def default_calendar(extra: Iterable[YearCalendar] = ()) -> WorkCalendar:
    """The package's years, each replaced by any `extra` year (later entries win)."""
    years = builtin_years()
    for yc in extra:
        years[yc.year] = yc
    return WorkCalendar(years)


def end_of_day(d: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(23, 59, 59), tzinfo=tz)
