"""``svcdesk tickets search``: the ticket search from scripts, as text and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

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

    def invoke(*args: str) -> object:
        return runner.invoke(app, [*args, "--user", "agent1", "--password", "demo"])

    yield invoke


def new(cli, place: str, details: str) -> str:  # type: ignore[no-untyped-def]
    r = cli(
        "tickets",
        "new",
        "--phone",
        "13812345678",
        "--name",
        "张三",
        "--time",
        "2025-09-30 08:00",
        "--place",
        place,
        "--details",
        details,
        "--category",
        "general_request",
        "--subtype",
        "general",
        "--mode",
        "transfer",
    )
    assert r.exit_code == 0, r.stderr
    return str(r.stdout.strip())


def test_search_as_text_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    lamp = new(cli, "西湖区文三路100号", "路灯坏了[red]一周[/red],晚上很黑。")
    new(cli, "拱墅区湖墅南路", "夜间施工噪音很大。")
    r = cli("tickets", "search", "文三路 路灯")
    assert r.exit_code == 0, r.stderr
    assert lamp in r.stdout
    assert "[red]一周[/red]" in r.stdout  # callers' words are printed as typed, never as markup
    assert "1 ticket(s)" in r.stdout
    r = cli("tickets", "search", "路灯", "--json")
    assert [t["number"] for t in json.loads(r.stdout)] == [lamp]
    r = cli("tickets", "search", '"NEAR( AND', "--json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_search_refuses_what_it_cannot_take(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("tickets", "search", "路" * 201)
    assert r.exit_code == 2
    assert "text" in r.stderr and "Traceback" not in r.stderr
