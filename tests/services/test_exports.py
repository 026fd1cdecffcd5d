"""Exports written in each format and read back with a real reader (csv, openpyxl, json):
the columns, the masking, the time-limit outcomes of the hand-built tickets, the filters,
the audit of an unmasked export and what an interrupted export leaves behind."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.domain.masking import mask_name, mask_phone
from svcdesk.services import exports as ex
from svcdesk.services.errors import Invalid, PermissionDenied
from svcdesk.services.exports import COLUMN_NAMES, ExportFilter, ExportService
from svcdesk.services.factory import Services
from svcdesk.services.metrics import days_window
from svcdesk.store import repo
from tests.conftest import TZ, Staff, intake
from tests.services.test_metrics import Built, build

CONTRACT_KEYS = (
    "number",
    "status",
    "category",
    "subtype",
    "mode",
    "urgent",
    "major",
    "caller_name",
    "caller_phone",
    "event_time",
    "place",
    "details",
    "unit",
    "created_at",
    "dispatch_due_at",
    "dispatched_at",
    "due_at",
    "due_provisional",
    "replied_at",
    "callback_due_at",
    "closed_at",
    "bound_to",
    "accepted_by",
)

# The outcomes of the hand-built tickets as of 10-16 12:00 (see tests/services/test_metrics.py):
# (dispatched within 1 h, handled in time, called back in time, overdue now, callback result).
EXPECTED: dict[str, tuple[str | None, str | None, str | None, bool, str | None]] = {
    "a": ("met", "met", "met", False, "satisfied"),
    "b": ("missed", "met", "met", False, "basically_satisfied"),  # late first dispatch, round 2
    "c": ("missed", None, None, True, None),  # never dispatched
    "d": (None, None, None, False, None),  # direct
    "e": (None, "missed", None, True, None),  # phone hand-over, never replied
    "f": ("met", "missed", None, True, None),
    "g": ("met", "pending", None, False, None),
}


@pytest.fixture
def built(services: Services, staff: Staff, clock: FixedClock) -> Built:
    return build(services, staff, clock)


@pytest.fixture
def exports(services: Services, clock: FixedClock) -> ExportService:
    return ExportService(services.db, clock, TZ)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_for_excel_with_every_column_and_the_outcomes(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    result = exports.export(staff.lead1, ExportFilter(), "csv", path)
    assert (result.rows, result.masked) == (7, True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese text
    rows = read_csv(path)
    assert list(rows[0]) == list(COLUMN_NAMES)
    assert set(CONTRACT_KEYS) <= set(COLUMN_NAMES)
    by = {r["number"]: r for r in rows}
    numbers = vars(built)
    assert set(by) == set(numbers.values())
    for key, (dispatched, handled, called_back, overdue, result_) in EXPECTED.items():
        row = by[numbers[key]]
        got = (row["dispatched_within_1h"], row["handled_in_time"], row["called_back_in_time"])
        assert got == (dispatched or "", handled or "", called_back or ""), key
        assert row["overdue"] == ("true" if overdue else "false"), key
        assert row["callback_result"] == (result_ or ""), key
    a = by[built.a]
    assert (a["caller_name"], a["caller_phone"]) == ("张*", "138****5678")
    assert (a["category"], a["subtype"], a["mode"], a["unit"], a["accepted_by"]) == (
        "general_request",
        "general",
        "transfer",
        "CGJ",
        "agent1",
    )
    # local time of the centre, to the second
    assert a["created_at"] == "2025-09-30 10:00:00"
    assert a["due_at"] == "2025-10-11 23:59:59"
    assert a["called_back_at"] == "2025-10-11 10:00:00"
    assert (a["group"], a["group_size"], a["bound_to"]) == (built.a, "3", f"{built.b} {built.e}")
    assert by[built.f]["group"] == "" and by[built.f]["group_size"] == "1" and by[built.f]["bound_to"] == ""
    b = by[built.b]
    assert (b["round"], b["first_dispatched_at"], b["dispatched_at"]) == (
        "2",
        "2025-09-30 11:30:00",
        "2025-10-09 09:30:00",
    )
    assert by[built.e]["urgent"] == "true" and by[built.d]["close_reason"] == "direct"


def test_the_export_and_the_report_count_the_same(
    services: Services, exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    exports.export(staff.lead1, ExportFilter(), "csv", path)
    rows = read_csv(path)
    fig = services.metrics.figures(staff.lead1, days_window(date(2025, 9, 1), date(2025, 10, 31), TZ))
    for column, rate in (
        ("dispatched_within_1h", fig.dispatched_within_hour),
        ("handled_in_time", fig.handled_in_time),
        ("called_back_in_time", fig.called_back_in_time),
    ):
        counts = Counter(r[column] for r in rows)
        assert (counts["met"], counts["missed"], counts["pending"]) == (rate.met, rate.missed, rate.pending)
    assert sum(r["overdue"] == "true" for r in rows) == fig.overdue_total


def test_xlsx_has_typed_cells_a_frozen_header_and_widths(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.xlsx"
    assert exports.export(staff.lead1, ExportFilter(), "xlsx", path).rows == 7
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    assert ws.title == "tickets"
    assert [c.value for c in ws[1]] == list(COLUMN_NAMES)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref is not None
    col = {name: i for i, name in enumerate(COLUMN_NAMES)}
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 7
    a = rows[built.a]
    assert a[col["created_at"]] == datetime(2025, 9, 30, 10, 0)  # a real date, local time
    assert a[col["due_at"]] == datetime(2025, 10, 11, 23, 59, 59)
    assert ws.cell(row=2, column=col["created_at"] + 1).number_format == "yyyy-mm-dd hh:mm:ss"
    assert a[col["urgent"]] is False and rows[built.e][col["urgent"]] is True
    assert a[col["round"]] == 1 and rows[built.b][col["round"]] == 2
    assert a[col["caller_phone"]] == "138****5678"
    assert a[col["handled_in_time"]] == "met"
    assert a[col["bound_to"]] == f"{built.b} {built.e}"
    assert rows[built.c][col["dispatched_at"]] is None
    widths = ws.column_dimensions
    assert widths["A"].width >= 15  # the ticket number
    assert widths[openpyxl.utils.get_column_letter(col["details"] + 1)].width >= 40


def test_json_is_one_document_with_the_contracts_keys(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.json"
    exports.export(staff.lead1, ExportFilter(), "json", path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 7
    a = next(t for t in data if t["number"] == built.a)
    assert set(CONTRACT_KEYS) <= set(a)
    assert a["created_at"] == "2025-09-30T10:00:00+08:00"
    assert datetime.fromisoformat(a["due_at"]) == datetime(2025, 10, 11, 23, 59, 59, tzinfo=TZ)
    assert a["bound_to"] == [built.b, built.e]
    assert a["urgent"] is False and a["round"] == 1 and a["due_provisional"] is False
    assert a["caller_name"] == "张*"
    c = next(t for t in data if t["number"] == built.c)
    assert c["unit"] is None and c["dispatched_at"] is None and c["handled_in_time"] is None


def test_json_lines_and_an_empty_export(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.jsonl"
    exports.export(staff.lead1, ExportFilter(), "jsonl", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["number"] for line in lines] == sorted(vars(built).values())
    nothing = ExportFilter(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    for fmt in ("csv", "json", "jsonl", "xlsx"):
        out = tmp_path / f"empty.{fmt}"
        assert exports.export(staff.lead1, nothing, fmt, out).rows == 0
    assert read_csv(tmp_path / "empty.csv") == []
    assert (tmp_path / "empty.csv").read_text(encoding="utf-8-sig").startswith("number,status,")
    assert json.loads((tmp_path / "empty.json").read_text(encoding="utf-8")) == []
    assert (tmp_path / "empty.jsonl").read_text(encoding="utf-8") == ""
    ws = openpyxl.load_workbook(tmp_path / "empty.xlsx").active
    assert ws is not None and ws.max_row == 1


def test_filters_by_days_status_category_and_unit(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    def numbers(**kw: Any) -> list[str]:
        path = tmp_path / "f.jsonl"
        exports.export(staff.lead1, ExportFilter(**kw), "jsonl", path)
        return [json.loads(line)["number"] for line in path.read_text(encoding="utf-8").splitlines()]

    day = date(2025, 9, 30)
    assert numbers(date_from=day, date_to=day) == [built.a, built.b, built.c, built.d, built.e, built.f]
    assert numbers(date_from=date(2025, 10, 1)) == [built.g]
    assert numbers(date_to=date(2025, 10, 14)) == numbers(date_to=day)
    assert numbers(status="with_unit") == [built.e, built.f, built.g]
    assert numbers(category="complaint") == [built.b]
    assert numbers(unit="CGJ") == [built.a, built.f, built.g]
    assert numbers(unit="CGJ", status="with_unit", date_from=date(2025, 10, 15)) == [built.g]
    assert exports.count(staff.agent1, ExportFilter(unit="CGJ")) == 3
    with pytest.raises(Invalid, match="unit") as info:
        numbers(unit="NOPE")
    assert info.value.field == "unit"
    with pytest.raises(Invalid, match="status"):
        numbers(status="lost")
    with pytest.raises(Invalid, match="category"):
        numbers(category="gossip")
    with pytest.raises(Invalid, match="before"):
        numbers(date_from=date(2025, 10, 2), date_to=date(2025, 10, 1))


def test_unmasked_only_for_the_office_and_audited(
    services: Services, exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    with services.db.read() as s:
        before = repo.count_audit(s)
    for who in (staff.agent1, staff.lead1):
        path = tmp_path / f"{who.username}.csv"
        with pytest.raises(PermissionDenied, match="unmasked"):
            exports.export(who, ExportFilter(), "csv", path, unmask=True)
        assert not path.exists()
    with services.db.read() as s:
        assert repo.count_audit(s) == before
    path = tmp_path / "office.csv"
    result = exports.export(staff.office1, ExportFilter(category="complaint"), "csv", path, unmask=True)
    assert not result.masked
    row = read_csv(path)[0]
    assert (row["caller_name"], row["caller_phone"]) == ("张三", "13812345678")
    with services.db.read() as s:
        entry = repo.audit_all(s, limit=1)[0]
    assert (entry.action, entry.ticket_id, entry.account_id) == ("export_unmasked", None, staff.office1.id)
    assert "1 tickets" in entry.note and str(path) in entry.note and "category=complaint" in entry.note


def test_phone_numbers_inside_the_text_are_masked_too(
    services: Services, exports: ExportService, staff: Staff, tmp_path: Path
) -> None:
    services.tickets.take_call(
        staff.agent1,
        intake(
            caller_name="欧阳娜娜",
            caller_phone="0571-87050000",
            place="拱墅区湖墅南路1号(联系人电话13900001111)",
            details="邻居王先生 +86 139-0000-2222 也反映过;物业电话0571-88886666,门牌123号,工号8001",
        ),
    )
    path = tmp_path / "t.csv"
    exports.export(staff.lead1, ExportFilter(), "csv", path)
    row = read_csv(path)[0]
    assert (row["caller_name"], row["caller_phone"]) == ("欧***", "0571****0000")
    assert row["place"] == "拱墅区湖墅南路1号(联系人电话139****1111)"
    assert "139****2222" in row["details"] and "0571****6666" in row["details"]
    assert "门牌123号,工号8001" in row["details"]  # short numbers are not phone numbers


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(
    services: Services, exports: ExportService, staff: Staff, tmp_path: Path
) -> None:
    services.tickets.take_call(
        staff.agent1, intake(details='=HYPERLINK("http://x","点击")', place="-1楼车库")
    )
    exports.export(staff.lead1, ExportFilter(), "csv", tmp_path / "t.csv")
    row = read_csv(tmp_path / "t.csv")[0]
    assert row["details"] == '\'=HYPERLINK("http://x","点击")'
    assert row["place"] == "'-1楼车库"
    exports.export(staff.lead1, ExportFilter(), "xlsx", tmp_path / "t.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert ws is not None
    cell = ws.cell(row=2, column=COLUMN_NAMES.index("details") + 1)
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x","点击")')


def test_an_interrupted_export_leaves_nothing_behind(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "t.csv"
    path.write_text("the previous export", encoding="utf-8")

    def interrupt(_n: int) -> None:
        raise KeyboardInterrupt

    for fmt in ("csv", "xlsx"):
        with pytest.raises(KeyboardInterrupt):
            exports.export(staff.lead1, ExportFilter(), fmt, path, progress=interrupt)
    assert path.read_text(encoding="utf-8") == "the previous export"
    assert sorted(p.name for p in folder.iterdir()) == ["t.csv"]


def test_where_an_export_cannot_go(exports: ExportService, staff: Staff, tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="directory"):
        exports.export(staff.lead1, ExportFilter(), "csv", tmp_path)
    with pytest.raises(Invalid, match="does not exist"):
        exports.export(staff.lead1, ExportFilter(), "csv", tmp_path / "no" / "t.csv")
    with pytest.raises(Invalid, match="format"):
        exports.export(staff.lead1, ExportFilter(), "pdf", tmp_path / "t.pdf")


@pytest.mark.sqlite_only
def test_a_sheet_that_is_full_continues_on_the_next(
    exports: ExportService, staff: Staff, built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ex, "XLSX_MAX_ROWS", 4)  # a header and 3 tickets a sheet
    exports.export(staff.lead1, ExportFilter(), "xlsx", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb.sheetnames == ["tickets", "tickets 2", "tickets 3"]
    got = [[r[0] for r in ws.iter_rows(min_row=2, values_only=True)] for ws in wb.worksheets]
    assert got == [[built.a, built.b, built.c], [built.d, built.e, built.f], [built.g]]
    assert all(ws.cell(row=1, column=1).value == "number" for ws in wb.worksheets)


# --------------------------------------------------------------------------- the fast paths


PHONES = ("13812345678", "19912345678", "02188886666", "01012345678", "075512345678", "03511234567")
SERVICE_AND_ODD = ("12345", "110", "4008123123", "8001234567", "not-a-phone", "123")


@pytest.mark.parametrize("phone", PHONES + SERVICE_AND_ODD)
def test_the_stored_phone_mask_is_mask_phone(phone: str) -> None:
    assert ex.mask_stored_phone(phone) == mask_phone(phone)


@pytest.mark.parametrize(
    "name", ["张三", "欧阳娜娜", "张", "买买提·艾力", "John Smith", "Anonymous", "匿名", "Mary-Jane", "Jo"]
)
def test_the_stored_name_mask_is_mask_name(name: str) -> None:
    assert ex.mask_stored_name(name) == mask_name(name)


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_local_times_match_the_zone_database_around_transitions(zone: str) -> None:
    tz = ZoneInfo(zone)
    local = ex._LocalTime(tz)
    start = datetime(2025, 3, 1, tzinfo=ZoneInfo("UTC"))
    for hours in range(0, 24 * 250, 7):
        moment = start + timedelta(hours=hours, minutes=hours % 60, seconds=hours % 59, microseconds=123456)
        text = moment.replace(tzinfo=None).isoformat(" ")
        exact = moment.astimezone(tz).replace(microsecond=0)
        assert local.text(text) == exact.strftime("%Y-%m-%d %H:%M:%S")
        assert local.iso(text) == exact.isoformat()
        assert local.naive(text) == exact.replace(tzinfo=None)


@pytest.mark.parametrize("code", ["NOSUCH", "C\x00GJ", "\udcff"])
def test_an_unknown_or_unreadable_unit_is_refused_by_name(
    services: Services, staff: Staff, tmp_path: Path, code: str
) -> None:
    """A code no unit can have (a NUL, undecodable bytes from a command line) is an unknown
    unit like any other, on both backends, not a database error."""
    with pytest.raises(Invalid) as refused:
        services.exports.export(staff.lead1, ExportFilter(unit=code), "csv", tmp_path / "x.csv")
    assert refused.value.field == "unit"
    assert not (tmp_path / "x.csv").exists()
