"""Bulk loads of units, knowledge-base entries and units' replies from CSV, XLSX and JSON:
good files in one audited transaction, bad files refused whole with each row's line number
and field and the database unchanged."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from svcdesk.domain.clock import FixedClock
from svcdesk.services.errors import Invalid, PermissionDenied
from svcdesk.services.factory import Services
from svcdesk.services.imports import ImportRefused, ImportService
from svcdesk.services.settings import data_dir
from svcdesk.store import repo
from tests.conftest import TZ, Staff, intake

TEMPLATES = data_dir() / "templates"


@pytest.fixture
def imports(services: Services, clock: FixedClock) -> ImportService:
    return ImportService(services.db, clock, TZ, services.tickets)


def write(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(services: Services, staff: Staff) -> tuple[object, ...]:
    """What an import may change: units, the knowledge base, tickets and the audit trail."""
    with services.db.read() as s:
        units = [(u.code, u.name, u.kind, u.phone, u.active) for u in repo.units(s)]
        kb = [(e.title, e.answer, e.department, e.review_date) for e in repo.kb_search(s, "", limit=1000)]
        audit = repo.count_audit(s)
    tickets = [(v.number, v.status, v.replied_at) for v in services.tickets.list(staff.office1, limit=1000)]
    return units, kb, audit, tickets


def problems(info: pytest.ExceptionInfo[ImportRefused]) -> list[tuple[int, str]]:
    return [(p.line, p.field) for p in info.value.problems]


# --------------------------------------------------------------------------- units


def test_units_are_added_and_updated_by_code_and_audited(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,phone,active\n"
        "YH-QZF,余杭区人民政府,county,0571-86220000,true\n"
        "CGJ,市城市管理局(城管委),municipal,0571-87010001,\n"
        "GJ,市公交集团,utility,,否\n",
    )
    result = imports.load(staff.office1, "units", path)
    assert (result.rows, result.created, result.updated, result.dry_run) == (3, 1, 2, False)
    units = {u.code: u for u in services.reference.units(staff.office1)}
    assert (units["YH-QZF"].name, units["YH-QZF"].kind, units["YH-QZF"].active) == (
        "余杭区人民政府",
        "county",
        True,
    )
    assert (units["CGJ"].name, units["CGJ"].phone, units["CGJ"].active) == (
        "市城市管理局(城管委)",
        "0571-87010001",
        True,
    )
    assert (units["GJ"].phone, units["GJ"].active) == ("", False)
    with services.db.read() as s:
        entry = repo.audit_all(s, limit=1)[0]
    assert (entry.action, entry.account_id, entry.ticket_id) == ("import_units", staff.office1.id, None)
    assert entry.note == "3 rows from units.csv: 1 new, 2 updated"


def test_a_bad_units_file_is_refused_whole_with_each_line_and_field(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    before = snapshot(services, staff)
    path = write(
        tmp_path / "units.csv",
        "code,name,kind,phone,active\n"
        "YH-QZF,余杭区人民政府,county,0571-86220000,true\n"  # 2: good, and still not loaded
        "bad code!,某单位,municipal,,\n"  # 3: code
        "LA-QZF,,county,,\n"  # 4: name missing
        "\n"  # 5: blank lines are skipped
        "YH-QZF,余杭区政府,county,,\n"  # 6: the same code as line 2
        "TL-QZF,桐庐县人民政府,village,,maybe\n"  # 7: kind and active
        'JD-QZF,"建德市\n人民政府",county,,\n'  # 8-9: a line break in a name
        "CA-QZF,淳安县人民政府,county,\x00,\n",  # 10: a control character
    )
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "units", path)
    assert problems(info) == [
        (3, "code"),
        (4, "name"),
        (6, "code"),
        (7, "kind"),
        (7, "active"),
        (8, "name"),
        (10, "phone"),
    ]
    message = str(info.value)
    assert message.startswith("units.csv refused, nothing was loaded (7 problems):")
    assert "line 6, code: YH-QZF is already on line 2" in message
    assert "line 7, kind: one of municipal, county, utility, not 'village'" in message
    assert info.value.field == "code"
    assert snapshot(services, staff) == before


def test_the_header_must_name_known_columns_and_the_required_ones(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    path = write(tmp_path / "u.csv", "code,adress,phone\nX1,somewhere,1\n")
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "units", path)
    assert problems(info) == [(1, "adress"), (1, "name")]
    assert "unknown column; the columns are code, name, kind, phone, active" in str(info.value)
    empty = write(tmp_path / "empty.csv", "code,name\n")
    with pytest.raises(Invalid, match="no rows"):
        imports.load(staff.office1, "units", empty)
    with pytest.raises(Invalid, match="xls"):
        imports.load(staff.office1, "units", write(tmp_path / "u.xls", "x"))
    with pytest.raises(Invalid, match="does not exist"):
        imports.load(staff.office1, "units", tmp_path / "missing.csv")


def test_units_from_xlsx_with_typed_cells_and_chinese_headers(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["单位编码", "单位名称", "类型", "电话", "启用"])
    ws.append(["RQ", "市燃气集团", "utility", 96777, True])
    ws.append([])
    ws.append(["QZ-1", "某街道", "county", 87001234.0, False])
    wb.save(tmp_path / "units.xlsx")
    assert imports.load(staff.office1, "units", tmp_path / "units.xlsx").rows == 2
    units = {u.code: u for u in services.reference.units(staff.office1)}
    assert (units["RQ"].phone, units["RQ"].active) == ("96777", True)
    assert (units["QZ-1"].phone, units["QZ-1"].active) == ("87001234", False)
    ws.cell(row=4, column=1, value="坏 代码")
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "units", tmp_path / "bad.xlsx")
    assert problems(info) == [(4, "code")]  # the row of the sheet, blank rows counted
    write(tmp_path / "broken.xlsx", "not a zip")
    with pytest.raises(Invalid, match="not a readable XLSX"):
        imports.load(staff.office1, "units", tmp_path / "broken.xlsx")


def test_the_shipped_json_files_and_json_lines_import_as_they_are(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    shipped = data_dir()
    result = imports.load(staff.office1, "units", shipped / "units.json")
    assert (result.created, result.updated) == (0, result.rows)
    assert imports.load(staff.office1, "kb", shipped / "kb.json").created == 0
    lines = write(
        tmp_path / "u.jsonl",
        '{"code": "A1", "name": "甲单位"}\n\n{"code": "A2", "name": "乙单位", "active": false}\n',
        "utf-8",
    )
    assert imports.load(staff.office1, "units", lines).created == 2
    assert {u.code: u.active for u in services.reference.units(staff.office1)}["A2"] is False


def test_a_json_rows_line_is_where_its_object_starts(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    rows = [
        {"code": "B1", "name": "丙单位"},
        {"code": "B2", "name": ""},
        {"code": "B3", "name": "丁", "kind": 7},
    ]
    path = write(
        tmp_path / "u.json", json.dumps({"note": "x", "units": rows}, ensure_ascii=False, indent=2), "utf-8"
    )
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "units", path)
    text = path.read_text(encoding="utf-8").splitlines()
    assert problems(info) == [(8, "name"), (12, "kind")]
    assert text[7].strip() == "{" and '"B2"' in text[8]
    broken = write(tmp_path / "b.json", '[{"code": "C1", "name": "x"},\n {"code": }]', "utf-8")
    with pytest.raises(Invalid, match="line 2"):
        imports.load(staff.office1, "units", broken)
    with pytest.raises(ImportRefused) as info:
        imports.load(
            staff.office1, "units", write(tmp_path / "n.json", '[{"code": "N1", "name": "x"},\n 3]', "utf-8")
        )
    assert problems(info) == [(2, "row")]
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "units", write(tmp_path / "m.json", '[{"name": "x"}]', "utf-8"))
    assert problems(info) == [(1, "code")]  # no row has the required column


# --------------------------------------------------------------------------- knowledge base


def test_kb_entries_by_title_with_multiline_answers_and_gb18030(
    services: Services, imports: ImportService, staff: Staff, tmp_path: Path
) -> None:
    text = (
        "title,answer,department,contact,keywords,review_date\n"
        '居住证办理条件和所需材料,"第一行\n第二行",市公安局,0571-85080000,居住证,2027-01-31\n'
        "新条目,答案,,,,\n"
    )
    result = imports.load(staff.office1, "kb", write(tmp_path / "kb.csv", text, "gb18030"))
    assert (result.created, result.updated) == (1, 1)
    found = {e.title: e for e in services.reference.kb_search(staff.agent1, "", limit=100)}
    assert found["居住证办理条件和所需材料"].answer == "第一行\n第二行"
    assert found["居住证办理条件和所需材料"].review_date is not None
    assert found["新条目"].department == ""
    bad = write(
        tmp_path / "bad.csv",
        'title,answer,review_date\n甲,"很长的\n答案\n三行",2027-02-30\n乙,,\n',
    )
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.office1, "kb", bad)
    # the quoted answer spans lines 2-4; the next row starts on line 5
    assert problems(info) == [(2, "review_date"), (5, "answer")]


def test_the_templates_load(
    services: Services, imports: ImportService, staff: Staff, clock: FixedClock
) -> None:
    assert imports.load(staff.office1, "units", TEMPLATES / "units.csv").created == 1
    assert imports.load(staff.office1, "kb", TEMPLATES / "kb.csv").created == 1
    clock.set(datetime(2026, 11, 22, 9, 0, tzinfo=TZ))
    t = services.tickets.take_call(staff.agent1, intake(event_time="2026-11-22 08:00"))
    assert t.number == "20261122-0001"
    services.tickets.dispatch(staff.lead1, t.number, "CGJ")
    clock.set(datetime(2026, 11, 22, 17, 0, tzinfo=TZ))
    assert imports.load(staff.lead1, "replies", TEMPLATES / "replies.csv").rows == 1
    v = services.tickets.get(staff.lead1, t.number)
    assert (v.status, v.replied_at) == ("awaiting_callback", datetime(2026, 11, 22, 16, 30, tzinfo=TZ))


# --------------------------------------------------------------------------- replies


@pytest.fixture
def dispatched(services: Services, staff: Staff, clock: FixedClock) -> list[str]:
    """Three tickets with CGJ since 10:20, a fourth still awaiting dispatch; now 14:00."""
    numbers = [services.tickets.take_call(staff.agent1, intake()).number for _ in range(4)]
    clock.advance(minutes=20)
    for n in numbers[:3]:
        services.tickets.dispatch(staff.lead1, n, "CGJ")
    clock.set(datetime(2025, 9, 30, 14, 0, tzinfo=TZ))
    return numbers


def test_replies_move_each_ticket_on_as_the_console_would(
    services: Services, imports: ImportService, staff: Staff, dispatched: list[str], tmp_path: Path
) -> None:
    a, b, _c, _d = dispatched
    path = write(
        tmp_path / "replies.csv",
        f'number,text,replied_at,handler\n{a},"已修复,并告知来电人",2025-09-30 11:30,王工\n{b},已处理,,\n',
    )
    result = imports.load(staff.lead1, "replies", path)
    assert (result.rows, result.updated) == (2, 2)
    va = services.tickets.get(staff.lead1, a)
    assert (va.status, va.reply_text, va.replied_at) == (
        "awaiting_callback",
        "已修复,并告知来电人",
        datetime(2025, 9, 30, 11, 30, tzinfo=TZ),
    )
    # replied Tuesday 09-30 (the holiday follows): 10-09, 10-10, 10-11 (adjusted Saturday)
    assert va.callback_due_at == datetime(2025, 10, 11, 23, 59, 59, tzinfo=TZ)
    assert [h.action for h in va.history or []][-1] == "reply"
    assert "王工" in (va.history or [])[-1].note
    vb = services.tickets.get(staff.lead1, b)
    assert (vb.status, vb.replied_at) == ("awaiting_callback", datetime(2025, 9, 30, 14, 0, tzinfo=TZ))
    with services.db.read() as s:
        assert repo.audit_all(s, limit=1)[0].action == "import_replies"


def test_a_reply_the_ticket_refuses_refuses_the_whole_file(
    services: Services, imports: ImportService, staff: Staff, dispatched: list[str], tmp_path: Path
) -> None:
    a, b, c, d = dispatched
    before = snapshot(services, staff)
    path = write(
        tmp_path / "replies.csv",
        "number,text,replied_at,handler\n"
        f"{a},已修复,2025-09-30 11:00,\n"  # 2: good, but nothing of the file is kept
        f"{d},已修复,,\n"  # 3: still awaiting dispatch
        "20250101-9999,已修复,,\n"  # 4: no such ticket
        f"{b},已修复,2025-09-30 10:00,\n"  # 5: before the dispatch at 10:20
        f"{c},已修复,2025-10-01 09:00,\n"  # 6: in the future
        f"{c},,,\n",  # 7: no text, and the same ticket twice
    )
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.lead1, "replies", path)
    assert problems(info) == [(7, "text"), (7, "number")]  # checked row by row first
    path = write(
        tmp_path / "replies.csv",
        "number,text,replied_at,handler\n"
        f"{a},已修复,2025-09-30 11:00,\n"
        f"{d},已修复,,\n"
        "20250101-9999,已修复,,\n"
        f"{b},已修复,2025-09-30 10:00,\n"
        f"{c},已修复,2025-10-01 09:00,\n",
    )
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.lead1, "replies", path)
    assert problems(info) == [(3, "number"), (4, "number"), (5, "replied_at"), (6, "replied_at")]
    message = str(info.value)
    assert "line 3, number: ticket" in message and "awaiting_dispatch" in message
    assert "line 4, number: no ticket numbered" in message
    assert "earlier than the dispatch" in message and "future" in message
    assert snapshot(services, staff) == before


def test_a_bound_ticket_is_moved_on_with_its_group(
    services: Services, imports: ImportService, staff: Staff, dispatched: list[str], tmp_path: Path
) -> None:
    a, b, c, _d = dispatched
    services.tickets.bind(staff.lead1, b, a)
    path = write(tmp_path / "r.csv", f"number,text\n{a},已修复\n{c},已修复\n{b},已修复\n")
    with pytest.raises(ImportRefused) as info:
        imports.load(staff.lead1, "replies", path)
    assert problems(info) == [(4, "number")]
    assert f"{b} was already moved on by the reply on line 2" in str(info.value)
    imports.load(staff.lead1, "replies", write(tmp_path / "ok.csv", f"number,text\n{a},已修复\n{c},已修复\n"))
    assert {services.tickets.get(staff.lead1, n).status for n in (a, b, c)} == {"awaiting_callback"}


def test_a_dry_run_checks_and_loads_nothing(
    services: Services, imports: ImportService, staff: Staff, dispatched: list[str], tmp_path: Path
) -> None:
    before = snapshot(services, staff)
    path = write(tmp_path / "r.csv", f"number,text\n{dispatched[0]},已修复\n")
    result = imports.load(staff.lead1, "replies", path, dry_run=True)
    assert (result.rows, result.dry_run) == (1, True)
    assert snapshot(services, staff) == before
    with pytest.raises(ImportRefused):
        imports.load(
            staff.lead1, "replies", write(tmp_path / "x.csv", "number,text\n20250101-9999,x\n"), dry_run=True
        )


def test_who_may_import_what(imports: ImportService, staff: Staff, tmp_path: Path) -> None:
    units = write(tmp_path / "u.csv", "code,name\nZ1,某单位\n")
    kb = write(tmp_path / "k.csv", "title,answer\n标题,答案\n")
    replies = write(tmp_path / "r.csv", "number,text\n20250101-9999,x\n")
    for who, kind, path in (
        (staff.agent1, "units", units),
        (staff.lead1, "units", units),
        (staff.lead1, "kb", kb),
        (staff.agent1, "replies", replies),
    ):
        with pytest.raises(PermissionDenied):
            imports.load(who, kind, path)
    with pytest.raises(Invalid, match="kind"):
        imports.load(staff.office1, "accounts", units)
