"""Access through the command line, on both backends: the lock after failed sign-ins, a
disabled account, and each role's refusals (exit status 3, a message naming who and what)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.services.accounts import MAX_FAILURES
from tests.conftest import T0

runner = CliRunner()
Invoke = Callable[..., Any]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    monkeypatch.setenv("SVCDESK_DB", db_url)
    monkeypatch.delenv("SVCDESK_USER", raising=False)
    monkeypatch.delenv("SVCDESK_PASSWORD", raising=False)

    def invoke(*args: str, user: str = "lead1", password: str = "demo") -> Any:
        r = runner.invoke(app, [*args, "--user", user, "--password", password])
        assert "Traceback" not in r.stdout + r.stderr
        return r

    yield invoke


def test_failed_sign_ins_lock_the_account_on_the_command_line_too(cli: Invoke) -> None:
    for _ in range(MAX_FAILURES):
        r = cli("units", "list", user="agent2", password="guess")
        assert r.exit_code == 3 and "wrong user name or password" in r.stderr
    r = cli("units", "list", user="agent2", password="demo")
    assert r.exit_code == 3
    assert "too many failed sign-ins for agent2: try again in 5 min" in r.stderr
    assert cli("units", "list", user="agent1").exit_code == 0  # the others are not affected


def test_a_disabled_account_is_refused_and_the_office_may_enable_it_again(cli: Invoke) -> None:
    assert cli("accounts", "disable", "agent2", user="office1").exit_code == 0
    r = cli("units", "list", user="agent2")
    assert r.exit_code == 3 and "agent2 is disabled; ask the hotline office" in r.stderr
    assert cli("accounts", "disable", "agent2", "--enable", user="office1").exit_code == 0
    assert cli("units", "list", user="agent2").exit_code == 0


OFFICE_ONLY = [
    (["accounts", "add", "newbie", "--role", "agent", "--new-password", "secret"], "manage accounts"),
    (["accounts", "list"], "list accounts"),
    (["accounts", "disable", "agent2"], "disable accounts"),
    (["accounts", "passwd", "agent2", "--new-password", "secret"], "change another account's password"),
    (["db", "backup", "{tmp}/copy.db"], "back up the database"),
]


@pytest.mark.parametrize("who", ["agent1", "lead1"])
@pytest.mark.parametrize(("args", "what"), OFFICE_ONLY, ids=[a[0] + "-" + a[1] for a, _ in OFFICE_ONLY])
def test_the_offices_commands_are_refused_to_agents_and_leads(
    cli: Invoke, tmp_path: Path, who: str, args: list[str], what: str
) -> None:
    r = cli(*[a.replace("{tmp}", str(tmp_path)) for a in args], user=who)
    assert r.exit_code == 3, r.output
    assert f"{who} (" in r.stderr and f"may not {what}" in r.stderr
    assert not (tmp_path / "copy.db").exists()


def test_a_leads_steps_are_refused_to_an_agent(cli: Invoke) -> None:
    number = cli("tickets", "new", "--phone", "13812345678", "--name", "张三", "--time", "2025-09-30 08:00",
                 "--place", "西湖区文三路100号", "--details", "路灯坏了", "--category", "general_request",
                 "--subtype", "general", "--mode", "transfer", user="agent1").stdout.strip()  # fmt: skip
    for args, what in [
        (["tickets", "dispatch", number, "--unit", "CGJ"], "dispatch tickets"),
        (["tickets", "remind", number], "remind units"),
        (["tickets", "reply", number, "--text", "已处理"], "record units' replies"),
        (["tickets", "return", number, "--reason", "不属于本单位"], "record returns"),
        (["tickets", "supervise", number], "supervise tickets"),
    ]:
        r = cli(*args, user="agent1")
        assert r.exit_code == 3 and f"agent1 (agent) may not {what}" in r.stderr, (args, r.stderr)
    r = cli("tickets", "supervise", number, user="lead1")
    assert r.exit_code == 3 and "lead1 (lead) may not supervise" in r.stderr
    r = cli("tickets", "show", number, "--json", user="agent1")
    assert r.exit_code == 0 and '"status": "awaiting_dispatch"' in r.stdout  # nothing changed
