"""``svcdesk export tickets``: tickets to CSV, XLSX, JSON or JSON Lines, masked unless the
office asks for ``--unmask`` (audited). See ``services/exports.py`` and docs/reports.md."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from svcdesk.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    PasswordOpt,
    UserOpt,
    err,
    handled,
    open_services,
    out,
    parse_date,
    print_json,
    sign_in,
)
from svcdesk.services.errors import Invalid

app = typer.Typer(help="Exports: tickets to CSV, XLSX, JSON or JSON Lines.", no_args_is_help=True)

_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _format(fmt: str | None, jsonl: bool, out_path: str) -> str:
    if jsonl:
        if fmt not in (None, "json", "jsonl"):
            raise Invalid(f"format: --jsonl goes with json, not {fmt}", field="format")
        return "jsonl"
    if fmt is None:
        fmt = _SUFFIXES.get(Path(out_path).suffix.lower())
        if fmt is None:
            raise Invalid(
                "format: give --format csv, xlsx or json (the file name does not say)", field="format"
            )
    if fmt not in _FORMATS:
        raise Invalid(f"format: one of csv, xlsx, json, not {fmt!r}", field="format")
    return fmt


_FORMATS = ("csv", "xlsx", "json", "jsonl")
"""What ``--format`` takes (the export service checks again; named here so that the command
line starts without loading it)."""


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


@app.command("tickets")
@handled
def tickets(
    out_path: Annotated[
        str,
        typer.Option(
            "--out", help="The file to write, or - for standard output (CSV and JSON).", show_default=False
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="csv, xlsx or json (default: from the file name).", show_default=False),
    ] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="JSON Lines: one ticket object per line.")] = False,
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from", help="First day of creation, YYYY-MM-DD (the centre's time zone).", show_default=False
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help="Last day of creation, YYYY-MM-DD (inclusive).", show_default=False),
    ] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only tickets in this status.")] = None,
    category: Annotated[str | None, typer.Option("--category", help="Only this category.")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only tickets with this unit (its code).")
    ] = None,
    unmask: Annotated[
        bool,
        typer.Option("--unmask", help="Callers' names and phone numbers in full (the office; audited)."),
    ] = False,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """One row per ticket: category, mode, unit, the dates of its life, the outcome of each
    time limit, the callback result and its bound group. Names and phone numbers masked."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from svcdesk.services.exports import ExportFilter

    kind = _format(fmt, jsonl, out_path)
    to_stdout = out_path == "-"
    filters = ExportFilter(
        date_from=parse_date(date_from, "from") if date_from else None,
        date_to=parse_date(date_to, "to") if date_to else None,
        status=status,
        category=category,
        unit=unit,
    )
    services = open_services(db, lang)
    # A terminated export (kill, a closed session) cleans up after itself like Ctrl+C does.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        actor = sign_in(services, user, password)
        exports = services.exports
        show = err.is_terminal
        total = exports.count(actor, filters) if show else None
        with Progress(
            TextColumn("exporting tickets"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not show,
        ) as progress:
            task = progress.add_task("tickets", total=total)
            result = exports.export(
                actor,
                filters,
                kind,
                None if to_stdout else Path(out_path),
                unmask=unmask,
                stream=sys.stdout if to_stdout else None,
                progress=lambda n: progress.advance(task, n),
            )
    except BrokenPipeError:
        # The reader (head, less) stopped reading: the export was cut short on purpose.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
        services.close()
    if to_stdout:
        sys.stdout.flush()
        err.print(f"{result.rows} tickets exported", markup=False, soft_wrap=True)
        return
    if as_json:
        print_json(result.to_json())
        return
    masked = "names and phone numbers masked" if result.masked else "UNMASKED: handle with care"
    out.print(
        f"{result.rows} tickets exported to {result.path} ({kind}, {masked})", markup=False, soft_wrap=True
    )
