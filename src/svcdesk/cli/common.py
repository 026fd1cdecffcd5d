"""What every command shares: the options of the contract, signing in, output and errors."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from svcdesk.domain.clock import Clock
from svcdesk.services.context import Actor
from svcdesk.services.errors import (
    Conflict,
    Invalid,
    NotFound,
    NotSignedIn,
    PermissionDenied,
    ServiceError,
)
from svcdesk.services.settings import Settings
from svcdesk.store.errors import DatabaseError

if TYPE_CHECKING:
    # The services and the database layer load when a command opens them, not when the
    # command line starts: the console draws its sign-in screen before they are needed.
    from svcdesk.services.factory import Services

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SVCDESK_DB",
        help="SQLite file path or SQLAlchemy URL (postgresql+psycopg://…).",
        show_default=False,
    ),
]
UserOpt = Annotated[
    str | None,
    typer.Option("--user", envvar="SVCDESK_USER", help="Account to sign in with.", show_default=False),
]
PasswordOpt = Annotated[
    str | None,
    typer.Option("--password", envvar="SVCDESK_PASSWORD", help="Its password.", show_default=False),
]
LangOpt = Annotated[
    str | None,
    typer.Option("--lang", envvar="SVCDESK_LANG", help="Interface language: zh or en.", show_default=False),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output on stdout.")]

EXIT_CODES: dict[type[Exception], int] = {
    Invalid: 2,
    NotSignedIn: 3,
    PermissionDenied: 3,
    NotFound: 4,
    Conflict: 5,
}

# Tests inject a frozen clock here; the console and the CLI otherwise use the system clock.
CLOCK: Clock | None = None

# What callers said (a place, the details, a name) is printed as text, never read as Rich
# markup: "路口[/b]" would otherwise stop the command with a markup error. Styled output is
# built with rich.text.Text.
err = Console(stderr=True, highlight=False, markup=False)
out = Console(highlight=False, markup=False)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def handled(fn: Callable[P, R]) -> Callable[P, R]:
    """Turns the services' refusals into a message on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ServiceError as exc:
            code = next((c for t, c in EXIT_CODES.items() if isinstance(exc, t)), 1)
            raise fail(str(exc).replace("[", "\\["), code) from None
        except DatabaseError as exc:
            raise fail(str(exc).replace("[", "\\["), 6) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper


def settings(db: str | None, lang: str | None = None) -> Settings:
    try:
        return Settings.resolve(db=db, lang=lang)
    except ValueError as exc:
        raise Invalid(str(exc), field="lang") from exc


def open_services(db: str | None, lang: str | None = None) -> Services:
    from svcdesk.services.factory import build_services

    return build_services(settings(db, lang), CLOCK)


def sign_in(services: Services, user: str | None, password: str | None) -> Actor:
    if not user:
        raise NotSignedIn("sign in: give --user and --password (or SVCDESK_USER and SVCDESK_PASSWORD)")
    if password is None:
        if sys.stdin.isatty():
            password = typer.prompt(f"password for {user}", hide_input=True)
        else:
            raise NotSignedIn(f"sign in: no password given for {user} (--password or SVCDESK_PASSWORD)")
    return services.accounts.sign_in(user, password or "")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def parse_date(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{field}: {value!r} is not a date; use YYYY-MM-DD", field=field) from None


def parse_datetime(value: str, field: str, services: Services) -> datetime:
    text = value.strip().replace("T", " ", 1) if "T" in value[:11] else value.strip()
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"{field}: {value!r} is not a date and time; use YYYY-MM-DD HH:MM", field=field
        ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=services.settings.tz)
    return dt


def local(dt: datetime | None, services: Services, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return dt.astimezone(services.settings.tz).strftime(fmt) if dt else ""
