"""``svcdesk accounts …``, ``svcdesk db …``, ``svcdesk calendar …``, ``units`` and ``kb``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from svcdesk.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    PasswordOpt,
    UserOpt,
    fail,
    handled,
    open_services,
    out,
    parse_date,
    print_json,
    settings,
    sign_in,
)
from svcdesk.domain.roles import Permission
from svcdesk.services.errors import Invalid

accounts_app = typer.Typer(help="Account administration (the office).", no_args_is_help=True)
db_app = typer.Typer(help="The database: backup and integrity check.", no_args_is_help=True)
calendar_app = typer.Typer(
    help="The working-day calendar (statutory holidays and 调休).", no_args_is_help=True
)
units_app = typer.Typer(help="Handling units (承办单位).", no_args_is_help=True)
kb_app = typer.Typer(help="The knowledge base (知识库).", no_args_is_help=True)


@accounts_app.command("add")
@handled
def accounts_add(
    username: Annotated[str, typer.Argument()],
    role: Annotated[str, typer.Option("--role", help="agent, lead or office.")],
    new_password: Annotated[
        str,
        typer.Option(
            "--new-password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            help="The new account's password.",
        ),
    ],
    display_name: Annotated[str, typer.Option("--display-name")] = "",
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Add an account."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    created = services.accounts.add(actor, username, new_password, role, display_name)
    out.print(f"added {created.username} ({created.role.value})", markup=False)


@accounts_app.command("list")
@handled
def accounts_list(
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """List accounts."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    rows = services.accounts.list(actor)
    if as_json:
        print_json(rows)
        return
    table = Table(box=None, header_style="bold")
    for c in ("username", "display_name", "role", "active"):
        table.add_column(c)
    for r in rows:
        table.add_row(
            str(r["username"]), str(r["display_name"]), str(r["role"]), "yes" if r["active"] else "no"
        )
    out.print(table)


@accounts_app.command("passwd")
@handled
def accounts_passwd(
    username: Annotated[str, typer.Argument()],
    new_password: Annotated[
        str, typer.Option("--new-password", prompt=True, hide_input=True, confirmation_prompt=True)
    ],
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Set an account's password (your own, or any as the office)."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    services.accounts.passwd(actor, username, new_password)
    out.print(f"password changed for {username}", markup=False)


@accounts_app.command("disable")
@handled
def accounts_disable(
    username: Annotated[str, typer.Argument()],
    enable: Annotated[bool, typer.Option("--enable", help="Enable it again instead.")] = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Disable an account: it can no longer sign in."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    services.accounts.set_active(actor, username, enable)
    out.print(f"{username} {'enabled' if enable else 'disabled'}", markup=False)


@db_app.command("backup")
@handled
def db_backup(
    path: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """An online, consistent copy of the database, safe while agents are working."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    actor.require(Permission.ADMIN_DB, "back up the database")
    if path.exists():
        raise Invalid(f"path: {path} exists; choose a new file", field="path")
    services.db.backup(path)
    out.print(f"backup written to {path}", markup=False)


@db_app.command("check")
@handled
def db_check(
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check the database's integrity and schema version.

    SQLite: the file's integrity and foreign-key checks; both backends: svcdesk's own checks
    (each day's ticket counter, known statuses, every ticket's intake in the audit trail)."""
    from svcdesk.services.factory import check_database

    checked = check_database(settings(db, lang))
    about, state, problems = checked.about, checked.schema, checked.problems
    if as_json:
        print_json(
            {
                "database": about,
                "schema": state,
                "problems": problems,
                "ok": not problems and state == "current",
            }
        )
    else:
        out.print(f"database: {about['backend']} {about['version']}  {about['url']}", markup=False)
        out.print(f"schema: {state}", markup=False)
        for p in problems:
            out.print(f"problem: {p}", markup=False)
        out.print("ok" if not problems else f"{len(problems)} problem(s)")
    if problems or state != "current":
        raise typer.Exit(1)


@calendar_app.command("due")
@handled
def calendar_due(
    start: Annotated[str, typer.Argument(help="The start day, YYYY-MM-DD (not counted).")],
    days: Annotated[int, typer.Option("--days", help="Working days.", min=0, max=366)],
    as_json: JsonOpt = False,
    db: DbOpt = None,
    lang: LangOpt = None,
) -> None:
    """The due date N working days after START, by the holiday calendar.

    The start day is not counted (民法典 第二百零一条). Needs no sign-in: it reads only the
    public holiday calendar (and the years the office loaded, when the database exists).
    """
    day = parse_date(start, "start")
    from svcdesk.services.factory import public_calendar

    service = public_calendar(settings(db, lang))
    result, provisional = service.due(day, days)
    if as_json:
        print_json(
            {"start": day.isoformat(), "days": days, "due": result.isoformat(), "provisional": provisional}
        )
        return
    if provisional:
        out.print(
            f"{result.isoformat()} (provisional: the official holiday calendar of "
            f"{', '.join(str(y) for y in service.calendar().missing_years(day, result))} is not loaded)",
            markup=False,
        )
    else:
        out.print(result.isoformat())


@calendar_app.command("load")
@handled
def calendar_load(
    path: Annotated[Path, typer.Argument(help="A year file (see data/calendar/README.md).")],
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Load or correct a year of the holiday calendar (the office); provisional limits are recomputed."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    year, changed = services.calendar.load_year(actor, path)
    out.print(
        f"{year.year} loaded ({len(year.holidays)} holidays, {len(year.workdays)} adjusted working days); "
        f"{changed} open ticket(s) recomputed",
        markup=False,
    )


@units_app.command("list")
@handled
def units_list(
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """The handling units and their codes."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    units = services.reference.units(actor)
    if as_json:
        print_json([u.to_json() for u in units])
        return
    table = Table(box=None, header_style="bold")
    for c in ("code", "name", "kind", "phone"):
        table.add_column(c)
    for u in units:
        table.add_row(u.code, u.name, u.kind, u.phone)
    out.print(table)


@kb_app.command("search")
@handled
def kb_search(
    text: Annotated[str, typer.Argument(help="Words to look for (Chinese substrings work).")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Search the knowledge base."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    hits = services.reference.kb_search(actor, text, limit)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    if not hits:
        raise fail(f"nothing found for {text!r}", 1)
    for h in hits:
        out.print(Text.assemble((h.title, "bold"), f"  ({h.department} {h.contact})"))
        out.print(f"  {h.answer}", markup=False)
