"""The ``svcdesk`` entry point opens the console without going through Typer
(svcdesk.cli.launch): it must read the same words as Typer does, hand everything else to
Typer, and keep the database layer out of the console's start."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from svcdesk.cli import main
from svcdesk.cli.launch import ConsoleRequest, console_request
from svcdesk.services.settings import Settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("SVCDESK_DB", "SVCDESK_LANG"):
        monkeypatch.delenv(name, raising=False)
    yield


def through_typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> ConsoleRequest | None:
    """What Typer hands to the console for ``argv`` (None when it opens none)."""
    opened: list[ConsoleRequest] = []

    def record(db: str | None, lang: str | None, phone: str | None = None) -> None:
        opened.append(ConsoleRequest(db, lang, phone))

    monkeypatch.setattr(main, "open_console", record)
    result = runner.invoke(main.app, argv)
    assert len(opened) <= 1
    if not opened:
        assert result.exit_code != 0 or "--help" in argv, result.output
        return None
    assert result.exit_code == 0, result.output
    return opened[0]


def resolved(request: ConsoleRequest) -> tuple[str, str, str | None]:
    s = Settings.resolve(db=request.db, lang=request.lang)
    return s.db, s.lang, request.phone


CONSOLE_WORDS = [
    [],
    ["--db", "/tmp/a.db"],
    ["--db=/tmp/a.db", "--lang", "zh"],
    ["--lang", "en", "--db", "/tmp/a.db", "--lang", "zh"],
    ["console"],
    ["console", "--db", "/tmp/b.db"],
    ["--db", "/tmp/a.db", "console", "--db", "/tmp/b.db"],
    ["--db", "/tmp/a.db", "--lang", "zh", "console", "--lang=en"],
    ["call", "--phone", "13812345678"],
    ["--db", "/tmp/a.db", "call", "--phone=0571-8765 4321", "--lang", "zh"],
    ["--db", "console"],
    ["--db", "call", "console"],
]


@pytest.mark.parametrize("argv", CONSOLE_WORDS, ids=lambda a: " ".join(a) or "(none)")
def test_the_console_words_open_the_same_console_as_through_typer(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = console_request(argv)
    assert fast is not None
    typer_reading = through_typer(argv, monkeypatch)
    assert typer_reading is not None
    assert resolved(fast) == resolved(typer_reading)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["console", "--help"],
        ["tickets", "list"],
        ["init"],
        ["demo", "--no-console"],
        ["call"],
        ["call", "--phone"],
        ["--db"],
        ["--db", "--lang", "en"],
        ["--db="],
        ["console", "--bogus"],
        ["--lang", "fr", "tickets"],
        ["console", "extra"],
        ["--", "console"],
    ],
    ids=lambda a: " ".join(a),
)
def test_anything_else_goes_to_typer(argv: list[str]) -> None:
    assert console_request(argv) is None


_value = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12).filter(
    lambda v: not v.startswith("-")
)
_option = st.one_of(
    st.tuples(st.sampled_from(["--db", "--lang"]), _value).map(list),
    st.tuples(st.sampled_from(["--db", "--lang"]), _value).map(lambda p: [f"{p[0]}={p[1]}"]),
)
_groups = st.lists(_option, max_size=3)


@st.composite
def console_words(draw: st.DrawFn) -> list[str]:
    """Options before the command word, the command (none, console or call), its options;
    call's --phone somewhere among them."""
    outer = draw(_groups)
    command = draw(st.sampled_from([[], ["console"], ["call"]]))
    inner = draw(_groups) if command else []
    if command == ["call"]:
        at = draw(st.integers(0, len(inner)))
        inner.insert(at, ["--phone", draw(_value)])
    return [w for g in outer for w in g] + command + [w for g in inner for w in g]


@settings(max_examples=60, deadline=None)
@given(argv=console_words())
def test_any_console_words_read_the_same_both_ways(argv: list[str]) -> None:
    fast = console_request(argv)
    with pytest.MonkeyPatch.context() as monkeypatch:
        typer_reading = through_typer(argv, monkeypatch)
    if typer_reading is None:
        assert fast is None
        return
    assert fast is not None
    assert (fast.db or None, fast.lang or None, fast.phone) == (
        typer_reading.db or None,
        typer_reading.lang or None,
        typer_reading.phone,
    )


def test_the_console_starts_without_the_database_layer() -> None:
    """What the console imports before its first frame: no SQLAlchemy, SQLModel, Alembic,
    pydantic or services (they load in a worker once the sign-in screen is drawn)."""
    code = (
        "import sys; import svcdesk.cli.launch, svcdesk.cli.console, svcdesk.ui.app; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'phonenumbers', 'argon2') "
        "or m in ('svcdesk.services.factory', 'svcdesk.store.database', 'svcdesk.cli.main'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.split() == []
