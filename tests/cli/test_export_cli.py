"""``svcdesk export``, ``svcdesk report`` and ``svcdesk import`` as users run them: Typer's
CliRunner for the outputs and exit codes, a real process for the progress bar."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from svcdesk.store import repo
from tests.conftest import TZ, Staff
from tests.services.test_metrics import Built, build

# The services' tests cover both databases; these check the command line itself.
pytestmark = pytest.mark.sqlite_only

runner = CliRunner()
AS_OF = datetime(2025, 10, 16, 12, 0, tzinfo=TZ)
Invoke = Callable[..., Any]


@pytest.fixture
def built(services: Services, staff: Staff, clock: FixedClock) -> Built:
    return build(services, staff, clock)


@pytest.fixture
def cli(db_url: str, built: Built, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    monkeypatch.setattr(common, "CLOCK", FixedClock(AS_OF))
    monkeypatch.setenv("SVCDESK_DB", db_url)
    monkeypatch.setenv("SVCDESK_LANG", "en")
    monkeypatch.delenv("SVCDESK_USER", raising=False)
    monkeypatch.delenv("SVCDESK_PASSWORD", raising=False)

    def invoke(*args: str, user: str = "lead1") -> Any:
        return runner.invoke(app, [*args, "--user", user, "--password", "demo"])

    return invoke


def test_export_to_a_file_in_each_format(cli: Invoke, built: Built, tmp_path: Path) -> None:
    r = cli("export", "tickets", "--out", str(tmp_path / "t.csv"))
    assert r.exit_code == 0, r.stderr
    assert (
        r.stdout.strip()
        == f"7 tickets exported to {tmp_path / 't.csv'} (csv, names and phone numbers masked)"
    )
    with (tmp_path / "t.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["caller_phone"] for row in rows] == ["138****5678"] * 7
    r = cli("export", "tickets", "--format", "xlsx", "--out", str(tmp_path / "t.dat"), "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) | {"seconds": 0} == {
        "path": str(tmp_path / "t.dat"),
        "format": "xlsx",
        "rows": 7,
        "masked": True,
        "seconds": 0,
    }
    assert (tmp_path / "t.dat").read_bytes()[:2] == b"PK"
    r = cli("export", "tickets", "--out", str(tmp_path / "t.json"), "--status", "with_unit", "--unit", "CGJ")
    assert r.exit_code == 0, r.stderr
    assert [t["number"] for t in json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))] == [
        built.f,
        built.g,
    ]


def test_export_to_standard_output(cli: Invoke, built: Built) -> None:
    r = cli("export", "tickets", "--out", "-", "--jsonl", "--from", "2025-10-01")
    assert r.exit_code == 0, r.stderr
    assert [json.loads(line)["number"] for line in r.stdout.splitlines()] == [built.g]
    assert "1 tickets exported" in r.stderr
    r = cli("export", "tickets", "--out", "-", "--format", "csv", "--category", "complaint")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(row["number"], row["dispatched_within_1h"]) for row in rows] == [(built.b, "missed")]


def unmasked_exports(services: Services) -> int:
    with services.db.read() as s:
        return sum(a.action == "export_unmasked" for a in repo.audit_all(s, limit=10_000))


def test_a_non_office_account_cannot_unmask(
    cli: Invoke, services: Services, staff: Staff, tmp_path: Path
) -> None:
    for user in ("agent1", "lead1"):
        path = tmp_path / f"{user}.csv"
        r = cli("export", "tickets", "--out", str(path), "--unmask", user=user)
        assert r.exit_code == 3
        assert "may not export callers' names and phone numbers unmasked" in r.stderr
        assert "office" in r.stderr and "Traceback" not in r.stderr
        assert not path.exists()
    assert unmasked_exports(services) == 0
    r = cli("export", "tickets", "--out", str(tmp_path / "office.csv"), "--unmask", user="office1")
    assert r.exit_code == 0, r.stderr
    assert "UNMASKED" in r.stdout
    with (tmp_path / "office.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert {row["caller_phone"] for row in csv.DictReader(fh)} == {"13812345678"}
    assert unmasked_exports(services) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "t.txt"], "format: give --format csv, xlsx or json"),
        (["--out", "t.csv", "--format", "pdf"], "format: one of csv, xlsx, json"),
        (["--out", "-", "--format", "xlsx"], "XLSX workbook must be written to a file"),
        (["--out", "t.csv", "--from", "30/09/2025"], "from: '30/09/2025' is not a date"),
        (["--out", "t.csv", "--unit", "NOPE"], "unit: no handling unit with code 'NOPE'"),
        (["--out", "t.csv", "--status", "lost"], "status: one of"),
    ],
)
def test_export_refuses_bad_options_clearly(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    r = cli("export", "tickets", *args)
    assert r.exit_code == 2
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not list(tmp_path.glob("t.*"))


def test_report_as_text_json_and_csv(cli: Invoke) -> None:
    r = cli("report", "weekly", "--date", "2025-10-15", user="agent1")
    assert r.exit_code == 0, r.stderr
    assert "Weekly report 2025-10-13 to 2025-10-19" in r.stdout
    assert "Handled within the limit" in r.stdout and "Overdue now: 3" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80
    r = cli("report", "monthly", "--date", "2025-09-30", "--json")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert (data["tickets"], data["rates"]["dispatched_within_1h"]["rate"]) == (6, 0.5)
    r = cli("report", "daily", "--date", "2025-09-30", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {(row["section"], row["item"]): row["count"] for row in rows}[("summary", "tickets")] == "6"
    r = cli("report", "daily", "--date", "2025-09-30", "--lang", "zh")
    assert r.exit_code == 0, r.stderr
    assert "日报 2025-09-30" in r.stdout and "1小时内交办" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["yearly"], "period: one of daily, weekly, monthly"),
        (["daily", "--date", "2025-10-17"], "date: 2025-10-17 is in the future"),
        (["daily", "--date", "yesterday"], "date: 'yesterday' is not a date"),
        (["daily", "--format", "pdf"], "format: one of text, json, csv"),
    ],
)
def test_report_refuses_bad_options_clearly(cli: Invoke, args: list[str], message: str) -> None:
    r = cli("report", *args)
    assert r.exit_code == 2
    assert message in r.stderr


def test_import_from_the_command_line(cli: Invoke, services: Services, staff: Staff, tmp_path: Path) -> None:
    good = tmp_path / "units.csv"
    good.write_text("code,name,kind\nYH-QZF,余杭区人民政府,county\n", encoding="utf-8")
    r = cli("import", "units", str(good), "--dry-run", user="office1")
    assert r.exit_code == 0, r.stderr
    assert "1 units checked, all would load (nothing loaded)" in r.stdout
    assert "YH-QZF" not in {u.code for u in services.reference.units(staff.office1)}
    r = cli("import", "units", str(good), user="office1")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == "1 units loaded from units.csv: 1 new, 0 updated"
    r = cli("import", "units", str(good), user="lead1")
    assert r.exit_code == 3 and "hotline office" in r.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nA 1,甲\nB1,\n", encoding="utf-8")
    r = cli("import", "units", str(bad), user="office1")
    assert r.exit_code == 2
    assert "bad.csv refused, nothing was loaded (2 problems)" in r.stderr
    assert "line 2, code:" in r.stderr and "line 3, name: a value is required" in r.stderr
    replies = tmp_path / "replies.csv"
    replies.write_text(
        f"number,text\n{services.tickets.list(staff.lead1, status='with_unit')[0].number},已办\n"
    )
    r = cli("import", "replies", str(replies), "--json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 1


def test_a_progress_bar_on_a_terminal_and_none_when_piped(db_url: str, built: Built, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SVCDESK_DB": db_url,
        "SVCDESK_USER": "lead1",
        "SVCDESK_PASSWORD": "demo",
        "TERM": "xterm",
        "COLUMNS": "100",
    }
    command = [sys.executable, "-m", "svcdesk", "export", "tickets", "--out"]
    piped = subprocess.run(
        [*command, str(tmp_path / "a.csv")], env=env, capture_output=True, text=True, check=False
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    main, secondary = pty.openpty()
    try:
        proc = subprocess.run(
            [*command, str(tmp_path / "b.csv")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=secondary,
            check=False,
            timeout=60,
        )
        os.close(secondary)
        seen = b""
        while select.select([main], [], [], 0.5)[0]:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        os.close(main)
    assert proc.returncode == 0
    assert b"exporting tickets" in seen
