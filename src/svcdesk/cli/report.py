"""``svcdesk report daily|weekly|monthly``: the figures of spec §13 as text, JSON or CSV.

The text is a few Rich tables no wider than 80 columns, labelled in the interface language
(``--lang``); JSON and CSV keep the contract's English keys for scripts and spreadsheets.
"""

from __future__ import annotations

import csv
import io
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from svcdesk.cli.common import (
    DbOpt,
    JsonOpt,
    LangOpt,
    PasswordOpt,
    UserOpt,
    handled,
    open_services,
    out,
    parse_date,
    print_json,
    sign_in,
)
from svcdesk.i18n import Translator
from svcdesk.services.errors import Invalid

if TYPE_CHECKING:
    from svcdesk.services.metrics import Rate
    from svcdesk.services.reports import Report

WIDTH = 80
FORMATS = ("text", "json", "csv")


def _table(*columns: tuple[str, str], title: str | None = None) -> Table:
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        header_style="bold",
        pad_edge=False,
        padding=(0, 1),
    )
    for header, justify in columns:
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    return table


def _share(n: int, total: int) -> str:
    return f"{n * 100 / total:.1f}%" if total else "-"


def render(report: Report, lang: str) -> RenderableType:
    """The report as Rich renderables that fit an 80-column terminal."""
    t = Translator(lang)
    f = report.figures
    p = report.period
    if p.kind == "daily":
        title = t("report.title.daily", first=p.first_day.isoformat())
    elif p.kind == "weekly":
        title = t("report.title.weekly", first=p.first_day.isoformat(), last=p.last_day.isoformat())
    else:
        title = t("report.title.monthly", month=p.first_day.strftime("%Y-%m"))
    as_of = report.local(f.as_of).strftime("%Y-%m-%d %H:%M")
    parts: list[RenderableType] = [
        Text.assemble((title, "bold"), "  ", (t("report.as_of", at=as_of), "dim")),
        Text(t("report.tickets", n=f.counts.total)),
        Text(""),
    ]

    rates = _table(
        (t("report.col.figure"), "left"),
        (t("report.col.met"), "right"),
        (t("report.col.missed"), "right"),
        (t("report.col.rate"), "right"),
        (t("report.col.pending"), "right"),
        title=t("report.section.rates"),
    )
    for name, r in f.rates().items():
        pending = "" if name == "satisfaction" else str(r.pending)
        rates.add_row(t(f"report.rate.{name}"), str(r.met), str(r.missed), r.percent(), pending)
    parts.append(rates)
    results = ", ".join(f"{t(f'report.result.{k}')} {n}" for k, n in f.callback_results.items())
    parts.append(Text(f"{t('report.section.callbacks')}: {results}"))
    overdue = ", ".join(f"{t(f'status.{k}')} {n}" for k, n in f.overdue_now.items() if n)
    parts.append(Text(t("report.overdue", n=f.overdue_total) + (f" ({overdue})" if overdue else "")))
    parts.append(Text(""))

    cats = _table(
        (t("report.col.category"), "left"),
        (t("report.col.subtype"), "left"),
        (t("report.col.tickets"), "right"),
        (t("report.col.share"), "right"),
        title=t("report.section.categories"),
    )
    for c, s, n in report.categories():
        cats.add_row(t(f"category.{c}"), t(f"subtype.{c}.{s}"), str(n), _share(n, f.counts.total))
    modes = _table(
        (t("report.col.mode"), "left"),
        (t("report.col.tickets"), "right"),
        (t("report.col.share"), "right"),
        title=t("report.section.modes"),
    )
    for m, n in report.modes():
        modes.add_row(t(f"mode.{m}"), str(n), _share(n, f.counts.total))
    parts += [cats if f.counts.total else Text(t("report.none")), modes if f.counts.total else Text("")]

    units = _table(
        (t("report.col.unit"), "left"),
        (t("report.col.name"), "left"),
        (t("report.col.tickets"), "right"),
        (t("report.col.in_time"), "right"),
        (t("report.col.rate"), "right"),
        (t("report.col.overdue"), "right"),
        title=t("report.section.units"),
    )
    units.columns[1].max_width = 24
    units.columns[1].overflow = "ellipsis"
    units.columns[1].no_wrap = True
    for u in f.units:
        h: Rate = u.handled_in_time
        units.add_row(u.code, u.name, str(u.tickets), f"{h.met}/{h.decided}", h.percent(), str(u.overdue_now))
    if f.counts.by_unit.get(None):
        units.add_row("", t("report.no_unit"), str(f.counts.by_unit[None]), "", "", "")
    parts.append(units if units.row_count else Text(""))

    groups = _table(
        (t("report.col.first"), "left"),
        (t("report.col.size"), "right"),
        (t("report.col.new"), "right"),
        (t("report.col.open"), "right"),
        (t("report.col.category"), "left"),
        (t("report.col.place"), "left"),
        title=t("report.section.groups"),
    )
    groups.columns[5].max_width = 26
    groups.columns[5].overflow = "ellipsis"
    groups.columns[5].no_wrap = True
    for g in f.groups:
        groups.add_row(
            g.number, str(g.size), str(g.new_in_window), str(g.open), t(f"category.{g.category}"), g.place
        )
    parts.append(groups if f.groups else Text(f"{t('report.section.groups')}: {t('report.none')}"))
    return Group(*parts)


def render_csv(report: Report) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(report.csv_rows())
    return buffer.getvalue()


@handled
def report(
    period: Annotated[
        str, typer.Argument(help="daily, weekly (Monday to Sunday) or monthly.", show_default=False)
    ],
    day: Annotated[
        str | None,
        typer.Option("--date", help="A day of the period, YYYY-MM-DD (default: today).", show_default=False),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, json or csv.")] = "text",
    as_json: JsonOpt = False,
    db: DbOpt = None,
    user: UserOpt = None,
    password: PasswordOpt = None,
    lang: LangOpt = None,
) -> None:
    """The daily, weekly or monthly report: tickets by category, mode and unit; the
    time-limit rates; satisfaction; overdue now; hot matters (bound groups).
    See docs/reports.md."""
    from svcdesk.services.metrics import PERIOD_KINDS

    fmt = "json" if as_json else fmt
    if period not in PERIOD_KINDS:
        raise Invalid(f"period: one of {', '.join(PERIOD_KINDS)}, not {period!r}", field="period")
    if fmt not in FORMATS:
        raise Invalid(f"format: one of {', '.join(FORMATS)}, not {fmt!r}", field="format")
    when = parse_date(day, "date") if day else None
    services = open_services(db, lang)
    try:
        actor = sign_in(services, user, password)
        result = services.reports.report(actor, period, when)
    finally:
        services.close()
    if fmt == "json":
        print_json(result.to_json())
    elif fmt == "csv":
        sys.stdout.write(render_csv(result))
    else:
        console = out if out.width <= WIDTH else Console(width=WIDTH, highlight=False, markup=False)
        console.print(render(result, services.settings.lang))
