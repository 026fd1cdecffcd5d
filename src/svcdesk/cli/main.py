"""The ``svcdesk`` command: the console by default, and the CLI of the contract."""

from __future__ import annotations

from typing import Annotated

import typer

from svcdesk.cli import common
from svcdesk.cli.admin import accounts_app, calendar_app, db_app, kb_app, units_app
from svcdesk.cli.common import DbOpt, LangOpt, err, handled, out, settings
from svcdesk.cli.console import open_console
from svcdesk.cli.export import app as export_app
from svcdesk.cli.imports import app as import_app
from svcdesk.cli.report import report as report_command
from svcdesk.cli.tickets import app as tickets_app

app = typer.Typer(
    name="svcdesk",
    help="svcdesk: the console and command line of a government service hotline (12345).",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(tickets_app, name="tickets")
app.add_typer(accounts_app, name="accounts")
app.add_typer(db_app, name="db")
app.add_typer(calendar_app, name="calendar")
app.add_typer(units_app, name="units")
app.add_typer(kb_app, name="kb")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.command("report")(report_command)


@app.callback()
def main(
    ctx: typer.Context,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    """Without a command, opens the console."""
    ctx.obj = {"db": db, "lang": lang}
    if ctx.invoked_subcommand is None:
        handled(open_console)(db, lang)


@app.command("console")
@handled
def console(ctx: typer.Context, db: DbOpt = None, lang: LangOpt = None) -> None:
    """Open the console (sign-in first)."""
    parent = ctx.obj or {}
    open_console(db or parent.get("db"), lang or parent.get("lang"))


@app.command("call")
@handled
def call(
    ctx: typer.Context,
    phone: Annotated[str, typer.Option("--phone", help="The incoming caller's number.")],
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    """Open the console straight on a new intake with the caller's number (for a softphone)."""
    parent = ctx.obj or {}
    open_console(db or parent.get("db"), lang or parent.get("lang"), phone=phone)


@app.command("init")
@handled
def init(ctx: typer.Context, db: DbOpt = None, lang: LangOpt = None) -> None:
    """Create or upgrade the database (migrations) and load the reference data from data/."""
    from svcdesk.services.factory import initialize

    parent = ctx.obj or {}
    services = initialize(settings(db or parent.get("db"), lang), common.CLOCK)
    out.print(f"database ready: {services.db.url}", markup=False)
    missing = services.calendar.missing_years_ahead()
    if missing:
        err.print(
            f"warning: the official holiday calendar of {', '.join(map(str, missing))} is not loaded; "
            "limits falling in it are provisional until the office loads it (`svcdesk calendar load`)."
        )


@app.command("demo")
@handled
def demo(
    ctx: typer.Context,
    tickets: Annotated[
        int, typer.Option("--tickets", min=0, max=20_000_000, help="How many tickets to generate.")
    ] = 500,
    no_console: Annotated[bool, typer.Option("--no-console", help="Only create the database.")] = False,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the generator.")] = 12345,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    """Create a demo database: units, knowledge base, accounts and N tickets in every state."""
    from svcdesk.services import demo as demo_data
    from svcdesk.services.factory import initialize

    parent = ctx.obj or {}
    db = db or parent.get("db")
    lang = lang or parent.get("lang")
    services = initialize(settings(db, lang), common.CLOCK)
    created = demo_data.ensure_accounts(services)
    existing = demo_data.ticket_count(services)
    if existing and not created:
        out.print(
            f"the demo database at {services.db.url} is already there ({existing} tickets)", markup=False
        )
    elif tickets:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("generating tickets"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("tickets", total=tickets)
            result = demo_data.generate(
                services, tickets, seed=seed, progress=lambda n: progress.advance(task, n)
            )
        out.print(
            f"demo database: {services.db.url}\n"
            f"{result.tickets} tickets, {result.audit_rows} audit entries, {result.callbacks} callbacks, "
            f"{result.links} bindings in {result.seconds:.1f} s",
            markup=False,
        )
    if created:
        out.print(
            f"accounts created: {', '.join(created)} (password: {demo_data.DEMO_PASSWORD})", markup=False
        )
    else:
        out.print(
            f"accounts: {', '.join(a for a, _, _ in demo_data.DEMO_ACCOUNTS)}"
            f" (password: {demo_data.DEMO_PASSWORD})",
            markup=False,
        )
    services.close()
    if not no_console:
        open_console(db, lang)


def run() -> None:
    """Every command through Typer (``svcdesk`` itself starts at :func:`svcdesk.cli.launch.run`)."""
    app(prog_name="svcdesk")
