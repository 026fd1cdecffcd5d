"""``svcdesk import units|kb|replies PATH``: bulk loads from CSV, XLSX or JSON, all or nothing.
The column sets are in docs/imports.md; templates are under data/templates/."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from svcdesk.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    PasswordOpt,
    UserOpt,
    handled,
    open_services,
    out,
    print_json,
    sign_in,
)

app = typer.Typer(
    help="Bulk loads from CSV, XLSX or JSON: units, knowledge base, units' replies (all or nothing).",
    no_args_is_help=True,
)

PathArg = Annotated[
    Path, typer.Argument(help="A .csv, .xlsx, .json or .jsonl file (docs/imports.md).", show_default=False)
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Check the whole file; load nothing.")]


def _load(
    kind: str,
    path: Path,
    dry_run: bool,
    as_json: bool,
    db: str | None,
    user: str | None,
    password: str | None,
    lang: str | None,
) -> None:
    services = open_services(db, lang)
    try:
        actor = sign_in(services, user, password)
        result = services.imports.load(actor, kind, path, dry_run=dry_run)
    finally:
        services.close()
    if as_json:
        print_json(result.to_json())
        return
    what = {"units": "units", "kb": "knowledge-base entries", "replies": "replies"}[kind]
    if dry_run:
        out.print(
            f"{path.name}: {result.rows} {what} checked, all would load (nothing loaded)",
            markup=False,
            soft_wrap=True,
        )
    elif kind == "replies":
        out.print(f"{result.rows} replies recorded from {path.name}", markup=False, soft_wrap=True)
    else:
        out.print(
            f"{result.rows} {what} loaded from {path.name}: {result.created} new, {result.updated} updated",
            markup=False,
        )


@app.command("units")
@handled
def units(
    path: PathArg,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Handling units, added or updated by code (the office)."""
    _load("units", path, dry_run, as_json, db, user, password, lang)


@app.command("kb")
@handled
def kb(
    path: PathArg,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Knowledge-base entries, added or updated by title (the office)."""
    _load("kb", path, dry_run, as_json, db, user, password, lang)


@app.command("replies")
@handled
def replies(
    path: PathArg,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Units' replies (ticket number, reply text, replied at, handler): each ticket moves on
    as the console would move it (a lead or the office)."""
    _load("replies", path, dry_run, as_json, db, user, password, lang)
