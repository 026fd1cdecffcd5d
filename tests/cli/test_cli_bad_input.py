"""Property tests: whatever is typed on the command line. Each argument either works, or the
command exits non-zero with a message on stderr naming the option or field; never a
traceback. A ticket's texts are stored as typed (stripped, line breaks as \\n).

These run on SQLite: the services' properties cover both backends (tests/services), and each
command here costs a sign-in; ``test_the_same_refusals_on_postgresql`` samples PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from svcdesk.cli import common
from svcdesk.cli.main import app
from svcdesk.domain.clock import FixedClock
from svcdesk.domain.validation import normalize_newlines
from svcdesk.services.factory import Services, build_services
from svcdesk.services.settings import Settings
from tests.conftest import ACCOUNTS, T0, TZ, Staff, intake
from tests.strategies import any_text, date_text, day_text, nasty_text, phone_text

runner = CliRunner()
CLI_PROPERTY = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Invoke = Callable[..., Any]

NEW = {
    "--phone": "13812345678",
    "--name": "张三",
    "--time": "2025-09-30 08:00",
    "--place": "西湖区文三路100号",
    "--details": "路灯坏了",
    "--category": "general_request",
    "--subtype": "general",
    "--mode": "transfer",
}
JSON_KEY = {"--phone": "caller_phone", "--name": "caller_name", "--place": "place", "--details": "details"}
FIELD = {"--phone": "caller_phone", "--name": "caller_name", "--time": "event_time", "--place": "place"}


@pytest.fixture
def cli(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    monkeypatch.setenv("SVCDESK_DB", str(db_path))
    monkeypatch.delenv("SVCDESK_USER", raising=False)
    monkeypatch.delenv("SVCDESK_PASSWORD", raising=False)

    def invoke(*args: str, user: str | None = "lead1") -> Any:
        auth = ["--user", user, "--password", "demo"] if user else []
        return runner.invoke(app, [*args, *auth])

    yield invoke


def clean_exit(r: Any, *names: str) -> None:
    """Exit 0, or non-zero with a message naming one of ``names``; never a traceback."""
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.stdout + r.stderr
    if r.exit_code != 0:
        assert r.stderr.strip(), "a refusal says why"
        if names:
            assert any(n in r.stderr for n in names), (names, r.stderr)


def flat(options: dict[str, str]) -> list[str]:
    return [x for kv in options.items() for x in kv]


@pytest.fixture
def desk(db_path: Path) -> Iterator[tuple[Services, Staff]]:
    """The same database through the services, to set tickets up without a sign-in each."""
    services = build_services(Settings(db=str(db_path), tz=TZ, lang="en"), FixedClock(T0))
    yield services, Staff(*(services.accounts.sign_in(n, "demo") for n, _ in ACCOUNTS))
    services.close()


@pytest.mark.parametrize("option", ["--phone", "--name", "--time", "--place", "--details"])
@CLI_PROPERTY
@given(data=st.data())
def test_tickets_new_stores_each_option_as_typed_or_names_it(
    cli: Invoke, desk: tuple[Services, Staff], option: str, data: Any
) -> None:
    strategy = {"--phone": phone_text, "--time": date_text}.get(option, any_text)
    value = data.draw(strategy)
    args = {**NEW, option: value}
    r = cli("tickets", "new", "--json", *flat(args), user="agent1")
    clean_exit(r, FIELD.get(option, option.strip("-")))
    if r.exit_code != 0:
        assert r.exit_code == 2
        return
    ticket = json.loads(r.stdout)
    if option in ("--name", "--place", "--details"):
        typed = normalize_newlines(value).strip()
        assert ticket[JSON_KEY[option]] in (typed, None)  # None: 匿名 / anonymous
    services, staff = desk
    stored = services.tickets.get(staff.lead1, ticket["number"]).to_json()
    assert {k: stored[k] for k in ticket if k in stored} == {k: ticket[k] for k in ticket if k in stored}


@CLI_PROPERTY
@example(status="with_unit", category="help", unit="C\x00GJ", limit="50")
@given(
    status=st.sampled_from(["awaiting_dispatch", "closed"]) | nasty_text,
    category=st.sampled_from(["help", "inquiry"]) | nasty_text,
    unit=st.sampled_from(["CGJ"]) | nasty_text,
    limit=st.integers(-3, 20_000).map(str) | nasty_text,
)
def test_tickets_list_filters(cli: Invoke, status: str, category: str, unit: str, limit: str) -> None:
    r = cli(
        "tickets",
        "list",
        "--json",
        "--status",
        status,
        "--category",
        category,
        "--unit",
        unit,
        "--limit",
        limit,
    )
    clean_exit(r, "status", "category", "unit", "limit")
    if r.exit_code == 0:
        assert isinstance(json.loads(r.stdout), list)


@CLI_PROPERTY
@given(days=st.integers(-10, 10).map(str) | nasty_text, unit=st.just("CGJ") | nasty_text)
def test_dispatch_days_and_unit(cli: Invoke, desk: tuple[Services, Staff], days: str, unit: str) -> None:
    services, staff = desk
    number = services.tickets.take_call(staff.agent1, intake()).number
    r = cli("tickets", "dispatch", number, "--unit", unit, "--days", days)
    clean_exit(r, "days", "unit")
    status = services.tickets.get(staff.lead1, number).status
    assert status == ("with_unit" if r.exit_code == 0 else "awaiting_dispatch")


@CLI_PROPERTY
@given(
    result=st.sampled_from(["satisfied", "unsatisfied", "unreached", "basically_satisfied"]) | nasty_text,
    next_at=st.none() | date_text,
    note=st.sampled_from(["", "满意"]) | any_text,
)
def test_callback_result_next_at_and_note(
    cli: Invoke, desk: tuple[Services, Staff], result: str, next_at: str | None, note: str
) -> None:
    services, staff = desk
    number = services.tickets.take_call(staff.agent1, intake()).number
    services.tickets.dispatch(staff.lead1, number, "CGJ")
    services.tickets.reply(staff.lead1, number, "已修复")
    args = ["tickets", "callback", number, "--result", result, "--note", note]
    if next_at is not None:
        args += ["--next-at", next_at]
    r = cli(*args, user="agent1")
    clean_exit(r, "result", "next_at", "note")


@CLI_PROPERTY
@example(start="9999-12-31", days="366")
@example(start="0001-01-01", days="5")
@given(start=day_text, days=st.integers(-5, 400).map(str) | nasty_text)
def test_calendar_due(cli: Invoke, start: str, days: str) -> None:
    r = cli("calendar", "due", start, "--days", days, "--json", user=None)
    clean_exit(r, "start", "days")
    if r.exit_code == 0:
        assert json.loads(r.stdout)["start"] == start.strip()


@CLI_PROPERTY
@example(text="%")
@example(text="x" * 5000)
@given(text=any_text)
def test_kb_search_with_any_text(cli: Invoke, text: str) -> None:
    r = cli("kb", "search", text, "--json", user="agent1")
    clean_exit(r, "text")
    assert r.exit_code in (0, 2)
    if r.exit_code == 0:
        assert isinstance(json.loads(r.stdout), list)


@pytest.mark.postgres
def test_the_same_refusals_on_postgresql(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample of the above through the CLI on PostgreSQL (--db postgresql+psycopg://...)."""
    server = request.getfixturevalue("pg_server")
    url = server.create_database(f"cli_bad_{id(request)}", template=request.getfixturevalue("pg_template"))
    monkeypatch.setattr(common, "CLOCK", FixedClock(T0))
    auth = ["--db", url, "--user", "lead1", "--password", "demo"]
    checks = [
        (
            ["tickets", "new", *[x for kv in {**NEW, "--phone": "138 12ab"}.items() for x in kv]],
            "caller_phone",
        ),
        (["tickets", "new", *[x for kv in {**NEW, "--details": "a\x00b"}.items() for x in kv]], "details"),
        (["tickets", "list", "--unit", "C\x00GJ"], "unit"),
        (["tickets", "show", "20250930-0001\x00"], "no ticket"),
        (["tickets", "dispatch", "20250930-0001", "--unit", "CGJ", "--days", "9"], "days"),
        (["kb", "search", "x" * 300], "text"),
    ]
    for args, named in checks:
        r = runner.invoke(app, [*args, *auth])
        assert r.exit_code != 0 and named in r.stderr, (args, r.stderr)
        clean_exit(r)
    r = runner.invoke(app, ["kb", "search", "%\x00_", "--json", *auth])
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    server.drop_database(url.rsplit("/", 1)[1])


def test_no_traceback_for_a_path_that_cannot_be_a_database(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    r = runner.invoke(app, ["tickets", "list", "--db", str(folder), "--user", "lead1", "--password", "demo"])
    assert r.exit_code == 6, r.output
    clean_exit(r)
