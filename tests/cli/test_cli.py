"""The CLI of the contract, with Typer's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from tests.conftest import T0

runner = CliRunner()


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    monkeypatch.setenv("SVCDESK_DB", db_url)
    monkeypatch.delenv("SVCDESK_USER", raising=False)
    monkeypatch.delenv("SVCDESK_PASSWORD", raising=False)

    def invoke(*args: str, user: str = "lead1") -> object:
        return runner.invoke(app, [*args, "--user", user, "--password", "demo"])

    yield invoke


NEW = [
    "tickets",
    "new",
    "--phone",
    "138 1234 5678",
    "--name",
    "张三",
    "--time",
    "2025-09-30 08:00",
    "--place",
    "西湖区文三路100号",
    "--details",
    "路灯坏了",
    "--category",
    "general_request",
    "--subtype",
    "general",
    "--mode",
    "transfer",
]


def test_a_ticket_from_intake_to_closing(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli(*NEW, user="agent1")
    assert r.exit_code == 0, r.stderr
    number = r.stdout.strip()
    assert number == "20250930-0001"
    assert cli("tickets", "dispatch", number, "--unit", "CGJ", "--days", "5").exit_code == 0
    assert cli("tickets", "remind", number, "--note", "请按时办结").exit_code == 0
    assert cli("tickets", "reply", number, "--text", "已修复").exit_code == 0
    r = cli("tickets", "callback", number, "--result", "satisfied", user="agent1")
    assert r.exit_code == 0, r.stderr
    r = cli("tickets", "show", number, "--json", user="agent1")
    data = json.loads(r.stdout)
    for key in (
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
        "history",
    ):
        assert key in data
    assert data["status"] == "closed"
    assert data["caller_phone"] == "13812345678"
    assert data["due_at"] == "2025-10-14T15:59:59+00:00"
    assert [h["action"] for h in data["history"]] == [
        "submit",
        "dispatch",
        "remind",
        "reply",
        "callback_satisfied",
    ]
    assert data["history"][1]["account"] == "lead1"


def test_list_json_and_filters(cli) -> None:  # type: ignore[no-untyped-def]
    cli(*NEW, user="agent1")
    r = cli("tickets", "list", "--status", "awaiting_dispatch", "--json")
    rows = json.loads(r.stdout)
    assert [row["status"] for row in rows] == ["awaiting_dispatch"]
    r = cli("tickets", "list", "--status", "closed", "--json")
    assert json.loads(r.stdout) == []


def test_errors_are_clear_and_exit_non_zero(cli) -> None:  # type: ignore[no-untyped-def]
    bad = [*NEW]
    bad[bad.index("--phone") + 1] = "12ab"
    r = cli(*bad, user="agent1")
    assert r.exit_code == 2
    assert "caller_phone" in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    r = cli("tickets", "dispatch", "20250930-0001", "--unit", "CGJ", user="agent1")
    assert r.exit_code == 3
    assert "may not dispatch" in r.stderr
    r = cli("tickets", "show", "20250930-9999")
    assert r.exit_code == 4
    r = runner.invoke(app, ["tickets", "list", "--user", "lead1", "--password", "wrong"])
    assert r.exit_code == 3
    assert "wrong user name or password" in r.stderr


def test_dispatch_days_outside_the_range(cli) -> None:  # type: ignore[no-untyped-def]
    number = cli(*NEW, user="agent1").stdout.strip()
    r = cli("tickets", "dispatch", number, "--unit", "CGJ", "--days", "9")
    assert r.exit_code == 2
    assert "days" in r.stderr


def test_bind(cli) -> None:  # type: ignore[no-untyped-def]
    a = cli(*NEW, user="agent1").stdout.strip()
    b = cli(*NEW, user="agent2").stdout.strip()
    r = cli("tickets", "bind", b, "--to", a, "--kind", "same_matter", user="agent2")
    assert r.exit_code == 0, r.stderr
    shown = json.loads(cli("tickets", "show", a, "--json").stdout)
    assert shown["bound_to"] == [b]


def test_calendar_due_across_national_day(cli) -> None:  # type: ignore[no-untyped-def]
    # The 2025 notice (国办发明电〔2024〕12号): 10-01..10-08 off; Sunday 09-28 and Saturday
    # 10-11 are working days. From 09-30 (not counted): 10-09, 10-10, 10-11, 10-13, 10-14.
    r = runner.invoke(app, ["calendar", "due", "2025-09-30", "--days", "5"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.strip() == "2025-10-14"


def test_calendar_due_into_an_unloaded_year_is_provisional_until_loaded(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = runner.invoke(app, ["calendar", "due", "2026-12-28", "--days", "5", "--json"])
    data = json.loads(r.stdout)
    assert data == {"start": "2026-12-28", "days": 5, "due": "2027-01-05", "provisional": True}
    r = runner.invoke(app, ["calendar", "due", "2026-12-28", "--days", "5"])
    assert "provisional" in r.stdout and "2027" in r.stdout
    year = tmp_path / "2027.json"
    year.write_text(
        json.dumps(
            {
                "year": 2027,
                "holidays": ["2027-01-01..2027-01-03", "2027-05-01..2027-05-05", "2027-10-01..2027-10-07"],
                "workdays": [],
            }
        )
    )
    assert cli("calendar", "load", str(year)).exit_code == 3  # a lead may not
    r = cli("calendar", "load", str(year), user="office1")
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["calendar", "due", "2026-12-28", "--days", "5", "--json"])
    assert json.loads(r.stdout)["provisional"] is False


def test_accounts_administration(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("accounts", "add", "agent3", "--role", "agent", "--new-password", "s3cret!")
    assert r.exit_code == 3
    r = cli("accounts", "add", "agent3", "--role", "agent", "--new-password", "s3cret!", user="office1")
    assert r.exit_code == 0, r.stderr
    r = cli("accounts", "disable", "agent3", user="office1")
    assert r.exit_code == 0
    r = runner.invoke(app, ["tickets", "list", "--user", "agent3", "--password", "s3cret!"])
    assert r.exit_code == 3
    assert "disabled" in r.stderr
    rows = json.loads(cli("accounts", "list", "--json", user="office1").stdout)
    assert {"agent3": False}.items() <= {r["username"]: r["active"] for r in rows}.items()


@pytest.mark.sqlite_only  # checks the copy as a SQLite file; PostgreSQL: tests/store/test_faults.py
def test_db_backup_and_check(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "backup.db"
    assert cli("db", "backup", str(target)).exit_code == 3
    r = cli("db", "backup", str(target), user="office1")
    assert r.exit_code == 0, r.stderr
    r = runner.invoke(app, ["db", "check", "--json", "--db", str(target)])
    assert json.loads(r.stdout)["ok"] is True


def test_units_and_kb(cli) -> None:  # type: ignore[no-untyped-def]
    units = json.loads(cli("units", "list", "--json").stdout)
    assert "CGJ" in {u["code"] for u in units}
    hits = json.loads(cli("kb", "search", "公积金", "--json", user="agent1").stdout)
    assert hits and "公积金" in hits[0]["title"]


def test_read_commands_need_a_signed_in_account(cli) -> None:  # type: ignore[no-untyped-def]
    r = runner.invoke(app, ["tickets", "list"])
    assert r.exit_code == 3
    assert "--user" in r.stderr


@pytest.mark.slow
def test_as_a_subprocess(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SVCDESK_DB": str(tmp_path / "demo.db"),
        "SVCDESK_USER": "agent1",
        "SVCDESK_PASSWORD": "demo",
        "SVCDESK_LANG": "en",
    }
    run = [sys.executable, "-m", "svcdesk"]
    r = subprocess.run(
        [*run, "demo", "--tickets", "300", "--no-console"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "agent1, agent2, lead1, office1" in r.stdout
    r = subprocess.run(
        [*run, "tickets", "list", "--json", "--limit", "500"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    statuses = {t["status"] for t in json.loads(r.stdout)}
    assert statuses >= {"awaiting_dispatch", "with_unit", "awaiting_callback", "closed"} or len(statuses) >= 3
    r = subprocess.run([*run, "tickets", "show", "nope"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 4
    assert "Traceback" not in r.stderr


def test_what_a_caller_said_is_printed_as_typed_never_as_markup(cli) -> None:  # type: ignore[no-untyped-def]
    place, details = "文三路[/b]路口", "[bold red]灯[/]坏了 [link=x]看这里[/link]"
    new = list(NEW)
    new[new.index("--place") + 1], new[new.index("--details") + 1] = place, details
    r = cli(*new, user="agent1")
    assert r.exit_code == 0, r.stderr
    number = r.stdout.strip()
    for args in (("tickets", "show", number), ("tickets", "list"), ("tickets", "search", "路口")):
        r = cli(*args, user="agent1")
        assert r.exit_code == 0, r.output
        assert "Traceback" not in r.output
    assert details in cli("tickets", "show", number, user="agent1").stdout
    assert "文三路[/b]" in cli("tickets", "list", user="lead1").stdout  # the column is cut to fit
