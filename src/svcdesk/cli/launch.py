"""The ``svcdesk`` command's entry point.

Opening the console is what agents do at the start of every shift, and it is measured
against a bare Textual app (docs/benchmarks.md). Typer, on the way to a command, coerces
every option through pydantic: importing it and building the adapters costs about 100 ms,
more than the console's own first frame. So the console's invocations — ``svcdesk``,
``svcdesk console`` and ``svcdesk call --phone P``, with ``--db`` and ``--lang`` before or
after the command word — are recognised here and open the console directly; anything else
(another command, ``--help``, an option this does not know, a value that looks like an
option) goes to the Typer app, which also gives every error message. tests/cli/test_launch.py
holds the two readings of the same words to the same result.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

_COMMANDS = {None: (), "console": (), "call": ("--phone",)}
_COMMON = ("--db", "--lang")


@dataclass(frozen=True)
class ConsoleRequest:
    db: str | None = None
    lang: str | None = None
    phone: str | None = None


def _options(words: Sequence[str], names: Sequence[str]) -> dict[str, str] | None:
    """``--name value`` and ``--name=value`` pairs, the last one winning as in Click; None
    when anything else is among the words."""
    found: dict[str, str] = {}
    i = 0
    while i < len(words):
        word = words[i]
        name, eq, value = word.partition("=")
        if name not in names:
            return None
        if not eq:
            if i + 1 >= len(words):
                return None
            value = words[i + 1]
            i += 1
        if not value or value.startswith("-"):
            return None
        found[name] = value
        i += 1
    return found


def console_request(argv: Sequence[str]) -> ConsoleRequest | None:
    """What to open when ``argv`` (without the program name) only asks for the console."""
    command_at = next((i for i, w in enumerate(argv) if not w.startswith("-") and _is_word(argv, i)), None)
    before = argv if command_at is None else argv[:command_at]
    command = None if command_at is None else argv[command_at]
    if command not in _COMMANDS:
        return None
    outer = _options(before, _COMMON)
    inner = {} if command_at is None else _options(argv[command_at + 1 :], (*_COMMANDS[command], *_COMMON))
    if outer is None or inner is None:
        return None
    if command == "call" and "--phone" not in inner:
        return None
    return ConsoleRequest(
        db=inner.get("--db") or outer.get("--db"),
        lang=inner.get("--lang") or outer.get("--lang"),
        phone=inner.get("--phone"),
    )


def _is_word(argv: Sequence[str], i: int) -> bool:
    """A word that is not the value of the option before it (``--db PATH``)."""
    return i == 0 or argv[i - 1] not in _COMMON


def run() -> None:
    request = console_request(sys.argv[1:])
    if request is None:
        from svcdesk.cli.main import app

        app(prog_name="svcdesk")
        return
    import typer

    from svcdesk.cli.common import handled
    from svcdesk.cli.console import open_console

    try:
        handled(open_console)(request.db, request.lang, request.phone)
    except typer.Exit as exc:  # the message is already on stderr
        sys.exit(exc.exit_code)
