"""``svcdesk db check`` on both backends: what database it is, its schema, and svcdesk's own
consistency checks, which a PostgreSQL server's constraints cannot make for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services.factory import Services
from tests.conftest import T0, Staff, intake

runner = CliRunner()


def check(db_url: str) -> tuple[int, dict[str, object]]:
    r = runner.invoke(app, ["db", "check", "--json", "--db", db_url])
    assert "Traceback" not in r.stderr + r.stdout
    return r.exit_code, json.loads(r.stdout)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))


def test_a_sound_database_checks_clean(backend: str, db_url: str, services: Services, staff: Staff) -> None:
    services.tickets.take_call(staff.agent1, intake())
    code, report = check(db_url)
    assert code == 0
    assert report["ok"] is True and report["schema"] == "current" and report["problems"] == []
    about = report["database"]
    assert isinstance(about, dict)
    assert about["backend"] == ("postgresql" if backend == "postgres" else "sqlite")
    assert about["version"]
    r = runner.invoke(app, ["db", "check", "--db", db_url])
    assert r.exit_code == 0 and "schema: current" in r.stdout and r.stdout.strip().endswith("ok")


def test_a_counter_behind_its_tickets_and_a_ticket_without_its_intake_are_reported(
    db_url: str, services: Services, staff: Staff
) -> None:
    first = services.tickets.take_call(staff.agent1, intake())
    second = services.tickets.take_call(staff.agent1, intake())
    with services.db.write() as s:
        s.connection().execute(text("UPDATE ticketcounter SET last = 1 WHERE day = '20250930'"))
        s.connection().execute(
            text(
                "DELETE FROM audit WHERE action = 'submit' AND ticket_id = "
                "(SELECT id FROM ticket WHERE number = :n)"
            ),
            {"n": first.number},
        )
    code, report = check(db_url)
    assert code == 1 and report["ok"] is False
    problems = report["problems"]
    assert isinstance(problems, list)
    assert any("counter of 20250930 is at 1" in p and second.number in p for p in problems)
    assert any("1 ticket(s) without the audit entry of their intake" in p for p in problems)


def test_an_empty_database_is_reported_not_crashed_on(tmp_path: Path) -> None:
    code, report = check(str(tmp_path / "new.db"))
    assert code == 1 and report["schema"] == "empty" and report["ok"] is False
