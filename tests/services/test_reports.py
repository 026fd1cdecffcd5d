"""The reports of spec §13 as JSON, CSV (read back with the csv module) and text tables that
fit an 80-column terminal, in Chinese and English."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from rich.cells import cell_len
from rich.console import Console

from svcdesk.cli.report import render, render_csv
from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Invalid
from svcdesk.services.factory import Services
from svcdesk.services.reports import CSV_COLUMNS, ReportService
from tests.conftest import TZ, Staff
from tests.services.test_metrics import Built, build


@pytest.fixture
def built(services: Services, staff: Staff, clock: FixedClock) -> Built:
    return build(services, staff, clock)


@pytest.fixture
def reports(services: Services, clock: FixedClock) -> ReportService:
    return ReportService(services.metrics, clock, TZ)


def test_the_monthly_report_as_json(reports: ReportService, staff: Staff, built: Built) -> None:
    data = json.loads(json.dumps(reports.report(staff.agent1, "monthly", date(2025, 9, 30)).to_json()))
    assert data["period"] == {
        "kind": "monthly",
        "first_day": "2025-09-01",
        "last_day": "2025-09-30",
        "start": "2025-09-01T00:00:00+08:00",
        "end": "2025-10-01T00:00:00+08:00",
    }
    assert data["as_of"] == "2025-10-16T12:00:00+08:00"
    # September holds the six tickets of 09-30 and the dispatch decisions of that day only.
    assert data["tickets"] == 6
    assert data["rates"]["dispatched_within_1h"] == {
        "met": 2,
        "missed": 2,
        "decided": 4,
        "pending": 0,
        "rate": 0.5,
    }
    assert data["rates"]["handled_in_time"]["decided"] == 0
    assert data["rates"]["handled_in_time"]["rate"] is None
    assert data["by_category"][0] == {"category": "suggestion", "subtype": "reasonable", "tickets": 1}
    assert data["by_mode"] == {"transfer": 4, "phone_handover": 1, "direct": 1}
    assert data["overdue_now"] == {
        "total": 3,
        "awaiting_dispatch": 1,
        "with_unit": 2,
        "awaiting_callback": 0,
        "supervised": 0,
    }
    assert [(g["number"], g["size"], g["open"]) for g in data["groups"]] == [(built.a, 3, 1), (built.c, 2, 1)]
    assert {u["unit"] for u in data["by_unit"]} == {"CGJ", "GD", "SW"}


def test_the_monthly_report_as_csv(reports: ReportService, staff: Staff, built: Built) -> None:
    text = render_csv(reports.report(staff.agent1, "monthly", date(2025, 10, 16)))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert {r["period"] for r in rows} == {"monthly"}
    assert {(r["first_day"], r["last_day"]) for r in rows} == {("2025-10-01", "2025-10-31")}
    by = {(r["section"], r["item"], r["detail"]): r for r in rows}
    # October: G is the only ticket created; handling A, B met (10-10, 10-13), E, F missed,
    # G pending (10-22); callbacks A and B in time; opinions 1 + 1 satisfied of 3 reached.
    assert by[("summary", "tickets", "")]["count"] == "1"
    handled = by[("rate", "handled_in_time", "")]
    assert (handled["met"], handled["missed"], handled["pending"], handled["rate"]) == ("2", "2", "1", "0.5")
    assert by[("rate", "called_back_within_3_working_days", "")]["rate"] == "1.0"
    assert by[("rate", "satisfaction", "")]["rate"] == "0.6667"
    assert by[("callbacks", "unreached", "")]["count"] == "1"
    cgj = by[("unit", "CGJ", "市城市管理局")]
    assert (cgj["count"], cgj["met"], cgj["missed"], cgj["pending"], cgj["overdue"]) == (
        "1",
        "1",
        "1",
        "1",
        "1",
    )
    assert by[("overdue_now", "with_unit", "")]["count"] == "2"


@pytest.mark.sqlite_only  # drawing the tables does not depend on the database
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["daily", "weekly", "monthly"])
def test_the_text_report_fits_80_columns(
    reports: ReportService, staff: Staff, built: Built, lang: str, kind: str
) -> None:
    report = reports.report(staff.agent1, kind, date(2025, 9, 30))
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(render(report, lang))
    lines = console.export_text().splitlines()
    assert max(cell_len(line.rstrip()) for line in lines) <= 80
    text = "\n".join(lines)
    if lang == "zh":
        assert {"daily": "日报", "weekly": "周报", "monthly": "月报"}[kind] in text
        assert "1小时内交办" in text and "满意率" in text
        if kind != "daily":
            assert "一般诉求" in text and "工单转办" in text and "市城市管理局" in text
    else:
        assert "Dispatched within 1 hour" in text and "Satisfaction" in text
        assert "50.0%" in text  # 2 of the 4 dispatches of 09-30 in time
        assert "Overdue now: 3" in text


@pytest.mark.sqlite_only
def test_a_long_unit_name_is_cut_to_keep_the_table_narrow(
    services: Services, reports: ReportService, staff: Staff, built: Built
) -> None:
    from svcdesk.store.models import Unit

    with services.db.write() as s:
        unit = s.get(Unit, 1)
        assert unit is not None
        unit.name = "某某市某某区某某街道办事处城市管理综合行政执法中队第三分队"
        s.add(unit)
    report = reports.report(staff.agent1, "monthly", date(2025, 10, 1))
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(render(report, "zh"))
    assert max(cell_len(line.rstrip()) for line in console.export_text().splitlines()) <= 80


def test_a_future_date_or_an_unknown_period_is_refused(reports: ReportService, staff: Staff) -> None:
    with pytest.raises(Invalid, match="future") as info:
        reports.report(staff.agent1, "daily", date(2025, 10, 1))
    assert info.value.field == "date"
    with pytest.raises(Invalid, match="period"):
        reports.report(staff.agent1, "yearly")


def test_an_empty_day_has_no_rates_rather_than_zero(reports: ReportService, staff: Staff) -> None:
    report = reports.report(staff.agent1, "daily")
    data = report.to_json()
    assert data["tickets"] == 0
    assert all(r["rate"] is None for r in data["rates"].values())
    console = Console(width=80, record=True, color_system=None, file=io.StringIO())
    console.print(render(report, "en"))
    assert "None." in console.export_text()
