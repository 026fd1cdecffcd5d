"""The daily, weekly and monthly reports of spec §13, as data (JSON) and as rows (CSV).

Every figure comes from :mod:`svcdesk.services.metrics`; this module only chooses the period
and lays the figures out. The text tables are drawn by the CLI (``cli/report.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from svcdesk.domain.categories import CATEGORIES
from svcdesk.domain.clock import Clock
from svcdesk.services.context import Actor
from svcdesk.services.errors import Invalid
from svcdesk.services.metrics import (
    PERIOD_KINDS,
    Figures,
    MetricsService,
    Period,
    Rate,
    period_of,
)

#: The columns of a report as CSV: one tidy table, every row one figure (see docs/reports.md).
CSV_COLUMNS: tuple[str, ...] = (
    "period",
    "first_day",
    "last_day",
    "as_of",
    "section",
    "item",
    "detail",
    "count",
    "met",
    "missed",
    "pending",
    "rate",
    "overdue",
    "new",
    "open",
)

_CATEGORY_ORDER = {
    (c, s): i for i, (c, s) in enumerate((c, s) for c, subs in CATEGORIES.items() for s in subs)
}
_MODE_ORDER = ("transfer", "phone_handover", "direct")


@dataclass(frozen=True)
class Report:
    period: Period
    figures: Figures
    tz: ZoneInfo

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def categories(self) -> list[tuple[str, str, int]]:
        """``(category, subtype, tickets)`` in the order of spec §3, only those with tickets."""
        items = sorted(
            self.figures.counts.by_category.items(),
            key=lambda kv: _CATEGORY_ORDER.get(kv[0], len(_CATEGORY_ORDER)),
        )
        return [(c, s, n) for (c, s), n in items if n]

    def modes(self) -> list[tuple[str, int]]:
        by_mode = self.figures.counts.by_mode
        known = [(m, by_mode[m]) for m in _MODE_ORDER if by_mode.get(m)]
        return known + sorted((m, n) for m, n in by_mode.items() if m not in _MODE_ORDER and n)

    def to_json(self) -> dict[str, Any]:
        f = self.figures
        return {
            "period": {
                "kind": self.period.kind,
                "first_day": self.period.first_day.isoformat(),
                "last_day": self.period.last_day.isoformat(),
                "start": self.local(f.window.start).isoformat(),
                "end": self.local(f.window.end).isoformat(),
            },
            "as_of": self.local(f.as_of).isoformat(),
            "tickets": f.counts.total,
            "rates": {name: rate.to_json() for name, rate in f.rates().items()},
            "callback_results": dict(f.callback_results),
            "overdue_now": {"total": f.overdue_total, **f.overdue_now},
            "by_category": [{"category": c, "subtype": s, "tickets": n} for c, s, n in self.categories()],
            "by_mode": dict(self.modes()),
            "by_unit": [u.to_json() for u in f.units],
            "groups": [g.to_json() for g in f.groups],
        }

    def csv_rows(self) -> Iterator[list[object]]:
        """The report as rows of :data:`CSV_COLUMNS` (header first)."""
        f = self.figures
        head = [
            self.period.kind,
            self.period.first_day.isoformat(),
            self.period.last_day.isoformat(),
            self.local(f.as_of).isoformat(timespec="seconds"),
        ]

        def row(section: str, item: str, detail: str, values: dict[str, object]) -> list[object]:
            return [*head, section, item, detail, *(_cell(values.get(c)) for c in CSV_COLUMNS[7:])]

        def rate(r: Rate) -> dict[str, object]:
            v = r.value
            return {
                "met": r.met,
                "missed": r.missed,
                "pending": r.pending,
                "rate": None if v is None else round(v, 4),
            }

        yield list(CSV_COLUMNS)
        yield row("summary", "tickets", "", {"count": f.counts.total})
        yield row("summary", "overdue_now", "", {"count": f.overdue_total})
        for name, r in f.rates().items():
            yield row("rate", name, "", {"count": r.decided, **rate(r)})
        for result, n in f.callback_results.items():
            yield row("callbacks", result, "", {"count": n})
        for status, n in f.overdue_now.items():
            yield row("overdue_now", status, "", {"count": n})
        for c, s, n in self.categories():
            yield row("category", c, s, {"count": n})
        for m, n in self.modes():
            yield row("mode", m, "", {"count": n})
        if f.counts.by_unit.get(None):
            yield row("unit", "", "(no unit)", {"count": f.counts.by_unit[None]})
        for u in f.units:
            values = {"count": u.tickets, "overdue": u.overdue_now, **rate(u.handled_in_time)}
            yield row("unit", u.code, u.name, values)
        for g in f.groups:
            yield row("group", g.number, g.place, {"count": g.size, "new": g.new_in_window, "open": g.open})


def _cell(value: object) -> object:
    return "" if value is None else value


class ReportService:
    def __init__(self, metrics: MetricsService, clock: Clock, tz: ZoneInfo) -> None:
        self._metrics = metrics
        self._clock = clock
        self._tz = tz

    def report(self, actor: Actor, kind: str, day: date | None = None) -> Report:
        """The report of ``kind`` (daily, weekly, monthly) for the period containing ``day``
        (today in the centre's time zone by default)."""
        if kind not in PERIOD_KINDS:
            raise Invalid(f"period: one of {', '.join(PERIOD_KINDS)}, not {kind!r}", field="period")
        today = self._clock.now().astimezone(self._tz).date()
        day = day or today
        if day > today:
            raise Invalid(
                f"date: {day.isoformat()} is in the future (today is {today.isoformat()})", field="date"
            )
        period = period_of(kind, day, self._tz)
        return Report(period, self._metrics.figures(actor, period.window), self._tz)
