"""``svcdesk tickets …``: intake and follow-up from scripts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table
from rich.text import Text

from svcdesk.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    PasswordOpt,
    UserOpt,
    handled,
    local,
    open_services,
    out,
    parse_datetime,
    print_json,
    sign_in,
)

if TYPE_CHECKING:
    from svcdesk.services.factory import Services
    from svcdesk.services.views import TicketView

app = typer.Typer(
    help="Tickets: take, list, show, dispatch, remind, reply, return, supervise, call back, bind.",
    no_args_is_help=True,
)


def _left(v: TicketView, services: Services) -> Text:
    if v.deadline_at is None:
        return Text("")
    delta = v.deadline_at - services.clock.now()
    minutes = int(abs(delta.total_seconds()) // 60)
    text = (
        f"{minutes // 1440}d{minutes % 1440 // 60:02d}h"
        if minutes >= 1440
        else f"{minutes // 60}h{minutes % 60:02d}m"
    )
    return Text(text) if delta.total_seconds() >= 0 else Text(f"-{text}", style="red")


@app.command("new")
@handled
def new(
    phone: Annotated[str, typer.Option("--phone", help="Caller's phone number.")] = "",
    name: Annotated[str, typer.Option("--name", help="Caller's name (empty for anonymous).")] = "",
    time: Annotated[str, typer.Option("--time", help="When the event happened: YYYY-MM-DD HH:MM.")] = "",
    place: Annotated[str, typer.Option("--place", help="Exact place of the event.")] = "",
    details: Annotated[str, typer.Option("--details", help="The request, objective and complete.")] = "",
    category: Annotated[
        str, typer.Option("--category", help="suggestion, general_request, help, complaint, inquiry, praise.")
    ] = "",
    subtype: Annotated[str, typer.Option("--subtype", help="The category's subtype (see docs).")] = "",
    mode: Annotated[str, typer.Option("--mode", help="direct, phone_handover or transfer.")] = "",
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Handling unit code (phone hand-over; a suggestion for transfer)."),
    ] = None,
    anonymous: Annotated[bool, typer.Option("--anonymous", help="The caller gives no name.")] = False,
    urgent: Annotated[
        bool, typer.Option("--urgent", help="Urgent: due within 24 hours once dispatched.")
    ] = False,
    major: Annotated[
        bool, typer.Option("--major", help="Flag a major complaint (重大): the lead and office are told.")
    ] = False,
    result: Annotated[
        str, typer.Option("--result", help="For a direct ticket: how it was handled and the result.")
    ] = "",
    contact: Annotated[
        str, typer.Option("--contact", help="Phone hand-over: who at the unit was spoken to.")
    ] = "",
    bind_to: Annotated[str | None, typer.Option("--bind-to", help="Bind to this related ticket.")] = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Create a ticket as an agent would at intake; prints its number."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    view = services.tickets.take_call(
        actor,
        {
            "caller_phone": phone,
            "caller_name": name,
            "event_time": time,
            "place": place,
            "details": details,
            "category": category,
            "subtype": subtype,
            "mode": mode,
            "unit_code": unit,
            "anonymous": anonymous,
            "urgent": urgent,
            "major": major,
        },
        direct_result=result,
        handover_contact=contact,
        bind_to=bind_to,
    )
    if as_json:
        print_json(view.to_json())
    else:
        out.print(view.number)


@app.command("list")
@handled
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="draft, awaiting_dispatch, with_unit, awaiting_callback, supervised, closed."
        ),
    ] = None,
    category: Annotated[str | None, typer.Option("--category")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit code.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open tickets past their limit, most overdue first.")
    ] = False,
    mine: Annotated[bool, typer.Option("--mine", help="Only tickets I accepted.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000)] = 50,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """List tickets, newest first (or by deadline with --overdue)."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    views = services.tickets.list(
        actor, status=status, category=category, unit=unit, overdue=overdue, mine=mine, limit=limit
    )
    if as_json:
        print_json([v.to_json() for v in views])
        return
    table = Table(box=None, header_style="bold")
    for col in ("number", "status", "category", "unit", "caller", "left"):
        table.add_column(col, no_wrap=True)
    table.add_column("place", overflow="ellipsis", no_wrap=True, max_width=30)
    for v in views:
        table.add_row(
            v.number,
            v.status,
            f"{v.category}/{v.subtype}",
            v.unit or "",
            f"{v.caller_name or ''} {v.caller_phone or ''}".strip(),
            _left(v, services),
            v.place,
        )
    out.print(table)
    out.print(f"{len(views)} ticket(s)")


@app.command("search")
@handled
def search(
    text: Annotated[str, typer.Argument(help="Chinese substrings of the place or details; all must occur.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Tickets whose place or details contain TEXT (terms separated by spaces), newest first."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    views = services.tickets.search(actor, text, limit)
    if as_json:
        print_json([v.to_json() for v in views])
        return
    for v in views:  # one line each; what callers said is printed as text, never as markup
        out.print(
            f"{v.number}  {v.status:<17}  {v.place}  {v.details}",
            markup=False,
            highlight=False,
            no_wrap=True,
            overflow="ellipsis",
        )
    out.print(f"{len(views)} ticket(s)")


@app.command("show")
@handled
def show(
    number: Annotated[str, typer.Argument(help="Ticket number, e.g. 20261122-0042.")],
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """One ticket with its whole history."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    v = services.tickets.get(actor, number)
    if as_json:
        print_json(v.to_json(with_history=True))
        return
    out.print(
        Text.assemble(
            (v.number, "bold"),
            f"  {v.status}  {v.category}/{v.subtype}  {v.mode}",
            ("  urgent" if v.urgent else "", "red"),
            ("  major" if v.major else "", "red"),
        )
    )
    rows = [
        ("caller", f"{v.caller_name or '(anonymous)'}  {v.caller_phone or ''}"),
        ("event", f"{local(v.event_time, services)}  {v.place}"),
        ("details", v.details),
        ("unit", v.unit or ""),
        ("created", local(v.created_at, services)),
        ("dispatch due", local(v.dispatch_due_at, services)),
        ("dispatched", local(v.dispatched_at, services)),
        ("due", local(v.due_at, services) + (" (provisional)" if v.due_provisional else "")),
        ("replied", local(v.replied_at, services)),
        ("reply", v.reply_text),
        ("callback due", local(v.callback_due_at, services)),
        ("closed", local(v.closed_at, services) + (f" ({v.close_reason})" if v.close_reason else "")),
        ("bound to", ", ".join(v.bound_to)),
        ("accepted by", v.accepted_by or ""),
    ]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    for k, val in rows:
        if val:
            table.add_row(k, val)
    out.print(table)
    out.print("history", style="bold")
    for h in v.history or []:
        out.print(f"  {local(h.at, services)}  {h.account or '-':<10} {h.action:<22} {h.note}", markup=False)


def _step(services: Services, view: TicketView, as_json: bool) -> None:
    if as_json:
        print_json(view.to_json())
    else:
        extra = f" → {view.unit}" if view.unit and view.status == "with_unit" else ""
        out.print(f"{view.number}: {view.status}{extra}", markup=False)


@app.command("dispatch")
@handled
def dispatch(
    number: Annotated[str, typer.Argument()],
    unit: Annotated[str, typer.Option("--unit", help="The unit's code, as `units list` shows.")],
    days: Annotated[int, typer.Option("--days", help="Working days to handle it, 3 to 5.")] = 5,
    urgent: Annotated[
        bool | None,
        typer.Option("--urgent/--not-urgent", help="Urgent: due within 24 hours.", show_default=False),
    ] = None,
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Dispatch (交办) a ticket to a handling unit; a bound group goes together."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.dispatch(actor, number, unit, days, urgent, note), as_json)


@app.command("remind")
@handled
def remind(
    number: Annotated[str, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Remind (催办) the unit before the limit runs out."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.remind(actor, number, note), as_json)


@app.command("reply")
@handled
def reply(
    number: Annotated[str, typer.Argument()],
    text: Annotated[str, typer.Option("--text", help="The unit's reply.")],
    at: Annotated[str | None, typer.Option("--at", help="When the unit replied (default: now).")] = None,
    handler: Annotated[str, typer.Option("--handler", help="Who at the unit handled it.")] = "",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a handling unit's reply; the callback clock starts."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    replied_at: datetime | None = parse_datetime(at, "at", services) if at else None
    _step(services, services.tickets.reply(actor, number, text, replied_at, handler), as_json)


@app.command("return")
@handled
def return_(
    number: Annotated[str, typer.Argument()],
    reason: Annotated[str, typer.Option("--reason", help="Why the unit returned it.")],
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a unit returning (退回) a ticket that is not theirs."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.return_(actor, number, reason), as_json)


@app.command("supervise")
@handled
def supervise(
    number: Annotated[str, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Put a ticket under the office's supervision (督办)."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.supervise(actor, number, note), as_json)


@app.command("escalate")
@handled
def escalate(
    number: Annotated[str, typer.Argument()],
    note: Annotated[str, typer.Option("--note")] = "",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Send a hot or difficult matter to the office (a lead's step)."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.escalate(actor, number, note), as_json)


@app.command("close")
@handled
def close(
    number: Annotated[str, typer.Argument()],
    note: Annotated[str, typer.Option("--note", help="How the supervised matter ended.")],
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Close a supervised ticket (the office)."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    _step(services, services.tickets.close_supervised(actor, number, note), as_json)


@app.command("callback")
@handled
def callback(
    number: Annotated[str, typer.Argument()],
    result: Annotated[
        str, typer.Option("--result", help="satisfied, basically_satisfied, unsatisfied or unreached.")
    ],
    note: Annotated[
        str, typer.Option("--note", help="The caller's opinion; the reason when unsatisfied.")
    ] = "",
    next_at: Annotated[
        str | None, typer.Option("--next-at", help="Not reached or busy: when to call again.")
    ] = None,
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Record a callback (回访) and its outcome."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    when = parse_datetime(next_at, "next_at", services) if next_at else None
    _step(services, services.tickets.callback(actor, number, result, note, when), as_json)


@app.command("bind")
@handled
def bind(
    number: Annotated[str, typer.Argument()],
    to: Annotated[str, typer.Option("--to", help="The related ticket.")],
    kind: Annotated[str, typer.Option("--kind", help="same_matter or same_caller.")] = "same_matter",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """Bind related tickets (参阅): one matter, each caller still called back."""
    services = open_services(db, lang)
    actor = sign_in(services, user, password)
    view = services.tickets.bind(actor, number, to, kind)
    if as_json:
        print_json(view.to_json())
    else:
        out.print(f"{view.number} bound with {', '.join(view.bound_to)}", markup=False)
